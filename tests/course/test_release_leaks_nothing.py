"""The student folder holds nothing that reveals a solution or a hidden test."""

import nbformat
import pytest

from worldlab.course.lessons import all_lessons
from worldlab.course.markings import BEGIN_HIDDEN, BEGIN_SOLUTION, instructor_notebook

LESSONS = all_lessons()


def _regions(source: str, begin: str, end: str) -> list[str]:
    lines, inside, found = source.splitlines(), False, []
    for line in lines:
        if line.strip() == begin:
            inside = True
        elif line.strip() == end:
            inside = False
        elif inside and line.strip() and not line.strip().startswith("#"):
            found.append(line.strip())
    return found


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_student_folder_reveals_no_solution_or_hidden_test(lesson):
    folder = lesson.student.parent
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert [p.name for p in files if p.suffix == ".md"] == [], "the MyST source reached students"
    assert lesson.student in files
    student_text = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in files)
    assert BEGIN_SOLUTION not in student_text and BEGIN_HIDDEN not in student_text
    instructor = instructor_notebook(lesson.source, lesson.id)
    student = nbformat.read(lesson.student, as_version=4)
    student_cells = {
        c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in student.cells
    }
    everything = "\n".join(c.source for c in student.cells)
    for cell in instructor.cells:
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id")
        # Hidden tests must appear nowhere. A solution must not survive in its own answer cell
        # (an author may still choose to spell a step out in a hint or a docstring).
        hidden = _regions(cell.source, "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
        # An import line reveals nothing (checks import inside themselves: they run elsewhere).
        leaked = [
            line
            for line in hidden
            if len(line) > 25 and line in everything and not line.startswith(("import ", "from "))
        ]
        assert not leaked, f"{lesson.id}: hidden tests of {grade_id} leak: {leaked[:3]}"
        if meta.get("solution"):
            secret = _regions(cell.source, "### BEGIN SOLUTION", "### END SOLUTION")
            if cell.cell_type == "markdown":
                secret = [line.strip() for line in cell.source.splitlines() if line.strip()]
            released = student_cells.get(grade_id, "")
            leaked = [line for line in secret if len(line) > 12 and line in released]
            assert not leaked, (
                f"{lesson.id}: answer cell {grade_id} keeps its solution {leaked[:3]}"
            )
