"""Visible tests of a course lesson, judged again in the grader's trusted process.

A visible test runs in the student's kernel (the student sees it run, and nbgrader's score
follows the kernel's reply), but code in that kernel can change how a cell runs: an AST
transformer that drops ``assert`` statements, a wrapped reset (:mod:`worldlab.grading.kernel_reset`).
Under ``worldlab grade``, the visible tests of a course lesson (an assignment whose hidden tests are
``@hidden_test`` checks) are therefore run a second time here, as a check is: the test's code
(the instructor's, from the course) executes in this process, with

* the lesson's own imports (its import statements, run here), and
* every function the lesson's answer cells define replaced by a proxy that calls the student's
  function in the kernel through the channel (:mod:`worldlab.checking`): arguments go as data,
  and what the function did to them in place (a list it appended to, an array it filled, a
  random generator it drew from) is copied back, so the test reads them as in the kernel.

The cell passes only when both the kernel and this run say it passes. A test that needs more
than that — names the lesson's other cells compute (a maze, a data set), an argument that cannot
cross as data, more than :data:`MAX_CALLS` calls of the student's functions — cannot be judged here
and keeps the kernel's verdict alone (and the canary of :mod:`worldlab.grading.cell_guard`);
:func:`visible_tests` tells which need names of other cells, before anything runs.
"""

from __future__ import annotations

import ast
import builtins
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from nbformat import NotebookNode

from worldlab.checking import (
    ChannelError,
    Student,
    StudentError,
    StudentRef,
    call_request,
    read_reply,
)
from worldlab.grading.remote_checks import CheckFailure, KernelLost, split_hidden

#: Most calls of the student's functions one visible test may make when judged here.
MAX_CALLS = 64


@dataclass(frozen=True)
class VisibleTest:
    """A visible test cell the grader can run again: its code and what it needs."""

    grade_id: str
    code: str
    #: The lesson's import statements that bind names the test uses (trusted: the course's).
    imports: str
    #: The student's functions the test calls (defined by the lesson's answer cells).
    student_names: tuple[str, ...]


class Undecided(BaseException):
    """The test cannot be judged here (not the student's doing): the kernel's verdict stands.

    A ``BaseException``, so that a test's own ``except Exception`` cannot swallow it.
    """


def _meta(cell: NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return None


def _bound_names(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            names.add(node.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.arguments):
            every = node.posonlyargs + node.args + node.kwonlyargs
            names |= {a.arg for a in every} | {a.arg for a in (node.vararg, node.kwarg) if a}
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.comprehension):
            names |= {n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}
    return names


def free_names(tree: ast.AST) -> set[str]:
    """Names a cell reads that it never binds itself (nor are builtins)."""
    loaded = {
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    }
    return loaded - _bound_names(tree) - set(dir(builtins))


def visible_tests(instructor: NotebookNode) -> dict[str, VisibleTest]:
    """The visible tests of a course lesson that can be judged here, by grade_id.

    Only a lesson with ``@hidden_test`` checks is a course lesson (other nbgrader assignments
    keep their tests in the kernel). A test qualifies when every name it reads is bound by it, by
    one of the lesson's import statements, or is a function of the lesson's answer cells.
    """
    from worldlab.grading.remote_checks import hidden_checks

    if not hidden_checks(instructor):
        return {}
    answers: set[str] = set()
    imports: dict[str, str] = {}
    tests: list[tuple[str, ast.Module, str]] = []
    for cell in instructor.cells:
        if cell.get("cell_type") != "code":
            continue
        meta = _meta(cell)
        if meta.get("grade") and not meta.get("solution"):
            code = cell.source if split_hidden(cell.source) is None else ""
            tree = _parse(code) if code.strip() else None
            if tree is not None and tree.body:
                tests.append((meta["grade_id"], tree, code))
            continue
        tree = _parse(cell.source)
        if tree is None:
            continue
        for node in tree.body:
            if meta.get("solution") and isinstance(
                node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
            ):
                answers.add(node.name)
            elif not meta.get("solution") and isinstance(node, ast.Import | ast.ImportFrom):
                if isinstance(node, ast.ImportFrom) and node.module == "__future__":
                    continue
                for alias in node.names:
                    bound = (alias.asname or alias.name).split(".")[0]
                    single = type(node)(**{**vars(node), "names": [alias]})
                    imports[bound] = ast.unparse(single)
    found = {}
    for grade_id, tree, code in tests:
        needed = free_names(tree)
        students = needed & answers
        if not students or needed - students - set(imports):
            continue
        found[grade_id] = VisibleTest(
            grade_id,
            code,
            "\n".join(imports[name] for name in sorted(needed - students)),
            tuple(sorted(students)),
        )
    return found


# ---------------------------------------------------------------------------------------------
# Calling the student's functions as the test does
# ---------------------------------------------------------------------------------------------


class _Proxies:
    """Functions that call the student's in the kernel, counting the calls."""

    def __init__(self, student: Student, names: tuple[str, ...]):
        self.student, self.calls = student, 0
        self.functions = {name: self._proxy(name) for name in names}
        self._refs = {id(f): StudentRef(name) for name, f in self.functions.items()}

    def _as_data(self, value: Any) -> Any:
        # One of the student's own functions passed as an argument crosses as a reference.
        return self._refs.get(id(value), value)

    def _proxy(self, name: str) -> Callable:
        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if self.calls > MAX_CALLS:
                raise Undecided(f"more than {MAX_CALLS} calls of the student's functions")
            sent = [self._as_data(a) for a in args]
            named = {k: self._as_data(v) for k, v in kwargs.items()}
            try:
                request = call_request(StudentRef(name), tuple(sent), named, True)
            except ChannelError as exc:  # the test's own argument: not the student's doing
                raise Undecided(f"an argument of {name}() cannot cross: {exc}") from None
            try:
                reply = read_reply(self.student.send(request), f"{name}()")
            except StudentError as error:
                raise as_raised(error) from None
            for before, after in zip(args, reply.get("args") or [], strict=False):
                _copy_back(before, after)
            for key, after in (reply.get("kwargs") or {}).items():
                if key in kwargs:
                    _copy_back(kwargs[key], after)
            return reply["value"]

        call.__name__ = call.__qualname__ = name
        return call


@functools.cache
def _raised_class(kind: str) -> type[StudentError] | None:
    """A :class:`StudentError` that is also the built-in exception ``kind``, or None."""
    builtin = getattr(builtins, kind, None)
    if not (isinstance(builtin, type) and issubclass(builtin, Exception)):
        return None
    if issubclass(StudentError, builtin):  # AssertionError, Exception: already one
        return None
    try:
        # named StudentError: the autograded cell shows the same error name as for any other
        return type("StudentError", (StudentError, builtin), {"__module__": __name__})
    except TypeError:  # a built-in with its own instance layout (OSError, UnicodeError, ...)
        return None


def as_raised(error: StudentError) -> StudentError:
    """``error`` as the test would see it in the kernel: an exception of the type the student's
    function raised (a ``ValueError`` the test expects is caught by its ``except ValueError``),
    still a :class:`StudentError` with the channel's message."""
    raised = _raised_class(error.kind) if error.kind else None
    if raised is None:
        return error
    again = raised(*error.args)
    again.kind = error.kind
    return again


def _copy_back(before: Any, after: Any) -> None:
    """Make ``before`` (the test's argument) what the student's function left (in place)."""
    if isinstance(before, list) and isinstance(after, list):
        before[:] = after
    elif isinstance(before, dict) and isinstance(after, dict):
        before.clear()
        before.update(after)
    elif isinstance(before, np.ndarray) and before.flags.writeable:
        after = np.asarray(after)
        if after.shape == before.shape and after.dtype.kind in "biufc":
            before[...] = after
    elif isinstance(before, np.random.Generator) and isinstance(after, np.random.Generator):
        before.bit_generator.state = after.bit_generator.state


def _silent(*args: Any, **kwargs: Any) -> None:
    return None


def run_visible_test(test: VisibleTest, student: Student) -> CheckFailure | KernelLost | None:
    """Run ``test`` here against the student's functions: its failure, a lost kernel, or None.

    Raises :class:`Undecided` when the test cannot be judged here.
    """
    proxies = _Proxies(student, test.student_names)
    # What the test prints is the kernel's to show; here it would go to the grader's console.
    namespace: dict[str, Any] = {"__name__": "worldlab_visible_test", "print": _silent}
    exec(compile(test.imports, f"<imports of {test.grade_id}>", "exec"), namespace)
    namespace.update(proxies.functions)
    try:
        exec(compile(test.code, f"<visible test {test.grade_id}>", "exec"), namespace)
    except KernelLost as lost:
        return lost
    except Exception as exc:  # any exception fails a test, as in nbgrader
        message = str(exc).strip() or "the visible test failed"
        return CheckFailure(type(exc).__name__, message[:2000])
    return None
