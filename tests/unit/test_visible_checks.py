"""Visible tests judged again outside the kernel, and the canary after each reset (issue 22)."""

import ast
import textwrap

import nbformat
import pytest

from worldlab.checking import LocalStudent
from worldlab.grading import kernel_reset
from worldlab.grading.visible_checks import (
    MAX_CALLS,
    Undecided,
    run_visible_test,
    visible_tests,
)


def _cell(source, **nbgrader):
    cell = nbformat.v4.new_code_cell(textwrap.dedent(source))
    if nbgrader:
        cell.metadata["nbgrader"] = nbgrader
    return cell


def _lesson():
    test = {"grade": True, "solution": False}
    return nbformat.v4.new_notebook(
        cells=[
            _cell("import numpy as np\nfrom numpy import random as npr\nmaze = object()"),
            _cell("def offer(buffer, n, item, rng):\n    ...", grade=False, solution=True),
            _cell(
                """
                rng = np.random.default_rng(0)
                buffer = []
                n = offer(buffer, 0, 7, rng)
                assert n == 1 and buffer == [7], buffer
                assert rng.random() == npr.default_rng(0).random() or True
                """,
                grade_id="offer_visible",
                **test,
            ),
            _cell("assert offer(maze, 0, 1, None)", grade_id="needs_maze", **test),
            _cell(
                "for i in range(1000):\n    offer([], 0, i, None)", grade_id="many_calls", **test
            ),
            _cell(
                "### BEGIN HIDDEN TESTS\nfrom worldlab.checking import hidden_test\n\n\n"
                "@hidden_test(globals(), stream=1)\ndef check(student, rng):\n"
                "    student.offer([], 0, 1, None)\n### END HIDDEN TESTS",
                grade_id="offer_hidden",
                **test,
            ),
        ]
    )


def _offer(buffer, n, item, rng):
    buffer.append(item)
    if rng is not None:
        rng.random()  # the caller's generator moves on, as in the kernel
    return n + 1


def test_only_tests_that_need_imports_and_answers_are_judged_here():
    tests = visible_tests(_lesson())
    assert set(tests) == {"offer_visible", "many_calls"}  # needs_maze reads a lesson variable
    assert tests["offer_visible"].student_names == ("offer",)
    assert "import numpy as np" in tests["offer_visible"].imports
    assert "maze" not in tests["offer_visible"].imports
    lesson = _lesson()
    del lesson.cells[-1]  # no @hidden_test checks: not a course lesson, nothing judged here
    assert visible_tests(lesson) == {}


def test_in_place_changes_come_back_and_a_stub_fails():
    test = visible_tests(_lesson())["offer_visible"]
    assert run_visible_test(test, LocalStudent({"offer": _offer})) is None

    def stub(*args):
        raise NotImplementedError

    failure = run_visible_test(test, LocalStudent({"offer": stub}))
    assert failure.ename == "StudentError" and "not written yet" in failure.evalue
    wrong = run_visible_test(test, LocalStudent({"offer": lambda b, n, i, r: n + 1}))
    assert failure is not None and wrong.ename == "AssertionError" and "[]" in wrong.evalue


def test_a_test_that_calls_too_often_is_left_to_the_kernel():
    test = visible_tests(_lesson())["many_calls"]
    with pytest.raises(Undecided, match=f"more than {MAX_CALLS} calls"):
        run_visible_test(test, LocalStudent({"offer": _offer}))


def test_the_canary_must_fail_with_its_own_message():
    code, token = kernel_reset.canary("assert double(2) == 4\nprint('ok')")
    namespace: dict = {}
    with pytest.raises(AssertionError, match=token):
        exec(compile(code, "<canary>", "exec"), namespace)
    assert "double(2)" in code  # a transformer that picks tests by their text sees it
    reply = {"status": "error", "ename": "AssertionError", "evalue": token}
    assert kernel_reset.canary_failed_as_it_must(reply, token)
    assert not kernel_reset.canary_failed_as_it_must({"status": "ok"}, token)
    assert not kernel_reset.canary_failed_as_it_must({**reply, "evalue": "other"}, token)
    assert kernel_reset.canary("")[1] != token, "a fresh token each time"
    assert "return" not in kernel_reset.canary("return 1")[0]  # what cannot nest is left out


def test_the_canary_carries_the_tests_assertions_without_running_them():
    calls = []
    code, token = kernel_reset.canary("for x in [1, 2]:\n    assert double(x) == 2 * x, 'no'")
    with pytest.raises(AssertionError, match=token):
        exec(compile(code, "<canary>", "exec"), {"double": calls.append})
    assert not calls, "the carried assertion is never evaluated"
    tree = ast.parse(code)
    (last,) = [node for node in tree.body if isinstance(node, ast.Assert)]
    assert "double(x)" in ast.unparse(last.test), "dropping asserts that call double drops it"
    # A transformer that drops only the asserts that call the student's function: the canary
    # then passes, so the kernel is caught.
    kept = [n for n in tree.body if not (isinstance(n, ast.Assert) and "double" in ast.unparse(n))]
    exec(compile(ast.Module(kept, []), "<canary>", "exec"), {"double": calls.append})


def test_an_error_the_test_expects_is_raised_as_in_the_kernel():
    """A test that wants a ValueError for bad input catches the student's ValueError here too."""
    from worldlab.grading.visible_checks import VisibleTest

    code = textwrap.dedent(
        """
        try:
            half(-1)
        except ValueError:
            pass
        else:
            raise AssertionError("a negative input must raise ValueError")
        assert half(4) == 2
        """
    )
    test = VisibleTest("half_visible", code, "", ("half",))

    def half(x):
        if x < 0:
            raise ValueError("negative")
        return x // 2

    assert run_visible_test(test, LocalStudent({"half": half})) is None
    lax = run_visible_test(test, LocalStudent({"half": lambda x: x // 2}))
    assert lax.ename == "AssertionError" and "must raise ValueError" in lax.evalue

    def wrong_type(x):
        raise TypeError("not a number")

    failure = run_visible_test(test, LocalStudent({"half": wrong_type}))
    assert failure.ename == "StudentError" and "raised TypeError" in failure.evalue
