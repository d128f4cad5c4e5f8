"""Grade every submission of a lesson: safe, parallel, fair, resumable.

    worldlab grade <lesson> [--force] [--jobs N] [--student ID ...]

1. Lock the lesson (two runs never grade one student at once) and back up the gradebook.
2. In this trusted process, read each submission; a file that is not a gradable notebook of this
   lesson is recorded as broken (score 0, flagged, reason in the report) and the run goes on.
   Normalise the rest onto the instructor's tests (:mod:`worldlab.grading.normalize`) and scan the
   student's code for tampering (:mod:`worldlab.grading.tamper`).
3. Execute the submissions in parallel worker processes, each kernel in its own sandbox
   (:mod:`worldlab.grading.execute`), with per-cell, per-notebook, memory, process and output limits.
4. Back in this process, one submission at a time: settle the test outputs (tests that never ran
   score 0, warnings do not cost points), score with nbgrader's rules, write the autograded
   notebook where nbgrader's formgrader and feedback expect it, and write the grades in one
   transaction. Record what happened in ``grading/runs/<lesson>.json``.

A run that is interrupted can be started again: submissions already graded (same file content)
are skipped unless ``--force``.
"""

from __future__ import annotations

import copy
import fcntl
import hashlib
import json
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from multiprocessing import get_context
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from worldlab.course.errors import CourseError
from worldlab.course.nbgrader_setup import course_config, quiet_nbgrader
from worldlab.grading import gradebook as books
from worldlab.grading.execute import Job, JobResult, Limits, run_job
from worldlab.grading.integrity import job_fields
from worldlab.grading.normalize import BrokenSubmission, assign_cell_ids, normalize, read_submission
from worldlab.grading.scoring import cell_scores, settle_test_outputs, unanswered
from worldlab.grading.tamper import provided_lines, scan


@dataclass
class Outcome:
    """What grading one student gave (one entry of ``grading/runs/<lesson>.json``)."""

    student: str
    status: str  # graded | broken | error
    score: float = 0.0
    max_score: float = 0.0
    reason: str | None = None
    notes: list[str] = field(default_factory=list)
    tamper: list[str] = field(default_factory=list)
    seconds: float = 0.0
    digest: str = ""
    cells: dict[str, float | None] = field(default_factory=dict)

    @property
    def flagged(self) -> bool:
        return self.status != "graded" or bool(self.reason) or bool(self.tamper)


@dataclass
class GradeOptions:
    jobs: int = max(1, os.cpu_count() or 1)
    limits: Limits = field(default_factory=Limits)
    sandbox: bool = True
    force: bool = False
    students: list[str] | None = None


@dataclass
class Course:
    """The paths and ids of one lesson's grading, from ``nbgrader_config.py``."""

    root: Path
    lesson: str
    course_id: str
    db_url: str
    submitted: Path
    autograded: Path
    grading: Path
    instructor: Path
    release: Path

    @classmethod
    def load(cls, root: Path, lesson: str) -> Course:
        config = course_config(root)
        coursedir = config.CourseDirectory
        base = Path(coursedir.root)

        def folder(name: str) -> Path:
            return base / getattr(coursedir, name)

        instructor = folder("source_directory") / lesson / f"{lesson}.ipynb"
        if not instructor.is_file():
            raise CourseError(f"no instructor notebook {instructor}: is '{lesson}' a lesson?")
        return cls(
            root=base,
            lesson=lesson,
            course_id=coursedir.course_id,
            db_url=coursedir.db_url,
            submitted=folder("submitted_directory"),
            autograded=folder("autograded_directory"),
            grading=books.sqlite_path(coursedir.db_url).parent,
            instructor=instructor,
            release=folder("release_directory") / lesson / f"{lesson}.ipynb",
        )

    @property
    def manifest(self) -> Path:
        return self.grading / "runs" / f"{self.lesson}.json"

    def deny(self) -> tuple[str, ...]:
        """Folders a kernel must never see."""
        return tuple(
            str(p)
            for p in (
                self.root / "course",
                self.root / "solutions",
                self.submitted,
                self.autograded,
                self.grading,
            )
            if p.exists()
        )


def load_manifest(course: Course) -> dict[str, dict]:
    if course.manifest.is_file():
        return json.loads(course.manifest.read_text())
    return {}


def save_manifest(course: Course, entries: dict[str, dict]) -> None:
    course.manifest.parent.mkdir(parents=True, exist_ok=True)
    partial = course.manifest.with_suffix(".partial")
    partial.write_text(json.dumps(entries, indent=1, sort_keys=True) + "\n")
    partial.replace(course.manifest)


@contextmanager
def lesson_lock(course: Course):
    course.grading.mkdir(parents=True, exist_ok=True)
    with open(course.grading / f".{course.lesson}.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CourseError(
                f"another grading run of {course.lesson} is in progress; wait for it to finish"
            ) from None
        yield


def find_submissions(course: Course) -> dict[str, tuple[Path | None, str | None]]:
    """``student -> (notebook path, problem)`` for every folder under ``submitted/``."""
    found: dict[str, tuple[Path | None, str | None]] = {}
    if not course.submitted.is_dir():
        return found
    for student_dir in sorted(p for p in course.submitted.iterdir() if p.is_dir()):
        folder = student_dir / course.lesson
        if not folder.is_dir():
            continue
        expected = folder / f"{course.lesson}.ipynb"
        notebooks = sorted(folder.glob("*.ipynb"))
        if expected.is_file():
            found[student_dir.name] = (expected, None)
        elif len(notebooks) == 1:
            found[student_dir.name] = (notebooks[0], None)
        else:
            names = ", ".join(p.name for p in sorted(folder.iterdir())) or "nothing"
            found[student_dir.name] = (
                None,
                f"no {expected.name} in the submission (found {names})",
            )
    return found


def _timestamp(folder: Path) -> datetime | None:
    stamp = folder / "timestamp.txt"
    if not stamp.is_file():
        return None
    from nbgrader.utils import parse_utc

    try:
        return parse_utc(stamp.read_text().strip())
    except Exception:
        return None


class Grader:
    """Grades one lesson; see the module docstring for the steps."""

    def __init__(
        self, course: Course, options: GradeOptions, report: Callable[[str], None] = print
    ):
        self.course = course
        self.options = options
        self.report = report
        self.instructor = nbformat.read(course.instructor, as_version=4)
        self.release = nbformat.read(course.release, as_version=4)
        self.provided = provided_lines(self.release)
        self.integrity = job_fields(self.instructor, self.release)
        self.outcomes: dict[str, Outcome] = {}

    def run(self) -> dict[str, Outcome]:
        course, options = self.course, self.options
        if options.sandbox:
            from worldlab.grading.sandbox import SandboxUnavailableError, require_sandbox

            try:
                require_sandbox()
            except SandboxUnavailableError as exc:
                raise CourseError(
                    f"{exc}\nTo grade anyway, without any isolation, pass --unsafe-no-sandbox."
                ) from None
        with lesson_lock(course):
            self._ensure_assignment()
            saved = books.backup(course.db_url, course.grading / "backups", course.lesson)
            if saved:
                self.report(f"gradebook backed up to {saved}")
            manifest = load_manifest(course)
            jobs = self._prepare(manifest)
            self._execute(jobs, manifest)
        return self.outcomes

    def _ensure_assignment(self) -> None:
        if books.has_assignment(self.course.db_url, self.course.course_id, self.course.lesson):
            return
        from nbgrader.apps import NbGraderAPI

        self.report(f"adding {self.course.lesson} to the gradebook (nbgrader generate_assignment)")
        with quiet_nbgrader():
            api = NbGraderAPI(config=course_config(self.course.root))
            result = api.generate_assignment(self.course.lesson, force=True, create=True)
        if not result.get("success"):
            raise CourseError(f"could not add {self.course.lesson} to the gradebook")

    def _prepare(self, manifest: dict[str, dict]) -> list[tuple[Job, Outcome, Path]]:
        jobs = []
        data_dir, deny = str(self.course.root / "data"), self.course.deny()
        for student, (path, problem) in find_submissions(self.course).items():
            if self.options.students and student not in self.options.students:
                continue
            data = path.read_bytes() if path else b""
            digest = hashlib.sha256(data).hexdigest()
            done = manifest.get(student, {})
            if (
                not self.options.force
                and done.get("digest") == digest
                and done.get("status") in ("graded", "broken")
            ):
                self.outcomes[student] = Outcome(**done)
                self.report(f"{student}: already graded, skipped (use --force to regrade)")
                continue
            outcome = Outcome(student, "graded", digest=digest)
            try:
                if problem:
                    raise BrokenSubmission(problem)
                nb = read_submission(data, self.course.lesson)
                normalized = normalize(nb, self.instructor, self.course.lesson)
            except BrokenSubmission as exc:
                outcome.status, outcome.reason = "broken", str(exc)
                self._finish_broken(outcome, manifest)
                continue
            outcome.notes = normalized.notes
            signals = scan(normalized.notebook, self.provided, self.instructor, self.release)
            outcome.tamper = [str(signal) for signal in signals]
            job = Job(
                student=student,
                notebook_json=nbformat.writes(assign_cell_ids(normalized.notebook)),
                data_dir=data_dir,
                deny=deny,
                limits=self.options.limits,
                sandbox=self.options.sandbox,
                **self.integrity,
            )
            jobs.append((job, outcome, path.parent))
        return jobs

    def _execute(self, jobs: list[tuple[Job, Outcome, Path]], manifest: dict[str, dict]) -> None:
        if not jobs:
            return
        pending = {job.student: (outcome, folder) for job, outcome, folder in jobs}
        workers = max(1, min(self.options.jobs, len(jobs)))
        self.report(f"grading {len(jobs)} submission(s) with {workers} worker(s)")
        if workers == 1:
            for job, _, _ in jobs:
                self._finish(run_job(job), pending, manifest)
            return
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
            futures = [pool.submit(run_job, job) for job, _, _ in jobs]
            for future in as_completed(futures):
                self._finish(future.result(), pending, manifest)

    def _finish(self, result: JobResult, pending: dict, manifest: dict[str, dict]) -> None:
        outcome, folder = pending.pop(result.student)
        outcome.seconds = round(result.seconds, 2)
        if result.error or result.notebook_json is None:
            # Not the student's fault: no score at all (a human must look), never an old one.
            outcome.status, outcome.reason = "error", f"the grader failed: {result.error}"
            pending_scores = {
                gid: (None, maximum) for gid, (_, maximum) in cell_scores(self.instructor).items()
            }
            self._record(outcome.student, pending_scores, set(), True, _timestamp(folder))
            self._remember(outcome, pending_scores, manifest)
            return
        nb = settle_test_outputs(nbformat.reads(result.notebook_json, as_version=4), result.reason)
        outcome.reason = result.reason
        scores = cell_scores(nb)
        self._write_autograded(outcome.student, nb)
        self._record(outcome.student, scores, unanswered(nb), outcome.flagged, _timestamp(folder))
        self._remember(outcome, scores, manifest)

    def _finish_broken(self, outcome: Outcome, manifest: dict[str, dict]) -> None:
        release = copy.deepcopy(self.release)
        release.cells.insert(
            0,
            nbformat.v4.new_markdown_cell(
                f"**This submission could not be graded:** {outcome.reason}."
            ),
        )
        self._write_autograded(outcome.student, assign_cell_ids(release))
        zero = {gid: (0.0, m) for gid, (_, m) in cell_scores(release).items()}
        self._record(outcome.student, zero, set(), True, None)
        self._remember(outcome, zero, manifest)

    def _record(self, student, scores, unanswered_ids, flagged, timestamp) -> None:
        """Write one submission's scores into the gradebook (one transaction)."""
        course = self.course
        books.record_submission(
            course.db_url,
            course.course_id,
            course.lesson,
            course.lesson,
            student,
            scores,
            unanswered_ids,
            flagged,
            timestamp,
        )

    def _write_autograded(self, student: str, nb: NotebookNode) -> None:
        target = (
            self.course.autograded / student / self.course.lesson / f"{self.course.lesson}.ipynb"
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        nbformat.write(nb, partial)
        partial.replace(target)

    def _remember(self, outcome: Outcome, scores: dict, manifest: dict[str, dict]) -> None:
        outcome.cells = {gid: score for gid, (score, _) in scores.items()}
        outcome.score = float(sum(score or 0.0 for score, _ in scores.values()))
        outcome.max_score = float(sum(maximum for _, maximum in scores.values()))
        self.outcomes[outcome.student] = outcome
        manifest[outcome.student] = asdict(outcome)
        save_manifest(self.course, manifest)
        flags = "; ".join(filter(None, [outcome.reason, *outcome.tamper[:2]]))
        self.report(
            f"{outcome.student}: {outcome.status} {outcome.score:g}/{outcome.max_score:g} "
            f"in {outcome.seconds:.1f} s" + (f"  FLAGGED: {flags}" if outcome.flagged else "")
        )


def grade(
    root: Path, lesson: str, options: GradeOptions, report: Callable[[str], None] = print
) -> dict[str, Outcome]:
    """Grade every submission of ``lesson`` under ``root`` (see the module docstring)."""
    start = time.perf_counter()
    outcomes = Grader(Course.load(root, lesson), options, report).run()
    graded = sum(o.status == "graded" for o in outcomes.values())
    report(
        f"{lesson}: {graded} graded, {sum(o.status == 'broken' for o in outcomes.values())} broken, "
        f"{sum(o.flagged for o in outcomes.values())} flagged, in {time.perf_counter() - start:.1f} s"
    )
    return outcomes
