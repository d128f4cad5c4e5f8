"""Build every lesson from its single source.

For each lesson ``course/<id>/<id>.md`` the build writes

* ``course/<id>/<id>.ipynb``  — the instructor notebook nbgrader reads (metadata derived from the
  marking, see :mod:`worldlab.course.markings`);
* ``notebooks/<id>/``         — the student version, made by nbgrader's own ``generate_assignment``;
* ``solutions/<id>/<id>.ipynb`` — solutions in place, hidden tests removed, every output rendered.

Everything is produced in a staging folder first and moved into place only when every lesson
built, so a failure never leaves half-written files. Building twice gives identical bytes.
"""

from __future__ import annotations

import copy
import fnmatch
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from worldlab.course.errors import CourseError
from worldlab.course.execution import execute_notebook
from worldlab.course.lessons import Lesson
from worldlab.course.markings import (
    BEGIN_HIDDEN,
    BEGIN_SOLUTION,
    END_HIDDEN,
    END_SOLUTION,
    instructor_notebook,
)
from worldlab.course.nbgrader_setup import (
    course_config,
    nbgrader_failure,
    quiet_nbgrader,
    scratch_config,
)


def notebook_bytes(nb: NotebookNode) -> bytes:
    """The canonical serialisation used for every notebook the build writes."""
    return (nbformat.writes(nb) + "\n").encode("utf-8")


def ignore_patterns(root: Path) -> list[str]:
    """File patterns nbgrader never copies into a release (from ``nbgrader_config.py``)."""
    return list(course_config(root).CourseDirectory.ignore)


def lesson_extra_files(lesson: Lesson) -> list[Path]:
    """Files of ``course/<id>/`` besides the source and the instructor notebook."""
    patterns = ignore_patterns(lesson.root)
    extras = []
    for path in sorted(lesson.source.parent.rglob("*")):
        relative = path.relative_to(lesson.source.parent)
        if path in (lesson.source, lesson.instructor) or not path.is_file():
            continue
        if any(fnmatch.fnmatch(part, pattern) for part in relative.parts for pattern in patterns):
            continue
        extras.append(path)
    return extras


def write_lesson_folder(lesson: Lesson, nb: NotebookNode, folder: Path) -> Path:
    """Write ``nb`` as ``folder/<id>.ipynb`` beside copies of the lesson's extra files."""
    folder.mkdir(parents=True)
    for extra in lesson_extra_files(lesson):
        target = folder / extra.relative_to(lesson.source.parent)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(extra, target)
    path = folder / lesson.instructor.name
    path.write_bytes(notebook_bytes(nb))
    return path


def student_version(lesson: Lesson, instructor: NotebookNode, scratch: Path) -> Path:
    """Run nbgrader's ``generate_assignment`` on ``instructor`` in a scratch course folder.

    Returns the release folder nbgrader wrote (``scratch/release/<id>``).
    """
    from nbgrader.apps import NbGraderAPI

    write_lesson_folder(lesson, instructor, scratch / "source" / lesson.id)
    with quiet_nbgrader():
        api = NbGraderAPI(config=scratch_config(lesson.root, scratch))
        result = api.generate_assignment(lesson.id, force=True, create=True)
    if not result.get("success"):
        raise CourseError(
            f"{lesson.source}: nbgrader generate_assignment failed: {nbgrader_failure(result)}"
        )
    return scratch / "release" / lesson.id


def strip_hidden_tests(source: str) -> str:
    """Remove every hidden-test region, markers included."""
    kept, hidden = [], False
    for line in source.splitlines():
        if line.strip() == BEGIN_HIDDEN:
            hidden = True
        elif line.strip() == END_HIDDEN:
            hidden = False
        elif not hidden:
            kept.append(line)
    return "\n".join(kept).rstrip()


def strip_solution_markers(source: str) -> str:
    """Keep the solution code but drop its ``### BEGIN/END SOLUTION`` lines."""
    markers = (BEGIN_SOLUTION, END_SOLUTION)
    return "\n".join(line for line in source.splitlines() if line.strip() not in markers)


def solution_sources(instructor: NotebookNode) -> NotebookNode:
    """The solution notebook before execution: a plain notebook, hidden tests removed."""
    nb = copy.deepcopy(instructor)
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)
        if cell.cell_type == "code":
            cell.source = strip_solution_markers(strip_hidden_tests(cell.source))
            cell.outputs, cell.execution_count = [], None
    return nb


@dataclass
class BuiltLesson:
    """The products of one lesson, waiting in the staging folder."""

    lesson: Lesson
    instructor: NotebookNode
    student_dir: Path
    solution: NotebookNode | None


def build_lesson(lesson: Lesson, scratch: Path, execute: bool = True) -> BuiltLesson:
    """Build one lesson's products into ``scratch`` without touching the repository."""
    if not lesson.source.read_text(encoding="utf-8").strip():
        raise CourseError(
            f"{lesson.source} is empty: a lesson needs its MyST source there. For an nbgrader "
            f"assignment made of notebooks, delete the empty {lesson.source.name}: "
            f"`worldlab grade {lesson.id}` grades the notebooks of course/{lesson.id}/ as they are"
        )
    instructor = instructor_notebook(lesson.source, lesson.id)
    student_dir = student_version(lesson, instructor, scratch)
    solution = None
    if execute:
        solution = execute_notebook(
            solution_sources(instructor), lesson.source.parent, label=str(lesson.source)
        )
    return BuiltLesson(lesson, instructor, student_dir, solution)


def _replace_dir(new: Path, target: Path) -> None:
    """Swap ``target`` for ``new`` with renames, so readers never see a half-written folder."""
    target.parent.mkdir(parents=True, exist_ok=True)
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    shutil.copytree(new, target.with_name(f".{target.name}.new"))
    target.with_name(f".{target.name}.new").rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _write_file(data: bytes, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and target.read_bytes() == data:
        return
    partial = target.with_name(f".{target.name}.partial")
    partial.write_bytes(data)
    partial.replace(target)


def install(built: BuiltLesson) -> None:
    """Move one built lesson's products into ``course/``, ``notebooks/`` and ``solutions/``."""
    lesson = built.lesson
    _write_file(notebook_bytes(built.instructor), lesson.instructor)
    _replace_dir(built.student_dir, lesson.student.parent)
    if built.solution is not None:
        _write_file(notebook_bytes(built.solution), lesson.solution)


def build(
    lessons: list[Lesson],
    execute: bool = True,
    report: Callable[[str], None] = print,
) -> list[BuiltLesson]:
    """Build ``lessons``; write nothing unless every one of them built."""
    if not lessons:
        return []
    root = lessons[0].root
    with tempfile.TemporaryDirectory(prefix="worldlab-build-") as staging:
        built = []
        for lesson in lessons:
            report(f"building {lesson.id}")
            built.append(build_lesson(lesson, Path(staging) / lesson.id, execute=execute))
        for item in built:
            install(item)
    report(f"built {len(built)} lesson(s) into {root / 'notebooks'} and {root / 'solutions'}")
    return built
