"""Score an executed submission by nbgrader's rules, made fair.

nbgrader gives a test cell full marks when it shows no error, and 0 when it shows an error *or
any line on stderr*. Two fixes, both before :func:`nbgrader.utils.determine_grade` is applied:

* a test cell that never ran (the kernel died or the notebook ran out of time before it) gets an
  error output saying so — under plain rules a cell with no output at all would pass;
* a test cell that ran without an error keeps its stderr text, moved to stdout, so a warning from
  a correct answer (a numpy RuntimeWarning, a DeprecationWarning) no longer costs its points.
"""

from __future__ import annotations

from nbformat import NotebookNode
from nbformat.v4 import new_output
from nbgrader.utils import determine_grade, is_grade, is_solution, is_task

NOT_RUN = "TestNotRun"


def _is_test(cell: NotebookNode) -> bool:
    return cell.cell_type == "code" and is_grade(cell) and not is_solution(cell)


def _has_error(cell: NotebookNode) -> bool:
    return any(output.get("output_type") == "error" for output in cell.get("outputs", []))


def apply_output_rules(nb: NotebookNode, config=None) -> NotebookNode:
    """nbgrader's own output rules after execution, with the course's configuration:
    ``IgnorePattern`` (stderr matching ``IgnorePattern.pattern``, when enabled) and
    ``LimitOutput`` (``max_lines`` per output, ``max_traceback`` lines)."""
    from nbgrader.preprocessors import IgnorePattern, LimitOutput

    for rule in (IgnorePattern, LimitOutput):
        nb, _ = rule(config=config)(nb, {})  # calling a preprocessor honours its ``enabled``
    return nb


def settle_test_outputs(nb: NotebookNode, reason: str | None) -> NotebookNode:
    """Apply both fixes to every test cell of an executed notebook (in place)."""
    for cell in nb.cells:
        if not _is_test(cell):
            continue
        if cell.get("execution_count") is None and not cell.get("outputs"):
            why = reason or "an earlier cell stopped the notebook"
            cell.outputs = [
                new_output(
                    "error",
                    ename=NOT_RUN,
                    evalue=f"this test did not run: {why}",
                    traceback=[f"{NOT_RUN}: this test did not run: {why}"],
                )
            ]
        elif not _has_error(cell):
            for output in cell.outputs:
                if output.get("output_type") == "stream" and output.get("name") == "stderr":
                    output["name"] = "stdout"
    return nb


def max_scores(release: NotebookNode) -> dict[str, float]:
    """``grade_id -> points`` of every graded and task cell of the release (the only truth)."""
    found = {}
    for cell in release.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {}) or {}
        if is_grade(cell) or is_task(cell):
            found[meta["grade_id"]] = float(meta.get("points", 0.0))
    return found


def cell_scores(
    nb: NotebookNode, maxima: dict[str, float] | None = None
) -> dict[str, tuple[float | None, float]]:
    """``grade_id -> (score, max)`` for every graded and task cell; score None awaits a human.

    With ``maxima`` (from :func:`max_scores` of the release) only the release's cells count and
    their maximum is the release's, whatever the graded notebook's metadata says. A task cell
    always awaits a human, as in nbgrader.
    """
    scores = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {}) or {}
        if is_grade(cell):
            score, top = determine_grade(cell)
        elif is_task(cell):
            score, top = None, float(meta.get("points", 0.0))
        else:
            continue
        gid = meta["grade_id"]
        if maxima is not None:
            if gid not in maxima:
                continue
            top = maxima[gid]
            score = None if score is None else float(score)
        scores[gid] = (score, top)
    if maxima is not None:
        for gid, top in maxima.items():
            scores.setdefault(gid, (0.0, top))
    return scores


def unanswered(nb: NotebookNode) -> set[str]:
    """Answer cells the student left exactly as released (nbgrader's "No response.")."""
    from nbgrader.utils import compute_checksum

    found = set()
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {}) or {}
        if meta.get("solution") and meta.get("checksum") == compute_checksum(cell):
            found.add(meta["grade_id"])
    return found
