"""Collect submissions from an LMS download (a zip of files named per student).

    worldlab collect <lesson> submissions.zip [--pattern REGEX]

Every file of the zip is matched against ``--pattern``, a regular expression with a named group
``student`` (matched against the file's path inside the zip). The default fits Canvas, which names
files ``<login>[_LATE]_<user id>_<submission id>_<original name>``; for Moodle, whose folders are
``<Full Name>_<participant id>_assignsubmission_file_/<original name>``, use
``--pattern '^[^/]*_(?P<student>\\d+)_assignsubmission_file_/'``.

A matched notebook goes to ``grading/submitted/<student>/<lesson>/<lesson>.ipynb`` (nbgrader's
layout) with the zip's date in ``timestamp.txt``; a matched file that is not a notebook is put there
under its own name, so grading reports that student's submission as broken. For an assignment of
several notebooks (``notebooks``), a file whose name ends with one of them (``…_problem2.ipynb``)
becomes that notebook, so each student may hand in one file per notebook. Nothing is dropped
silently: files that match no student are listed, and when a student has several files for one
notebook the newest is kept and the others are listed. Collecting again replaces a student's earlier files,
which are moved aside into a ``.replaced-<time>`` folder rather than deleted.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from worldlab.course.errors import CourseError

CANVAS_PATTERN = (
    r"^(?:.*/)?(?P<student>[A-Za-z0-9][A-Za-z0-9.\-]*?)_(?:LATE_)?\d+_\d+_(?P<name>[^/]+)$"
)
STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")


@dataclass
class Collected:
    """What came out of one zip."""

    students: dict[str, str] = field(default_factory=dict)  # student -> file in the zip
    unmatched: list[str] = field(default_factory=list)
    superseded: list[str] = field(default_factory=list)
    not_notebooks: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"collected {len(self.students)} submission(s)"]
        out += [f"warning: no student matches {name!r}; not collected" for name in self.unmatched]
        out += [f"warning: {name}" for name in self.superseded]
        out += [
            f"warning: {name!r} is not a notebook; collected as is, it will grade as broken"
            for name in self.not_notebooks
        ]
        return out


def _slot(filename: str, lesson: str, notebooks: tuple[str, ...], regex: re.Pattern) -> str:
    """The file name a collected file gets in the submission folder (for a file that is not a
    notebook: the pattern's ``name`` group, the student's own file name, else the base name)."""
    name = PurePosixPath(filename).name
    if not name.lower().endswith(".ipynb"):
        match = regex.search(filename)
        if match and "name" in regex.groupindex and match.group("name"):
            return PurePosixPath(match.group("name")).name
        return name
    for notebook in sorted(notebooks, key=len, reverse=True):
        if name.endswith(f"{notebook}.ipynb"):
            return f"{notebook}.ipynb"
    return f"{lesson}.ipynb" if len(notebooks) <= 1 else name


def collect_zip(
    archive: Path,
    lesson: str,
    submitted: Path,
    pattern: str = CANVAS_PATTERN,
    notebooks: tuple[str, ...] = (),
) -> Collected:
    """Unpack ``archive`` into nbgrader's submitted layout for ``lesson`` (whose notebooks are
    ``notebooks``; default: the one notebook ``<lesson>.ipynb``)."""
    notebooks = tuple(notebooks) or (lesson,)
    try:
        regex = re.compile(pattern)
    except re.error as exc:
        raise CourseError(f"--pattern {pattern!r} is not a regular expression: {exc}") from None
    if "student" not in regex.groupindex:
        raise CourseError(f"--pattern {pattern!r} has no named group (?P<student>...)")
    if not zipfile.is_zipfile(archive):
        raise CourseError(f"{archive} is not a zip file")
    result = Collected()
    chosen: dict[tuple[str, str], zipfile.ZipInfo] = {}
    with zipfile.ZipFile(archive) as zipped:
        for info in zipped.infolist():
            name = info.filename
            if info.is_dir() or PurePosixPath(name).name.startswith(".") or "__MACOSX" in name:
                continue
            match = regex.search(name)
            student = match.group("student") if match else None
            if not student or not STUDENT_ID.match(student):
                result.unmatched.append(name)
                continue
            # one notebook: any file stands for it; several: one file per notebook
            slot = _slot(name, lesson, notebooks, regex) if len(notebooks) > 1 else ""
            previous = chosen.get((student, slot))
            if previous is None:
                chosen[(student, slot)] = info
                continue
            newer, older = sorted((previous, info), key=_sort_key, reverse=True)
            chosen[(student, slot)] = newer
            result.superseded.append(
                f"two files for student {student}: kept {newer.filename!r}, "
                f"ignored {older.filename!r}"
            )
        by_student: dict[str, list[zipfile.ZipInfo]] = {}
        for (student, _), info in sorted(chosen.items()):
            by_student.setdefault(student, []).append(info)
        for student, infos in by_student.items():
            folder = submitted / student / lesson
            folder.mkdir(parents=True, exist_ok=True)
            _set_aside(folder)
            for info in infos:
                (folder / _slot(info.filename, lesson, notebooks, regex)).write_bytes(
                    zipped.read(info)
                )
            if not any(info.filename.lower().endswith(".ipynb") for info in infos):
                result.not_notebooks += [info.filename for info in infos]
            newest = max(infos, key=lambda info: info.date_time)
            stamp = datetime(*newest.date_time).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
            (folder / "timestamp.txt").write_text(stamp + "\n")
            result.students[student] = ", ".join(info.filename for info in infos)
    return result


def _set_aside(folder: Path) -> None:
    """Move an earlier collection's files into ``folder/.replaced-<time>/`` (kept, not graded)."""
    old = [p for p in folder.iterdir() if p.is_file()]
    if not old:
        return
    keep = folder / f".replaced-{datetime.now().strftime('%Y%m%dT%H%M%S%f')}"
    keep.mkdir()
    for path in old:
        path.rename(keep / path.name)


def _sort_key(info: zipfile.ZipInfo) -> tuple:
    """Newest first: notebooks before other files, then the zip's date, then the name."""
    return (info.filename.lower().endswith(".ipynb"), info.date_time, info.filename)
