"""Make a submission gradable on the instructor's tests, whatever the student did to its cells.

Plain nbgrader stops a whole class run on a copied graded cell (duplicate ``grade_id``) and leaves
a deleted test cell ungraded. Here, before any student code runs:

* the student's cells keep their order, as in nbgrader (an honest submission is graded exactly
  as plain ``nbgrader autograde`` grades it: same cells, same order, same outputs);
* which cells are the instructor's is decided by the release, never by the submission: every
  cell whose ``grade_id`` the assignment knows gets its nbgrader metadata (points, checksum,
  locked, cell type) back from the release notebook, and every test, read-only and task cell its
  source from the instructor's notebook (hidden tests included). nbgrader restores the source of
  locked cells only; an unlocked test cell is restored here too;
* a second copy of an instructor's cell is dropped, and an answer cell that appears several times
  keeps its nbgrader identity on the last copy only (the others stay, as ordinary cells, so the
  code in them still runs);
* a test cell the student moved above its (last) answer cell goes right after that answer cell,
  so copied, split or reordered answer cells are still followed by their tests;
* missing answer, test, read-only or task cells are put back after the instructor's cell that
  precedes them, and each repair is noted for the report;
* nbgrader metadata on a cell whose ``grade_id`` the assignment does not know is removed.

Nothing here executes student code.
"""

from __future__ import annotations

import copy
import warnings
from dataclasses import dataclass, field

import nbformat
from nbformat import NotebookNode

from worldlab.course.errors import CourseError


class BrokenSubmission(CourseError):
    """A submission that cannot be graded at all (not a notebook, another lesson, …)."""


@dataclass
class Normalized:
    """The notebook to execute and the repairs made to get it."""

    notebook: NotebookNode
    notes: list[str] = field(default_factory=list)
    #: Repairs of what nbgrader rejects outright (a graded or answer cell whose type the student
    #: changed: ``nbgrader autograde`` fails the submission); each one flags it for review.
    problems: list[str] = field(default_factory=list)


def _nbgrader(cell: NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def _is_test(meta: dict) -> bool:
    return bool(meta.get("grade")) and not meta.get("solution")


def read_submission(data: bytes, lesson_id: str) -> NotebookNode:
    """Parse a submitted file; raise :class:`BrokenSubmission` saying what is wrong with it."""
    if not data.strip():
        raise BrokenSubmission("the file is empty")
    try:
        with warnings.catch_warnings():  # copied cells share ids: repaired later, not news
            warnings.simplefilter("ignore")
            nb = nbformat.reads(data.decode("utf-8"), as_version=4)
    except UnicodeDecodeError:
        raise BrokenSubmission("not a notebook: the file is not UTF-8 text") from None
    except Exception as exc:  # nbformat raises several kinds for bad JSON / schema
        first = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else type(exc).__name__
        raise BrokenSubmission(f"not a readable notebook ({first})") from None
    if not isinstance(nb.get("cells"), list):
        raise BrokenSubmission("not a notebook: it has no list of cells")
    other = nb.get("metadata", {}).get("worldlab", {}).get("lesson")
    if other and other != lesson_id:
        raise BrokenSubmission(f"this is the notebook of lesson {other}, not {lesson_id}")
    return nb


def _is_graded(meta: dict) -> bool:
    """Cells whose type nbgrader checks: graded (tests, manual answers) and answer cells."""
    return bool(meta.get("grade") or meta.get("solution"))


def _is_protected(meta: dict) -> bool:
    """Tests, read-only and task cells: the instructor's text, whatever the student sent."""
    return _is_test(meta) or (not meta.get("solution") and bool(meta.get("locked")))


def _marked(cell: NotebookNode) -> bool:
    meta = _nbgrader(cell)
    return any(meta.get(key) for key in ("grade", "solution", "locked", "task"))


def _clear_outputs(cell: NotebookNode) -> NotebookNode:
    """nbgrader's ClearOutput: code cells lose outputs; other cells never hold any (schema)."""
    if cell.cell_type == "code":
        cell.outputs, cell.execution_count = [], None
    else:
        cell.pop("outputs", None)
        cell.pop("execution_count", None)
    return cell


def _instructor_version(
    student_cell: NotebookNode | None, instructor_cell: NotebookNode, meta: dict, protected: bool
) -> NotebookNode:
    """The cell to grade: the student's cell (its id and own metadata kept), the release's
    nbgrader metadata, and for protected cells the instructor's type and source."""
    if student_cell is None:
        cell = copy.deepcopy(instructor_cell)
        cell.pop("id", None)
    else:
        cell = copy.deepcopy(student_cell)
    cell_type = meta.get("cell_type") or instructor_cell.cell_type
    if protected or student_cell is None:
        cell.source = instructor_cell.source
    if cell.cell_type != cell_type:
        cell.cell_type = cell_type
        cell.pop("attachments", None)
    cell.metadata["nbgrader"] = copy.deepcopy(meta)
    return _clear_outputs(cell)


def normalize(
    submission: NotebookNode,
    instructor: NotebookNode,
    lesson_id: str,
    release: NotebookNode | None = None,
) -> Normalized:
    """The notebook to grade: the student's cells, the instructor's cells where they belong.

    ``release`` (the student version nbgrader generated) supplies the nbgrader metadata of the
    instructor's cells (points, checksums); without it the instructor's notebook does.
    Raises :class:`BrokenSubmission` when the notebook holds none of the assignment's graded or
    read-only cells.
    """
    by_id = {_nbgrader(c)["grade_id"]: c for c in instructor.cells if _nbgrader(c).get("grade_id")}
    metadata = {gid: copy.deepcopy(_nbgrader(c)) for gid, c in by_id.items()}
    for cell in (release or instructor).cells:
        gid = _nbgrader(cell).get("grade_id")
        if gid in metadata:
            metadata[gid] = copy.deepcopy(_nbgrader(cell))
    order = list(by_id)
    answers = [gid for gid in order if metadata[gid].get("solution")]
    protected = {gid for gid in order if _is_protected(metadata[gid])}

    # Which answer each test belongs to: the nearest answer cell before it.
    anchor_of: dict[str, str] = {}
    current: str | None = None
    for gid in order:
        if metadata[gid].get("solution"):
            current = gid
        elif _is_test(metadata[gid]) and current is not None:
            anchor_of[gid] = current

    seen_ids = [_nbgrader(c).get("grade_id") for c in submission.cells]
    if by_id and not any(gid in by_id for gid in seen_ids):
        raise BrokenSubmission(
            f"the notebook has none of {lesson_id}'s graded cells (another assignment's "
            "notebook, or cells whose nbgrader metadata was removed)"
        )
    notes: list[str] = []
    problems: list[str] = []
    for cell in submission.cells:
        gid = _nbgrader(cell).get("grade_id")
        wanted = (metadata[gid].get("cell_type") or by_id[gid].cell_type) if gid in by_id else None
        if wanted and cell.get("cell_type") != wanted and _is_graded(metadata[gid]):
            problems.append(
                f"cell '{gid}' was changed from {wanted} to {cell.get('cell_type')} "
                f"(nbgrader rejects this notebook); graded as a restored {wanted} cell"
            )
    last_index = {gid: i for i, gid in enumerate(seen_ids) if gid in answers}
    for gid in answers:
        copies = seen_ids.count(gid)
        if copies > 1:
            notes.append(f"answer cell '{gid}' appears {copies} times; the last copy is graded")

    cells: list[NotebookNode] = []
    placed: set[str] = set()
    for index, cell in enumerate(submission.cells):
        gid = _nbgrader(cell).get("grade_id")
        if gid in protected:
            if gid in placed:
                notes.append(f"a copy of the instructor's cell '{gid}' was dropped")
                continue
            cells.append(_instructor_version(cell, by_id[gid], metadata[gid], True))
            placed.add(gid)
        elif gid in answers and last_index[gid] == index:
            cells.append(_instructor_version(cell, by_id[gid], metadata[gid], False))
            placed.add(gid)
        else:
            cell = _clear_outputs(copy.deepcopy(cell))
            if gid in answers:
                cell.metadata.pop("nbgrader", None)
            elif gid is not None and gid not in by_id:
                cell.metadata.pop("nbgrader", None)
                notes.append(f"cell with unknown id '{gid}' graded as an ordinary cell")
            elif gid is None and _marked(cell):
                cell.metadata.pop("nbgrader", None)
            cells.append(cell)

    def position(gid: str) -> int | None:
        for i, cell in enumerate(cells):
            if _nbgrader(cell).get("grade_id") == gid:
                return i
        return None

    # Tests moved above their answer go right after it, in the instructor's order.
    for answer in answers:
        if answer not in placed:
            continue
        moved = 0
        for gid in [g for g in order if anchor_of.get(g) == answer and g in placed]:
            here = position(gid)
            if here is not None and here < position(answer):
                test = cells.pop(here)
                cells.insert(position(answer) + 1 + moved, test)
                moved += 1
                notes.append(f"test cell '{gid}' moved after its answer cell '{answer}'")

    # Missing cells go back after the instructor's cell that precedes them.
    missing = [gid for gid in order if gid not in placed]
    for gid in missing:
        previous = [g for g in order[: order.index(gid)] if g in placed]
        where = position(previous[-1]) + 1 if previous else 0
        if gid in answers:
            cell = _placeholder(by_id[gid], metadata[gid])
            notes.append(f"answer cell '{gid}' is missing; a blank one is graded in its place")
        else:
            cell = _instructor_version(None, by_id[gid], metadata[gid], True)
        cells.insert(where, cell)
        placed.add(gid)
    deleted = [gid for gid in missing if gid in protected]
    if deleted:
        notes.append(f"restored deleted cell(s): {', '.join(sorted(deleted))}")

    nb = copy.deepcopy(submission)
    nb.cells = cells
    if instructor.metadata.get("kernelspec"):  # nbgrader's OverwriteKernelspec
        nb.metadata["kernelspec"] = copy.deepcopy(instructor.metadata["kernelspec"])
    return Normalized(nb, notes, problems)


def _placeholder(instructor_cell: NotebookNode, meta: dict) -> NotebookNode:
    meta = copy.deepcopy(meta)
    meta.pop("checksum", None)  # a blank answer is no response, never the released text
    if (meta.get("cell_type") or instructor_cell.cell_type) == "markdown":
        cell = nbformat.v4.new_markdown_cell(
            "(no answer: this cell was missing from the submission)"
        )
    else:
        cell = nbformat.v4.new_code_cell("# (this answer cell was missing from the submission)")
    cell.pop("id", None)
    cell.metadata["nbgrader"] = meta
    return cell


def assign_cell_ids(nb: NotebookNode) -> NotebookNode:
    """Give every cell a unique, stable id (students' copies share ids; nbformat wants them unique)."""
    used: set[str] = set()
    for index, cell in enumerate(nb.cells):
        wanted = cell.get("id") or f"cell-{index}"
        if wanted in used:
            wanted = f"{wanted[:50]}-{index}"
        cell["id"] = wanted
        used.add(wanted)
    nb.nbformat, nb.nbformat_minor = 4, max(nb.get("nbformat_minor", 5), 5)
    return nb
