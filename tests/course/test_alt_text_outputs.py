"""The generated notebooks carry each figure's alt text where JupyterLab reads it.

``solutions/``: every figure of a cell with alt text has an HTML twin ``<img alt>``; the
reference figures shipped beside the student notebooks carry their alt text inside the PNG,
which ``figure_or_reference`` shows the same way (tests/unit/test_alt_text.py).
"""

from __future__ import annotations

import nbformat
import pytest

from worldlab.course.alt_text import cell_alt_text, image_html
from worldlab.course.lessons import all_lessons
from worldlab.plots.alt_text import png_alt_text

LESSONS = all_lessons()


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_every_solution_figure_carries_its_alt_text_as_html(lesson):
    notebook = nbformat.read(lesson.solution, as_version=4)
    figures = 0
    for index, cell in enumerate(notebook.cells):
        alt = cell_alt_text(cell) if cell.cell_type == "code" else None
        for output in cell.get("outputs", []) if alt else []:
            data = output.get("data", {})
            if "image/png" not in data:
                continue
            figures += 1
            assert data.get("text/html") == image_html(data["image/png"], alt), (
                f"{lesson.id}: cell {index}'s figure has no <img alt> twin: run "
                f"`worldlab build {lesson.id}`"
            )
    assert figures or lesson.id.startswith("99"), f"{lesson.id}: no figure with alt text at all"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_reference_figures_carry_their_alt_text(lesson):
    for folder in (lesson.source.parent / "figures", lesson.student.parent / "figures"):
        for png in sorted(folder.glob("*.png")) if folder.is_dir() else []:
            alt = png_alt_text(png.read_bytes())
            assert alt and len(alt.split()) >= 5, f"{png}: no alt text inside the PNG"
