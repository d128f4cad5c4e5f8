"""Make a submission gradable on the instructor's tests, whatever the student did to its cells.

Plain nbgrader stops a whole class run on a copied graded cell (duplicate ``grade_id``) and leaves
a deleted test cell ungraded. Here, before any student code runs:

* every test cell (and read-only cell) is taken from the instructor's notebook — hidden tests
  included — and any copy the student made of it is dropped;
* a test cell goes right after the student's (last) answer cell of its exercise, so copied, split
  or reordered answer cells are still followed by their tests;
* an answer cell that appears several times keeps its nbgrader identity on the last copy only
  (the others stay, as ordinary cells, so the code in them still runs);
* missing answer or test cells are put back, and each repair is noted for the report.

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


def normalize(submission: NotebookNode, instructor: NotebookNode, lesson_id: str) -> Normalized:
    """The notebook to grade: the student's cells, the instructor's tests in the right places.

    Raises :class:`BrokenSubmission` when the notebook holds none of the lesson's exercises.
    """
    graded = [c for c in instructor.cells if _nbgrader(c).get("grade_id")]
    by_id = {_nbgrader(c)["grade_id"]: c for c in graded}
    answers = [gid for gid, c in by_id.items() if _nbgrader(c).get("solution")]
    protected = {
        gid
        for gid, c in by_id.items()
        if _is_test(_nbgrader(c))
        or (not _nbgrader(c).get("solution") and _nbgrader(c).get("locked"))
    }

    # Which answer each test belongs to: the nearest answer cell before it.
    anchor_of: dict[str, str | None] = {}
    current: str | None = None
    for cell in instructor.cells:
        meta = _nbgrader(cell)
        if meta.get("solution"):
            current = meta["grade_id"]
        elif meta.get("grade_id") in protected:
            anchor_of[meta["grade_id"]] = current

    seen_ids = [_nbgrader(c).get("grade_id") for c in submission.cells]
    if not any(gid in by_id for gid in seen_ids):
        raise BrokenSubmission(
            f"the notebook has none of lesson {lesson_id}'s exercises (another lesson's notebook, "
            "or cells whose nbgrader metadata was removed)"
        )
    notes: list[str] = []
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
            continue  # the instructor's version goes in below
        cell = copy.deepcopy(cell)
        if gid in answers and last_index[gid] != index:
            cell.metadata.pop("nbgrader", None)
        elif gid is not None and gid not in by_id:
            cell.metadata.pop("nbgrader", None)  # an id the lesson does not know
            notes.append(f"cell with unknown id '{gid}' graded as an ordinary cell")
        cells.append(cell)
        if gid in answers and last_index[gid] == index:
            placed.add(gid)
            cells.extend(_tests_after(gid, anchor_of, by_id))

    missing_answers = [gid for gid in answers if gid not in placed]
    for gid in missing_answers:
        notes.append(f"answer cell '{gid}' is missing; its tests run at the end")
        cells.append(_placeholder(by_id[gid]))
        cells.extend(_tests_after(gid, anchor_of, by_id))
    cells.extend(_tests_after(None, anchor_of, by_id))
    deleted = [gid for gid in protected if gid not in seen_ids]
    if deleted:
        notes.append(f"restored deleted cell(s): {', '.join(sorted(deleted))}")

    nb = copy.deepcopy(submission)
    nb.cells = cells
    nb.metadata["kernelspec"] = copy.deepcopy(instructor.metadata.get("kernelspec", {}))
    return Normalized(nb, notes)


def _tests_after(anchor: str | None, anchor_of: dict, by_id: dict) -> list[NotebookNode]:
    tests = []
    for gid, owner in anchor_of.items():
        if owner == anchor:
            cell = copy.deepcopy(by_id[gid])
            cell.pop("id", None)
            cell.outputs, cell.execution_count = [], None
            tests.append(cell)
    return tests


def _placeholder(instructor_cell: NotebookNode) -> NotebookNode:
    meta = copy.deepcopy(_nbgrader(instructor_cell))
    if instructor_cell.cell_type == "markdown":
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
