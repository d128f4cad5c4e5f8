"""``worldlab verdicts --fresh``: re-judge every computed verdict row on seeds that did not shape it.

Each lesson's solution is executed again with ``WORLDLAB_VERDICT_SEEDS=START:COUNT`` in its
kernel's environment; the lesson's ``verdict_seeds`` then hands its experiments those seeds, its
rules judge the fresh intervals, and the rows it shows are compared with the committed
``data/verdicts/<id>.csv``: the lesson's value and status beside the fresh ones. A status that
changes, a row that appears or disappears, or a lesson whose verdict is typed makes the command
fail. Tooling only: it reads notebook outputs, never the science.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from worldlab.course.build import solution_sources
from worldlab.course.errors import CourseError, ExecutionFailed
from worldlab.course.execution import execute_notebook
from worldlab.course.lessons import Lesson
from worldlab.course.markings import instructor_notebook
from worldlab.course.verdicts import (
    FRESH_START,
    MIN_FRESH_SEEDS,
    SEEDS_ENV,
    harvest,
    read_committed,
)


@dataclass(frozen=True)
class FreshRow:
    """One verdict row, as the lesson judged it and as fresh seeds judge it."""

    lesson: str
    claim: str
    quantity: str
    lesson_status: str
    lesson_values: str
    fresh_status: str
    fresh_values: str

    @property
    def holds(self) -> bool:
        return self.lesson_status == self.fresh_status

    def text(self) -> str:
        mark = "holds" if self.holds else "CHANGES"
        return (
            f"{self.lesson} {self.claim} — {self.quantity}: {mark}\n"
            f"    lesson: {self.lesson_status:<30} {self.lesson_values}\n"
            f"    fresh:  {self.fresh_status:<30} {self.fresh_values}"
        )


def compare(lesson: Lesson, fresh: list[dict[str, Any]]) -> list[FreshRow]:
    """Pair fresh rows with the committed ones by (claim, quantity); a missing side is a change."""
    committed = {(r["claim"], r.get("quantity", "")): r for r in read_committed(lesson)}
    seen = {(r["claim"], r["quantity"]): r for r in fresh}
    rows = []
    for key in list(committed) + [k for k in seen if k not in committed]:
        old, new = committed.get(key), seen.get(key)
        rows.append(
            FreshRow(
                lesson.id,
                key[0],
                key[1],
                old["status"] if old else "(no committed row)",
                _values_or_kind(old) if old else "",
                new["status"] if new else "(not produced)",
                new["values"] if new else "",
            )
        )
    return rows


def _values_or_kind(row: dict[str, str]) -> str:
    if row.get("values"):
        return row["values"]
    return "(no numbers)" if row.get("quantity") else "(typed verdict)"


def fresh_verdicts(
    lessons: list[Lesson],
    seeds: int = MIN_FRESH_SEEDS,
    start: int = FRESH_START,
    timeout: int = 1800,
    report: Callable[[str], None] = print,
) -> tuple[list[FreshRow], list[str]]:
    """Execute each lesson's solution with fresh seeds and re-judge its verdict rows.

    Returns
    -------
    (rows, problems): every compared row, and the lessons that could not be re-judged (no
    computed verdict, or the execution failed), each with the reason.
    """
    if seeds < 2:
        raise CourseError(f"--seeds must be at least 2, got {seeds}")
    if start < 0:
        raise CourseError(f"--start must be >= 0, got {start}")
    env = {SEEDS_ENV: f"{start}:{seeds}"}
    rows: list[FreshRow] = []
    problems: list[str] = []
    for lesson in lessons:
        report(f"re-judging {lesson.id} on seeds {start}–{start + seeds - 1}")
        nb = solution_sources(instructor_notebook(lesson.source, lesson.id))
        try:
            executed = execute_notebook(
                nb, lesson.source.parent, label=str(lesson.source), timeout=timeout, env=env
            )
            fresh = harvest(executed, lesson.id, fresh=True)
        except (ExecutionFailed, CourseError) as exc:
            problems.append(f"{lesson.id}: {exc}")
            continue
        if fresh is None:
            problems.append(
                f"{lesson.id}: its verdict is typed, not computed (show_verdict without rows): "
                "fresh seeds cannot re-judge it"
            )
            continue
        rows += compare(lesson, fresh)
    return rows, problems


def write_report(rows: list[FreshRow], path: Path) -> None:
    """A CSV of the comparison, one line per row."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            [
                "lesson",
                "claim",
                "quantity",
                "lesson_status",
                "lesson_values",
                "fresh_status",
                "fresh_values",
                "holds",
            ]
        )
        for row in rows:
            writer.writerow(
                [
                    row.lesson,
                    row.claim,
                    row.quantity,
                    row.lesson_status,
                    row.lesson_values,
                    row.fresh_status,
                    row.fresh_values,
                    row.holds,
                ]
            )
