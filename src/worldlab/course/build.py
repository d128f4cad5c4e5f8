"""Build every lesson from its single source.

For each lesson ``course/<id>/<id>.md`` the build writes

* ``course/<id>/<id>.ipynb``  — the instructor notebook nbgrader reads (metadata derived from the
  marking, see :mod:`worldlab.course.markings`);
* ``notebooks/<id>/``         — the student version, made by nbgrader's own ``generate_assignment``;
* ``solutions/<id>/<id>.ipynb`` — solutions in place, hidden tests removed, every output rendered;
* ``course/<id>/figures/``    — the reference figures a stuck student sees (from the executed
  solution, see :mod:`worldlab.figures`), which nbgrader copies into the release;
* ``data/verdicts/<id>.csv``  — the lesson's verdict rows, harvested from the executed solution
  when the lesson computes its verdict (see :mod:`worldlab.course.verdicts`).

Everything is produced in a staging folder first and moved into place only when every lesson
built, so a failure never leaves half-written files. Building twice gives identical bytes.
"""

from __future__ import annotations

import ast
import base64
import copy
import fnmatch
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from worldlab.course.alt_text import add_alt_text_to_outputs, cell_alt_text, png_with_alt_text
from worldlab.course.catalog import write_catalog
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
from worldlab.course.verdicts import harvest, verdict_csv, verdict_path


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


#: The lab-kit function whose calls name a reference figure (``worldlab.figures``).
FIGURE_CALL = "figure_or_reference"
FIGURES_FOLDER = "figures"


def _figure_names(source: str) -> list[str]:
    """Names given to ``figure_or_reference(draw, "name")`` calls in one cell's source."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if called != FIGURE_CALL:
            continue
        given = node.args[1:2] + [k.value for k in node.keywords if k.arg == "name"]
        if (
            not given
            or not isinstance(given[0], ast.Constant)
            or not isinstance(given[0].value, str)
        ):
            raise CourseError(
                f"{FIGURE_CALL}(...) needs its name as a string literal: {source[:60]!r}"
            )
        names.append(given[0].value)
    return names


def reference_figures(solution: NotebookNode, label: str) -> dict[str, bytes]:
    """The reference figures of an executed solution: ``{name: PNG bytes}``.

    Each cell that calls ``figure_or_reference(draw, "name")`` must have drawn exactly one figure
    in the solution; its PNG becomes ``figures/<name>.png`` beside the student notebook, with the
    cell's alt text inside it (``figure_or_reference`` shows it as the image's text alternative).
    """
    figures: dict[str, bytes] = {}
    for index, cell in enumerate(solution.cells):
        if cell.cell_type != "code":
            continue
        names = _figure_names(cell.source)
        if not names:
            continue
        images = [
            o["data"]["image/png"]
            for o in cell.get("outputs", [])
            if "image/png" in o.get("data", {})
        ]
        if len(names) != 1 or len(images) != 1:
            raise CourseError(
                f"{label}: cell {index} names reference figure(s) {names} but drew {len(images)} "
                f"figure(s): one {FIGURE_CALL} call per cell, drawing one figure"
            )
        if names[0] in figures:
            raise CourseError(f"{label}: reference figure {names[0]!r} is named twice")
        png, alt = base64.b64decode(images[0]), cell_alt_text(cell)
        figures[names[0]] = png_with_alt_text(png, alt) if alt else png
    return figures


def committed_reference_figures(lesson: Lesson) -> dict[str, bytes]:
    """The reference figures of the committed ``solutions/`` notebook (none if it is missing)."""
    if not lesson.solution.is_file():
        return {}
    return reference_figures(nbformat.read(lesson.solution, as_version=4), str(lesson.solution))


def write_lesson_folder(
    lesson: Lesson, nb: NotebookNode, folder: Path, figures: dict[str, bytes] | None = None
) -> Path:
    """Write ``nb`` as ``folder/<id>.ipynb`` beside copies of the lesson's extra files.

    ``figures`` replaces the lesson's ``figures/`` folder (the build's fresh reference figures).
    """
    folder.mkdir(parents=True)
    for extra in lesson_extra_files(lesson):
        relative = extra.relative_to(lesson.source.parent)
        if figures is not None and relative.parts[0] == FIGURES_FOLDER:
            continue
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(extra, target)
    for name, data in sorted((figures or {}).items()):
        target = folder / FIGURES_FOLDER / f"{name}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    path = folder / lesson.instructor.name
    path.write_bytes(notebook_bytes(nb))
    return path


def student_version(
    lesson: Lesson,
    instructor: NotebookNode,
    scratch: Path,
    figures: dict[str, bytes] | None = None,
) -> Path:
    """Run nbgrader's ``generate_assignment`` on ``instructor`` in a scratch course folder.

    ``figures`` are the reference figures to ship (default: those of the committed solution).
    Returns the release folder nbgrader wrote (``scratch/release/<id>``).
    """
    from nbgrader.apps import NbGraderAPI

    if figures is None:
        figures = committed_reference_figures(lesson)
    write_lesson_folder(lesson, instructor, scratch / "source" / lesson.id, figures)
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
    figures: dict[str, bytes]
    verdicts: bytes | None = None


def build_lesson(lesson: Lesson, scratch: Path, execute: bool = True) -> BuiltLesson:
    """Build one lesson's products into ``scratch`` without touching the repository."""
    if not lesson.source.read_text(encoding="utf-8").strip():
        raise CourseError(
            f"{lesson.source} is empty: a lesson needs its MyST source there. For an nbgrader "
            f"assignment made of notebooks, delete the empty {lesson.source.name}: "
            f"`worldlab grade {lesson.id}` grades the notebooks of course/{lesson.id}/ as they are"
        )
    instructor = instructor_notebook(lesson.source, lesson.id)
    solution, verdicts = None, None
    if execute:
        solution = execute_notebook(
            solution_sources(instructor), lesson.source.parent, label=str(lesson.source)
        )
        add_alt_text_to_outputs(solution)  # JupyterLab reads alt text only from HTML
        figures = reference_figures(solution, str(lesson.source))
        rows = harvest(solution, lesson.id)
        verdicts = None if rows is None else verdict_csv(rows)
    else:
        figures = committed_reference_figures(lesson)
    student_dir = student_version(lesson, instructor, scratch, figures)
    return BuiltLesson(lesson, instructor, student_dir, solution, figures, verdicts)


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
    figures = lesson.source.parent / FIGURES_FOLDER
    if built.figures:
        _replace_dir(built.student_dir / FIGURES_FOLDER, figures)
    else:
        shutil.rmtree(figures, ignore_errors=True)
    _replace_dir(built.student_dir, lesson.student.parent)
    if built.solution is not None:
        _write_file(notebook_bytes(built.solution), lesson.solution)
    if built.verdicts is not None:
        _write_file(built.verdicts, verdict_path(lesson))


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
    write_catalog(root)
    report(f"built {len(built)} lesson(s) into {root / 'notebooks'} and {root / 'solutions'}")
    return built
