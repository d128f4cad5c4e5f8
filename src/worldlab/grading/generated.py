"""The test cells as nbgrader's ``generate_assignment`` made them, for grading.

``generate_assignment`` rewrites some test cells before it saves them in the gradebook: its
``InstantiateTests`` preprocessor expands ``### AUTOTEST`` and ``### HASHED AUTOTEST`` lines into
real asserts (running the solution in a kernel to learn the values). ``nbgrader autograde`` then
puts the gradebook's copy of every locked cell back into the submission (``OverwriteCells``).
So the source of a cell with an autotest line is read here from the gradebook, the copy nbgrader
grades with; every other cell's source is the instructor's notebook, which equals the gradebook's
whenever the assignment was generated from it.
"""

from __future__ import annotations

import copy

from nbformat import NotebookNode


def autotest_markers(config) -> tuple[str, ...]:
    """The autotest delimiters of the course's nbgrader configuration (nbgrader's defaults)."""
    from nbgrader.preprocessors import InstantiateTests

    tests = InstantiateTests(config=config)
    return (tests.autotest_delimiter, tests.hashed_delimiter)


def with_generated_tests(
    instructor: NotebookNode,
    notebook_id: str,
    assignment_id: str,
    db_url: str,
    course_id: str,
    markers: tuple[str, ...],
) -> NotebookNode:
    """``instructor`` (not changed) with every autotest cell's source from the gradebook.

    Raises
    ------
    LookupError
        When the gradebook lacks a cell that holds an autotest line (the assignment was not
        generated from this notebook: run ``nbgrader generate_assignment <id> --force``).
    """
    wanted = [
        index
        for index, cell in enumerate(instructor.cells)
        if cell.cell_type == "code"
        and (cell.get("metadata", {}).get("nbgrader", {}) or {}).get("grade_id")
        and any(marker in cell.source for marker in markers)
    ]
    if not wanted:
        return instructor
    from nbgrader.api import MissingEntry

    from worldlab.grading.gradebook import open_gradebook

    expanded = copy.deepcopy(instructor)
    with open_gradebook(db_url, course_id) as gb:
        for index in wanted:
            cell = expanded.cells[index]
            grade_id = cell.metadata["nbgrader"]["grade_id"]
            try:
                cell.source = gb.find_source_cell(grade_id, notebook_id, assignment_id).source
            except MissingEntry:
                raise LookupError(
                    f"the gradebook has no generated copy of cell '{grade_id}' of "
                    f"{notebook_id}.ipynb; run `nbgrader generate_assignment {assignment_id} "
                    "--force`"
                ) from None
    return expanded
