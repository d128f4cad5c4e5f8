"""Normalising a submission keeps nbgrader's cell order and takes the instructor's cells from the
release (no kernel runs here; the conformance suite compares with nbgrader end to end)."""

import copy

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from worldlab.grading.normalize import normalize
from worldlab.grading.scoring import cell_scores, max_scores


def _meta(grade_id, **flags):
    base = {"grade": False, "solution": False, "locked": False, "schema_version": 3}
    return {"nbgrader": base | flags | {"grade_id": grade_id}}


def _instructor():
    return new_notebook(
        cells=[
            new_markdown_cell("Intro", metadata=_meta("intro", locked=True)),
            new_code_cell("def f():\n    return 1", metadata=_meta("f", solution=True)),
            new_code_cell("f()  # demo"),
            new_code_cell("assert f() == 1", metadata=_meta("f_test", grade=True, points=2)),
            new_markdown_cell("Do it.", metadata=_meta("task", locked=True, task=True, points=3)),
        ]
    )


def _sources(nb):
    return [c.source for c in nb.cells]


def test_an_honest_submission_keeps_its_order_and_markdown_has_no_outputs():
    instructor = _instructor()
    submission = copy.deepcopy(instructor)
    submission.cells.insert(0, new_markdown_cell("Student header"))
    result = normalize(submission, instructor, "hw")
    graded = result.notebook
    assert _sources(graded) == _sources(submission) and result.notes == []
    for cell in graded.cells:
        assert ("outputs" in cell) == (cell.cell_type == "code")
    nbformat.validate(graded)


def test_a_test_moved_above_its_answer_goes_right_after_it():
    instructor = _instructor()
    submission = copy.deepcopy(instructor)
    test = submission.cells.pop(3)
    submission.cells.insert(0, test)
    result = normalize(submission, instructor, "hw")
    assert _sources(result.notebook) == _sources(instructor)[:2] + [
        "assert f() == 1",
        "f()  # demo",
        "Do it.",
    ]
    assert any("moved after its answer" in note for note in result.notes)


def test_points_and_protected_text_come_from_the_release_not_the_submission():
    instructor = _instructor()
    submission = copy.deepcopy(instructor)
    submission.cells[3].metadata["nbgrader"]["points"] = 100
    submission.cells[3].source = "pass  # always passes"
    submission.cells[4].metadata["nbgrader"] = {"locked": True}  # task stripped of its id
    result = normalize(submission, instructor, "hw")
    assert result.notebook.cells[3].source == "assert f() == 1"
    assert result.notebook.cells[3].metadata["nbgrader"]["points"] == 2
    scores = cell_scores(result.notebook, max_scores(instructor))
    assert scores["task"] == (None, 3.0)  # a task waits for a human
    assert sum(top for _, top in scores.values()) == 5.0


def test_a_graded_cell_whose_type_changed_is_restored_and_reported():
    instructor = _instructor()
    submission = copy.deepcopy(instructor)
    submission.cells[1].cell_type = "markdown"  # the answer cell, as nbgrader's fixture does
    for key in ("outputs", "execution_count"):
        submission.cells[1].pop(key, None)
    result = normalize(submission, instructor, "hw")
    assert result.notebook.cells[1].cell_type == "code"
    assert result.problems == [
        "cell 'f' was changed from code to markdown (nbgrader rejects this notebook); "
        "graded as a restored code cell"
    ]
    assert normalize(copy.deepcopy(instructor), instructor, "hw").problems == []


def test_a_notebook_without_graded_cells_is_graded_not_broken():
    instructor = new_notebook(cells=[new_code_cell("open('side-effect.txt', 'w').write('x')")])
    result = normalize(copy.deepcopy(instructor), instructor, "hw")
    assert _sources(result.notebook) == _sources(instructor) and not result.problems
