"""The reference answers of a lesson, read from its single source (for the kit's own tests).

A graded exercise's reference implementation lives only in its lesson source; the lab kit never
carries one. The kit's tests, which need a reference to exercise an experiment runner (e.g.
``run_dyna(update=...)``), load it from the source through the build's own parser::

    dyna_q_update = load_reference("06-acting-and-planning", "dyna_q_update")

The answer cell runs in a fresh namespace after the lesson's own import lines, so it sees the
names the lesson imports (``np``, ``pd``, kit functions) and nothing else.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

from nbformat import NotebookNode

from worldlab.course.errors import CourseError
from worldlab.course.lessons import resolve
from worldlab.course.markings import BEGIN_SOLUTION, END_SOLUTION, instructor_notebook


def _is_answer(cell: NotebookNode) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and meta.get("solution", False) and not meta.get("grade", False)


def _plain(source: str) -> str:
    return "\n".join(
        line for line in source.splitlines() if line.strip() not in (BEGIN_SOLUTION, END_SOLUTION)
    )


def answer_cells(lesson_id: str, root: Path | None = None) -> list[NotebookNode]:
    """The autograded answer cells of a lesson, in order (solution markers still in place)."""
    (lesson,) = resolve([lesson_id], root)
    return [
        cell for cell in instructor_notebook(lesson.source, lesson.id).cells if _is_answer(cell)
    ]


def defined_names(source: str) -> list[str]:
    """The functions and classes a cell defines at its top level."""
    tree = ast.parse(_plain(source))
    return [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    ]


def answer_names(lesson_id: str, root: Path | None = None) -> list[str]:
    """Every function or class a lesson's answer cells define (what a student writes)."""
    return [name for cell in answer_cells(lesson_id, root) for name in defined_names(cell.source)]


def _import_lines(lesson_id: str, root: Path | None) -> str:
    (lesson,) = resolve([lesson_id], root)
    lines = []
    for cell in instructor_notebook(lesson.source, lesson.id).cells:
        if cell.cell_type != "code" or cell.metadata.get("nbgrader", {}).get("grade"):
            continue  # test cells import what only tests need
        try:
            tree = ast.parse(_plain(cell.source))
        except SyntaxError:
            continue
        lines += [
            ast.unparse(node) for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)
        ]
    return "\n".join(dict.fromkeys(lines))


def load_reference(lesson_id: str, name: str, root: Path | None = None) -> Callable:
    """The reference implementation of ``name`` from the lesson's answer cell that defines it.

    Every answer cell up to and including that one runs, in order, in one namespace after the
    lesson's imports — as in the notebook, a later answer may call an earlier one.
    """
    cells = answer_cells(lesson_id, root)
    if not any(name in defined_names(cell.source) for cell in cells):
        raise CourseError(f"lesson {lesson_id!r} has no answer cell defining {name!r}")
    namespace: dict = {"__name__": f"reference_{lesson_id.replace('-', '_')}"}
    imports = _import_lines(lesson_id, root)
    exec(compile(imports, f"<{lesson_id} imports>", "exec"), namespace)
    for cell in cells:
        exec(compile(_plain(cell.source), f"<{lesson_id} answer>", "exec"), namespace)
        if name in defined_names(cell.source):
            break
    return namespace[name]


def load_worked_example(lesson_id: str, name: str, root: Path | None = None) -> Callable:
    """A function the lesson defines in a plain code cell: a worked example, not an exercise.

    Only the function's own definition runs (after the lesson's imports), not the rest of its
    cell, so a kit test can use the lesson's code without running the lesson's experiments.
    """
    (lesson,) = resolve([lesson_id], root)
    for cell in instructor_notebook(lesson.source, lesson.id).cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or meta.get("solution") or meta.get("grade"):
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name == name:
                namespace: dict = {"__name__": f"example_{lesson_id.replace('-', '_')}"}
                imports = _import_lines(lesson_id, root)
                exec(compile(imports, f"<{lesson_id} imports>", "exec"), namespace)
                exec(compile(ast.unparse(node), f"<{lesson_id} example>", "exec"), namespace)
                return namespace[name]
    raise CourseError(f"lesson {lesson_id!r} has no plain code cell defining {name!r}")


def _stub_source(source: str) -> str:
    """An answer cell as nbgrader's ClearSolutions leaves it: the solution region replaced."""
    lines, out, inside = source.splitlines(), [], False
    for line in lines:
        if line.strip() == BEGIN_SOLUTION:
            indent = line[: len(line) - len(line.lstrip())]
            out += [f"{indent}# YOUR CODE HERE", f"{indent}raise NotImplementedError()"]
            inside = True
        elif line.strip() == END_SOLUTION:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


def load_stubs(lesson_id: str, root: Path | None = None) -> dict[str, Callable]:
    """Every answer of the lesson as the student receives it: the stubs of ``notebooks/<id>/``.

    Read from the committed student notebook (nbgrader's own replacement of each solution), or,
    before the lesson is built, made from the source the way nbgrader makes them; run after the
    lesson's imports as :func:`load_reference` does.
    """
    import nbformat

    (lesson,) = resolve([lesson_id], root)
    if lesson.student.is_file():
        cells = [
            cell.source
            for cell in nbformat.read(lesson.student, as_version=4).cells
            if _is_answer(cell)
        ]
    else:
        cells = [_stub_source(cell.source) for cell in answer_cells(lesson_id, root)]
    namespace: dict = {"__name__": f"stub_{lesson_id.replace('-', '_')}"}
    exec(compile(_import_lines(lesson_id, root), f"<{lesson_id} imports>", "exec"), namespace)
    names = []
    for source in cells:
        exec(compile(source, f"<{lesson_id} stub>", "exec"), namespace)
        names += defined_names(source)
    return {name: namespace[name] for name in names}


def exercise_of_tests(lesson_id: str, root: Path | None = None) -> dict[str, tuple[str, ...]]:
    """For every test cell, the names defined by the answer cell it follows (the exercise it judges).

    A test cell judges the exercise of the last answer cell before it, as the lesson's order of
    statement, stub, hints, visible test and hidden checks has it.
    """
    (lesson,) = resolve([lesson_id], root)
    owner: dict[str, tuple[str, ...]] = {}
    current: tuple[str, ...] = ()
    for cell in instructor_notebook(lesson.source, lesson.id).cells:
        meta = cell.metadata.get("nbgrader", {})
        if _is_answer(cell):
            current = tuple(defined_names(cell.source))
        elif cell.cell_type == "code" and meta.get("grade") and current:
            owner[meta["grade_id"]] = current
    return owner
