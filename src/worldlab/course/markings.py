"""Turn a lesson's MyST source into the instructor notebook with nbgrader's metadata.

Authors never write nbgrader's metadata schema by hand. They mark cells like this (see
``course/README.md`` for the full guide):

Answer cell (autograded), anywhere in a code cell::

    def mean_ci(df, by, value):
        ### BEGIN SOLUTION
        ...
        ### END SOLUTION

  Its ``grade_id`` is the first function or class the cell defines; give ``:answer: name`` to
  choose another.

Test cell worth N points (MyST cell options)::

    ```{code-cell} ipython3
    :test: mean_ci_hidden
    :points: 3

    ### BEGIN HIDDEN TESTS
    ...
    ### END HIDDEN TESTS
    ```

Manually graded markdown answer worth N points (MyST cell break with JSON metadata)::

    +++ {"answer": "reflection_claim", "points": 2}

    The model answer, shown in solutions/ and replaced by "YOUR ANSWER HERE" for students.

Anything malformed raises :class:`MarkingError` naming the file and the cell.
"""

from __future__ import annotations

import ast
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from worldlab.course.errors import MarkingError

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"

GRADE_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
KNOWN_OPTIONS = {"test", "points", "answer", "tags", "mystnb"}
#: Options carried into the notebook's cell metadata as they are (myst-nb reads ``mystnb``:
#: a figure's alt text and caption, for the website and screen readers).
CARRIED_OPTIONS = ("tags", "mystnb")
SCHEMA_VERSION = 3


@dataclass(frozen=True)
class CellWhere:
    """Where a cell sits in a source file, for error messages."""

    path: Path
    index: int
    line: int
    first_line: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: cell {self.index} ({self.first_line!r})"


def read_source(path: Path) -> NotebookNode:
    """Read a MyST-markdown lesson into a notebook, without nbgrader metadata yet."""
    import jupytext  # here, not at the top: the grader imports this module without it

    try:
        return jupytext.read(path, fmt="md:myst")
    except Exception as exc:  # jupytext raises many kinds; name the file whatever it was
        raise MarkingError(f"{path}: not a readable MyST notebook: {exc}") from exc


def instructor_notebook(path: Path, lesson_id: str) -> NotebookNode:
    """Build the instructor notebook of one lesson from its MyST source.

    Parameters
    ----------
    path
        ``course/<id>/<id>.md``.
    lesson_id
        The lesson id, recorded in the notebook metadata and used in cell ids.

    Returns
    -------
    A v4 notebook whose graded cells carry nbgrader schema-3 metadata, with stable cell ids and no
    jupytext metadata, ready for ``nbgrader generate_assignment``.
    """
    nb = read_source(path)
    text = path.read_text(encoding="utf-8")
    wheres = _locate_cells(path, text, nb.cells)
    seen_ids: dict[str, CellWhere] = {}
    for index, (cell, where) in enumerate(zip(nb.cells, wheres, strict=True)):
        options = dict(cell.metadata)
        _check_options(options, where)
        grade_id = _mark_cell(cell, options, where)
        if grade_id is not None:
            if grade_id in seen_ids:
                raise MarkingError(
                    f"{where}: duplicate id {grade_id!r}, already used by {seen_ids[grade_id]}"
                )
            seen_ids[grade_id] = where
        cell.id = grade_id if grade_id is not None else _plain_cell_id(index, cell)
        for name in CARRIED_OPTIONS:
            if name in options:
                cell.metadata[name] = options[name]
    nb.metadata = _notebook_metadata(nb.metadata, lesson_id)
    nb.nbformat, nb.nbformat_minor = 4, 5
    nbformat.validate(nb)
    return nb


def _locate_cells(path: Path, text: str, cells: list[NotebookNode]) -> list[CellWhere]:
    """Find the line where each cell's first non-empty source line sits in the file."""
    wheres = []
    position = 0
    for index, cell in enumerate(cells):
        first = next((line for line in cell.source.splitlines() if line.strip()), "")
        found = text.find(first, position) if first else -1
        if found >= 0:
            position = found + len(first)
        line = text.count("\n", 0, found if found >= 0 else position) + 1
        wheres.append(CellWhere(path, index, line, first.strip()[:50]))
    return wheres


def _check_options(options: dict, where: CellWhere) -> None:
    unknown = set(options) - KNOWN_OPTIONS
    if unknown:
        raise MarkingError(
            f"{where}: unknown cell option(s) {sorted(unknown)}; "
            f"known options are {sorted(KNOWN_OPTIONS)}"
        )
    if "points" in options and not ("test" in options or "answer" in options):
        raise MarkingError(f"{where}: ':points:' given on a cell that is not a test or an answer")


def _points(options: dict, where: CellWhere, what: str) -> float:
    if "points" not in options:
        raise MarkingError(f"{where}: {what} has no points (add ':points: N')")
    points = options["points"]
    if isinstance(points, bool) or not isinstance(points, int | float) or points <= 0:
        raise MarkingError(f"{where}: {what} has points {points!r}; expected a positive number")
    return points


def _valid_id(grade_id: object, where: CellWhere) -> str:
    if not isinstance(grade_id, str) or not GRADE_ID_PATTERN.match(grade_id):
        raise MarkingError(
            f"{where}: id {grade_id!r} is not valid: use 1-64 letters, digits, '_' or '-'"
        )
    return grade_id


def _balanced(source: str, begin: str, end: str, where: CellWhere) -> int:
    """Count begin/end regions, failing on nesting or a missing partner."""
    depth = regions = 0
    for line in source.splitlines():
        stripped = line.strip()
        if stripped == begin:
            if depth:
                raise MarkingError(f"{where}: '{begin}' inside another '{begin}'")
            depth = 1
        elif stripped == end:
            if not depth:
                raise MarkingError(f"{where}: '{end}' without a '{begin}' before it")
            depth = 0
            regions += 1
    if depth:
        raise MarkingError(f"{where}: '{begin}' is never closed by '{end}'")
    return regions


def _mark_cell(cell: NotebookNode, options: dict, where: CellWhere) -> str | None:
    """Write nbgrader metadata into one cell; return its grade_id (None for plain cells)."""
    solutions = _balanced(cell.source, BEGIN_SOLUTION, END_SOLUTION, where)
    hidden = _balanced(cell.source, BEGIN_HIDDEN, END_HIDDEN, where)
    cell.metadata = {}

    if cell.cell_type == "markdown":
        if "test" in options:
            raise MarkingError(f"{where}: a markdown cell cannot be a test")
        if hidden:
            raise MarkingError(f"{where}: hidden-test markers in a markdown cell")
        if "answer" not in options:
            if solutions:
                raise MarkingError(
                    f"{where}: solution markers in a markdown cell that is not an answer "
                    '(start it with +++ {"answer": "name", "points": N})'
                )
            return None
        grade_id = _valid_id(options["answer"], where)
        points = _points(options, where, f"answer {grade_id!r}")
        cell.metadata["nbgrader"] = _nbgrader(grade_id, grade=True, solution=True, points=points)
        return grade_id

    if "test" in options:
        grade_id = _valid_id(options["test"], where)
        if "answer" in options:
            raise MarkingError(f"{where}: a cell is either a test or an answer, not both")
        if solutions:
            raise MarkingError(f"{where}: solution markers inside test cell {grade_id!r}")
        points = _points(options, where, f"test {grade_id!r}")
        cell.metadata["nbgrader"] = _nbgrader(grade_id, grade=True, locked=True, points=points)
        return grade_id

    if hidden:
        raise MarkingError(f"{where}: hidden tests outside a test cell (add ':test: name')")
    if not solutions:
        if "answer" in options:
            raise MarkingError(f"{where}: ':answer:' on a code cell without solution markers")
        return None
    grade_id = _valid_id(options.get("answer") or _first_definition(cell.source, where), where)
    cell.metadata["nbgrader"] = _nbgrader(grade_id, solution=True)
    return grade_id


def _first_definition(source: str, where: CellWhere) -> str:
    """Name of the first function or class a solution cell defines."""
    code = "\n".join(
        line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))
    )
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        raise MarkingError(f"{where}: the solution cell is not valid Python: {exc}") from exc
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            return node.name
    raise MarkingError(
        f"{where}: a solution cell that defines no function needs a name (add ':answer: name')"
    )


def _nbgrader(
    grade_id: str,
    *,
    grade: bool = False,
    solution: bool = False,
    locked: bool = False,
    points: float | None = None,
) -> dict:
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": SCHEMA_VERSION,
        "solution": solution,
    }
    if grade:
        meta["points"] = points
    return meta


def _plain_cell_id(index: int, cell: NotebookNode) -> str:
    digest = hashlib.sha1(cell.source.encode("utf-8")).hexdigest()[:8]
    return f"c{index:03d}-{digest}"


def _notebook_metadata(metadata: dict, lesson_id: str) -> dict:
    kernelspec = metadata.get(
        "kernelspec", {"display_name": "Python 3", "language": "python", "name": "python3"}
    )
    return {
        "kernelspec": kernelspec,
        "language_info": {"name": "python"},
        "worldlab": {"lesson": lesson_id},
    }
