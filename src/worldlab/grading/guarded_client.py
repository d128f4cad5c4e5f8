"""Run a notebook in a sandboxed kernel with output limits, bounded interrupts and wall time.

:func:`execute_in_sandbox` / :func:`run_in_sandbox` drive :class:`_GuardedClient` (nbclient with
the grader's limits) cell by cell and report why a run ended abnormally. Test cells whose hidden
checks run in the trusted checker (:mod:`worldlab.grading.remote_checks`) are executed here
without their hidden block.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import dataclasses
import json
import math
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from queue import Empty
from typing import Any

from jupyter_core.utils import ensure_async, run_sync
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError
from nbformat import NotebookNode
from nbformat.v4 import new_output

from worldlab.grading.cell_guard import CellGuard
from worldlab.grading.remote_checks import HiddenCheck, KernelLost
from worldlab.grading.sandbox_kernel import SandboxedKernelManager
from worldlab.grading.sandbox_policy import (
    SANDBOX_WORKDIR,
    SandboxPolicy,
    SandboxStartError,
    SandboxUnavailableError,
    require_sandbox,
)
from worldlab.grading.visible_checks import VisibleTest

# Why a run ended abnormally (the labels of SandboxEvent).
KERNEL_DIED = "kernel died"
CELL_TIMEOUT = "cell timed out"
INTERRUPT_IGNORED = "cell ignored the interrupt"
WALL_TIME = "notebook wall time exceeded"
MEMORY_LIMIT = "memory limit"
PROCESS_LIMIT = "process limit"
OUTPUT_LIMIT = "output limit exceeded"


# --------------------------------------------------------------------------------------------
# Running a notebook
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SandboxEvent:
    """Something abnormal in a sandboxed run: ``label`` is one of the module's reason constants."""

    cell_index: int | None
    label: str
    detail: str = ""

    def __str__(self) -> str:
        where = [] if self.cell_index is None else [f"cell {self.cell_index}"]
        return f"{self.label} ({', '.join(where + ([self.detail] if self.detail else []))})"


@dataclass
class SandboxRun:
    """The executed notebook and what went wrong, if anything."""

    nb: NotebookNode
    events: list[SandboxEvent]
    seconds: float
    aborted: bool
    #: Files the notebook wrote or changed in its working folder (relative path -> bytes),
    #: read back when ``collect_files`` asked for them (:mod:`worldlab.grading.side_files`).
    files: dict[str, bytes] = dataclasses.field(default_factory=dict)

    @property
    def reason(self) -> str | None:
        """All events, e.g. ``"cell timed out (cell 3); kernel died (cell 7, exit code 1)"``."""
        return "; ".join(dict.fromkeys(str(e) for e in self.events)) or None

    @property
    def labels(self) -> list[str]:
        return list(dict.fromkeys(e.label for e in self.events))


class _Abort(Exception):
    def __init__(self, label: str, detail: str = "") -> None:
        super().__init__(label)
        self.label, self.detail = label, detail


def _content_size(msg_type: str, content: Mapping[str, Any]) -> int:
    if msg_type == "stream":
        return len(content.get("text", ""))
    if msg_type == "error":
        return sum(len(line) for line in content.get("traceback", [])) + len(
            str(content.get("evalue", ""))
        )
    total = 0
    for value in (content.get("data") or {}).values():
        total += len(value) if isinstance(value, str) else len(json.dumps(value))
    return total


def _is_test(cell: NotebookNode) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {}) or {}
    return bool(meta.get("grade")) and not meta.get("solution")


def _error_output(ename: str, evalue: str) -> NotebookNode:
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


class _GuardedClient(NotebookClient):
    """nbclient with output limits, a bounded interrupt, and a sandboxed kernel."""

    def __init__(self, nb: NotebookNode, *, policy: SandboxPolicy, limits: dict, **kw: Any):
        super().__init__(nb, **kw)
        self._policy = policy
        self._limits = limits
        self.events: list[SandboxEvent] = []
        self._used = 0
        self._total_flagged = False
        self._pending: list[asyncio.Future] = []
        self.sandboxed_km: SandboxedKernelManager | None = None
        self.replies: dict[int, dict] = {}  # execute_reply of each cell, for the test verdicts
        self.cleared_cells: set[int] = set()
        self._begin_cell(-1, False)

    async def _check_raise_for_error(
        self, cell: NotebookNode, cell_index: int, exec_reply: dict[str, Any] | None
    ) -> None:
        if exec_reply is not None:
            self.replies[cell_index] = exec_reply
        await super()._check_raise_for_error(cell, cell_index, exec_reply)

    def create_kernel_manager(self) -> SandboxedKernelManager:
        # Never the kernel named in the (untrusted) notebook's metadata.
        self.km = SandboxedKernelManager(
            kernel_name=self.kernel_name, policy=self._policy, config=self.config
        )
        self.sandboxed_km = self.km  # nbclient forgets its km when the start fails
        return self.km

    @contextlib.asynccontextmanager
    async def kernel_session(self):
        """Start the sandboxed kernel and its client; always kill it on the way out.

        Unlike nbclient's ``async_setup_kernel`` this installs no SIGINT/SIGTERM handlers and
        no atexit hook: the grader's Ctrl-C stays a KeyboardInterrupt (cancelling this task,
        which kills the kernel here), instead of silently ending one kernel and going on.
        """
        self.km = self.create_kernel_manager()
        try:
            await self.async_start_new_kernel()
            await self.async_start_new_kernel_client()  # on failure it cleans up itself
            yield
        finally:
            if self.km is not None:
                await self._async_cleanup_kernel()

    def _begin_cell(self, index: int, wall_bound: bool) -> None:
        self._index = index
        self._wall_bound = wall_bound
        self._cell_bytes = 0
        self._cell_flooded = False
        self._cell_markers: set[str] = set()
        self.timed_out = False

    def _event(self, label: str, detail: str = "") -> None:
        self.events.append(SandboxEvent(self._index, label, detail))

    # ---- timeouts --------------------------------------------------------------------------
    async def _async_handle_timeout(
        self, timeout: int, cell: NotebookNode | None = None
    ) -> None | dict[str, Any]:
        if cell is None or self.timed_out:
            return await super()._async_handle_timeout(timeout, cell)
        self.timed_out = True
        if self._wall_bound:
            raise _Abort(WALL_TIME, f"limit {self._limits['notebook_timeout']:g} s")
        self._event(CELL_TIMEOUT, f"limit {timeout:g} s")
        self._check_processes()
        self.km.kill_strays()  # e.g. a fork bomb's spinning children, which would starve the
        cell.outputs.append(  # kernel of the CPU it needs to answer the interrupt
            _error_output(
                "CellTimeoutError",
                f"the cell ran longer than {timeout:g} s and was interrupted by the grader",
            )
        )
        assert self.km is not None and self.kc is not None
        await ensure_async(self.km.interrupt_kernel())
        deadline = time.monotonic() + self._limits["interrupt_grace"]
        while (left := deadline - time.monotonic()) > 0:
            try:
                msg = await ensure_async(self.kc.shell_channel.get_msg(timeout=left))
            except Empty:
                break
            if msg.get("msg_type") == "execute_reply":
                return msg  # the interrupted cell's own reply (KeyboardInterrupt)
        await self._async_check_alive()
        raise _Abort(INTERRUPT_IGNORED, f"killed {self._limits['interrupt_grace']:g} s after it")

    def _check_processes(self) -> None:
        if not isinstance(self.km, SandboxedKernelManager):
            return
        limit = self._policy.max_processes
        tasks, others = self.km.sandbox_tasks(), len(self.km.sandbox_pids()[1])
        # At the limit, or half of it in extra processes (some die while a fork bomb runs).
        if (
            tasks >= limit - 1 or others >= limit // 2
        ) and PROCESS_LIMIT not in self._cell_labels():
            self._event(PROCESS_LIMIT, f"{tasks} processes and threads, limit {limit}")

    def _cell_labels(self) -> list[str]:
        return [e.label for e in self.events if e.cell_index == self._index]

    # ---- output limits ---------------------------------------------------------------------
    def _interrupt_soon(self) -> None:
        if self.km is not None:
            self._pending.append(asyncio.ensure_future(ensure_async(self.km.interrupt_kernel())))

    def clear_output(self, outs: list[NotebookNode], msg: dict[str, Any], cell_index: int) -> None:
        self.cleared_cells.add(cell_index)
        super().clear_output(outs, msg, cell_index)
        if not outs:  # cleared now: what it held no longer counts
            self._used -= self._cell_bytes
            self._cell_bytes = 0

    def process_message(
        self, msg: dict[str, Any], cell: NotebookNode, cell_index: int
    ) -> NotebookNode | None:
        if msg["msg_type"] == "update_display_data":
            size = _content_size("display_data", msg["content"])
            if self._used + size > self._limits["max_output_bytes"]:
                return None
        return super().process_message(msg, cell, cell_index)

    def output(
        self,
        outs: list[NotebookNode],
        msg: dict[str, Any],
        display_id: str | None,
        cell_index: int,
    ) -> NotebookNode | None:
        msg_type = msg["msg_type"]
        content = msg["content"]
        if msg_type == "error":  # always kept (it decides the grade), trimmed
            trimmed = dict(content)
            trimmed["evalue"] = str(content.get("evalue", ""))[:2000]
            trimmed["traceback"] = [line[:2000] for line in content.get("traceback", [])[-60:]]
            self._used += _content_size("error", trimmed)
            return super().output(outs, {**msg, "content": trimmed}, display_id, cell_index)
        if msg_type not in ("stream", "display_data", "execute_result"):
            return super().output(outs, msg, display_id, cell_index)
        size = _content_size(msg_type, content)
        cell_room = self._limits["max_cell_output_bytes"] - self._cell_bytes
        total_room = self._limits["max_output_bytes"] - self._used
        if size <= min(cell_room, total_room):
            self._cell_bytes += size
            self._used += size
            return super().output(outs, msg, display_id, cell_index)
        # Over a limit: flag it once, cut a flooding cell short, keep a marker of each kind.
        if size > cell_room and not self._cell_flooded:
            self._cell_flooded = True
            limit = self._limits["max_cell_output_bytes"]
            self._event(OUTPUT_LIMIT, f"cell output over {limit} bytes")
            outs.append(
                _error_output(
                    "OutputLimitError",
                    f"the cell printed more than {limit} bytes and was interrupted by the grader",
                )
            )
            self._interrupt_soon()
        elif not self._cell_flooded and size > total_room and not self._total_flagged:
            self._total_flagged = True
            limit = self._limits["max_output_bytes"]
            self._event(OUTPUT_LIMIT, f"notebook output over {limit} bytes")
        room = max(0, min(cell_room, total_room))
        note = "\n[... output truncated by the grader: too much output ...]\n"
        if msg_type == "execute_result":  # kept: a number here can be a partial grade
            plain = str((content.get("data") or {}).get("text/plain", ""))
            kept = {**content, "data": {"text/plain": plain[:1000]}, "metadata": {}}
            self._cell_bytes += len(kept["data"]["text/plain"])
            self._used += len(kept["data"]["text/plain"])
            return super().output(outs, {**msg, "content": kept}, None, cell_index)
        name = content.get("name", "stdout") if msg_type == "stream" else "stdout"
        if name in self._cell_markers:
            return None
        self._cell_markers.add(name)
        head = content.get("text", "")[:room] if msg_type == "stream" else ""
        self._cell_bytes += len(head) + len(note)
        self._used += len(head) + len(note)
        marker = {**msg, "msg_type": "stream", "content": {"name": name, "text": head + note}}
        return super().output(outs, marker, None, cell_index)


async def _cancelled_by_grader(km: SandboxedKernelManager) -> bool:
    """nbclient reports its task being cancelled (the grader's Ctrl-C) as DeadKernelError."""
    task = asyncio.current_task()
    if task is not None and getattr(task, "cancelling", lambda: 0)():
        return True
    return bool(await km.is_alive())


def _scan_errors(cell: NotebookNode) -> list[tuple[str, str]]:
    found = []
    for out in cell.get("outputs", []):
        if out.get("output_type") != "error":
            continue
        ename, evalue = out.get("ename", ""), str(out.get("evalue", ""))
        if ename == "MemoryError":
            found.append((MEMORY_LIMIT, f"{ename}: {evalue}"[:200]))
        elif (
            ename == "BlockingIOError"
            or "Resource temporarily unavailable" in evalue
            or "can't start new thread" in evalue
        ):
            found.append((PROCESS_LIMIT, f"{ename}: {evalue}"[:200]))
    return found


async def async_run_in_sandbox(
    nb: NotebookNode,
    workdir: str | os.PathLike | None,
    policy: SandboxPolicy | None = None,
    cell_timeout: float = 30,
    notebook_timeout: float = 300,
    *,
    max_output_bytes: int = 5_000_000,
    max_cell_output_bytes: int = 1_000_000,
    interrupt_grace: float = 5.0,
    startup_timeout: float = 60,
    kernel_name: str = "python3",
    checks: Mapping[int, HiddenCheck] | None = None,
    visible: Mapping[int, VisibleTest] | None = None,
    seed: int | None = None,
    collect_files: int = 0,
    skip_files: frozenset[str] = frozenset(),
) -> SandboxRun:
    """Async version of :func:`run_in_sandbox`."""
    if not isinstance(nb, NotebookNode):
        raise TypeError(f"nb must be an nbformat NotebookNode, got {type(nb).__name__}")
    for name, value in (
        ("cell_timeout", cell_timeout),
        ("notebook_timeout", notebook_timeout),
        ("interrupt_grace", interrupt_grace),
        ("startup_timeout", startup_timeout),
        ("max_output_bytes", max_output_bytes),
        ("max_cell_output_bytes", max_cell_output_bytes),
    ):
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ValueError(f"{name} must be a positive number, got {value!r}")
    require_sandbox()  # loud, before anything runs: never a silent fallback
    policy = SandboxPolicy() if policy is None else policy
    if workdir is not None:
        policy = dataclasses.replace(policy, workdir=Path(workdir))
    nb = copy.deepcopy(nb)
    limits = {
        "max_output_bytes": max_output_bytes,
        "max_cell_output_bytes": max_cell_output_bytes,
        "interrupt_grace": interrupt_grace,
        "notebook_timeout": notebook_timeout,
    }
    client = _GuardedClient(
        nb,
        policy=policy,
        limits=limits,
        kernel_name=kernel_name,
        allow_errors=True,
        interrupt_on_timeout=True,
        timeout=max(1, math.ceil(cell_timeout)),
        startup_timeout=max(1, math.ceil(startup_timeout)),
        shutdown_kernel="immediate",
    )
    client.reset_execution_trackers()
    started = time.monotonic()
    abort: _Abort | None = None
    last_index = -1
    kernel_ready = False
    files: dict[str, bytes] = {}
    try:
        async with client.kernel_session():
            kernel_ready = True
            assert client.kc is not None and client.km is not None
            info = await client.async_wait_for_reply(await ensure_async(client.kc.kernel_info()))
            if info is not None and "language_info" in info["content"]:
                nb.metadata["language_info"] = info["content"]["language_info"]
            deadline = time.monotonic() + notebook_timeout
            if checks and seed is None:
                raise ValueError("hidden checks need the grading seed")
            guard = CellGuard(
                client,
                checks or {},
                seed if seed is not None else 0,
                client._event,
                cell_timeout,
                interrupt_grace,
                visible=visible or {},
            )
            await guard.start()
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                last_index = index
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    client._index = index
                    abort = _Abort(WALL_TIME, f"limit {notebook_timeout:g} s")
                    break
                wall_bound = remaining <= cell_timeout
                client.timeout = max(1, math.ceil(min(cell_timeout, remaining)))
                client._begin_cell(index, wall_bound)

                def execute(cell=cell, index=index):
                    return client.async_execute_cell(
                        cell, index, execution_count=client.code_cells_executed + 1
                    )

                try:
                    if _is_test(cell):
                        await guard.run_test_cell(cell, index, execute)
                    else:
                        await execute()
                except KernelLost as lost:
                    label = KERNEL_DIED if lost.died else INTERRUPT_IGNORED
                    detail = client.km.exit_description() if lost.died else lost.detail
                    abort = _Abort(label, detail)
                    break
                except DeadKernelError:
                    if await _cancelled_by_grader(client.km):
                        raise asyncio.CancelledError() from None
                    abort = _Abort(KERNEL_DIED, client.km.exit_description())
                    break
                except _Abort as stop:
                    abort = stop
                    break
                for label, detail in _scan_errors(cell):
                    if label not in client._cell_labels():
                        client._event(label, detail)
                if (
                    client.timed_out
                    or client._cell_flooded
                    or PROCESS_LIMIT in client._cell_labels()
                ):
                    client.km.kill_strays()
            if abort is not None:  # the kernel is killed on leaving this block
                client._index = last_index
                client._check_processes()
                if abort.label == KERNEL_DIED:
                    log = client.km.sandbox_log(600).strip()
                    if "MemoryError" in log or "Cannot allocate memory" in log:
                        abort.detail += ", out of memory"
            client.set_widgets_metadata()
            if collect_files > 0:
                files = _read_back_files(client.km, policy.workdir, collect_files, skip_files)
    except SandboxUnavailableError:
        raise
    except Exception as error:
        if not kernel_ready or isinstance(error, RuntimeError) and last_index < 0:
            km = client.sandboxed_km
            log = km.sandbox_log() if km is not None else ""
            raise SandboxStartError(
                f"the sandboxed kernel did not start: {error}\n--- sandbox log ---\n{log}"
            ) from error
        raise
    finally:
        for future in client._pending:
            future.cancel()

    if abort is not None:
        client._index = last_index
        client._event(abort.label, abort.detail)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or index < last_index:
                continue
            if index == last_index:
                cell.outputs.append(
                    _error_output("GradingAborted", f"{abort.label}: the grader stopped here")
                )
            else:
                cell.outputs = [
                    _error_output("GradingAborted", f"not run: {abort.label} in an earlier cell")
                ]
                cell.execution_count = None
    return SandboxRun(
        nb=nb,
        events=client.events,
        seconds=time.monotonic() - started,
        aborted=abort is not None,
        files=files,
    )


def _read_back_files(
    km: SandboxedKernelManager, staged: Path | None, limit: int, skip: frozenset[str]
) -> dict[str, bytes]:
    """What the kernel wrote in its working folder (best effort: none if the sandbox is gone)."""
    from worldlab.grading.side_files import open_folder, written_files

    root = km._sbx_root_fd
    if root is None:
        return {}
    try:
        folder = open_folder(SANDBOX_WORKDIR, root)
    except OSError:
        return {}
    try:
        files, _ = written_files(folder, staged, limit, skip)
        return files
    except OSError:
        return {}
    finally:
        os.close(folder)


def run_in_sandbox(
    nb: NotebookNode,
    workdir: str | os.PathLike | None,
    policy: SandboxPolicy | None = None,
    cell_timeout: float = 30,
    notebook_timeout: float = 300,
    **options: Any,
) -> SandboxRun:
    """Execute ``nb`` in a sandboxed kernel; the run's full record (see :func:`execute_in_sandbox`)."""
    coroutine = async_run_in_sandbox(nb, workdir, policy, cell_timeout, notebook_timeout, **options)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        # A fresh loop per run. On Ctrl-C asyncio.run cancels the run, which kills the kernel,
        # then raises KeyboardInterrupt.
        return asyncio.run(coroutine)
    coroutine.close()  # called from a running loop (e.g. a notebook): nest via jupyter_core
    return run_sync(async_run_in_sandbox)(
        nb, workdir, policy, cell_timeout, notebook_timeout, **options
    )


def execute_in_sandbox(
    nb: NotebookNode,
    workdir: str | os.PathLike | None,
    policy: SandboxPolicy | None = None,
    cell_timeout: float = 30,
    notebook_timeout: float = 300,
    **options: Any,
) -> tuple[NotebookNode, str | None]:
    """Execute a notebook in a sandboxed kernel and say why the run was abnormal, if it was.

    Parameters
    ----------
    nb
        The notebook (not modified: a copy is executed). The kernel is always ``python3``
        (``kernel_name=`` to change), whatever the notebook's metadata says.
    workdir
        Host folder copied into the kernel's working folder (the submission's folder, holding
        the notebook as submitted; never one with restored hidden tests). None: the policy's
        ``workdir``, else an empty folder.
    policy
        The sandbox (default :class:`SandboxPolicy()`).
    cell_timeout
        Seconds per cell. A cell over it is interrupted, gets a ``CellTimeoutError`` output and
        the run goes on; if it ignores the interrupt for ``interrupt_grace`` seconds the kernel
        is killed.
    notebook_timeout
        Seconds for all cells together (after kernel start). Past it the kernel is killed.
    **options
        ``max_output_bytes`` (whole notebook, default 5 MB), ``max_cell_output_bytes`` (default
        1 MB; a cell printing more is interrupted), ``interrupt_grace`` (5 s),
        ``startup_timeout`` (60 s), ``kernel_name``; ``checks`` (``cell index ->``
        :class:`~worldlab.grading.remote_checks.HiddenCheck`: test cells whose hidden block runs
        in this process, never in the kernel) with ``seed`` (the secret seed they draw from);
        ``visible`` (``cell index ->`` :class:`~worldlab.grading.visible_checks.VisibleTest`:
        visible tests of a course lesson, run again in this process). Every test cell is run as :mod:`worldlab.grading.cell_guard` says (hooks reset first,
        judged on the kernel's reply), and the flags it raises join the reasons below.

    Returns
    -------
    (nb, reason)
        The executed notebook and None, or a short reason such as ``"cell timed out (cell 3,
        limit 30 s)"`` (cell = index in ``nb.cells``), several joined by ``"; "``
        (:func:`run_in_sandbox` gives them as :class:`SandboxEvent` objects). Labels: :data:`KERNEL_DIED`,
        :data:`CELL_TIMEOUT`, :data:`INTERRUPT_IGNORED`, :data:`WALL_TIME`,
        :data:`MEMORY_LIMIT`, :data:`PROCESS_LIMIT`, :data:`OUTPUT_LIMIT`. When a run stops
        early the outputs of the finished cells are kept, and the stopping cell and every later
        code cell get a ``GradingAborted`` error output, so a test cell that never ran scores
        0 under nbgrader's rules instead of passing for having no error.

    Raises
    ------
    SandboxUnavailableError
        bubblewrap is missing or cannot create namespaces here.
    SandboxStartError
        The kernel did not start (the message holds the sandbox's log).
    KeyboardInterrupt
        The grader was interrupted (Ctrl-C): the kernel is killed first, and nothing is blamed
        on the submission.
    """
    run = run_in_sandbox(nb, workdir, policy, cell_timeout, notebook_timeout, **options)
    return run.nb, run.reason
