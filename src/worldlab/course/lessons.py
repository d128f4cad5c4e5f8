"""Find the course's lessons and the files each one owns."""

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
            found.append(Lesson(folder.name, root))
    return found


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
            names = ", ".join(lesson.id for lesson in known) or "none"
            raise LessonNotFound(
                f"no lesson {wanted!r}: expected course/{wanted}/{wanted}.md (lessons: {names})"
            )
        lesson = matches[0]
        if not lesson.source.is_file():
            raise LessonNotFound(f"lesson {lesson.id!r} has no source file {lesson.source}")
        chosen.append(lesson)
    return chosen
