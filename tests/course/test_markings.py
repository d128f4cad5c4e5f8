"""The compact marking becomes nbgrader's schema; malformed marking is a clear error."""

import re

import pytest
from course_helpers import HEADER, TINY_LESSON

from worldlab.course.errors import MarkingError
from worldlab.course.markings import instructor_notebook


def _build(tmp_path, text):
    path = tmp_path / "99-tiny.md"
    path.write_text(text, encoding="utf-8")
    return path, instructor_notebook(path, "99-tiny")


def test_metadata_is_derived_from_the_marking(tmp_path):
    _, nb = _build(tmp_path, TINY_LESSON)
    graded = {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells if "nbgrader" in c.metadata}
    assert set(graded) == {"double", "double_visible", "double_hidden", "why"}
    assert graded["double"].metadata["nbgrader"] == {
        "grade": False,
        "grade_id": "double",
        "locked": False,
        "schema_version": 3,
        "solution": True,
    }
    assert graded["double_hidden"].metadata["nbgrader"] == {
        "grade": True,
        "grade_id": "double_hidden",
        "locked": True,
        "points": 2,
        "schema_version": 3,
        "solution": False,
    }
    assert graded["why"].cell_type == "markdown"
    assert graded["why"].metadata["nbgrader"]["solution"] is True
    assert graded["why"].metadata["nbgrader"]["points"] == 2
    assert "jupytext" not in nb.metadata and nb.metadata["worldlab"] == {"lesson": "99-tiny"}


def test_cell_ids_are_stable_and_readable(tmp_path):
    _, first = _build(tmp_path, TINY_LESSON)
    _, second = _build(tmp_path, TINY_LESSON)
    assert [c.id for c in first.cells] == [c.id for c in second.cells]
    assert "double_visible" in [c.id for c in first.cells]


def test_answer_option_names_a_cell_without_a_function(tmp_path):
    text = (
        HEADER
        + "\n```{code-cell} ipython3\n:answer: the_value\n\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n```\n"
    )
    _, nb = _build(tmp_path, text)
    assert nb.cells[0].metadata["nbgrader"]["grade_id"] == "the_value"


CELL = "```{{code-cell}} ipython3\n{options}\n{body}\n```\n"


@pytest.mark.parametrize(
    ("options", "body", "message"),
    [
        (":test: t1", "assert True", r"has no points"),
        (":test: t1\n:points: 0", "assert True", r"expected a positive number"),
        (":test: t.1\n:points: 1", "assert True", r"not valid"),
        (":points: 1", "x = 1", r"not a test or an answer"),
        (":tset: t1", "x = 1", r"unknown cell option"),
        ("", "def f():\n    ### BEGIN SOLUTION\n    return 1", r"never closed"),
        ("", "x = 1\n### END SOLUTION", r"without a '### BEGIN SOLUTION'"),
        ("", "### BEGIN SOLUTION\nx = 1\n### END SOLUTION", r"defines no function"),
        ("", "### BEGIN HIDDEN TESTS\nassert 1\n### END HIDDEN TESTS", r"outside a test cell"),
        (
            ":test: t1\n:points: 1",
            "### BEGIN SOLUTION\nx = 1\n### END SOLUTION",
            r"solution markers inside test",
        ),
    ],
)
def test_malformed_marking_names_file_and_cell(tmp_path, options, body, message):
    text = HEADER + "\nIntro.\n\n" + CELL.format(options=options, body=body)
    with pytest.raises(MarkingError, match=message) as info:
        _build(tmp_path, text)
    assert re.search(r"99-tiny\.md:\d+: cell 1 ", str(info.value)), str(info.value)


def test_duplicate_ids_name_both_cells(tmp_path):
    text = TINY_LESSON.replace(":test: double_hidden", ":test: double_visible")
    with pytest.raises(MarkingError, match=r"duplicate id 'double_visible'.*already used by"):
        _build(tmp_path, text)


def test_markdown_answer_needs_points(tmp_path):
    text = TINY_LESSON.replace('{"answer": "why", "points": 2}', '{"answer": "why"}')
    with pytest.raises(MarkingError, match=r"answer 'why' has no points"):
        _build(tmp_path, text)
