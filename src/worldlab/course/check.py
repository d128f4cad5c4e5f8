"""Check lessons the way nbgrader will grade them.

For every lesson, from a fresh kernel and nbgrader's own validator (its Python API: the
``nbgrader validate`` command exits 0 even when validation fails):

1. the instructor version (solutions and hidden tests in) runs without an error or a line on
   stderr in any cell, so every test cell scores full marks;
2. the student stub with the hidden tests put back — what the autograder really runs on an
   untouched submission — passes no test cell at all;
3. the time each took is printed as a table.
"""

from __future__ import annotations

import copy
import re
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from nbformat import NotebookNode

from worldlab.course.build import write_lesson_folder
from worldlab.course.errors import CourseError
from worldlab.course.execution import kernel_environment
from worldlab.course.lessons import Lesson
from worldlab.course.markings import instructor_notebook
from worldlab.course.nbgrader_setup import quiet_nbgrader, scratch_config

ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class LessonCheck:
    """What checking one lesson found."""

    lesson: Lesson
    seconds_solution: float = 0.0
    seconds_stub: float = 0.0
    tests: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def student_stub(instructor: NotebookNode, root: Path) -> NotebookNode:
    """The instructor notebook with solutions replaced by nbgrader's stubs, hidden tests kept."""
    from nbgrader.preprocessors import ClearSolutions

    with quiet_nbgrader():
        clear = ClearSolutions(config=scratch_config(root, Path(tempfile.gettempdir())))
        stub, _ = clear.preprocess(copy.deepcopy(instructor), {})
    return stub


def _grade_id_of(source: str, nb: NotebookNode) -> str:
    for cell in nb.cells:
        if cell.source.strip() == source.strip():
            nbgrader = cell.metadata.get("nbgrader", {})
            return nbgrader.get("grade_id") or cell.get("id", "?")
    return source.strip().splitlines()[0][:60] if source.strip() else "?"


def _validate(nb: NotebookNode, lesson: Lesson, folder: Path, invert: bool) -> dict:
    from nbgrader.validator import Validator

    path = write_lesson_folder(lesson, nb, folder)
    config = scratch_config(lesson.root, folder)
    config.Validator.validate_all = not invert
    config.Validator.invert = invert
    # Unix sockets rather than TCP (see worldlab.course.execution.ipc_config)
    config.KernelManager.transport = "ipc"
    config.KernelManager.ip = str(folder / "kernel")
    with quiet_nbgrader(), kernel_environment():
        return Validator(config=config).validate(str(path))


def check_lesson(lesson: Lesson) -> LessonCheck:
    """Validate one lesson's solutions (all pass) and stubs (all fail); time both."""
    result = LessonCheck(lesson)
    instructor = instructor_notebook(lesson.source, lesson.id)
    result.tests = sum(
        1
        for cell in instructor.cells
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade")
    )
    if result.tests == 0:
        result.problems.append(f"{lesson.id}: no test cells (mark one with ':test: name')")
    with tempfile.TemporaryDirectory(prefix="worldlab-check-") as scratch:
        start = time.perf_counter()
        found = _validate(instructor, lesson, Path(scratch) / "solution", invert=False)
        result.seconds_solution = time.perf_counter() - start
        for cell in found.get("failed", []):
            error = ANSI_ESCAPE.sub("", cell.get("raw_error") or "").strip().splitlines()
            last = error[-1] if error else "wrote to stderr"
            result.problems.append(
                f"{lesson.id}: cell {_grade_id_of(cell['source'], instructor)!r} fails "
                f"with the solutions in: {last}"
            )
        stub = student_stub(instructor, lesson.root)
        start = time.perf_counter()
        found = _validate(stub, lesson, Path(scratch) / "stub", invert=True)
        result.seconds_stub = time.perf_counter() - start
        for cell in found.get("passed", []):
            result.problems.append(
                f"{lesson.id}: test {_grade_id_of(cell['source'], stub)!r} passes "
                "on the untouched student stub"
            )
    return result


def format_table(results: list[LessonCheck]) -> str:
    """A plain-text table: seconds per notebook, tests, verdict."""
    header = f"{'lesson':<34} {'tests':>5} {'solution s':>10} {'stub s':>8}  verdict"
    lines = [header, "-" * len(header)]
    for item in results:
        verdict = "ok" if item.ok else f"FAILED ({len(item.problems)})"
        lines.append(
            f"{item.lesson.id:<34} {item.tests:>5} {item.seconds_solution:>10.1f} "
            f"{item.seconds_stub:>8.1f}  {verdict}"
        )
    total = sum(item.seconds_solution for item in results)
    lines.append("-" * len(header))
    lines.append(f"{'total':<34} {'':>5} {total:>10.1f}")
    return "\n".join(lines)


def _print_error(line: str) -> None:
    print(line, file=sys.stderr)


def check(
    lessons: list[Lesson],
    report: Callable[[str], None] = print,
    report_error: Callable[[str], None] = _print_error,
) -> list[LessonCheck]:
    """Check ``lessons``; print the table, then every problem as an ``error:`` line."""
    results = []
    for lesson in lessons:
        report(f"checking {lesson.id}")
        try:
            results.append(check_lesson(lesson))
        except CourseError as exc:
            failed = LessonCheck(lesson)
            failed.problems.append(str(exc))
            results.append(failed)
    report(format_table(results))
    for item in results:
        for problem in item.problems:
            report_error(f"error: {problem}")
    return results
