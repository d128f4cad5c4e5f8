"""Find the course's lessons, the files each one owns, and the other nbgrader assignments.

A **lesson** of this course is a folder ``course/<NN-slug>/`` holding its single source
``<id>.md``; ``worldlab build`` makes its notebooks. Any other folder of ``course/`` that holds
notebooks and no ``<id>.md`` is an instructor's own **nbgrader assignment** (one or more source
notebooks, as nbgrader's ``generate_assignment`` reads them): ``worldlab grade`` grades it, and
the build and the freshness test leave it alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from worldlab.course.errors import LessonNotFound
from worldlab.paths import repo_root

LESSON_ID = re.compile(r"^\d\d-[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Lesson:
    """One lesson: its id (``NN-slug``) and where its files live under a repository root."""

    id: str
    root: Path

    @property
    def source(self) -> Path:
        """The single source, ``course/<id>/<id>.md``."""
        return self.root / "course" / self.id / f"{self.id}.md"

    @property
    def instructor(self) -> Path:
        """nbgrader's source notebook, ``course/<id>/<id>.ipynb`` (generated)."""
        return self.root / "course" / self.id / f"{self.id}.ipynb"

    @property
    def student(self) -> Path:
        """The student version, ``notebooks/<id>/<id>.ipynb`` (generated)."""
        return self.root / "notebooks" / self.id / f"{self.id}.ipynb"

    @property
    def solution(self) -> Path:
        """The executed solutions, ``solutions/<id>/<id>.ipynb`` (generated)."""
        return self.root / "solutions" / self.id / f"{self.id}.ipynb"


def all_lessons(root: Path | None = None) -> list[Lesson]:
    """Every lesson under ``course/``, in id order."""
    root = root or repo_root()
    course = root / "course"
    found = []
    for folder in sorted(course.iterdir()) if course.is_dir() else []:
        if folder.is_dir() and LESSON_ID.match(folder.name):
            lesson = Lesson(folder.name, root)
            if lesson.source.is_file():  # a notebook-only folder is an nbgrader assignment
                found.append(lesson)
    return found


#: Characters nbgrader refuses in an assignment id (``+``) or reads as a glob or a path.
FORBIDDEN_IN_ID = set("+/\\*?[]")


def check_assignment_id(assignment_id: str) -> str:
    """``assignment_id`` if nbgrader can use it as a folder name; else a clear error.

    nbgrader refuses ``+`` and strips surrounding spaces; ``/`` and glob characters would make
    its path patterns match other folders. Any other folder name works (``ps1``, ``hw-2``,
    ``Week_3``), as does this course's ``NN-slug``.
    """
    bad = sorted(FORBIDDEN_IN_ID & set(assignment_id))
    if not assignment_id or assignment_id != assignment_id.strip() or assignment_id[0] == ".":
        raise LessonNotFound(
            f"{assignment_id!r} is not an assignment id: it must be a folder name of course/, "
            "without surrounding spaces or a leading dot"
        )
    if bad:
        raise LessonNotFound(
            f"{assignment_id!r} is not an assignment id nbgrader can use: it contains "
            + " ".join(repr(c) for c in bad)
        )
    return assignment_id


def resolve_assignment(wanted: str, root: Path | None = None) -> str:
    """The id of the lesson or nbgrader assignment named by ``wanted`` (grading commands).

    A lesson id or its number (``00``) names a lesson; any other name must be a folder of
    ``course/`` holding nbgrader source notebooks (``course/ps1/problem1.ipynb`` …).
    """
    root = root or repo_root()
    name = wanted.strip().rstrip("/").split("/")[-1]
    folder = root / "course" / name
    if folder.is_dir() and not (folder / f"{name}.md").is_file():
        check_assignment_id(name)
        if not any(folder.glob("*.ipynb")):
            raise LessonNotFound(
                f"course/{name}/ holds no notebook: put the assignment's source notebooks "
                f"there (as for nbgrader generate_assignment), or a lesson source {name}.md"
            )
        return name
    return resolve([wanted], root)[0].id


def resolve(ids: list[str] | None, root: Path | None = None) -> list[Lesson]:
    """The lessons named by ``ids`` (all when empty); an unknown id raises a clear error.

    A prefix such as ``00`` names the lesson ``00-…`` when exactly one matches.
    """
    root = root or repo_root()
    known = all_lessons(root)
    if not ids:
        if not known:
            raise LessonNotFound(f"no lessons found under {root / 'course'}")
        return known
    chosen = []
    for wanted in ids:
        wanted = wanted.strip().rstrip("/").split("/")[-1].removesuffix(".md")
        matches = [lesson for lesson in known if lesson.id == wanted]
        if not matches:
            matches = [lesson for lesson in known if lesson.id.startswith(wanted + "-")]
        if len(matches) != 1:
            folder = root / "course" / wanted
            if folder.is_dir() and any(folder.glob("*.ipynb")):
                raise LessonNotFound(
                    f"course/{wanted}/ is an nbgrader assignment (notebooks, no {wanted}.md), "
                    "not a lesson: worldlab build and check are for lessons; grade it with "
                    f"`worldlab grade {wanted}`"
                )
            names = ", ".join(lesson.id for lesson in known) or "none"
            raise LessonNotFound(
                f"no lesson {wanted!r}: expected course/{wanted}/{wanted}.md (lessons: {names})"
            )
        lesson = matches[0]
        if not lesson.source.is_file():
            raise LessonNotFound(f"lesson {lesson.id!r} has no source file {lesson.source}")
        chosen.append(lesson)
    return chosen
