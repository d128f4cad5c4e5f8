"""Answers that closely match the lab kit's source or another student's, for a human to judge.

Uses `copydetect <https://pypi.org/project/copydetect/>`_ (winnowed k-gram fingerprints over
pygments tokens, with variable names, strings and comments normalised away, so renaming does not
hide a copy). For every autograded answer cell of every submission, the student's own lines (the
lines of the released template removed) are compared

* with each module of the lab kit (``worldlab/*.py``, the grader and the course tools left out):
  the similarity is the share of the answer's fingerprints found in the module;
* with the same cell of every other submission: a pair is listed when each answer has at least
  ``threshold`` of its fingerprints in the other.

Answers too short to fingerprint reliably (fewer than ``min_fingerprints``) are never listed:
everyone writes ``return 2 * x`` the same way. A listing never changes a score.

``worldlab report`` can show the table: ``similarity_html(course)`` returns the section (and writes
``grading/reports/<lesson>/similar.csv``).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat
import pandas as pd
from nbformat import NotebookNode

from worldlab.course.errors import CourseError

#: Tokens per fingerprinted k-gram (copydetect's noise threshold) and winnowing window.
K_GRAM = 12
WINDOW = 1
#: Share of fingerprints in common from which an answer is listed.
THRESHOLD = 0.8
#: Fewest fingerprints an answer needs to be compared at all.
MIN_FINGERPRINTS = 8
#: Kit folders and modules that are not exercise material (the grader, the course tools).
_NOT_KIT = ("grading", "course", "cli.py", "checking.py", "__main__.py", "__init__.py")


@dataclass(frozen=True)
class SimilarAnswer:
    """One listed match: ``student``'s answer ``cell`` and what it matches."""

    student: str
    cell: str
    matches: str  # another student's id, or "lab kit: <module path>"
    similarity: float  # share of the student's fingerprints found in the match (0..1)


def _fingerprint(code: str, name: str):
    try:
        import copydetect
    except ImportError:  # an instructor tool: in the dev extra
        raise CourseError(
            "similar answers need copydetect: pip install -e '.[dev]' (or pip install copydetect)"
        ) from None

    try:
        return copydetect.CodeFingerprint(
            f"{name}.py", K_GRAM, WINDOW, filter=True, fp=io.StringIO(code)
        )
    except Exception:  # copydetect refuses code with too few tokens
        return None


def _size(fingerprint) -> int:
    return 0 if fingerprint is None else len(fingerprint.hashes)


def _similarities(a, b) -> tuple[float, float]:
    import copydetect

    _, (sim_a, sim_b), _ = copydetect.compare_files(a, b)
    return float(sim_a), float(sim_b)


def answer_code(nb: NotebookNode, release: NotebookNode) -> dict[str, str]:
    """``grade_id -> the student's own lines`` of every autograded answer cell."""
    template = {}
    for cell in release.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution") and not meta.get("grade"):
            template[meta["grade_id"]] = {line.strip() for line in cell.source.splitlines()}
    code = {}
    for cell in nb.cells:
        gid = (cell.get("metadata", {}).get("nbgrader", {}) or {}).get("grade_id")
        if cell.get("cell_type") == "code" and gid in template:
            own = [line for line in cell.source.splitlines() if line.strip() not in template[gid]]
            code[gid] = "\n".join(own)
    return code


def kit_modules(package: Path | None = None) -> dict[str, str]:
    """``relative path -> source`` of the lab kit's exercise-material modules."""
    if package is None:
        import worldlab

        package = Path(worldlab.__file__).parent
    found = {}
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package)
        if relative.parts[0] in _NOT_KIT:
            continue
        found[f"worldlab/{relative.as_posix()}"] = path.read_text(encoding="utf-8")
    return found


def similar_answers(
    submissions: Mapping[str, NotebookNode],
    release: NotebookNode,
    kit: Mapping[str, str] | None = None,
    threshold: float = THRESHOLD,
    min_fingerprints: int = MIN_FINGERPRINTS,
) -> list[SimilarAnswer]:
    """Every answer that matches a kit module, or another student's answer, at ``threshold``."""
    kit = kit_modules() if kit is None else kit
    kit_prints = {name: _fingerprint(code, "kit") for name, code in kit.items()}
    prints: dict[str, dict[str, object]] = {}
    for student, nb in submissions.items():
        for gid, code in answer_code(nb, release).items():
            fingerprint = _fingerprint(code, student)
            if _size(fingerprint) >= min_fingerprints:
                prints.setdefault(gid, {})[student] = fingerprint
    found: list[SimilarAnswer] = []
    for gid, by_student in sorted(prints.items()):
        students = sorted(by_student)
        for student in students:
            for name, module in kit_prints.items():
                if _size(module) == 0:
                    continue
                share, _ = _similarities(by_student[student], module)
                if share >= threshold:
                    found.append(SimilarAnswer(student, gid, f"lab kit: {name}", round(share, 3)))
        for i, first in enumerate(students):
            for second in students[i + 1 :]:
                a, b = _similarities(by_student[first], by_student[second])
                if min(a, b) >= threshold:
                    found.append(SimilarAnswer(first, gid, second, round(min(a, b), 3)))
    return found


def similarity_table(course) -> pd.DataFrame:
    """The listed matches of an assignment's submissions (``course``: a grading ``Course``).

    Each notebook of the assignment is compared on its own; with several notebooks the ``cell``
    column is ``notebook: cell``.
    """
    from worldlab.grading.submissions import find_submissions

    submitted = find_submissions(course)
    rows = []
    for name in course.notebooks:
        release = nbformat.read(course.release_path(name), as_version=4)
        notebooks = {}
        for student, submission in submitted.items():
            path = submission.notebooks.get(name)
            if path is None or submission.problem:
                continue
            try:
                notebooks[student] = nbformat.read(path, as_version=4)
            except Exception:  # a broken file is reported elsewhere
                continue
        for match in similar_answers(notebooks, release):
            row = asdict(match)
            if len(course.notebooks) > 1:
                row["cell"] = f"{name}: {row['cell']}"
            rows.append(row)
    return pd.DataFrame(rows, columns=["student", "cell", "matches", "similarity"])


def similarity_html(course) -> str:
    """The report's section on similar answers; also writes ``similar.csv`` beside the report."""
    table = similarity_table(course)
    folder = course.grading / "reports" / course.lesson
    folder.mkdir(parents=True, exist_ok=True)
    table.to_csv(folder / "similar.csv", index=False)
    intro = (
        "<h2>Similar answers (for a human to judge; scores are unchanged)</h2>\n<p>Answers whose "
        f"code shares at least {THRESHOLD:.0%} of its fingerprints with a lab-kit module or with "
        "another student's answer (copydetect; names and comments do not count).</p>\n"
    )
    if table.empty:
        return intro + "<p>None.</p>\n"
    return intro + table.to_html(index=False, escape=True, border=0) + "\n"


__all__ = [
    "SimilarAnswer",
    "answer_code",
    "kit_modules",
    "similar_answers",
    "similarity_html",
    "similarity_table",
]
