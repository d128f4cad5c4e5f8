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
    student_sources = "\n".join(c.source for c in student.cells)
    for cell in instructor.cells:
        meta = cell.metadata.get("nbgrader", {})
        secret = _regions(cell.source, "### BEGIN SOLUTION", "### END SOLUTION")
        secret += _regions(cell.source, "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
        if cell.cell_type == "markdown" and meta.get("solution"):
            secret += [line.strip() for line in cell.source.splitlines() if len(line.strip()) > 20]
        # A solution line may legitimately repeat visible code (e.g. `return result`): only
        # lines long enough to be specific count as leaks.
        leaked = [line for line in secret if len(line) > 25 and line in student_sources]
        assert not leaked, f"{lesson.id}: cell {cell.id} leaks {leaked[:3]}"
