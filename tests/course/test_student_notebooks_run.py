"""A stuck student can finish: Run All on an untouched student notebook breaks only exercises.

Every cell of ``notebooks/<id>/<id>.ipynb`` runs headless, errors allowed. The only errors may
be an answer cell's ``NotImplementedError`` (it is unfinished) and the exercise's own test cells;
every other cell — figures, demos, later sections — must run, falling back to the reference
figure where it needs an unfinished function.
"""

import copy

import nbformat
import pytest

from worldlab.course.execution import execute_notebook
from worldlab.course.lessons import all_lessons

LESSONS = all_lessons()


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_only_unfinished_exercises_and_their_tests_fail(lesson):
    student = nbformat.read(lesson.student, as_version=4)
    ran = execute_notebook(
        copy.deepcopy(student), lesson.student.parent, str(lesson.student), allow_errors=True
    )
    unexpected = []
    for index, cell in enumerate(ran.cells):
        errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
        if not errors:
            continue
        meta = cell.metadata.get("nbgrader", {})
        is_test = meta.get("grade") and not meta.get("solution")
        is_answer = meta.get("solution") and not meta.get("grade")
        if is_test or (is_answer and errors[0].ename == "NotImplementedError"):
            continue
        first = cell.source.strip().splitlines()[0][:60] if cell.source.strip() else ""
        unexpected.append(f"cell {index} ({first!r}): {errors[0].ename}: {errors[0].evalue[:120]}")
    assert not unexpected, (
        f"{lesson.id}: Run All breaks cells a stuck student needs:\n" + "\n".join(unexpected)
    )
