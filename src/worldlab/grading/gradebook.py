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
from contextlib import contextmanager
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
    with open_gradebook(db_url, course_id) as gb:
        try:
            gb.find_assignment(lesson_id)
        except MissingEntry:
            return False
    return True


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
    """Write one submission's automatic scores, comments and flag.

    Every grade cell of the notebook gets a fresh ``auto_score`` (0 where ``scores`` has none, so
    no grade from an earlier run survives); manual scores given by a grader are kept, and such
    cells are marked for review as nbgrader does.
    """
    with no_interrupts(), open_gradebook(db_url, course_id) as gb:
        try:
            gb.update_or_create_student(student_id)
            if timestamp is not None:
                gb.update_or_create_submission(lesson_id, student_id, timestamp=timestamp)
            else:
                gb.update_or_create_submission(lesson_id, student_id)
            notebook = gb.find_submission_notebook(notebook_id, lesson_id, student_id)
            for grade in notebook.grades:
                score, _ = scores.get(grade.name, (0.0, None))
                grade.auto_score = score
                grade.needs_manual_grade = grade.manual_score is not None or score is None
            for comment in notebook.comments:
                comment.auto_comment = "No response." if comment.name in unanswered else None
            notebook.flagged = flagged
            gb.db.commit()
        except BaseException:
            gb.db.rollback()
            raise
