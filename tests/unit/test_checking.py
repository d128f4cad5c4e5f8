"""The data channel between a student's kernel and the trusted checker, and the check runner."""

import json

import numpy as np
import pandas as pd
import pytest

from worldlab import checking
from worldlab.checking import (
    ChannelError,
    LocalStudent,
    StudentError,
    dumps,
    hidden_test,
    loads,
    seeded_rng,
)


def test_round_trip_keeps_types_shapes_and_labels():
    frame = pd.DataFrame({"id": ["a", "b"], "x": [1.0, 2.0], "n": [1, 2]}, index=[10, 20])
    series = pd.Series([3, 4], index=pd.Index(["p", "q"], name="who"), name="count")
    value = {
        "scalar": np.int64(3),
        (1, 2): [np.arange(6, dtype=np.int16).reshape(2, 3), frame, series],
        "misc": (float("nan"), float("-inf"), None, True, {1, 2}, 2**70),
    }
    back = loads(dumps(value))
    assert back["scalar"] == 3 and back["scalar"].dtype == np.int64
    array, frame_back, series_back = back[(1, 2)]
    assert array.dtype == np.int16 and array.shape == (2, 3)
    pd.testing.assert_frame_equal(frame_back, frame)
    pd.testing.assert_series_equal(series_back, series)
    nan, neg_inf, none, true, a_set, big = back["misc"]
    assert np.isnan(nan) and neg_inf == -np.inf and none is None and true is True
    assert a_set == {1, 2} and big == 2**70


@pytest.mark.parametrize(
    "hostile",
    [
        '{"__pickle__": "gASVAAAAAAAAAAB9lC4="}',  # a pickle smuggled under a tag
        '{"__ndarray__": {"dtype": "|O", "shape": [1], "data": "AAAAAAAAAAA="}}',  # object dtype
        '{"__ndarray__": {"dtype": "<f8", "shape": [3], "data": "AAAAAAAAAAA="}}',  # wrong size
        '{"__kit__": "worldlab.stats.mean_ci"}',  # a reference inside a result
        '{"a": 1, "b": 2}',  # an untagged object
        "not json",
    ],
)
def test_hostile_payloads_are_refused(hostile):
    with pytest.raises(ChannelError):
        loads(hostile)


def test_objects_and_oversized_values_cannot_cross(monkeypatch):
    with pytest.raises(ChannelError, match="cannot cross"):
        dumps(object())
    with pytest.raises(ChannelError, match="dtype object"):
        dumps(np.array([object()], dtype=object))
    monkeypatch.setattr(checking, "MAX_ELEMENTS", 100)
    with pytest.raises(ChannelError, match="larger than the limit"):
        dumps(np.zeros(101))
    claim = json.dumps({"__ndarray__": {"dtype": "<f8", "shape": [10**9], "data": ""}})
    with pytest.raises(ChannelError, match="larger than the limit"):
        loads(claim)
    monkeypatch.setattr(checking, "MAX_PAYLOAD_CHARS", 50)
    with pytest.raises(ChannelError, match="over the limit"):
        loads(" " * 51)


def test_local_student_calls_by_name_with_data_both_ways():
    namespace = {
        "total": lambda frame: frame["x"].sum(),
        "draw": lambda rng: rng.integers(1000),
        "fill": lambda values: values.__setitem__(0, 5),
        "stub": lambda: (_ for _ in ()).throw(NotImplementedError()),
        "buggy": lambda: 1 / 0,
        "returns_object": lambda: object(),
    }
    student = LocalStudent(namespace)
    assert student.total(pd.DataFrame({"x": [1.0, 2.5]})) == 3.5
    assert student.draw(seeded_rng(7)) == np.random.default_rng(7).integers(1000)
    value, args, _ = student.fill.returning_arguments([1, 2])
    assert value is None and args == [[5, 2]]
    # A generator argument (in-place functions such as a Dyna-Q step take one) comes back in its
    # state after the call; one passed as a generator crosses in its state.
    value, args, kwargs = student.draw.returning_arguments(rng=seeded_rng(7))
    mine = np.random.default_rng(7)
    assert value == mine.integers(1000)
    assert kwargs["rng"].bit_generator.state == mine.bit_generator.state
    mine.random()
    assert student.draw(mine) == np.random.default_rng(mine.bit_generator).integers(1000)
    with pytest.raises(StudentError, match="not written yet"):
        student.stub()
    with pytest.raises(StudentError, match="ZeroDivisionError"):
        student.buggy()
    with pytest.raises(StudentError, match="cannot cross"):
        student.returns_object()
    with pytest.raises(StudentError, match="defines no function named 'absent'"):
        student.absent()
    assert student.defines("total") and not student.defines("absent")


def test_many_calls_cross_in_one_request_and_stop_at_the_first_failure():
    sent = []

    class Counting(LocalStudent):
        def send(self, request):
            sent.append(request)
            return super().send(request)

    def scaled(values, rng, scale=1.0):
        if scale < 0:
            raise ValueError("negative scale")
        return scale * (np.asarray(values) + rng.integers(10))

    student = Counting({"scaled": scaled})
    calls = [(np.arange(3.0), seeded_rng(seed)) for seed in range(5)]
    got = student.scaled.many(calls, scale=2.0)
    assert len(sent) == 1, "a batch is one request"
    for (values, _), seed, result in zip(calls, range(5), got, strict=True):
        np.testing.assert_array_equal(result, student.scaled(values, seeded_rng(seed), scale=2.0))
    assert student.scaled.many([]) == []
    with pytest.raises(StudentError, match="ValueError: negative scale"):
        student.scaled.many(calls, scale=-1.0)
    with pytest.raises(StudentError, match="defines no function named 'absent'"):
        student.absent.many(calls)


def test_a_batch_reply_of_the_wrong_length_is_a_channel_error():
    class Forging(LocalStudent):
        def send(self, request):
            return dumps({"ok": True, "values": [1.0]})

    with pytest.raises(ChannelError, match="not one result per call"):
        Forging({}).scaled.many([(1,), (2,)])


def test_claims_are_limited_to_the_lab_kit_and_kit_calls_are_gone():
    student = LocalStudent({})
    with pytest.raises(StudentError, match="only lab-kit functions"):
        student.claim("os.system")("true")
    assert student.claim("worldlab.testing.assert_close")(1.0, 1.0, "x") is None
    with pytest.raises(StudentError, match="AssertionError: x: expected"):
        student.claim("worldlab.testing.assert_close")(1.0, 2.0, "x")
    with pytest.raises(ChannelError, match="can have been replaced"):
        student.kit("worldlab.testing.assert_close")


def test_in_place_calls_cross_in_one_request_with_their_generators():
    def offer(buffer, n_seen, item, capacity, rng):
        if len(buffer) < capacity:
            buffer.append(item)
        else:
            buffer[int(rng.integers(capacity))] = item
        return n_seen + 1

    student = LocalStudent({"offer": offer})
    gens = [np.random.default_rng(seed) for seed in range(3)]
    replies = student.offer.many_returning_arguments([([7, 8], 2, 9, 2, g) for g in gens])
    for (value, args, kwargs), g in zip(replies, gens, strict=True):
        expected = [7, 8]
        offer(expected, 2, 9, 2, g)  # the caller's generators are not advanced by the call
        assert value == 3 and args[0] == expected and kwargs == {}
        assert args[4].bit_generator.state == g.bit_generator.state


@pytest.mark.parametrize(
    "body",
    [
        {"state": "1", "inc": "2", "has_uint32": 0},
        {"state": str(2**128), "inc": "2", "has_uint32": 0, "uinteger": 0},
        {"state": "-1", "inc": "2", "has_uint32": 0, "uinteger": 0},
        {"state": "1", "inc": "2", "has_uint32": 2, "uinteger": 0},
        {"state": "1", "inc": "2", "has_uint32": 0, "uinteger": 2**32},
    ],
)
def test_a_malformed_generator_state_is_refused(body):
    with pytest.raises(ChannelError, match="generator state"):
        loads(json.dumps({"__rngstate__": body}))


def test_hidden_test_runs_here_or_where_the_grader_says():
    seen = []

    @hidden_test({"double": lambda x: 2 * x}, stream=4)
    def check(student, rng):
        seen.append((student.double(21), float(rng.random())))

    assert seen[0][0] == 42
    handed = []
    with checking.checks_run_by(lambda check, stream: handed.append(stream)):

        @hidden_test({}, stream=9)
        def other(student, rng):  # never run here
            raise AssertionError

    assert handed == [9]


# ---------------------------------------------------------------------------------------------
# The channel as the grader reads it from a kernel (worldlab.grading.remote_checks)
# ---------------------------------------------------------------------------------------------


def _kernel_reply(text_plain):
    """An execute_reply's content whose user expression ``r`` printed ``text_plain``."""
    return {
        "status": "ok",
        "user_expressions": {"r": {"status": "ok", "data": {"text/plain": text_plain}}},
    }


def _student_answering(reply_json):
    """A RemoteStudent whose kernel answers every call with ``reply_json`` (as a kernel would)."""
    from worldlab.grading.remote_checks import RemoteStudent, read_expression_reply

    return RemoteStudent(lambda expression: read_expression_reply(_kernel_reply(repr(reply_json))))


def test_remote_calls_decode_plain_data():
    value = np.arange(4.0)
    student = _student_answering(dumps({"ok": True, "value": value}))
    np.testing.assert_array_equal(student.double(2), value)


def test_the_remote_channel_refuses_pickle():
    student = _student_answering('{"ok": true, "value": {"__pickle__": "gASVAAAAAAAAAAB9lC4="}}')
    with pytest.raises(ChannelError, match="pickle"):
        student.double(2)


def test_the_remote_channel_refuses_an_oversized_array():
    huge = checking.MAX_ELEMENTS + 1
    student = _student_answering(
        json.dumps(
            {
                "__dict__": [
                    ["ok", True],
                    ["value", {"__ndarray__": {"dtype": "<f8", "shape": [huge], "data": ""}}],
                ]
            }
        )
    )
    with pytest.raises(ChannelError, match="larger than the limit"):
        student.double(2)


@pytest.mark.parametrize(
    "text_plain",
    [
        "42",  # a number where the reply's text should be
        "<function double at 0x7f>",  # an object's repr, not a literal
        "__import__('os').system('true')",  # code is never evaluated
    ],
)
def test_the_remote_channel_refuses_a_reply_of_the_wrong_type(text_plain):
    from worldlab.grading.remote_checks import RemoteStudent, read_expression_reply

    student = RemoteStudent(lambda expression: read_expression_reply(_kernel_reply(text_plain)))
    with pytest.raises(ChannelError):
        student.double(2)


def test_a_failed_kernel_request_is_a_channel_error():
    from worldlab.grading.remote_checks import read_expression_reply

    with pytest.raises(ChannelError, match="refused"):
        read_expression_reply({"status": "error", "ename": "NameError"})
    with pytest.raises(ChannelError, match="over the limit"):
        read_expression_reply(_kernel_reply("'" + "x" * 100 + "'"), limit=50)
    failed = {"status": "ok", "user_expressions": {"r": {"status": "error", "ename": "KeyError"}}}
    with pytest.raises(ChannelError, match="KeyError"):
        read_expression_reply(failed)


def _khash_collisions(n: int) -> np.ndarray:
    """``n`` distinct int64 values with one pandas hash: ``(k >> 33) ^ k ^ (k << 11)`` = 1."""
    keys = []
    for high in range(1, n + 1):
        low = target = (1 ^ high) & 0xFFFFFFFF  # solve low ^ (low << 11) == target (mod 2**32)
        for _ in range(3):
            low = target ^ ((low << 11) & 0xFFFFFFFF)
        keys.append((high << 33) | low)
    return np.array(keys, dtype=np.int64)


def test_pandas_hash_flooding_is_refused_before_pandas_sees_it():
    flood = _khash_collisions(2000)
    with pytest.raises(ChannelError, match="share one hash in pandas"):
        loads(dumps(pd.Series(np.zeros(len(flood)), index=flood)))
    with pytest.raises(ChannelError, match="share one hash in pandas"):
        loads(dumps(pd.DataFrame({"x": flood})))
    with pytest.raises(ChannelError, match="share one hash"):
        loads(dumps(pd.Series([i * (2**61 - 1) for i in range(1, 200)], dtype=object)))
    # Honest data: ranges, repeated labels, large random integers, mixed objects.
    rng = np.random.default_rng(0)
    for honest in [
        pd.Series(np.arange(5000)),
        pd.Series(["a", "b"] * 500),
        pd.Series(np.repeat([3, 3, 7], 100)),
        pd.DataFrame({"x": rng.integers(0, 2**62, 5000)}),
        pd.Series([1, 2.0, "x", None] * 10),
    ]:
        assert loads(dumps(honest)).shape == honest.shape
