"""Run one normalised submission, in the sandbox or (explicitly opted out) without it.

This is the only code of the grader that runs in the worker processes. It gets plain data (the
notebook as JSON and the limits) and returns plain data (the executed notebook as JSON, why the run
was abnormal, how long it took), so workers never touch the gradebook or the course folders.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode


@dataclass(frozen=True)
class Limits:
    """Limits of one submission's run."""

    cell_timeout: float = 60.0
    notebook_timeout: float = 600.0
    memory_bytes: int = 2 * 1024**3
    max_processes: int = 64
    max_output_bytes: int = 5 * 1024**2


@dataclass(frozen=True)
class Job:
    """One submission to execute."""

    student: str
    notebook_json: str
    data_dir: str
    deny: tuple[str, ...]
    limits: Limits = field(default_factory=Limits)
    sandbox: bool = True
    workdir: str | None = None  # host folder whose private copy is the kernel's working folder


@dataclass(frozen=True)
class JobResult:
    """What a worker sends back."""

    student: str
    notebook_json: str | None
    reason: str | None
    seconds: float
    error: str | None = None


def run_job(job: Job) -> JobResult:
    """Execute ``job``; never raises (a grader-side failure comes back in ``error``)."""
    start = time.perf_counter()
    try:
        nb = nbformat.reads(job.notebook_json, as_version=4)
        if job.sandbox:
            executed, reason = _run_sandboxed(nb, job)
        else:
            executed, reason = _run_unsandboxed(nb, job.limits, job.workdir)
        return JobResult(
            job.student, nbformat.writes(executed), reason, time.perf_counter() - start
        )
    except Exception as exc:  # the grader failed, not the student: report it, score nothing
        return JobResult(
            job.student,
            None,
            None,
            time.perf_counter() - start,
            error=f"{type(exc).__name__}: {exc}",
        )


def _run_sandboxed(nb: NotebookNode, job: Job) -> tuple[NotebookNode, str | None]:
    from worldlab.course.execution import HEADLESS_KERNEL_ENV
    from worldlab.grading.sandbox import SandboxPolicy, execute_in_sandbox

    policy = SandboxPolicy(
        data_dir=Path(job.data_dir),
        deny=tuple(Path(p) for p in job.deny),
        memory_bytes=job.limits.memory_bytes,
        max_processes=job.limits.max_processes,
        env=HEADLESS_KERNEL_ENV,
    )
    return execute_in_sandbox(
        nb,
        job.workdir,
        policy,
        cell_timeout=job.limits.cell_timeout,
        notebook_timeout=job.limits.notebook_timeout,
        max_output_bytes=job.limits.max_output_bytes,
    )


def _run_unsandboxed(
    nb: NotebookNode, limits: Limits, workdir: str | None = None
) -> tuple[NotebookNode, str | None]:
    """Plain nbclient with the same timeouts; only for code the instructor trusts."""
    import os
    import shutil
    import tempfile

    from nbclient import NotebookClient

    from worldlab.course.execution import ipc_config, kernel_environment

    with kernel_environment(), tempfile.TemporaryDirectory(prefix="worldlab-grade-") as work:
        if workdir:
            shutil.copytree(workdir, work, dirs_exist_ok=True)
        os.environ.pop("WORLDLAB_ROOT", None)
        client = NotebookClient(
            nb,
            config=ipc_config(Path(work)),
            kernel_name="python3",
            timeout=limits.cell_timeout,
            allow_errors=True,
            interrupt_on_timeout=True,
            record_timing=False,
            store_widget_state=False,
            resources={"metadata": {"path": work}},
        )
        try:
            client.execute()
            return nb, None
        except Exception as exc:  # kernel died, or a cell ignored the interrupt
            return (
                nb,
                f"{type(exc).__name__}: {str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ''}",
            )
