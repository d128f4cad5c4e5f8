"""How a test cell runs under the safe grader: reset, execute, judge on the reply, then the checks.

For every test cell of a submission (:func:`worldlab.grading.guarded_client.run_in_sandbox`):

1. IPython's hooks, events, transformers, exception handlers and display hooks are put back as
   they were when the kernel started (:mod:`worldlab.grading.kernel_reset`); what had to be
   restored is flagged, and so is a reset that did not answer.
2. The cell runs — for a test cell whose hidden block is made of checks, without that block.
3. It is judged on the kernel's ``execute_reply``: a reply with status ``error`` whose error output
   has gone (cleared, hidden) gets it back; any ``clear_output`` during a test cell fails it. Both
   are flagged.
4. A canary proves the reset worked: a cell that must fail (a false ``assert`` after the test's
   own code, which is never run) is sent as the kernel runs every cell; a kernel that reports
   it passed has had its execution changed where the reset cannot see (a wrapped reset, an AST
   transformer put back), so its test verdicts are not believed: the test cell fails, flagged.
5. A visible test of a course lesson runs again in this process against the student's
   functions (:mod:`worldlab.grading.visible_checks`), with the cell's limit again for itself;
   it passes only if both runs pass.
6. The hidden checks, if any, run in this process (:mod:`worldlab.grading.remote_checks`) and
   their verdict is the cell's error output.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from nbformat import NotebookNode
from nbformat.v4 import new_output

from worldlab.checking import ChannelError
from worldlab.grading import kernel_reset
from worldlab.grading.remote_checks import (
    CellClock,
    CheckFailure,
    HiddenCheck,
    KernelEvaluator,
    KernelLost,
    RemoteStudent,
    run_check_block,
)
from worldlab.grading.visible_checks import Undecided, VisibleTest, run_visible_test

#: Flags (labels of :class:`~worldlab.grading.guarded_client.SandboxEvent`).
TEST_OUTPUT_CLEARED = "a test's output was cleared"
#: A false assertion passed in the kernel after the reset: its execution is not IPython's.
CANARY_PASSED = "the kernel passed a test that must fail (its execution was changed)"
#: Seconds the canary cell is given (an honest kernel answers in milliseconds).
CANARY_SECONDS = 10.0
#: A visible test failed here though the kernel said it passed.
VISIBLE_DISAGREES = "a visible test failed when the grader ran it, though it passed in the kernel"
EXECUTION_CHANGED = "student code changed IPython's execution"
RESET_FAILED = "the grader could not reset IPython's execution"


def _has_error(cell: NotebookNode) -> bool:
    return any(out.get("output_type") == "error" for out in cell.get("outputs", []))


def verdict_output(ename: str, evalue: str) -> NotebookNode:
    """An error output that says only ``ename: evalue`` (no hidden text in a traceback)."""
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


class CellGuard:
    """The test-cell steps above, for one client (one kernel).

    Parameters
    ----------
    client
        The running :class:`~worldlab.grading.guarded_client._GuardedClient` (``kc``, ``km``,
        ``replies``, ``cleared_cells``).
    checks
        ``cell index -> HiddenCheck`` of the test cells whose hidden checks run here.
    seed
        The instructor's secret seed.
    event
        ``event(label, detail)`` records a flag on the current cell.
    call_timeout, grace
        Seconds a call of the student's function may take, and that an interrupted call is given.
    """

    def __init__(
        self,
        client: Any,
        checks: Mapping[int, HiddenCheck],
        seed: int,
        event: Callable[[str, str], None],
        call_timeout: float,
        grace: float,
        visible: Mapping[int, VisibleTest] | None = None,
    ):
        self.client, self.checks, self.seed, self.event = client, dict(checks), seed, event
        self.visible = dict(visible or {})
        self.evaluator = KernelEvaluator(client, asyncio.get_running_loop(), call_timeout, grace)
        self.module = kernel_reset.new_module_name()
        self.ready = False

    async def start(self) -> None:
        """Capture fresh references in the kernel, before any student code runs."""
        try:
            answer = await self.evaluator._evaluate(kernel_reset.setup_expression(self.module))
            self.ready = answer == "installed"
        except ChannelError as exc:
            self.event(RESET_FAILED, f"at kernel start: {exc}")

    async def _reset(self) -> None:
        if not self.ready:
            return
        try:
            answer = await self.evaluator._evaluate(kernel_reset.reset_expression(self.module))
        except (ChannelError, AssertionError) as exc:
            self.event(RESET_FAILED, str(exc)[:200])
            return
        changed = kernel_reset.changes_in(answer)
        if changed is None:
            self.event(RESET_FAILED, "the reset gave no answer of its own")
        elif changed:
            self.event(EXECUTION_CHANGED, "restored " + ", ".join(changed)[:300])

    async def run_test_cell(
        self, cell: NotebookNode, index: int, execute: Callable[[], Awaitable[Any]]
    ) -> None:
        """Steps 1–4 for one test cell; raises :class:`KernelLost` if the kernel is lost."""
        await self._reset()
        check = self.checks.get(index)
        original = cell.source
        if check is not None:
            cell.source = check.kernel_source
        limit = float(self.client.timeout)  # this cell's limit (the notebook's time left)
        started = time.monotonic()
        try:
            await execute()
        finally:
            cell.source = original
        self._judge(cell, index)
        # What the kernel ran (a hidden check's block never goes to the kernel, canary or not).
        ran = check.kernel_source if check is not None else original
        if not _has_error(cell) and not await self._canary(ran):
            cell.outputs.append(
                verdict_output("KernelTampered", "the kernel passed a test that must fail")
            )
        visible = self.visible.get(index)
        if visible is not None and not _has_error(cell):
            # The second run gets a clock of its own: the kernel's run already used this cell's.
            clock = CellClock(self.evaluator, time.monotonic() + limit, limit)
            failure = await self._run_checks(visible, clock)
            if isinstance(failure, KernelLost):
                raise failure
            if isinstance(failure, CheckFailure):
                self.event(VISIBLE_DISAGREES, f"{failure.ename}: {failure.evalue}"[:200])
                cell.outputs.append(verdict_output(failure.ename, failure.evalue))
        if check is None or _has_error(cell):
            return
        clock = CellClock(self.evaluator, started + limit, limit)
        failure = await self._run_checks(check, clock)
        if isinstance(failure, KernelLost):
            raise failure
        if self.evaluator.lost is not None:
            raise self.evaluator.lost
        if failure is not None:
            cell.outputs.append(verdict_output(failure.ename, failure.evalue))

    async def _canary(self, test_source: str) -> bool:
        """False when a cell that must fail does not (flagged); True when it fails as it must.

        The canary holds the test's own code under ``if False:`` (so a transformer that picks
        test cells by their text sees it) and then a false assertion with a random message; it
        runs as any cell does (``silent``, no history), with :data:`CANARY_SECONDS` of its own
        (it takes microseconds). A kernel that answers ``ok``, fails with another message, or
        does not answer in time, changes how cells run.
        """
        if self.evaluator.lost is not None:
            return True  # the run stops anyway
        code, token = kernel_reset.canary(test_source)
        content = await self.evaluator.run_silent(code, min(CANARY_SECONDS, self.evaluator.timeout))
        if content is not None and kernel_reset.canary_failed_as_it_must(content, token):
            return True
        came = "no answer" if content is None else f"{content.get('status')!r}"
        self.event(CANARY_PASSED, f"a false assertion came back {came}")
        return False

    async def _run_checks(self, check: HiddenCheck | VisibleTest, clock: CellClock):
        """The check block in a thread of its own, given until the cell's deadline.

        A block still running then (this process's own work on the student's data, since each
        call ends by the deadline) fails the cell; its thread is left to end, and any call it
        makes later fails at once.
        """
        loop = asyncio.get_running_loop()
        done: asyncio.Future = loop.create_future()

        def body() -> None:
            try:
                if isinstance(check, VisibleTest):
                    result = run_visible_test(check, RemoteStudent(clock))
                else:
                    result = run_check_block(check, self.seed, RemoteStudent(clock))
            except Undecided:  # not the student's doing: the kernel's verdict stands
                result = None
            except BaseException as exc:  # noqa: BLE001 - reported as the cell's failure
                result = CheckFailure("HiddenTestError", f"the check failed: {type(exc).__name__}")
            loop.call_soon_threadsafe(lambda: done.done() or done.set_result(result))

        threading.Thread(target=body, name=f"checks {check.grade_id}", daemon=True).start()
        left = clock.deadline - time.monotonic() + self.evaluator.grace + 1.0
        try:
            return await asyncio.wait_for(asyncio.shield(done), max(left, 1.0))
        except TimeoutError:
            clock.close()
            return CheckFailure(type(clock.over()).__name__, str(clock.over()))

    def _judge(self, cell: NotebookNode, index: int) -> None:
        reply = self.client.replies.pop(index, None)
        content = (reply or {}).get("content", {})
        if index in self.client.cleared_cells:
            self.event(TEST_OUTPUT_CLEARED, "clear_output during a test")
            cell.outputs.append(
                verdict_output("TestOutputCleared", "code cleared this test's output: it fails")
            )
        if content.get("status") == "error" and not _has_error(cell):
            self.event(TEST_OUTPUT_CLEARED, "the test failed but its error output was gone")
            cell.outputs.append(
                new_output(
                    "error",
                    ename=str(content.get("ename", "Error"))[:200],
                    evalue=str(content.get("evalue", ""))[:2000],
                    traceback=[str(line)[:2000] for line in content.get("traceback", [])[-60:]],
                )
            )
