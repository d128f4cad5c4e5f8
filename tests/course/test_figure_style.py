"""Every figure of the executed solutions passes the style check: no text on text, no legend
over data.

``worldlab build`` runs the check (:mod:`worldlab.plots.figure_style`) on each figure as the
solution executes and stores what it finds beside the figure; this test only reads it, so it
adds no execution to the suite. Lessons with known problems are listed in :data:`PENDING`,
exactly: the test fails when a problem is fixed (take it off) or a new one appears.
"""

from __future__ import annotations

from collections import Counter

import nbformat
import pytest

from worldlab.course.lessons import all_lessons
from worldlab.plots.figure_style import STYLE_MIME

LESSONS = all_lessons()

#: Known problems, by lesson, as the check words them.
PENDING: dict[str, list[str]] = {}


def figure_problems_of(lesson) -> list[str]:
    notebook = nbformat.read(lesson.solution, as_version=4)
    problems = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            report = output.get("data", {}).get(STYLE_MIME)
            if report:
                problems += report["problems"]
    return problems


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_solution_figures_pass_the_style_check(lesson):
    found = figure_problems_of(lesson)
    pending = PENDING.get(lesson.id, [])
    new = sorted((Counter(found) - Counter(pending)).elements())
    fixed = sorted((Counter(pending) - Counter(found)).elements())
    assert not new, f"{lesson.id}'s figures: {new}"
    assert not fixed, f"{lesson.id}: {fixed} no longer found; take them off PENDING"


def test_pending_names_only_lessons_that_exist():
    assert set(PENDING) <= {lesson.id for lesson in LESSONS}


if __name__ == "__main__":  # print PENDING as it should be now
    print("PENDING: dict[str, list[str]] = {")
    for lesson in LESSONS:
        if found := figure_problems_of(lesson):
            print(f"    {lesson.id!r}: {found!r},")
    print("}")
