"""Verdict files harvested from executed lessons, and their re-judgement on fresh seeds.

A lesson whose verdict is computed calls ``show_verdict(lesson, rows)``, which emits its rows as
:data:`VERDICT_MIME` output. The build harvests that output from the executed solution into
``data/verdicts/<lesson>.csv`` (:func:`harvest`, :func:`verdict_csv`), so nobody types a verdict.
``worldlab verdicts --fresh`` (:mod:`worldlab.course.fresh_verdicts`) executes each lesson again
with :data:`SEEDS_ENV` set, which the lesson's ``verdict_seeds`` reads, and compares every fresh
row's status with the committed one.

This is course tooling: it reads notebook outputs and never imports the science. The two names
it shares with :mod:`worldlab.debate.verdicts` are repeated here, and a test keeps them equal.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from nbformat import NotebookNode

from worldlab.course.errors import CourseError
from worldlab.course.lessons import Lesson

#: The same values as ``worldlab.debate.verdicts.VERDICT_MIME`` and ``SEEDS_ENV``.
VERDICT_MIME = "application/vnd.worldlab.verdict+json"
SEEDS_ENV = "WORLDLAB_VERDICT_SEEDS"
#: Columns of a harvested verdict file (those of ``worldlab.debate`` VERDICT_COLUMNS and
#: COMPUTED_COLUMNS).
CSV_COLUMNS = (
    "lesson",
    "claim",
    "finding",
    "cannot_show",
    "status",
    "quantity",
    "knob",
    "values",
    "predictions",
    "bounds",
)
#: The fresh seeds start far from every lesson's own (which start at 0).
FRESH_START = 1000
MIN_FRESH_SEEDS = 30


def verdict_path(lesson: Lesson) -> Path:
    """``data/verdicts/<id>.csv``."""
    return lesson.root / "data" / "verdicts" / f"{lesson.id}.csv"


def harvest(nb: NotebookNode, lesson_id: str, fresh: bool = False) -> list[dict[str, Any]] | None:
    """The verdict rows an executed lesson emitted, or ``None`` if it emitted none.

    Raises :class:`CourseError` when the notebook emitted two verdicts, another lesson's, or one
    computed with (``fresh=False``) or without (``fresh=True``) the fresh seeds.
    """
    payloads = [
        output["data"][VERDICT_MIME]
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if VERDICT_MIME in output.get("data", {})
    ]
    if not payloads:
        return None
    if len(payloads) > 1:
        raise CourseError(
            f"{lesson_id}: the notebook shows its computed verdict {len(payloads)} times"
        )
    payload = payloads[0]
    if payload.get("lesson") != lesson_id:
        raise CourseError(
            f"{lesson_id}: the notebook shows the verdict of {payload.get('lesson')!r}"
        )
    if bool(payload.get("fresh")) != fresh:
        state = "with" if payload.get("fresh") else "without"
        raise CourseError(f"{lesson_id}: the verdict was computed {state} {SEEDS_ENV} set")
    rows = [dict(row) for row in payload["rows"]]
    if fresh and not payload.get("seeds_used") and any(row.get("values") for row in rows):
        raise CourseError(
            f"{lesson_id}: the verdict never asked verdict_seeds() for its seeds, so fresh seeds "
            "cannot re-judge it"
        )
    for row in rows:
        missing = [c for c in CSV_COLUMNS if c not in row]
        if missing:
            raise CourseError(f"{lesson_id}: a verdict row lacks {missing}")
    return rows


def verdict_csv(rows: list[dict[str, Any]]) -> bytes:
    """The bytes of ``data/verdicts/<id>.csv`` for harvested rows (the same bytes every time)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=list(CSV_COLUMNS), lineterminator="\n", extrasaction="ignore"
    )
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row[c] for c in CSV_COLUMNS})
    return buffer.getvalue().encode("utf-8")


def read_committed(lesson: Lesson) -> list[dict[str, str]]:
    """The committed rows of ``data/verdicts/<id>.csv`` (empty if there is none)."""
    path = verdict_path(lesson)
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
