"""Grade every submission of an assignment: safe, parallel, fair, resumable.

    worldlab grade <assignment> [--force] [--jobs N] [--student ID ...]

The assignment is a lesson of this course or any nbgrader assignment of the course folder
(``course/<id>/`` with one or more source notebooks and files beside them), graded as
``nbgrader autograde`` grades it:

1. Lock the assignment (two runs never grade one student at once) and back up the gradebook.
   Add the assignment to the gradebook with nbgrader's ``generate_assignment`` if needed.
2. In this trusted process, read each submission folder ``submitted/<student>/<id>/``: every
   notebook of the release that is there is read; one that is missing scores 0 (as in nbgrader);
   a file that is not a gradable notebook is recorded as broken (score 0, flagged, reason in the
   report) and the run goes on. Normalise the rest onto the instructor's cells
   (:mod:`worldlab.grading.normalize`) and scan the student's code for tampering
   (:mod:`worldlab.grading.tamper`). Test cells with ``### AUTOTEST`` lines are graded as
   nbgrader grades them, from the gradebook copy ``generate_assignment`` expanded
   (:mod:`worldlab.grading.generated`). The kernel's working folder starts as a private copy of
   the files nbgrader would put beside the notebook: the student's extra files, overwritten by
   the instructor's files of ``course/<id>/`` (data, pictures) except those the course's
   ``Autograde.exclude_overwriting`` names.
3. Execute the notebooks in parallel worker processes, each kernel in its own sandbox
   (:mod:`worldlab.grading.execute`), with per-cell, per-notebook, memory, process and output limits.
4. Back in this process, one submission at a time once all its notebooks ran: settle the test
   outputs (tests that never ran score 0, warnings do not cost points), score with nbgrader's
   rules (points from the release, never from the submission), write the autograded folder where
   nbgrader's formgrader and feedback expect it (notebooks, the same files nbgrader copies, and
   the files the notebooks wrote while they ran),
   and write the grades, with nbgrader's late penalty, in one transaction. Record what happened
   in ``grading/runs/<id>.json``.

A run that is interrupted can be started again: submissions already graded (same files) are
skipped unless ``--force``.
"""

from __future__ import annotations

import copy
import fcntl
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from worldlab.course.errors import CourseError
from worldlab.course.nbgrader_setup import (
    course_config,
    exclude_overwriting,
    nbgrader_failure,
    quiet_nbgrader,
)
from worldlab.grading import gradebook as books
from worldlab.grading.course_options import execute_timeout, refuse_unsupported_options
from worldlab.grading.execute import Job, JobResult, Limits
from worldlab.grading.generated import autotest_markers, with_generated_tests
from worldlab.grading.integrity import SECRET_BITS, job_fields, submission_seed
from worldlab.grading.normalize import BrokenSubmission, assign_cell_ids, normalize, read_submission
from worldlab.grading.scoring import (
    apply_output_rules,
    cell_scores,
    max_scores,
    settle_test_outputs,
    unanswered,
)
from worldlab.grading.shipped_files import drop_shipped_reads
from worldlab.grading.submissions import Submission, extra_files, find_submissions, read_timestamp
from worldlab.grading.tamper import provided_lines, scan
from worldlab.grading.workers import run_isolated
from worldlab.grading.writable import writable, writable_tree


@dataclass
class Outcome:
    """What grading one student gave (one entry of ``grading/runs/<id>.json``).

    ``score`` counts the automatic points given (cells waiting for a human count 0 until graded);
    ``max_score`` is the release's total, the same as nbgrader's. ``cells`` maps each notebook to
    ``{grade_id: score}`` (None: waits for a human); ``manual`` counts the cells that wait.
    """

    student: str
    status: str  # graded | broken | error
    score: float = 0.0
    max_score: float = 0.0
    reason: str | None = None
    notes: list[str] = field(default_factory=list)
    tamper: list[str] = field(default_factory=list)
    seconds: float = 0.0
    digest: str = ""
    cells: dict[str, dict[str, float | None]] = field(default_factory=dict)
    manual: int = 0
    late_penalty: float = 0.0
    worker_mb: float = 0.0  # peak resident memory of its grading workers (MiB)

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
    """The paths and ids of one assignment's grading, from ``nbgrader_config.py``.

    ``lesson`` is the assignment id (a lesson ``NN-slug`` or any nbgrader assignment id);
    ``notebooks`` the ids of its source notebooks, in name order (as nbgrader lists them).
    """

    root: Path
    lesson: str
    course_id: str
    db_url: str
    submitted: Path
    autograded: Path
    grading: Path
    source: Path
    release_dir: Path
    notebooks: tuple[str, ...]
    ignore: tuple[str, ...]

    @classmethod
    def load(cls, root: Path, lesson: str) -> Course:
        config = course_config(root)
        coursedir = config.CourseDirectory
        base = Path(coursedir.root)

        def folder(name: str) -> Path:
            return base / getattr(coursedir, name)

        source = folder("source_directory") / lesson
        notebooks = tuple(sorted(p.stem for p in source.glob("*.ipynb")))
        if not notebooks:
            hint = (
                f"run `worldlab build {lesson}`"
                if (source / f"{lesson}.md").is_file()
                else "put the assignment's source notebooks there"
            )
            raise CourseError(f"no instructor notebook in {source}: {hint}")
        return cls(
            root=base,
            lesson=lesson,
            course_id=coursedir.course_id,
            db_url=coursedir.db_url,
            submitted=folder("submitted_directory"),
            autograded=folder("autograded_directory"),
            grading=books.sqlite_path(coursedir.db_url).parent,
            source=source,
            release_dir=folder("release_directory") / lesson,
            notebooks=notebooks,
            ignore=tuple(coursedir.ignore),
        )

    def instructor_path(self, notebook: str) -> Path:
        return self.source / f"{notebook}.ipynb"

    def release_path(self, notebook: str) -> Path:
        return self.release_dir / f"{notebook}.ipynb"

    @property
    def instructor(self) -> Path:
        """The instructor notebook of a one-notebook assignment (a lesson)."""
        return self.instructor_path(self.notebooks[0])

    @property
    def release(self) -> Path:
        return self.release_path(self.notebooks[0])

    @property
    def manifest(self) -> Path:
        return self.grading / "runs" / f"{self.lesson}.json"

    def deny(self) -> tuple[str, ...]:
        """Folders a kernel must never see."""
        return tuple(
            str(p)
            for p in (
                self.root / "course",
                self.source,
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


def _schema_clean(nb: NotebookNode) -> NotebookNode:
    """No outputs or execution count outside code cells (nbformat's schema)."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
    return nb


@dataclass
class _Pending:
    """A submission whose notebooks are running."""

    submission: Submission
    outcome: Outcome
    workdir: Path | None
    waiting: set[str]
    results: dict[str, books.NotebookGrades] = field(default_factory=dict)
    graded: dict[str, NotebookNode] = field(default_factory=dict)
    written: dict[str, bytes] = field(default_factory=dict)  # files the notebooks wrote


class Grader:
    """Grades one assignment; see the module docstring for the steps."""

    def __init__(
        self, course: Course, options: GradeOptions, report: Callable[[str], None] = print
    ):
        self.course = course
        self.options = options
        self.report = report
        self.config = course_config(course.root)
        refuse_unsupported_options(self.config)
        if options.limits.cell_timeout is None:
            options.limits = replace(
                options.limits,
                cell_timeout=execute_timeout(self.config, options.limits.notebook_timeout),
            )
        self.instructor = {
            nb: nbformat.read(course.instructor_path(nb), as_version=4) for nb in course.notebooks
        }
        self.release: dict[str, NotebookNode] = {}
        self.maxima: dict[str, dict[str, float]] = {}
        self.provided: dict[str, set] = {}
        self.integrity: dict[str, dict] = {}  # per notebook: hidden checks, seed, points, lines
        self.outcomes: dict[str, Outcome] = {}
        #: Names a notebook may write but that never reach the autograded folder: the graded
        #: notebooks, and the submission time the gradebook's late penalty rests on.
        self.never_read_back = frozenset(
            ["timestamp.txt", *(f"{name}.ipynb" for name in course.notebooks)]
        )
        #: Files of the assignment never overwritten by the instructor's copy (nbgrader's
        #: ``Autograde.exclude_overwriting``), relative to the source folder.
        self.keep_students_copy = {
            Path(name) for name in exclude_overwriting(self.config).get(course.lesson, [])
        }

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
        with lesson_lock(course), tempfile.TemporaryDirectory(prefix="worldlab-work-") as work:
            self._ensure_assignment()
            self._load_release()
            try:
                self.late_penalty = books.late_penalty_from_config(self.config)
            except Exception as exc:  # a TraitError or ImportError from the configured class
                raise CourseError(
                    "nbgrader's late-penalty plugin (c.AssignLatePenalties.plugin_class) cannot "
                    f"be loaded from {course.root}: {type(exc).__name__}: {exc}"
                ) from None
            self._warn_weak_secret()
            saved = books.backup(course.db_url, course.grading / "backups", course.lesson)
            if saved:
                self.report(f"gradebook backed up to {saved}")
            manifest = load_manifest(course)
            jobs, pending = self._prepare(manifest, Path(work))
            self._execute(jobs, pending, manifest)
        return self.outcomes

    def _warn_weak_secret(self) -> None:
        from worldlab.testing import DEFAULT_GRADING_SEED, GRADING_SEED_ENV, grading_seed

        secret = grading_seed()
        if secret == DEFAULT_GRADING_SEED:
            why = "is not set: hidden checks draw from the public default"
        elif abs(secret).bit_length() < SECRET_BITS - 8:
            why = f"has {abs(secret).bit_length()} bits, fewer than {SECRET_BITS}"
        else:
            return
        self.report(
            f"warning: {GRADING_SEED_ENV} {why}; make a secret with "
            "`python -c 'import secrets; print(secrets.randbits(128))'`"
        )

    def _ensure_assignment(self) -> None:
        course = self.course
        released = all(course.release_path(nb).is_file() for nb in course.notebooks)
        known = books.assignment_notebooks(course.db_url, course.course_id, course.lesson)
        if released and known is not None and set(course.notebooks) <= known:
            return
        from nbgrader.apps import NbGraderAPI

        self.report(f"adding {course.lesson} to the gradebook (nbgrader generate_assignment)")
        with quiet_nbgrader():
            api = NbGraderAPI(config=course_config(course.root))
            result = api.generate_assignment(course.lesson, force=True, create=True)
        if not result.get("success"):
            raise CourseError(
                f"could not add {course.lesson} to the gradebook: nbgrader generate_assignment "
                f"failed: {nbgrader_failure(result)}"
            )

    def _load_release(self) -> None:
        #: Files the assignment ships beside its notebooks (a student may open them).
        self.shipped = frozenset(
            str(path.relative_to(self.course.source))
            for path in extra_files(self.course.source, self.course.ignore)
        )
        markers = autotest_markers(self.config)
        for nb in self.course.notebooks:
            try:  # the test cells nbgrader grades with: AUTOTEST lines expanded
                self.instructor[nb] = with_generated_tests(
                    self.instructor[nb],
                    nb,
                    self.course.lesson,
                    self.course.db_url,
                    self.course.course_id,
                    markers,
                )
            except LookupError as exc:
                raise CourseError(str(exc)) from None
            self.release[nb] = nbformat.read(self.course.release_path(nb), as_version=4)
            self.maxima[nb] = max_scores(self.release[nb])
            self.provided[nb] = provided_lines(self.release[nb])
            self.integrity[nb] = job_fields(self.instructor[nb], self.release[nb])

    def _stage(self, submission: Submission, work: Path) -> Path:
        """The files nbgrader puts beside the notebooks: the student's, then the instructor's.

        Hard links where the file system allows (a class shares one copy of a big data file;
        the sandbox binds this folder read-only and gives the kernel its own copy), else copies.
        """
        folder = work / submission.student
        folder.mkdir(parents=True)
        self._place_extra_files(submission, folder, link=True)
        return folder

    def _place_extra_files(self, submission: Submission, folder: Path, link: bool) -> None:
        """The student's extra files, then the instructor's over them, into ``folder``: hard
        links when ``link`` and the file system allow, else copies."""
        keep = self.keep_students_copy
        for base in (submission.folder, self.course.source):
            for path in extra_files(base, self.course.ignore):
                if base == self.course.source and path.relative_to(base) in keep:
                    continue  # Autograde.exclude_overwriting: the student's copy (if any) stays
                target = folder / path.relative_to(base)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.unlink(missing_ok=True)
                if link:
                    try:
                        os.link(path, target)
                        continue
                    except OSError:
                        pass
                shutil.copy(path, target)

    def _prepare(self, manifest: dict[str, dict], work: Path) -> tuple[list[Job], dict]:
        jobs: list[Job] = []
        pending: dict[str, _Pending] = {}
        data = self.course.root / "data"
        if not data.is_dir():  # an nbgrader course without this course's data folder
            data = work / ".no-data"
            data.mkdir()
        data_dir, deny = str(data), self.course.deny()
        submissions = find_submissions(self.course)
        for student in self.options.students or []:
            if student not in submissions:
                self.report(
                    f"{student}: no submission in "
                    f"{self.course.submitted / student / self.course.lesson}; nothing graded"
                )
        for student, submission in submissions.items():
            if self.options.students and student not in self.options.students:
                continue
            try:
                digest = submission.digest(self.course.ignore)
            except OSError as exc:
                digest = f"unreadable: {type(exc).__name__}"
            done = manifest.get(student, {})
            if (
                not self.options.force
                and done.get("digest") == digest
                and done.get("status") in ("graded", "broken")
            ):
                self.outcomes[student] = Outcome(**done)
                self.report(f"{student}: already graded, skipped (use --force to regrade)")
                continue
            outcome = Outcome(student, "graded", digest=digest, notes=list(submission.notes))
            item = _Pending(submission, outcome, None, set())
            pending[student] = item
            try:
                jobs += self._prepare_one(item, manifest, work, data_dir, deny)
            except Exception as exc:  # our code failed on this submission: that student only
                self._grading_error(item, manifest, f"{type(exc).__name__}: {exc}")
        return jobs, pending

    def _prepare_one(
        self, item: _Pending, manifest: dict, work: Path, data_dir: str, deny: tuple[str, ...]
    ) -> list[Job]:
        """The jobs of one submission (none when it is broken and recorded already)."""
        submission, outcome, student = item.submission, item.outcome, item.submission.student
        jobs: list[Job] = []
        if submission.problem:
            outcome.status, outcome.reason = "broken", submission.problem
            for nb in self.course.notebooks:
                self._broken_notebook(item, nb)
            self._complete(item, manifest)
            return jobs
        item.workdir = self._stage(submission, work)
        for nb in self.course.notebooks:
            path = submission.notebooks.get(nb)
            if path is None:
                outcome.notes.append(f"{nb}.ipynb was not submitted: 0 points for it")
                zero = {gid: (0.0, top) for gid, top in self.maxima[nb].items()}
                item.results[nb] = books.NotebookGrades(zero, manual=False)
                continue
            try:
                parsed = read_submission(path.read_bytes(), self.course.lesson)
                normalized = normalize(
                    parsed, self.instructor[nb], self.course.lesson, self.release[nb]
                )
            except BrokenSubmission as exc:
                outcome.status = "broken"
                outcome.reason = "; ".join(filter(None, [outcome.reason, f"{nb}: {exc}"]))
                if len(self.course.notebooks) == 1:
                    outcome.reason = str(exc)
                self._broken_notebook(item, nb)
                continue
            outcome.notes += normalized.notes
            if normalized.problems:
                where = f"{nb}: " if len(self.course.notebooks) > 1 else ""
                outcome.reason = "; ".join(
                    filter(None, [outcome.reason, *(where + p for p in normalized.problems)])
                )
            where = f"{nb}.ipynb: " if len(self.course.notebooks) > 1 else ""
            signals = drop_shipped_reads(
                scan(
                    normalized.notebook,
                    self.provided[nb],
                    self.instructor[nb],
                    self.release[nb],
                ),
                self.shipped,
            )
            outcome.tamper += [writable(where + str(sig)) for sig in signals]
            item.waiting.add(nb)
            jobs.append(
                Job(
                    student=f"{student}/{nb}",
                    notebook_json=nbformat.writes(assign_cell_ids(normalized.notebook)),
                    data_dir=data_dir,
                    deny=deny,
                    limits=self.options.limits,
                    sandbox=self.options.sandbox,
                    workdir=str(item.workdir),
                    skip_files=self.never_read_back,
                    **self._integrity_of(nb, item),
                )
            )
        if not item.waiting:
            self._complete(item, manifest)
        return jobs

    def _integrity_of(self, nb: str, item: _Pending) -> dict:
        """The lesson's integrity fields, with this submission's own seed (an HMAC)."""
        fields = dict(self.integrity[nb])
        fields["seed"] = submission_seed(
            fields["seed"], self.course.lesson, item.submission.student, nb, item.outcome.digest
        )
        return fields

    def _execute(self, jobs: list[Job], pending: dict[str, _Pending], manifest: dict) -> None:
        if not jobs:
            return
        workers = max(1, min(self.options.jobs, len(jobs)))
        self.report(f"grading {len(jobs)} notebook(s) with {workers} worker(s)")
        run_isolated(jobs, workers, lambda result: self._finish(result, pending, manifest))

    def _finish(self, result: JobResult, pending: dict[str, _Pending], manifest: dict) -> None:
        student, nb = result.student.rsplit("/", 1)
        item = pending[student]
        if nb not in item.waiting:
            return  # the submission was recorded already (a grading error)
        try:
            self._take_result(item, nb, result)
        except Exception as exc:  # our code failed on this submission: that student only
            self._grading_error(item, manifest, f"{type(exc).__name__}: {exc}")
            return
        if not item.waiting:
            try:
                self._complete(item, manifest)
            except Exception as exc:  # e.g. a write that fails: record it, go on
                self._grading_error(item, manifest, f"{type(exc).__name__}: {exc}")

    def _take_result(self, item: _Pending, nb: str, result: JobResult) -> None:
        outcome = item.outcome
        outcome.seconds = round(outcome.seconds + result.seconds, 2)
        outcome.worker_mb = max(outcome.worker_mb, result.worker_peak_mb)
        if result.error or result.notebook_json is None:
            # Not the student's fault: no score at all (a human must look), never an old one.
            outcome.status = "error"
            outcome.reason = "; ".join(
                filter(None, [outcome.reason, f"the grader failed: {writable(result.error)}"])
            )
            waiting = {gid: (None, top) for gid, top in self.maxima[nb].items()}
            item.results[nb] = books.NotebookGrades(waiting, flagged=True)
        else:
            executed = apply_output_rules(
                nbformat.reads(result.notebook_json, as_version=4), self.config
            )
            graded = _schema_clean(settle_test_outputs(executed, result.reason))
            if result.reason:
                reason = writable(result.reason)
                outcome.reason = "; ".join(filter(None, [outcome.reason, reason]))
            item.graded[nb] = graded
            item.written.update(result.files)
            item.results[nb] = books.NotebookGrades(
                cell_scores(graded, self.maxima[nb]), unanswered(graded)
            )
        item.waiting.discard(nb)

    def _grading_error(self, item: _Pending, manifest: dict, why: str) -> None:
        """Record ``item``'s student as a grading error (no score, flagged); never raises.

        The gradebook gets every cell of the assignment ungraded (a human must look, and no old
        score stays); ``worldlab grade --student NAME`` grades the student again.
        """
        outcome = item.outcome
        outcome.status = "error"
        outcome.reason = "; ".join(
            filter(None, [outcome.reason, f"the grader failed on this submission: {writable(why)}"])
        )[:2000]
        item.waiting.clear()
        item.results = {
            nb: books.NotebookGrades(
                {gid: (None, top) for gid, top in self.maxima[nb].items()}, flagged=True
            )
            for nb in self.course.notebooks
        }
        item.graded = {}
        for nb in self.course.notebooks:
            try:
                self._broken_notebook(item, nb, zero=False)
            except Exception:  # noqa: BLE001 - the note is a courtesy; the record matters
                pass
        try:
            self._complete(item, manifest)
            return
        except Exception as exc:  # noqa: BLE001 - even the record failed: keep what we can
            outcome.reason = f"{outcome.reason}; and recording it failed: {type(exc).__name__}"
        self.outcomes[outcome.student] = outcome
        manifest[outcome.student] = asdict(outcome)
        try:
            save_manifest(self.course, manifest)
        except Exception:  # noqa: BLE001
            pass
        self.report(writable(f"{outcome.student}: error  FLAGGED: {outcome.reason}"))

    def _broken_notebook(self, item: _Pending, nb: str, zero: bool = True) -> None:
        release = copy.deepcopy(self.release[nb])
        release.cells.insert(
            0,
            nbformat.v4.new_markdown_cell(
                f"**This submission could not be graded:** {item.outcome.reason}."
            ),
        )
        item.graded[nb] = _schema_clean(assign_cell_ids(release))
        if zero:
            scores = {gid: (0.0, top) for gid, top in self.maxima[nb].items()}
            item.results[nb] = books.NotebookGrades(scores, flagged=True)

    def _complete(self, item: _Pending, manifest: dict[str, dict]) -> None:
        """All notebooks of a submission are done: write its folder, grades and record."""
        outcome, submission = item.outcome, item.submission
        for result in item.results.values():
            result.flagged = result.flagged or outcome.flagged
        self._write_autograded(submission, item.graded, item.written)
        outcome.late_penalty = books.record_assignment(
            self.course.db_url,
            self.course.course_id,
            self.course.lesson,
            outcome.student,
            item.results,
            read_timestamp(submission.folder, outcome.notes),
            self.late_penalty,
        )
        outcome.cells = {
            nb: {gid: score for gid, (score, _) in result.scores.items()}
            for nb, result in sorted(item.results.items())
        }
        scores = [value for result in item.results.values() for value in result.scores.values()]
        outcome.score = float(sum(score or 0.0 for score, _ in scores))
        outcome.max_score = float(sum(sum(self.maxima[nb].values()) for nb in self.maxima))
        outcome.manual = sum(
            score is None for result in item.results.values() for score, _ in result.scores.values()
        )
        self.outcomes[outcome.student] = outcome
        manifest[outcome.student] = asdict(outcome)
        save_manifest(self.course, manifest)
        flags = "; ".join(filter(None, [outcome.reason, *outcome.tamper[:2]]))
        waiting = f", {outcome.manual} cell(s) to grade by hand" if outcome.manual else ""
        if outcome.late_penalty:
            waiting += f", late penalty {outcome.late_penalty:g}"
        self.report(
            writable(
                f"{outcome.student}: {outcome.status} {outcome.score:g}/{outcome.max_score:g} "
                f"automatic points{waiting} in {outcome.seconds:.1f} s"
                + (f"  FLAGGED: {flags}" if outcome.flagged else "")
            )
        )

    def _write_autograded(
        self, submission: Submission, graded: dict[str, NotebookNode], written: dict[str, bytes]
    ) -> None:
        """``autograded/<student>/<id>/`` as nbgrader leaves it: the graded notebooks, the
        student's extra files (timestamp.txt included), the instructor's files over them, and
        the files the notebooks wrote while they ran (as nbgrader runs them in that folder)."""
        target = self.course.autograded / submission.student / self.course.lesson
        partial = target.with_name(f".{target.name}.partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        self._place_extra_files(submission, partial, link=False)
        for name, data in sorted(written.items()):
            path = (partial / name).resolve()
            if partial.resolve() not in path.parents:
                continue  # never outside the student's folder
            path.parent.mkdir(parents=True, exist_ok=True)
            path.unlink(missing_ok=True)
            path.write_bytes(data)
        for nb, notebook in graded.items():
            nbformat.write(writable_tree(notebook), partial / f"{nb}.ipynb")
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            target.rename(old)
        partial.rename(target)
        shutil.rmtree(old, ignore_errors=True)


def grade(
    root: Path, lesson: str, options: GradeOptions, report: Callable[[str], None] = print
) -> dict[str, Outcome]:
    """Grade every submission of assignment ``lesson`` under ``root`` (see the module docstring)."""
    start = time.perf_counter()
    outcomes = Grader(Course.load(root, lesson), options, report).run()
    graded = sum(o.status == "graded" for o in outcomes.values())
    report(
        f"{lesson}: {graded} graded, {sum(o.status == 'broken' for o in outcomes.values())} broken, "
        f"{sum(o.flagged for o in outcomes.values())} flagged, in {time.perf_counter() - start:.1f} s"
    )
    return outcomes
