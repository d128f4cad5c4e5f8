"""Hidden tests that judge a student's functions from outside the student's interpreter.

A hidden test of a course lesson is written once, as a *check*: a function that receives an
accessor for the student's names and a random generator, calls the student's functions on inputs
it draws, and asserts on what comes back::

    from worldlab.checking import hidden_test

    @hidden_test(globals(), stream=1)
    def check(student, rng):
        edges = ...                                   # inputs drawn from rng
        got = student.rebuttal_counts(claims, edges)  # runs the student's function
        assert got.to_dict() == expected, "..."

Where it runs decides what ``student`` and ``rng`` are:

* **plain nbgrader** (the check runs in the student's kernel): ``student`` reads the kernel's
  globals and ``rng`` is :func:`worldlab.testing.grading_rng` ``(stream)``;
* **worldlab grade**: the grader runs the check in its own trusted process. ``student`` is a proxy
  that asks the sandboxed kernel to call the function, and ``rng`` is seeded with the
  instructor's secret seed, which never enters the kernel. Neither the check's text, nor its
  expected values, nor the seed ever reach student code.

Either way, every argument and every result crosses as *data*: :func:`encode` and
:func:`decode` accept only plain values, numpy arrays of numbers, booleans or strings, and pandas
Series and DataFrames (no pickle, no objects, bounded size). A check therefore behaves the same in
both places: in plain nbgrader the values are round-tripped through the same codec.

What a check can ask of ``student``:

``student.NAME(*args, **kwargs)``
    call the student's function ``NAME``; returns its (decoded) result.
``student.NAME.returning_arguments(*args, **kwargs)``
    the same, for functions that work in place: returns ``(result, args, kwargs)`` with the
    arguments as they are after the call (a random generator comes back in its state after the
    call, as a new generator).
``student.NAME.many(calls, **kwargs)``
    call ``NAME`` once per item of ``calls`` (each a tuple of positional arguments; ``kwargs``
    go to every call) in one request: returns the list of results, or raises as the first
    failing call would. A statistical check that calls a function a hundred times pays the
    channel's round trip once (about 5 ms per request under ``worldlab grade``).
``student.NAME.many_returning_arguments(calls, **kwargs)``
    :meth:`many` for functions that work in place: one ``(result, args, kwargs)`` per call.
``student.claim("worldlab.module.function")(*args, **kwargs)``
    run a lab-kit function in the student's kernel (an experiment loop that takes the student's
    step as an argument: pass ``student.ref("NAME")``) and return its data as a **claim**. The
    kernel's copy of the kit can have been replaced by student code, so a claim never decides a
    score by itself: the check re-simulates the world from its own seed and asks the student's
    function again, on steps it samples after the claim came back, whether it makes the claimed
    choices (see lessons 06 and 08). Where the step can be checked against the lesson's
    reference, the experiment runs on the checker's side instead and needs no claim (05, 06's
    Dyna-Q, 12).
``student.defines("NAME")``
    whether the student's namespace has a callable ``NAME``.

Arguments that are random generators cross as seeds or as states: pass ``seeded_rng(seed)`` and
the callee receives ``numpy.random.default_rng(seed)``; pass a ``numpy.random.Generator``
(PCG64, numpy's default) and the callee receives a generator in the same state.
"""

from __future__ import annotations

import base64
import copy
import importlib
import json
import math
import sys
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

#: Largest JSON payload that may cross the channel, in characters.
MAX_PAYLOAD_CHARS = 32_000_000
#: Largest number of elements in one array, and of items in one list, dict or set.
MAX_ELEMENTS = 2_000_000
#: Deepest nesting of containers.
MAX_DEPTH = 32
#: Most values (numbers, strings, containers) in one payload, counted before it is parsed.
MAX_VALUES = 1_000_000
#: Most columns of one DataFrame.
MAX_COLUMNS = 10_000
#: Most keys of a set or dict that may share one hash (more is a hash-flooding attack).
MAX_SHARED_HASH = 8
#: Array element types that may cross: booleans, integers, floats, complex and unicode strings.
ALLOWED_DTYPE_KINDS = frozenset("biufcU")
#: Keys of a PCG64 generator's state, as ``bit_generator.state`` gives them.
_PCG64_KEYS = frozenset({"bit_generator", "state", "has_uint32", "uinteger"})


class ChannelError(ValueError):
    """A value that cannot cross between the student's kernel and the checker, with the reason."""


class StudentError(AssertionError):
    """The student's function raised, or is missing: the check fails with this message.

    ``kind`` names the exception the student's side raised (``"ValueError"``), or is None.
    """

    kind: str | None = None


# ---------------------------------------------------------------------------------------------
# The data codec
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeededRng:
    """A random generator that crosses as its seed; decoded as ``np.random.default_rng(seed)``."""

    seed: int | tuple[int, ...]


def seeded_rng(seed: int | tuple[int, ...] | list[int]) -> SeededRng:
    """An argument the callee receives as ``numpy.random.default_rng(seed)``."""
    if isinstance(seed, list):
        seed = tuple(seed)
    values = seed if isinstance(seed, tuple) else (seed,)
    if not all(isinstance(v, int | np.integer) and v >= 0 for v in values):
        raise ChannelError(f"a seed is a non-negative int or a tuple of them, got {seed!r}")
    return SeededRng(tuple(int(v) for v in values) if isinstance(seed, tuple) else int(seed))


@dataclass(frozen=True)
class StudentRef:
    """A reference to one of the student's names, resolved in the student's namespace."""

    name: str


@dataclass(frozen=True)
class KitRef:
    """A reference to a lab-kit function (``worldlab.<module>.<name>``)."""

    path: str


def encode(value: Any, *, refs: bool = False) -> Any:
    """A JSON-ready tree for ``value``; raise :class:`ChannelError` for anything else.

    ``refs`` allows :class:`StudentRef`, :class:`KitRef` and :class:`SeededRng` (arguments of a
    call); results never contain them.
    """
    return _encode(value, refs, 0)


def _encode(value: Any, refs: bool, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise ChannelError(f"nesting deeper than {MAX_DEPTH} levels")
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        if abs(value) >= 2**63:
            return {"__bigint__": str(value)}
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if isinstance(value, np.generic):
        return {"__npscalar__": _encode_array(np.asarray(value))}
    if isinstance(value, np.ndarray):
        return {"__ndarray__": _encode_array(value)}
    if isinstance(value, pd.Series):
        return {"__series__": _encode_series(value, refs, depth)}
    if isinstance(value, pd.DataFrame):
        return {
            "__dataframe__": {
                "columns": [_encode(c, refs, depth + 1) for c in value.columns],
                "data": [
                    _encode_values(value.iloc[:, i], refs, depth) for i in range(value.shape[1])
                ],
                "index": _encode_index(value.index, refs, depth),
            }
        }
    if isinstance(value, list | tuple | set | frozenset):
        _check_length(len(value), type(value).__name__)
        items = [_encode(v, refs, depth + 1) for v in value]
        if isinstance(value, list):
            return items
        tag = "__tuple__" if isinstance(value, tuple) else "__set__"
        return {tag: items}
    if isinstance(value, dict):
        _check_length(len(value), "dict")
        return {
            "__dict__": [
                [_encode(k, refs, depth + 1), _encode(v, refs, depth + 1)] for k, v in value.items()
            ]
        }
    if isinstance(value, np.random.Generator):
        return {"__rngstate__": _encode_generator(value)}
    if refs and isinstance(value, SeededRng):
        return {"__rng__": list(value.seed) if isinstance(value.seed, tuple) else value.seed}
    if refs and isinstance(value, StudentRef):
        return {"__student__": value.name}
    if refs and isinstance(value, KitRef):
        return {"__kit__": value.path}
    raise ChannelError(
        f"a value of type {type(value).__module__}.{type(value).__qualname__} cannot cross to the "
        "checker: use numbers, strings, lists, tuples, dicts, numpy arrays or pandas objects"
    )


def _encode_generator(rng: np.random.Generator) -> dict:
    state = rng.bit_generator.state
    if state.get("bit_generator") != "PCG64":
        raise ChannelError(
            f"a generator of {state.get('bit_generator')} cannot cross (only numpy's default, PCG64)"
        )
    return {
        "state": str(int(state["state"]["state"])),
        "inc": str(int(state["state"]["inc"])),
        "has_uint32": int(state["has_uint32"]),
        "uinteger": int(state["uinteger"]),
    }


def _decode_generator(body: Any) -> np.random.Generator:
    """A PCG64 generator in the state ``body`` describes (validated: four bounded integers)."""
    if not isinstance(body, dict) or set(body) != {"state", "inc", "has_uint32", "uinteger"}:
        raise ChannelError("malformed generator state on the channel")
    try:
        words = [int(body[k]) for k in ("state", "inc") if str(body[k]).isdigit()]
    except ValueError:
        words = []
    if len(words) != 2 or not all(0 <= w < 2**128 for w in words):
        raise ChannelError("malformed generator state on the channel")
    if body["has_uint32"] not in (0, 1) or not (
        isinstance(body["uinteger"], int) and 0 <= body["uinteger"] < 2**32
    ):
        raise ChannelError("malformed generator state on the channel")
    rng = np.random.Generator(np.random.PCG64())
    rng.bit_generator.state = {
        "bit_generator": "PCG64",
        "state": {"state": words[0], "inc": words[1]},
        "has_uint32": body["has_uint32"],
        "uinteger": body["uinteger"],
    }
    return rng


def _check_length(n: int, what: str) -> None:
    if n > MAX_ELEMENTS:
        raise ChannelError(f"a {what} of {n} items is larger than the limit of {MAX_ELEMENTS}")


def _encode_array(array: np.ndarray) -> dict:
    if array.dtype.kind not in ALLOWED_DTYPE_KINDS:
        raise ChannelError(
            f"an array of dtype {array.dtype} cannot cross (allowed: bool, int, float, complex, str)"
        )
    _check_length(array.size, "array")
    contiguous = np.array(array, order="C", copy=True)  # keeps 0-d arrays 0-d
    return {
        "dtype": contiguous.dtype.str,
        "shape": list(contiguous.shape),
        "data": base64.b64encode(contiguous.tobytes()).decode("ascii"),
    }


def _encode_values(values: pd.Series, refs: bool, depth: int) -> Any:
    array = values.to_numpy()
    if array.dtype.kind in ALLOWED_DTYPE_KINDS:
        return {"__ndarray__": _encode_array(array)}
    if isinstance(values.dtype, pd.CategoricalDtype) or array.dtype == object:
        return [_encode(v, refs, depth + 1) for v in array.tolist()]
    raise ChannelError(f"a pandas column of dtype {values.dtype} cannot cross")


def _encode_index(index: pd.Index, refs: bool, depth: int) -> dict:
    return {
        "labels": _encode_values(pd.Series(index), refs, depth),
        "name": _encode(index.name, refs, depth + 1),
    }


def _encode_series(series: pd.Series, refs: bool, depth: int) -> dict:
    return {
        "values": _encode_values(series, refs, depth),
        "index": _encode_index(series.index, refs, depth),
        "name": _encode(series.name, refs, depth + 1),
    }


def decode(tree: Any, *, resolve: Callable[[Any], Any] | None = None) -> Any:
    """The value :func:`encode` made ``tree`` from; raise :class:`ChannelError` on anything else.

    ``resolve`` turns a reference (``{"__student__": …}``, ``{"__kit__": …}``) into the object it
    names; without it, references are refused. Random generators are rebuilt from their seeds.
    """
    return _decode(tree, resolve, 0)


def _decode(tree: Any, resolve, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise ChannelError(f"nesting deeper than {MAX_DEPTH} levels")
    if isinstance(tree, str):
        return _writable(tree)
    if tree is None or isinstance(tree, bool | int | float):
        return tree
    if isinstance(tree, list):
        _check_length(len(tree), "list")
        return [_decode(v, resolve, depth + 1) for v in tree]
    if not isinstance(tree, dict) or len(tree) != 1:
        raise ChannelError(f"malformed value on the channel: {_preview(tree)}")
    ((tag, body),) = tree.items()
    if tag == "__tuple__":
        return tuple(_decode(v, resolve, depth + 1) for v in _list(body, tag))
    if tag == "__set__":
        items = [_decode(v, resolve, depth + 1) for v in _list(body, tag)]
        _check_hashes(items, "set")
        return set(items)
    if tag == "__dict__":
        pairs = _list(body, tag)
        if not all(isinstance(p, list) and len(p) == 2 for p in pairs):
            raise ChannelError("malformed dict on the channel")
        keys = [_decode(k, resolve, depth + 1) for k, _ in pairs]
        _check_hashes(keys, "dict")
        return dict(zip(keys, [_decode(v, resolve, depth + 1) for _, v in pairs], strict=True))
    if tag == "__float__":
        if body not in ("nan", "inf", "-inf"):
            raise ChannelError(f"malformed float {body!r}")
        return float(body)
    if tag == "__bigint__":
        if not isinstance(body, str) or not body.lstrip("-").isdigit():
            raise ChannelError("malformed integer")
        return int(body)
    if tag == "__ndarray__":
        return _decode_array(body)
    if tag == "__npscalar__":
        return _decode_array(body)[()]
    if tag == "__series__":
        return _decode_series(body, resolve, depth)
    if tag == "__dataframe__":
        return _decode_dataframe(body, resolve, depth)
    if tag == "__rng__":
        seed = tuple(body) if isinstance(body, list) else body
        return np.random.default_rng(seeded_rng(seed).seed)
    if tag == "__rngstate__":
        return _decode_generator(body)
    if tag in ("__student__", "__kit__"):
        if resolve is None or not isinstance(body, str):
            raise ChannelError(f"a reference ({tag}) is not allowed here")
        return resolve(tree)
    raise ChannelError(f"unknown tag {tag!r} on the channel (pickle and objects never cross)")


def _writable(text: str) -> str:
    """``text`` with lone surrogates (which no file, JSON writer or sqlite accepts) as U+FFFD."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)


def _check_hashes(keys: list, what: str) -> None:
    """Refuse keys built to collide in a hash table before any set or dict is built from them.

    Strings hash with a per-process secret, but numbers and tuples of them do not: thousands of
    distinct keys with one hash make building the table quadratic. Sorting the hashes finds the
    largest group in ``O(n log n)``; more than :data:`MAX_SHARED_HASH` keys in one is refused.
    """
    try:
        hashes = sorted(hash(key) for key in keys)
    except TypeError:
        raise ChannelError(f"a {what} key that cannot be hashed") from None
    run = 1
    for before, after in zip(hashes, hashes[1:], strict=False):
        run = run + 1 if before == after else 1
        if run > MAX_SHARED_HASH:
            raise ChannelError(
                f"a {what} whose keys share one hash more than {MAX_SHARED_HASH} times "
                "(a hash-flooding attack?)"
            )


def _check_pandas_hashes(values: np.ndarray, what: str) -> None:
    """Refuse values built to collide in pandas' hash tables, before pandas sees them.

    pandas hashes 64-bit integers with khash's fixed function ``(k >> 33) ^ k ^ (k << 11)``
    (32 bits kept), so distinct integers that share one hash are easy to make, and any
    ``unique``, ``value_counts``, ``isin``, ``groupby`` or label lookup on them is quadratic.
    Objects (an ``object`` column or index) hash with Python's ``hash``, which is fixed for
    numbers. More than :data:`MAX_SHARED_HASH` *distinct* values with one hash are refused (equal
    values are not a collision).
    """
    if values.size <= MAX_SHARED_HASH:
        return
    if values.dtype.kind in "iu":
        keys = np.unique(values.astype(np.int64 if values.dtype.kind == "i" else np.uint64))
        bits = keys.view(np.uint64)
        for high in (bits >> np.uint64(33), keys.view(np.int64) >> 33):
            hashed = (high.view(np.uint64) ^ bits ^ (bits << np.uint64(11))) & np.uint64(0xFFFFFFFF)
            if np.unique(hashed, return_counts=True)[1].max() > MAX_SHARED_HASH:
                raise ChannelError(
                    f"a {what} whose integers share one hash in pandas more than "
                    f"{MAX_SHARED_HASH} times (a hash-flooding attack?)"
                )
        return
    if values.dtype != object:
        return
    try:
        order = sorted(range(values.size), key=lambda i: hash(values[i]))
        hashes = [hash(values[i]) for i in order]
    except TypeError:
        raise ChannelError(f"a {what} value that cannot be hashed") from None
    start = 0
    for end in range(1, len(order) + 1):
        if end < len(order) and hashes[end] == hashes[start]:
            continue
        if end - start > MAX_SHARED_HASH:
            # Equal values are one key: count distinct ones (sorted by type and text, so that
            # values that do not compare with each other, such as None, still sort).
            run = sorted((type(v).__qualname__, repr(v)) for v in values[order[start:end]])
            if 1 + sum(a != b for a, b in zip(run, run[1:], strict=False)) > MAX_SHARED_HASH:
                raise ChannelError(
                    f"a {what} whose values share one hash more than {MAX_SHARED_HASH} times "
                    "(a hash-flooding attack?)"
                )
        start = end


def _list(body: Any, tag: str) -> list:
    if not isinstance(body, list):
        raise ChannelError(f"malformed {tag} on the channel")
    _check_length(len(body), tag)
    return body


def _decode_array(body: Any) -> np.ndarray:
    if not isinstance(body, dict) or set(body) != {"dtype", "shape", "data"}:
        raise ChannelError("malformed array on the channel")
    try:
        dtype = np.dtype(body["dtype"])
    except TypeError:
        raise ChannelError(f"unknown dtype {body['dtype']!r}") from None
    if dtype.kind not in ALLOWED_DTYPE_KINDS:
        raise ChannelError(f"an array of dtype {dtype} cannot cross")
    shape = body["shape"]
    if not isinstance(shape, list) or not all(isinstance(n, int) and n >= 0 for n in shape):
        raise ChannelError("malformed array shape")
    size = math.prod(shape)
    _check_length(size, "array")
    try:
        raw = base64.b64decode(body["data"], validate=True)
    except (ValueError, TypeError):
        raise ChannelError("malformed array data") from None
    if len(raw) != size * dtype.itemsize:
        raise ChannelError(f"array data of {len(raw)} bytes does not fit shape {shape} {dtype}")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def _decode_values(body: Any, resolve, depth: int) -> Any:
    if isinstance(body, dict) and set(body) == {"__ndarray__"}:
        array = _decode_array(body["__ndarray__"])
        if array.ndim != 1:
            raise ChannelError("a pandas column must be one-dimensional")
        _check_pandas_hashes(array, "pandas column or index")
        return array
    items = _decode(_list(body, "column"), resolve, depth + 1)
    array = np.empty(len(items), dtype=object)
    array[:] = items
    _check_pandas_hashes(array, "pandas column or index")
    return array


def _decode_index(body: Any, resolve, depth: int) -> pd.Index:
    if not isinstance(body, dict) or set(body) != {"labels", "name"}:
        raise ChannelError("malformed pandas index")
    return pd.Index(
        _decode_values(body["labels"], resolve, depth),
        name=_decode(body["name"], resolve, depth + 1),
    )


def _decode_series(body: Any, resolve, depth: int) -> pd.Series:
    if not isinstance(body, dict) or set(body) != {"values", "index", "name"}:
        raise ChannelError("malformed pandas Series")
    values = _decode_values(body["values"], resolve, depth)
    index = _decode_index(body["index"], resolve, depth)
    if len(values) != len(index):
        raise ChannelError("a Series whose index and values differ in length")
    return pd.Series(values, index=index, name=_decode(body["name"], resolve, depth + 1))


def _decode_dataframe(body: Any, resolve, depth: int) -> pd.DataFrame:
    if not isinstance(body, dict) or set(body) != {"columns", "data", "index"}:
        raise ChannelError("malformed pandas DataFrame")
    if isinstance(body["columns"], list) and len(body["columns"]) > MAX_COLUMNS:
        raise ChannelError(
            f"a DataFrame of {len(body['columns']):,} columns is over the limit of {MAX_COLUMNS:,}"
        )
    columns = [_decode(c, resolve, depth + 1) for c in _list(body["columns"], "columns")]
    data = [_decode_values(d, resolve, depth) for d in _list(body["data"], "data")]
    index = _decode_index(body["index"], resolve, depth)
    if len(columns) != len(data) or any(len(d) != len(index) for d in data):
        raise ChannelError("a DataFrame whose columns and index do not fit")
    _check_length(len(columns) * len(index), "DataFrame")
    frame = pd.DataFrame({i: d for i, d in enumerate(data)}, index=index)
    frame.columns = pd.Index(columns)
    return frame


def dumps(value: Any, *, refs: bool = False) -> str:
    """``value`` as JSON text for the channel (bounded in size)."""
    text = json.dumps(encode(value, refs=refs), allow_nan=False, separators=(",", ":"))
    if len(text) > MAX_PAYLOAD_CHARS:
        raise ChannelError(
            f"a payload of {len(text):,} characters is over the limit of {MAX_PAYLOAD_CHARS:,}"
        )
    return text


def loads(text: str, *, resolve: Callable[[Any], Any] | None = None) -> Any:
    """The value of JSON text from the channel, validated; :class:`ChannelError` otherwise."""
    if not isinstance(text, str):
        raise ChannelError(f"the channel carries text, got {type(text).__name__}")
    if len(text) > MAX_PAYLOAD_CHARS:
        raise ChannelError(
            f"a payload of {len(text):,} characters is over the limit of {MAX_PAYLOAD_CHARS:,}"
        )
    values = 1 + text.count(",") + text.count(":") + text.count("[")
    if values > MAX_VALUES:
        raise ChannelError(
            f"a payload of up to {values:,} values is over the limit of {MAX_VALUES:,}"
        )
    try:
        tree = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ChannelError(f"not JSON: {exc}") from None
    return decode(tree, resolve=resolve)


def _preview(tree: Any) -> str:
    text = repr(tree)
    return text if len(text) < 80 else text[:77] + "..."


# ---------------------------------------------------------------------------------------------
# The call protocol: one request, one reply, both JSON text
# ---------------------------------------------------------------------------------------------


def call_request(
    target: StudentRef | KitRef, args: tuple, kwargs: dict, returning_arguments: bool
) -> str:
    """The JSON text asking the student's side to call ``target``."""
    return dumps(
        {
            "target": target,
            "args": list(args),
            "kwargs": kwargs,
            "returning_arguments": returning_arguments,
        },
        refs=True,
    )


def batch_request(
    target: StudentRef | KitRef,
    calls: list[tuple],
    kwargs: dict,
    returning_arguments: bool = False,
) -> str:
    """The JSON text asking the student's side to call ``target`` once per item of ``calls``."""
    request = {"target": target, "batch": [list(args) for args in calls], "kwargs": kwargs}
    if returning_arguments:
        request["returning_arguments"] = True
    return dumps(request, refs=True)


def serve_call(request: str, namespace: Mapping[str, Any] | None = None) -> str:
    """Carry out one call request in ``namespace`` (the kernel's ``__main__`` by default).

    Runs on the student's side. Returns the reply as JSON text: ``{"ok": True, "value": …}`` (with
    ``"args"``/``"kwargs"`` after the call when asked; ``"values"``, one per call, for a batch of
    :func:`batch_request`), or ``{"ok": False, "error": …}`` naming what the student's code
    raised (a batch stops at its first failing call). Never raises for the student's mistakes.
    """
    if namespace is None:
        namespace = vars(sys.modules["__main__"])
    try:
        call = loads(request, resolve=lambda ref: _resolve(ref, namespace))
        if "batch" in call:
            target, kwargs = call["target"], call["kwargs"]
            if not call.get("returning_arguments"):
                return dumps(
                    {"ok": True, "values": [target(*args, **kwargs) for args in call["batch"]]}
                )
            values = []
            for args in call["batch"]:
                own = copy.deepcopy(kwargs)  # each call gets its own keyword arguments
                value = target(*args, **own)
                values.append({"value": value, "args": args, "kwargs": own})
            return dumps({"ok": True, "values": values})
        target, args, kwargs = call["target"], call["args"], call["kwargs"]
        value = target(*args, **kwargs)
        reply = {"ok": True, "value": value}
        if call["returning_arguments"]:
            # A random generator crossed as its seed; after the call it cannot cross back.
            reply.update(
                args=[_after_call(v) for v in args],
                kwargs={k: _after_call(v) for k, v in kwargs.items()},
            )
        return dumps(reply)
    except Exception as exc:  # the student's function raised: report it as data
        return dumps(
            {"ok": False, "error": {"type": type(exc).__name__, "message": str(exc)[:2000]}}
        )


def _after_call(value: Any) -> Any:
    """An argument as it is returned after a call (a generator crosses back as its state)."""
    return value


def _resolve(ref: dict, namespace: Mapping[str, Any]) -> Any:
    ((tag, name),) = ref.items()
    if tag == "__student__":
        target = namespace.get(name)
        if not callable(target):
            raise StudentError(f"your notebook defines no function named {name!r}: run its cell")
        return target
    module_name, _, attribute = name.rpartition(".")
    if not module_name.startswith("worldlab.") or not attribute.isidentifier():
        raise ChannelError(
            f"only lab-kit functions (worldlab.<module>.<name>) can be called, not {name!r}"
        )
    target = getattr(importlib.import_module(module_name), attribute, None)
    if not callable(target):
        raise ChannelError(f"the lab kit has no function {name!r}")
    return target


def read_reply(reply: str, what: str) -> dict:
    """The decoded reply; raise :class:`StudentError` when the student's side reported an error."""
    decoded = loads(reply)
    if not isinstance(decoded, dict) or "ok" not in decoded:
        raise ChannelError(f"malformed reply from {what}")
    if not decoded["ok"]:
        error = decoded.get("error") or {}
        kind, message = str(error.get("type", "Error")), str(error.get("message", ""))
        if kind == "StudentError":
            raise StudentError(message)
        if kind == "NotImplementedError":
            failure = StudentError(f"{what} is not written yet (it raised NotImplementedError)")
        else:
            failure = StudentError(f"{what} raised {kind}: {message}".rstrip(": "))
        failure.kind = kind
        raise failure
    return decoded


# ---------------------------------------------------------------------------------------------
# The accessor a check receives
# ---------------------------------------------------------------------------------------------


class _Function:
    def __init__(self, student: Student, target: StudentRef | KitRef, label: str):
        self._student, self._target, self._label = student, target, label

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._student._call(self._target, self._label, args, kwargs, False)["value"]

    def returning_arguments(self, *args: Any, **kwargs: Any) -> tuple[Any, list, dict]:
        reply = self._student._call(self._target, self._label, args, kwargs, True)
        return reply["value"], reply["args"], reply["kwargs"]

    def many(self, calls: Any, **kwargs: Any) -> list:
        """One result per item of ``calls`` (tuples of positional arguments), in one request."""
        calls = [tuple(args) for args in calls]
        request = batch_request(self._target, calls, kwargs)
        values = read_reply(self._student.send(request), self._label).get("values")
        if not isinstance(values, list) or len(values) != len(calls):
            raise ChannelError(f"malformed reply from {self._label}: not one result per call")
        return values

    def many_returning_arguments(self, calls: Any, **kwargs: Any) -> list[tuple[Any, list, dict]]:
        """:meth:`many` for functions that work in place: ``(result, args, kwargs)`` per call."""
        calls = [tuple(args) for args in calls]
        request = batch_request(self._target, calls, kwargs, returning_arguments=True)
        values = read_reply(self._student.send(request), self._label).get("values")
        if not isinstance(values, list) or len(values) != len(calls):
            raise ChannelError(f"malformed reply from {self._label}: not one result per call")
        out = []
        for value, args in zip(values, calls, strict=True):
            if (
                not isinstance(value, dict)
                or set(value) != {"value", "args", "kwargs"}
                or not isinstance(value["args"], list)
                or len(value["args"]) != len(args)
                or not isinstance(value["kwargs"], dict)
            ):
                raise ChannelError(f"malformed reply from {self._label}: not one result per call")
            out.append((value["value"], value["args"], value["kwargs"]))
        return out

    def __repr__(self) -> str:
        return f"<the student's {self._label}>"


class Student:
    """What a check sees of the student: calls by name, with data both ways.

    Subclasses say how a request reaches the student's side (:meth:`send`).
    """

    def send(self, request: str) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def defines(self, name: str) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def __getattr__(self, name: str) -> _Function:
        if name.startswith("_"):
            raise AttributeError(name)
        return _Function(self, StudentRef(name), f"{name}()")

    def claim(self, path: str) -> _Function:
        """A lab-kit function run on the student's side; what it returns is only a claim.

        The student's kernel imports the kit itself, and student code can replace any of it:
        a check verifies a claim (re-simulating from its own seed and asking the student's
        function again on steps it samples) before any score depends on it.
        """
        return _Function(self, KitRef(path), f"{path}() (a claim)")

    def kit(self, path: str) -> _Function:
        """Gone: a kit function run in the student's kernel decides nothing (use :meth:`claim`)."""
        raise ChannelError(
            f"student.kit({path!r}) is not available: a lab-kit function run in the student's "
            "kernel can have been replaced. Run the experiment in the check, or use "
            "student.claim(...) and verify what comes back"
        )

    @staticmethod
    def ref(name: str) -> StudentRef:
        """The student's function ``name``, as an argument of a kit call."""
        return StudentRef(name)

    def _call(self, target, label, args, kwargs, returning_arguments) -> dict:
        request = call_request(target, args, kwargs, returning_arguments)
        return read_reply(self.send(request), label)


class LocalStudent(Student):
    """The student's names in this interpreter (plain nbgrader: the kernel's globals)."""

    def __init__(self, namespace: Mapping[str, Any]):
        self._namespace = namespace

    def send(self, request: str) -> str:
        return serve_call(request, self._namespace)

    def defines(self, name: str) -> bool:
        return callable(self._namespace.get(name))


# ---------------------------------------------------------------------------------------------
# Running checks
# ---------------------------------------------------------------------------------------------

Check = Callable[[Student, np.random.Generator], Any]
#: Who runs a check: ``runner(check, stream)``. None means "here, on the namespace given".
_runner: Callable[[Check, int], Any] | None = None


@contextmanager
def checks_run_by(runner: Callable[[Check, int], Any]):
    """Within this block, :func:`hidden_test` hands every check to ``runner`` (the grader)."""
    global _runner
    saved, _runner = _runner, runner
    try:
        yield
    finally:
        _runner = saved


def hidden_test(namespace: Mapping[str, Any], *, stream: int = 0) -> Callable[[Check], Check]:
    """Run the decorated check now: on ``namespace`` here, or wherever the grader says.

    Parameters
    ----------
    namespace
        The kernel's ``globals()``; used only when the check runs in the student's kernel.
    stream
        Separates the random inputs of the lesson's checks (one stream per check).
    """

    def run(check: Check) -> Check:
        if _runner is not None:
            _runner(check, stream)
        else:
            from worldlab.testing import grading_rng

            check(LocalStudent(namespace), grading_rng(stream))
        return check

    return run
