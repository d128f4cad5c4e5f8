"""The gradebook: backups, and writing one submission's grades in one step.

Only the trusted grading process (never a kernel) opens the gradebook. Everything about one
submission is written in a single transaction, with Ctrl-C held back until it is committed, so an
interrupted run leaves every student either fully graded or as before.
"""

from __future__ import annotations

import signal
import sqlite3
import threading
import warnings
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry


def sqlite_path(db_url: str) -> Path:
    """The file behind a ``sqlite:///...`` URL."""
    if not db_url.startswith("sqlite:///"):
        raise ValueError(f"only sqlite gradebooks are supported here, got {db_url}")
    return Path(db_url.removeprefix("sqlite:///"))


def backup(db_url: str, folder: Path, label: str) -> Path | None:
    """Copy the gradebook (consistently, with sqlite's backup API) into ``folder``."""
    source = sqlite_path(db_url)
    if not source.exists():
        return None
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"gradebook-{label}-{stamp}.db"
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


@contextmanager
def no_interrupts():
    """Hold SIGINT back while the block runs (main thread only), then deliver it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


@contextmanager
def open_gradebook(db_url: str, course_id: str):
    """nbgrader's Gradebook, without its harmless SQLAlchemy session warnings."""
    with warnings.catch_warnings(), Gradebook(db_url, course_id) as gb:
        warnings.simplefilter("ignore")
        yield gb


def has_assignment(db_url: str, course_id: str, lesson_id: str) -> bool:
    return assignment_notebooks(db_url, course_id, lesson_id) is not None


def assignment_notebooks(db_url: str, course_id: str, assignment_id: str) -> set[str] | None:
    """The notebook ids the gradebook knows for an assignment (None: no such assignment)."""
    if not sqlite_path(db_url).exists():
        return None
    with open_gradebook(db_url, course_id) as gb:
        try:
            return {notebook.name for notebook in gb.find_assignment(assignment_id).notebooks}
        except MissingEntry:
            return None


def record_submission(
    db_url: str,
    course_id: str,
    lesson_id: str,
    notebook_id: str,
    student_id: str,
    scores: dict[str, tuple[float | None, float]],
    unanswered: set[str],
    flagged: bool,
    timestamp: datetime | None = None,
) -> None:
    """Write one notebook's automatic scores, comments and flag (see :func:`record_assignment`)."""
    record_assignment(
        db_url,
        course_id,
        lesson_id,
        student_id,
        {notebook_id: NotebookGrades(scores, unanswered, flagged)},
        timestamp,
    )


#: ``(student, notebook score, seconds late) -> penalty or None``: nbgrader's late-penalty plugin.
LatePenalty = Callable[[str, float, float], float | None]


@dataclass
class NotebookGrades:
    """The automatic result of one notebook of a submission.

    ``scores`` maps every graded and task cell to ``(score, max)``; a score of None waits for a
    human. ``manual`` False makes every cell final (a notebook the student did not submit: 0
    points and nothing to review, as in nbgrader).
    """

    scores: dict[str, tuple[float | None, float]]
    unanswered: set[str] = field(default_factory=set)
    flagged: bool = False
    manual: bool = True


def late_penalty_from_config(config) -> LatePenalty:
    """nbgrader's own ``AssignLatePenalties`` (its configured plugin, its bounds) as a function."""
    from nbgrader.preprocessors import AssignLatePenalties

    assigner = AssignLatePenalties(config=config)
    assigner.init_plugin()

    def penalty(student: str, score: float, seconds_late: float) -> float | None:
        value = assigner.plugin_inst.late_submission_penalty(student, score, seconds_late)
        if value is None:
            return None
        return min(max(float(value), 0.0), float(score))

    return penalty


def record_assignment(
    db_url: str,
    course_id: str,
    assignment_id: str,
    student_id: str,
    notebooks: dict[str, NotebookGrades],
    timestamp: datetime | None = None,
    late_penalty: LatePenalty | None = None,
) -> float:
    """Write a whole submission (every notebook of it) in one transaction.

    Every grade cell gets a fresh ``auto_score`` (0 where a notebook's ``scores`` has none, so no
    grade from an earlier run survives); manual scores given by a grader are kept, and such
    cells are marked for review as nbgrader does. A late submission gets the penalty of
    nbgrader's configured plugin on each notebook, as ``nbgrader autograde`` gives it.
    Returns the submission's total late penalty (0 when on time or without a plugin penalty).
    """
    with no_interrupts(), open_gradebook(db_url, course_id) as gb:
        try:
            gb.update_or_create_student(student_id)
            if timestamp is not None:
                submission = gb.update_or_create_submission(
                    assignment_id, student_id, timestamp=timestamp
                )
            else:
                submission = gb.update_or_create_submission(assignment_id, student_id)
            for notebook_id, result in notebooks.items():
                notebook = gb.find_submission_notebook(notebook_id, assignment_id, student_id)
                for grade in notebook.grades:
                    score, _ = result.scores.get(grade.name, (0.0, None))
                    grade.auto_score = score
                    grade.needs_manual_grade = result.manual and (
                        grade.manual_score is not None or score is None
                    )
                for comment in notebook.comments:
                    comment.auto_comment = (
                        "No response." if comment.name in result.unanswered else None
                    )
                notebook.flagged = result.flagged
                notebook.late_submission_penalty = None
            gb.db.flush()
            gb.db.expire_all()
            late = float(submission.total_seconds_late or 0.0)
            total = 0.0
            if late > 0 and late_penalty is not None:
                for notebook_id in notebooks:
                    notebook = gb.find_submission_notebook(notebook_id, assignment_id, student_id)
                    penalty = late_penalty(student_id, float(notebook.score or 0.0), late)
                    notebook.late_submission_penalty = penalty
                    total += penalty or 0.0
            gb.db.commit()
            return total
        except BaseException:
            gb.db.rollback()
            raise
