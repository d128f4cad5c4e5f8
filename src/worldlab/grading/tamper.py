"""Look for code that interferes with grading, and flag it for a human.

Code that runs in the same kernel as the tests can always interfere with them; no scan can
prove otherwise. This scan reads the student's own cells (never the instructor's tests) for the
usual ways of doing it and reports each hit with its line, so a grader can judge. A hit does not
change the score by itself: it flags the submission.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nbformat import NotebookNode

#: (reason, pattern) — patterns are matched against each line of student code.
SIGNALS: list[tuple[str, re.Pattern[str]]] = [
    (reason, re.compile(pattern))
    for reason, pattern in [
        (
            "kills its own kernel",
            r"\bos\s*\.\s*(_exit|kill|abort)\b|\bsignal\s*\.\s*(signal|alarm)\b",
        ),
        (
            "patches numpy's comparisons",
            r"\b(np|numpy)(\s*\.\s*testing)?\s*\.\s*(allclose|isclose|array_equal|testing|assert_\w+)\s*=[^=]",
        ),
        ("patches builtins", r"\b(builtins|__builtins__)\b"),
        (
            "redefines an exception or assert helper",
            r"^\s*(AssertionError|Exception|BaseException|assert_close)\s*=[^=]|\bclass\s+AssertionError\b",
        ),
        (
            "patches the test helpers",
            r"\bworldlab\s*\.\s*testing\s*\.\s*\w+\s*=[^=]|grading_rng\s*=[^=]",
        ),
        (
            "changes IPython's execution",
            r"get_ipython\s*\(|\binput_transformers|\bast_transformers|set_custom_exc|showtraceback"
            r"|\bevents\s*\.\s*register",
        ),
        (
            "replaces an exception hook",
            r"\bsys\s*\.\s*(excepthook|settrace|setprofile)\b|\bsys\s*\.\s*modules\s*\[",
        ),
        (
            "reads the notebook or other files",
            r"\.ipynb\b|\bnbformat\b|\b__file__\b|\bopen\s*\(|\bglob\s*\(",
        ),
        ("reads the grading seed", r"WORLDLAB_GRADING_SEED|\benviron\b"),
        (
            "runs other programs or opens sockets",
            r"\bsubprocess\b|\bsocket\b|\bctypes\b|\bos\s*\.\s*(system|popen|fork)\b",
        ),
        ("uses shell or magic escapes", r"^\s*[!%]"),
    ]
]


@dataclass(frozen=True)
class TamperSignal:
    """One suspicious line: where it is and why it was flagged."""

    cell: str
    line_number: int
    line: str
    reason: str

    def __str__(self) -> str:
        return (
            f"{self.reason}: cell {self.cell}, line {self.line_number}: {self.line.strip()[:120]}"
        )


def _is_instructor_cell(cell: NotebookNode) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {}) or {}
    return bool(meta.get("locked")) and not meta.get("solution")


def provided_lines(release: NotebookNode) -> set[str]:
    """The code lines the lesson itself gives students (never a sign of tampering)."""
    return {
        line.strip()
        for cell in release.cells
        if cell.cell_type == "code"
        for line in cell.source.splitlines()
        if line.strip()
    }


def scan(nb: NotebookNode, provided: set[str] | frozenset[str] = frozenset()) -> list[TamperSignal]:
    """Every suspicious line of the student's code cells.

    The instructor's locked cells are skipped, and so are lines found verbatim in ``provided``
    (the code of the released notebook).
    """
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or _is_instructor_cell(cell):
            continue
        label = (cell.get("metadata", {}).get("nbgrader", {}) or {}).get("grade_id") or f"#{index}"
        for number, line in enumerate(cell.source.splitlines(), start=1):
            if line.strip() in provided:
                continue
            code = line.split("#", 1)[0] if not line.lstrip().startswith(("!", "%")) else line
            for reason, pattern in SIGNALS:
                if pattern.search(code):
                    found.append(TamperSignal(label, number, line, reason))
                    break
    return found
