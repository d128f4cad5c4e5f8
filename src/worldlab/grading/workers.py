"""Each submission graded in a process of its own, with memory, CPU and wall-clock limits.

:func:`run_isolated` runs :func:`worldlab.grading.execute.run_job` for every job, at most
``workers`` at once, each in a fresh process forked from a server that has already imported the
grader (``forkserver``: a new process costs milliseconds, not an interpreter start). The process
gets, as soft limits (its sandboxed kernel sets its own), an address-space limit
(:attr:`Limits.worker_memory_bytes`) and a CPU-time limit; the parent kills it (and, through
bubblewrap's ``--die-with-parent``, its kernel) when it outlives the notebook's wall time plus
:attr:`Limits.worker_margin` seconds. Whatever happens in there — an exception anywhere, a
``MemoryError``, a crash, a kill — comes back as a :class:`JobResult` with ``error`` set, for that
job alone: the other jobs run on.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import resource
import signal
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

from worldlab.grading.execute import Job, JobResult, run_job

#: Modules the fork server imports once, so that each worker starts warm.
PRELOAD = ["worldlab.grading.execute", "worldlab.grading.sandbox", "worldlab.checking"]


def _limit_self(memory_bytes: int, cpu_seconds: float) -> None:
    """Soft limits on this process only: the kernel it starts sets its own (``prlimit``)."""
    for which, value in (
        (resource.RLIMIT_AS, int(memory_bytes)),
        (resource.RLIMIT_CPU, max(1, int(cpu_seconds))),
    ):
        _, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(which, (value, hard))


def _worker(job: Job, conn: Connection, target: Callable[[Job], JobResult]) -> None:
    """The body of one worker process: run the job, send its result, never raise."""
    start = time.perf_counter()
    try:
        limits = job.limits
        _limit_self(limits.worker_memory_bytes, limits.notebook_timeout + limits.worker_margin)
        result = target(job)
    except BaseException as exc:  # noqa: BLE001 - a MemoryError, a limit: that job's error
        result = JobResult(
            job.student,
            None,
            None,
            time.perf_counter() - start,
            error=f"the grading worker failed: {type(exc).__name__}: {str(exc)[:300]}",
        )
    try:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        conn.send(dataclasses.replace(result, worker_peak_mb=round(peak, 1)))
    except BaseException as exc:  # noqa: BLE001 - e.g. no memory left to pickle the result
        try:
            conn.send(
                JobResult(
                    job.student,
                    None,
                    None,
                    time.perf_counter() - start,
                    error=f"the grading worker could not send its result: {type(exc).__name__}",
                )
            )
        except BaseException:  # noqa: BLE001 - the parent reports a worker that died silently
            pass
    finally:
        conn.close()


@dataclass
class _Running:
    job: Job
    process: multiprocessing.process.BaseProcess
    conn: Connection
    deadline: float
    started: float


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


def _died(run: _Running, why: str) -> JobResult:
    return JobResult(
        run.job.student,
        None,
        None,
        time.perf_counter() - run.started,
        error=why,
    )


def _exit_description(code: int | None) -> str:
    if code is None:
        return "did not finish"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        hint = " (CPU limit)" if name == "SIGXCPU" else ""
        return f"was killed by {name}{hint}"
    return f"exited with code {code}"


def run_isolated(
    jobs: Iterable[Job],
    workers: int,
    on_result: Callable[[JobResult], None],
    target: Callable[[Job], JobResult] = run_job,
) -> None:
    """Run every job in its own process, ``workers`` at a time; ``on_result`` gets each result.

    ``on_result`` is called in this process, one result at a time, as jobs finish. A worker that
    dies, is killed or outlives its wall clock gives a result with ``error`` set. ``target`` is
    what a worker runs (a module-level function, so that it can be sent to the worker).
    """
    context = _context()
    queue = list(jobs)
    queue.reverse()
    running: dict[Connection, _Running] = {}
    try:
        while queue or running:
            while queue and len(running) < max(1, workers):
                job = queue.pop()
                receive, send = context.Pipe(duplex=False)
                process = context.Process(target=_worker, args=(job, send, target), daemon=True)
                process.start()
                send.close()
                now = time.perf_counter()
                limit = job.limits.notebook_timeout + job.limits.worker_margin
                running[receive] = _Running(job, process, receive, now + limit, now)
            soonest = min(run.deadline for run in running.values())
            ready = wait(list(running), timeout=max(0.05, soonest - time.perf_counter()))
            for conn in ready:
                run = running.pop(conn)
                try:
                    result = conn.recv()
                except (EOFError, OSError):
                    run.process.join(5)
                    result = _died(
                        run,
                        f"the grading worker {_exit_description(run.process.exitcode)} "
                        "before it sent a result",
                    )
                except Exception as exc:  # noqa: BLE001 - an unreadable result is that job's
                    result = _died(run, f"the grading worker's result was unreadable: {exc}")
                conn.close()
                _reap(run.process)
                on_result(result)
            now = time.perf_counter()
            for conn, run in list(running.items()):
                if now < run.deadline:
                    continue
                running.pop(conn)
                _kill(run.process)
                conn.close()
                limit = run.job.limits.notebook_timeout + run.job.limits.worker_margin
                on_result(_died(run, f"the grading of this notebook took longer than {limit:g} s"))
    finally:
        for run in running.values():
            _kill(run.process)
            run.conn.close()


def _reap(process: multiprocessing.process.BaseProcess) -> None:
    process.join(10)
    if process.is_alive():
        _kill(process)


def _kill(process: multiprocessing.process.BaseProcess) -> None:
    if process.is_alive() and process.pid is not None:
        try:
            os.kill(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.join(10)
