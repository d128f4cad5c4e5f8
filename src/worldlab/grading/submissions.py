"""What a student handed in: the submission folders, matched to the assignment's notebooks.

A submission is ``submitted/<student>/<id>/`` (nbgrader's layout): one file per notebook of the
release, nbgrader's ``timestamp.txt``, and any other file the student added. The files nbgrader
copies beside the notebooks (:func:`extra_files`) are found with nbgrader's own rules.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol


class Assignment(Protocol):
    """What matching needs of an assignment (``pipeline.Course`` is one)."""

    submitted: Path  # nbgrader's submitted/ folder
    lesson: str  # the assignment id
    notebooks: tuple[str, ...]  # the release's notebook names, without .ipynb


#: Folders ``worldlab collect`` sets aside in a submission folder; never graded nor copied.
SET_ASIDE = ".replaced-*"


def extra_files(folder: Path, ignore: tuple[str, ...]) -> list[Path]:
    """Files nbgrader copies beside the notebooks: all but notebooks and ignored names."""
    from nbgrader.utils import find_all_files

    if not folder.is_dir():
        return []
    found = find_all_files(str(folder), [*ignore, "*.ipynb", SET_ASIDE])
    return sorted(Path(name) for name in found if Path(name).is_file())


@dataclass
class Submission:
    """One student's submission folder: which notebook file stands for each release notebook."""

    student: str
    folder: Path
    notebooks: dict[str, Path]
    problem: str | None = None
    notes: list[str] = field(default_factory=list)

    def digest(self, ignore: tuple[str, ...]) -> str:
        """Hash of every file that is graded or copied (a changed data file regrades too)."""
        digest = hashlib.sha256()
        for path in sorted([*self.notebooks.values(), *extra_files(self.folder, ignore)]):
            digest.update(str(path.relative_to(self.folder)).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        return digest.hexdigest()


def find_submissions(course: Assignment) -> dict[str, Submission]:
    """Every ``submitted/<student>/<id>/`` folder, matched to the release's notebooks."""
    found: dict[str, Submission] = {}
    if not course.submitted.is_dir():
        return found
    for student_dir in sorted(p for p in course.submitted.iterdir() if p.is_dir()):
        folder = student_dir / course.lesson
        if not folder.is_dir():
            continue
        submission = Submission(student_dir.name, folder, {})
        present = {p.stem: p for p in sorted(folder.glob("*.ipynb"))}
        for notebook in course.notebooks:
            if notebook in present:
                submission.notebooks[notebook] = present[notebook]
        others = sorted(set(present) - set(course.notebooks))
        if not submission.notebooks and len(course.notebooks) == 1 and len(others) == 1:
            # One notebook under another name (an LMS renamed it): grade it as the lesson's.
            submission.notebooks[course.notebooks[0]] = present[others[0]]
            submission.notes.append(f"{others[0]}.ipynb graded as {course.notebooks[0]}.ipynb")
        elif others:
            submission.notes.append(
                "not part of the assignment, not graded: "
                + ", ".join(f"{name}.ipynb" for name in others)
            )
        if not submission.notebooks:
            names = ", ".join(p.name for p in sorted(folder.iterdir())) or "nothing"
            expected = " or ".join(f"{name}.ipynb" for name in course.notebooks)
            submission.problem = f"no {expected} in the submission (found {names})"
        found[student_dir.name] = submission
    return found


def read_timestamp(folder: Path, notes: list[str]) -> datetime | None:
    """nbgrader's reading of ``timestamp.txt`` (any time zone it accepts)."""
    stamp = folder / "timestamp.txt"
    if not stamp.is_file() or not stamp.read_text().strip():
        return None
    from nbgrader.utils import parse_utc

    try:
        return parse_utc(stamp.read_text().strip())
    except Exception:
        notes.append("timestamp.txt is not a date nbgrader can read; ignored")
        return None
