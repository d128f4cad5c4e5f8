"""Run one normalised submission, in the sandbox or (explicitly opted out) without it.

This is the only code of the grader that runs in the worker processes. It gets plain data (the
notebook as JSON, the limits, and the lesson's integrity fields: hidden checks, secret seed,
released points, hidden-test lines) and returns plain data (the executed notebook as JSON, why the
run was abnormal or flagged, how long it took), so workers never touch the gradebook or the course
folders. Before the run, points come from the release and in-kernel hidden blocks get the seed as
a literal; the hidden checks run in this (trusted) process during the run; after it, the test
cells get their instructor source back and hidden-test lines are redacted from every output
(:mod:`worldlab.grading.integrity`).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from worldlab.grading.integrity import (
    apply_release_points,
    redact_hidden_lines,
    seed_line,
    with_seed_literal,
)
from worldlab.grading.remote_checks import HiddenCheck
from worldlab.grading.visible_checks import VisibleTest
from worldlab.grading.writable import writable, writable_tree

#: What ``nbgrader autograde`` sets in the kernel's environment (a notebook may test for it).
NBGRADER_KERNEL_ENV = {"NBGRADER_EXECUTION": "autograde"}


@dataclass(frozen=True)
class Limits:
    """Limits of one submission's run.

    ``cell_timeout`` None stands for the course's ``c.Execute.timeout`` (nbgrader's per-cell
    limit, 30 s when the course does not set it); the grader resolves it before any run.
    """

    cell_timeout: float | None = None
    notebook_timeout: float = 600.0
    memory_bytes: int = 2 * 1024**3
    max_processes: int = 64
    max_output_bytes: int = 5 * 1024**2
    #: Address space of the grading worker itself (the trusted side; the kernel has its own).
    worker_memory_bytes: int = 3 * 1024**3
    #: Seconds a worker may run beyond ``notebook_timeout`` (kernel start and shutdown).
    worker_margin: float = 30.0


@dataclass(frozen=True)
class Job:
    """One submission to execute."""

    student: str
    notebook_json: str
    data_dir: str
    deny: tuple[str, ...]
    limits: Limits = field(default_factory=Limits)
    sandbox: bool = True
    #: grade_id -> hidden checks run by the grader (never in the kernel).
    checks: dict[str, HiddenCheck] = field(default_factory=dict)
    #: grade_id -> visible tests of a course lesson, judged by the grader too.
    visible: dict[str, VisibleTest] = field(default_factory=dict)
    #: The instructor's secret seed (None: the public default of worldlab.testing).
    seed: int | None = None
    #: grade_id -> the release's nbgrader metadata (points and kind).
    points: dict[str, dict] = field(default_factory=dict)
    #: Lines of the hidden tests, redacted from every output.
    hidden_lines: tuple[str, ...] = ()
    workdir: str | None = None  # host folder whose private copy is the kernel's working folder
    #: Names in the working folder never read back (the assignment's notebooks).
    skip_files: frozenset[str] = frozenset()


@dataclass(frozen=True)
class JobResult:
    """What a worker sends back."""

    student: str
    notebook_json: str | None
    reason: str | None
    seconds: float
    error: str | None = None
    #: Peak resident memory of the grading worker (MiB; 0 when not measured).
    worker_peak_mb: float = 0.0
    #: Files the notebook wrote in its working folder (relative path -> bytes): nbgrader keeps
    #: them beside the autograded notebook.
    files: dict[str, bytes] = field(default_factory=dict)


def run_job(job: Job) -> JobResult:
    """Execute ``job``; never raises (a grader-side failure comes back in ``error``)."""
    start = time.perf_counter()
    try:
        nb = nbformat.reads(job.notebook_json, as_version=4)
        apply_release_points(nb, job.points)
        originals = [cell.source for cell in nb.cells]
        seed = job.seed if job.seed is not None else _default_seed()
        checks, visible = {}, {}
        for index, cell in enumerate(nb.cells):
            gid = (cell.get("metadata", {}).get("nbgrader", {}) or {}).get("grade_id")
            if cell.cell_type != "code" or not _is_test(cell):
                continue
            if job.sandbox and gid in job.visible:
                visible[index] = job.visible[gid]
            if job.sandbox and gid in job.checks:
                checks[index] = job.checks[gid]
            else:
                cell.source = with_seed_literal(cell.source, seed)
        if job.sandbox:
            executed, reason, files = _run_sandboxed(nb, job, checks, seed, visible)
        else:
            executed, reason, files = _run_unsandboxed(nb, job.limits, job.workdir, job.skip_files)
        for cell, source in zip(executed.cells, originals, strict=True):
            cell.source = source
        flag = redact_hidden_lines(executed, (*job.hidden_lines, seed_line(seed)))
        reason = "; ".join(filter(None, [reason, flag])) or None
        sanitize_outputs(executed)
        writable_tree(executed)
        return JobResult(
            job.student,
            nbformat.writes(executed),
            writable(reason) if reason else None,
            time.perf_counter() - start,
            files=files,
        )
    except Exception as exc:  # the grader failed, not the student: report it, score nothing
        return JobResult(
            job.student,
            None,
            None,
            time.perf_counter() - start,
            error=f"{type(exc).__name__}: {exc}",
        )


#: Tags a markdown cell may keep besides bleach's defaults (what lessons and answers use).
MARKDOWN_TAGS = frozenset(
    "p br hr div span pre sub sup details summary table thead tbody tr th td img "
    "h1 h2 h3 h4 h5 h6 del ins kbd mark small".split()
)
#: Something that looks like an HTML tag or comment: only such markdown is cleaned.
_TAG = re.compile(r"<\s*[A-Za-z!/?]")


def sanitize_outputs(nb: NotebookNode) -> NotebookNode:
    """Clean every code cell's outputs, and the HTML in markdown, with nbconvert's ``SanitizeHTML``.

    What a student's code displayed, and what a student wrote in a markdown cell (a written
    answer, or any markdown they edited or added), reaches pages an instructor opens (the
    formgrader, the feedback). HTML and markdown outputs are cleaned with bleach (no
    ``<script>``, no event handlers) and every other type but plain text, LaTeX, JSON and
    PNG/JPEG images (JavaScript, SVG, widget views) is removed. A markdown cell with something
    that looks like a tag gets the same cleaning (:data:`MARKDOWN_TAGS` are kept besides bleach's
    defaults; anything else is escaped, so shown as text); markdown without tags is left as it is.
    """
    from nbconvert.preprocessors.sanitize import SanitizeHTML

    sanitizer = SanitizeHTML()
    markdown = SanitizeHTML(tags=sorted(set(SanitizeHTML().tags) | MARKDOWN_TAGS))
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.get("outputs"):
            cell.outputs = sanitizer.sanitize_code_outputs(cell.outputs)
        elif cell.cell_type == "markdown" and _TAG.search(cell.get("source", "")):
            cell.source = markdown.sanitize_html_tags(cell.source)
    return nb


def _is_test(cell: NotebookNode) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {}) or {}
    return bool(meta.get("grade")) and not meta.get("solution")


def _default_seed() -> int:
    from worldlab.testing import DEFAULT_GRADING_SEED

    return DEFAULT_GRADING_SEED


def _run_sandboxed(
    nb: NotebookNode,
    job: Job,
    checks: dict[int, HiddenCheck],
    seed: int,
    visible: dict[int, VisibleTest] | None = None,
) -> tuple[NotebookNode, str | None, dict[str, bytes]]:
    from worldlab.course.execution import HEADLESS_KERNEL_ENV
    from worldlab.grading.sandbox import SandboxPolicy, run_in_sandbox

    policy = SandboxPolicy(
        data_dir=Path(job.data_dir),
        deny=tuple(Path(p) for p in job.deny),
        memory_bytes=job.limits.memory_bytes,
        max_processes=job.limits.max_processes,
        env={**HEADLESS_KERNEL_ENV, **NBGRADER_KERNEL_ENV},
    )
    run = run_in_sandbox(
        nb,
        job.workdir,
        policy,
        cell_timeout=job.limits.cell_timeout,
        notebook_timeout=job.limits.notebook_timeout,
        max_output_bytes=job.limits.max_output_bytes,
        checks=checks,
        visible=visible or {},
        seed=seed,
        collect_files=job.limits.max_output_bytes,
        skip_files=job.skip_files,
    )
    return run.nb, run.reason, run.files


def _run_unsandboxed(
    nb: NotebookNode,
    limits: Limits,
    workdir: str | None = None,
    skip_files: frozenset[str] = frozenset(),
) -> tuple[NotebookNode, str | None, dict[str, bytes]]:
    """Plain nbclient with the same timeouts; only for code the instructor trusts."""
    import os
    import shutil
    import tempfile

    from nbclient import NotebookClient

    from worldlab.course.execution import ipc_config, kernel_environment
    from worldlab.grading.side_files import open_folder, written_files

    with kernel_environment(), tempfile.TemporaryDirectory(prefix="worldlab-grade-") as work:
        if workdir:
            shutil.copytree(workdir, work, dirs_exist_ok=True)
        os.environ.pop("WORLDLAB_ROOT", None)
        os.environ.update(NBGRADER_KERNEL_ENV)
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
            reason = None
        except Exception as exc:  # kernel died, or a cell ignored the interrupt
            first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
            reason = f"{type(exc).__name__}: {first}"
        folder = open_folder(work)
        try:
            staged = Path(workdir) if workdir else None
            files, _ = written_files(folder, staged, limits.max_output_bytes, skip_files)
        finally:
            os.close(folder)
        return nb, reason, files
