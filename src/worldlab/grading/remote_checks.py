"""Hidden checks of a course lesson, run in the grader's trusted process against the student's kernel.

A hidden test written as ``@hidden_test`` checks (:mod:`worldlab.checking`) never enters the
sandboxed kernel under ``worldlab grade``. The kernel runs only the rest of the test cell (its
comments); the worker process that drives the kernel, outside the sandbox, then executes the
hidden block under :func:`worldlab.checking.checks_run_by` with

* ``student`` a :class:`RemoteStudent`, whose every request is one ``execute_request`` to the
  kernel (``silent``, ``store_history=False``, so nothing lands in ``_ih``/``In`` and no
  ``*_run_cell`` hook fires), asking it to evaluate ``worldlab.checking.serve_call(<request>)`` as
  a *user expression*: no cell is run, no input transformer sees it, and the reply is read as data
  (a string literal, then the channel's JSON, each validated; anything else fails the check with a
  reason);
* ``rng`` = ``numpy.random.default_rng([seed, stream])`` with the instructor's secret seed, which
  never enters the kernel.

The outcome becomes the cell's outputs as nbgrader scores them: a failing check gives one
``error`` output whose ename/evalue are the check's exception and message (its traceback holds
nothing else), a passing cell gets none.
"""

from __future__ import annotations

import ast
import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from queue import Empty
from typing import Any

import numpy as np
from jupyter_core.utils import ensure_async
from nbformat import NotebookNode

from worldlab.checking import MAX_PAYLOAD_CHARS, ChannelError, Student, checks_run_by
from worldlab.course.markings import BEGIN_HIDDEN, END_HIDDEN

#: The user expression that makes the kernel serve one call request (``{request!r}`` is a literal).
CALL_EXPRESSION = "__import__('worldlab.checking', fromlist=['serve_call']).serve_call({request!r})"
#: The user expression that says whether the kernel defines a callable ``name``.
DEFINES_EXPRESSION = "callable(globals().get({name!r}))"


@dataclass(frozen=True)
class HiddenCheck:
    """One test cell whose hidden block is made of checks.

    ``kernel_source`` is what the kernel runs (the cell without its hidden block); ``block`` is the
    hidden block, run by the grader.
    """

    grade_id: str
    kernel_source: str
    block: str


class KernelLost(Exception):
    """The kernel died, or ignored the interrupt after a call timed out: the run must stop."""

    def __init__(self, died: bool, detail: str) -> None:
        super().__init__(detail)
        self.died, self.detail = died, detail


class CallTimeout(AssertionError):
    """A call of the student's function did not return in time (the kernel was interrupted)."""


def split_hidden(source: str) -> tuple[str, str] | None:
    """``(source without the hidden block, the hidden block)``, or None without one."""
    if BEGIN_HIDDEN not in source or END_HIDDEN not in source:
        return None
    before, rest = source.split(BEGIN_HIDDEN, 1)
    block, after = rest.split(END_HIDDEN, 1)
    outside = (before.rstrip() + "\n" + after.lstrip("\n")).strip("\n")
    return outside, block


def is_check_block(block: str) -> bool:
    """True when a hidden block holds only imports and ``@hidden_test`` checks (at least one)."""
    try:
        tree = ast.parse(block)
    except SyntaxError:
        return False
    checks = 0
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            continue
        if isinstance(node, ast.FunctionDef) and any(
            isinstance(d, ast.Call) and _called_name(d.func) == "hidden_test"
            for d in node.decorator_list
        ):
            checks += 1
            continue
        return False
    return checks > 0


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _is_test(cell: NotebookNode) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {}) or {}
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def hidden_checks(instructor: NotebookNode) -> dict[str, HiddenCheck]:
    """Every test cell of the instructor's notebook whose hidden block is made of checks."""
    found = {}
    for cell in instructor.cells:
        if not _is_test(cell):
            continue
        parts = split_hidden(cell.source)
        if parts is None or not is_check_block(parts[1]):
            continue
        gid = cell.metadata["nbgrader"]["grade_id"]
        found[gid] = HiddenCheck(gid, parts[0], parts[1])
    return found


# ---------------------------------------------------------------------------------------------
# The student's side, reached through the kernel protocol
# ---------------------------------------------------------------------------------------------


def read_expression_reply(content: Any, *, limit: int = 2 * MAX_PAYLOAD_CHARS + 2) -> Any:
    """The literal value of user expression ``r`` in an ``execute_reply``'s content.

    Raises :class:`ChannelError` naming what is wrong: a failed request, a missing or failed
    expression, a reply that is not a plain literal (no code is ever evaluated), or one too large.
    """
    if not isinstance(content, Mapping):
        raise ChannelError("the kernel's reply is not a message")
    if content.get("status") != "ok":
        raise ChannelError(
            f"the kernel refused the call ({content.get('ename', content.get('status'))})"
        )
    expressions = content.get("user_expressions")
    result = expressions.get("r") if isinstance(expressions, Mapping) else None
    if not isinstance(result, Mapping):
        raise ChannelError("the kernel's reply holds no result")
    if result.get("status") != "ok":
        raise ChannelError(
            f"the call failed in the kernel: {result.get('ename', 'Error')}: "
            f"{str(result.get('evalue', ''))[:300]}"
        )
    data = result.get("data")
    text = data.get("text/plain") if isinstance(data, Mapping) else None
    if not isinstance(text, str):
        raise ChannelError("the kernel's result is not text")
    if len(text) > limit:
        raise ChannelError(f"a reply of {len(text):,} characters is over the limit of {limit:,}")
    if not is_one_string_literal(text):
        # Anything else could be an expression of millions of nodes: never parsed.
        raise ChannelError("the kernel's result is not a plain value")
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise ChannelError("the kernel's result is not a plain value") from None
    if not isinstance(tree.body, ast.Constant):
        raise ChannelError("the kernel's result is not a plain value")
    return tree.body.value


def is_one_string_literal(text: str) -> bool:
    """True when ``text`` is one quoted Python string, as ``repr(str)`` writes it.

    Checked in linear time with ``str`` methods, before any parser sees the text: it starts and
    ends with the same quote, and every quote between is escaped (backslash pairs are removed
    first, left to right, as the parser pairs them).
    """
    if len(text) < 2 or text[0] not in "'\"" or text[-1] != text[0]:
        return False
    quote = text[0]
    inner = text[1:-1].replace("\\\\", "").replace("\\" + quote, "")
    return quote not in inner and "\n" not in inner and not inner.endswith("\\")


class RemoteStudent(Student):
    """The student's functions in the sandboxed kernel, called as data through ``evaluate``.

    Parameters
    ----------
    evaluate
        ``evaluate(expression) -> value``: has the kernel evaluate one user expression and returns
        its literal value (:func:`read_expression_reply`).
    """

    def __init__(self, evaluate: Callable[[str], Any]):
        self._evaluate = evaluate

    def send(self, request: str) -> str:
        reply = self._evaluate(CALL_EXPRESSION.format(request=request))
        if not isinstance(reply, str):
            raise ChannelError(f"the kernel answered with a {type(reply).__name__}, not text")
        if len(reply) > MAX_PAYLOAD_CHARS:
            raise ChannelError(
                f"a reply of {len(reply):,} characters is over the limit of {MAX_PAYLOAD_CHARS:,}"
            )
        return reply

    def defines(self, name: str) -> bool:
        if not isinstance(name, str) or not name.isidentifier():
            raise ChannelError(f"not a name: {name!r}")
        answer = self._evaluate(DEFINES_EXPRESSION.format(name=name))
        if not isinstance(answer, bool):
            raise ChannelError("the kernel did not answer with True or False")
        return answer


class KernelEvaluator:
    """Evaluates user expressions in a running client's kernel, from the checker's thread.

    Each expression is one ``execute_request`` (empty code, ``silent``, no history) scheduled on
    the client's event loop; the reply is awaited for ``timeout`` seconds, then the kernel is
    interrupted and given ``grace`` seconds. A kernel that dies, or ignores the interrupt, makes
    this and every later call raise :class:`KernelLost`.
    """

    def __init__(self, client: Any, loop: asyncio.AbstractEventLoop, timeout: float, grace: float):
        self.client, self.loop, self.timeout, self.grace = client, loop, timeout, grace
        self.lost: KernelLost | None = None

    def __call__(self, expression: str, timeout: float | None = None) -> Any:
        if self.lost is not None:
            raise self.lost
        future = asyncio.run_coroutine_threadsafe(self._evaluate(expression, timeout), self.loop)
        return future.result()

    async def _evaluate(self, expression: str, timeout: float | None = None) -> Any:
        kc = self.client.kc
        timeout = self.timeout if timeout is None else min(timeout, self.timeout)
        msg_id = kc.execute(
            "",
            silent=True,
            store_history=False,
            user_expressions={"r": expression},
            allow_stdin=False,
        )
        reply = await self._reply(msg_id, timeout)
        if reply is None:
            await ensure_async(self.client.km.interrupt_kernel())
            if await self._reply(msg_id, self.grace) is None:
                self.lost = KernelLost(False, f"a call ignored the interrupt for {self.grace:g} s")
                raise self.lost
            raise CallTimeout(f"the call did not return within {timeout:g} s and was interrupted")
        return read_expression_reply(reply.get("content"))

    async def run_silent(self, code: str, timeout: float) -> dict | None:
        """Run ``code`` as a cell (``silent``, no history); the reply's content, or None.

        None when no reply came in ``timeout`` seconds (the kernel is then interrupted and
        given the grace period, as a call is).
        """
        kc = self.client.kc
        msg_id = kc.execute(code, silent=True, store_history=False, allow_stdin=False)
        reply = await self._reply(msg_id, timeout)
        if reply is None:
            await ensure_async(self.client.km.interrupt_kernel())
            if await self._reply(msg_id, self.grace) is None:
                self.lost = KernelLost(False, f"a cell ignored the interrupt for {self.grace:g} s")
                raise self.lost
            return None
        content = reply.get("content")
        return content if isinstance(content, Mapping) else {}

    async def _reply(self, msg_id: str, timeout: float) -> dict | None:
        kc, km = self.client.kc, self.client.km
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                msg = await ensure_async(kc.shell_channel.get_msg(timeout=min(left, 1.0)))
            except Empty:
                if not await ensure_async(km.is_alive()):
                    self.lost = KernelLost(True, "the kernel died during a hidden check")
                    raise self.lost from None
                continue
            if (msg.get("parent_header") or {}).get("msg_id") == msg_id:
                return msg
        return None


class CellClock:
    """The evaluator as one test cell's checks see it: every call ends by the cell's deadline.

    The cell's wall clock counts the kernel's time and the checks' (this process's) time
    together. A call made after the deadline, or after :meth:`close`, fails at once.
    """

    def __init__(self, evaluator: KernelEvaluator, deadline: float, limit: float):
        self.evaluator, self.deadline, self.limit = evaluator, deadline, limit
        self.closed = False

    def over(self) -> CallTimeout:
        return CallTimeout(
            f"the test cell ran longer than its limit of {self.limit:g} s (its checks included)"
        )

    def close(self) -> None:
        self.closed = True

    def __call__(self, expression: str) -> Any:
        left = self.deadline - time.monotonic()
        if self.closed or left <= 0:
            raise self.over()
        try:
            return self.evaluator(expression, left)
        except CallTimeout:
            if left < self.evaluator.timeout:  # it was the cell's clock that ran out
                raise self.over() from None
            raise


# ---------------------------------------------------------------------------------------------
# Running a block of checks
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckFailure:
    """Why a hidden-check cell failed: the exception's name and message (for nbgrader)."""

    ename: str
    evalue: str


def run_check_block(
    check: HiddenCheck, seed: int, student: Student
) -> CheckFailure | KernelLost | None:
    """Run one cell's checks in this process; the first failure, a lost kernel, or None.

    ``rng`` of each check is ``numpy.random.default_rng([seed, stream])``, as
    :func:`worldlab.testing.grading_rng` draws it with the secret seed. Checks after the first
    failure are skipped (nbgrader stops a cell at its first error too).
    """
    outcome: list[CheckFailure | KernelLost] = []

    def runner(fn: Callable, stream: int) -> None:
        if outcome:
            return
        try:
            fn(student, np.random.default_rng([seed, stream]))
        except KernelLost as lost:
            outcome.append(lost)
        except Exception as exc:  # any exception fails a test, as in nbgrader
            message = str(exc).strip() or "a hidden check of this exercise failed"
            outcome.append(CheckFailure(type(exc).__name__, message[:2000]))

    try:
        with checks_run_by(runner):
            code = compile(check.block, f"<hidden checks {check.grade_id}>", "exec")
            exec(code, {"__name__": "worldlab_hidden_checks"})
    except Exception as exc:  # the block itself is broken: the instructor must look
        outcome.append(
            CheckFailure("HiddenTestError", f"the hidden test could not run: {type(exc).__name__}")
        )
    return outcome[0] if outcome else None
