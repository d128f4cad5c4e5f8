"""How strong are a lesson's tests? Plant small mutants in each reference answer and count kills.

    worldlab check --mutants LESSON [LESSON ...]

For every autograded exercise, each mutant changes one thing inside the solution region of the
reference: an operator swapped (``+``/``-``, ``*``/``/``, ``<``/``<=``, ``==``/``!=``, ``and``/``or``),
a constant changed (``n`` → ``n + 1``, ``x`` → ``1.5 x``, ``True``/``False``), a sign or ``not``
dropped, or a statement deleted. A mutant is *killed* when the exercise's visible test or any of
the lesson's hidden checks fails (or errors) with it in place of the reference.

To stay fast, the lesson's non-test cells run once in this process (figures off-screen, demos
static) and every mutant is judged on a copy of that namespace: a visible test that relies on a
value computed by an earlier cell with the reference still sees the reference's value. A
surviving mutant that behaves exactly like the reference (an *equivalent* mutant) is listed, by
its description, in the lesson's test notes, ``tests/course/wrong_answers/<id>.py``
(``EQUIVALENT_MUTANTS = {"exercise": ["description", ...]}``), and is left out of the score.
A mutant that runs far longer than the reference (a loop that no longer ends) is stopped and
counts as killed, as the grader's cell timeout would fail it.

The numeric and boolean defaults of the functions an answer cell defines are mutated too (the
``def`` line sits outside the markers, but a lesson's own experiment may rely on a default).

A design task has many right answers, so a surviving mutant of its reference may be another right
answer: name it in ``DESIGN_TASKS = {"exercise", ...}`` and its mutants are judged and listed on
their own rows (``design``), kept out of the lesson's score; a survivor there is either killed by
a check of what makes a choice good or listed as equivalent with the argument that it is a right
answer.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import io
import os
import runpy
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from worldlab.course.hidden_checks import hidden_blocks, run_hidden_checks
from worldlab.course.lessons import Lesson
from worldlab.course.markings import BEGIN_SOLUTION, END_SOLUTION, instructor_notebook

#: At most this many mutants per exercise (spread evenly over the sites found).
MAX_MUTANTS = 40

#: A mutant may take this many times the reference's time (and at least MIN_SECONDS) to be judged.
SLOWDOWN_ALLOWED = 10
MIN_SECONDS = 20.0

_SWAPS: dict[type, type] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Mult,
    ast.Pow: ast.Mult,
    ast.Mod: ast.FloorDiv,
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.And: ast.Or,
    ast.Or: ast.And,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}


@dataclass(frozen=True)
class Mutant:
    """One small change to an answer cell: its description and the mutated cell source."""

    description: str
    source: str


@dataclass
class ExerciseScore:
    """The mutants of one exercise and which of them the tests caught."""

    lesson: str
    exercise: str
    killed: list[str] = field(default_factory=list)
    survived: list[str] = field(default_factory=list)
    equivalent: list[str] = field(default_factory=list)
    design_task: bool = False

    @property
    def score(self) -> float:
        judged = len(self.killed) + len(self.survived)
        return len(self.killed) / judged if judged else float("nan")


def _solution_lines(source: str) -> range:
    lines = source.splitlines()
    begin = next(i for i, line in enumerate(lines) if line.strip() == BEGIN_SOLUTION)
    end = next(i for i, line in enumerate(lines) if line.strip() == END_SOLUTION)
    return range(begin + 2, end + 1)  # 1-based line numbers strictly inside the markers


def _sites(tree: ast.AST, inside: range) -> Iterator[tuple[ast.AST, str]]:
    """Nodes to mutate, with the kind of mutation, in source order."""
    for node in ast.walk(tree):
        line = getattr(node, "lineno", None)
        if line is None or line not in inside:
            continue
        if isinstance(node, ast.BinOp | ast.BoolOp) and type(node.op) in _SWAPS:
            yield node, "operator"
        elif isinstance(node, ast.Compare) and type(node.ops[0]) in _SWAPS:
            yield node, "compare"
        elif isinstance(node, ast.Constant) and type(node.value) in (int, float, bool):
            yield node, "constant"
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.Not):
            yield node, "unary"
    for node in _defaults(tree):
        yield node, "default"
    for node in ast.walk(tree):
        for name in ("body", "orelse"):
            body = getattr(node, name, None)
            if not isinstance(body, list):
                continue
            for index, statement in enumerate(body):
                is_docstring = (
                    index == 0
                    and isinstance(statement, ast.Expr)
                    and isinstance(statement.value, ast.Constant)
                    and isinstance(statement.value.value, str)
                )
                if statement.lineno in inside and not is_docstring:
                    yield statement, f"delete:{name}:{index}"


def _defaults(tree: ast.AST) -> Iterator[ast.Constant]:
    """The numeric and boolean default values of the functions the cell defines at its top."""
    for function in getattr(tree, "body", []):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            arguments = function.args
            for value in [*arguments.defaults, *arguments.kw_defaults]:
                if isinstance(value, ast.Constant) and type(value.value) in (int, float, bool):
                    yield value


def _apply_mutation(node: ast.AST, kind: str) -> str:
    """Change ``node`` in place; return what was changed."""
    before = ast.unparse(node)
    if kind == "default":
        kind = "constant"
    if kind in ("operator", "compare"):
        if kind == "operator":
            node.op = _SWAPS[type(node.op)]()
        else:
            node.ops[0] = _SWAPS[type(node.ops[0])]()
    elif kind == "constant":
        value = node.value
        node.value = (
            (not value)
            if isinstance(value, bool)
            else value + 1
            if isinstance(value, int)
            else (value * 1.5 if value else 1.0)
        )
    elif kind == "unary":
        raise AssertionError("unary mutants are made by the parent")
    return f"`{before}` → `{ast.unparse(node)}`"


def mutants(source: str, limit: int = MAX_MUTANTS) -> list[Mutant]:
    """The mutants of one answer cell's source (solution markers in place)."""
    inside = _solution_lines(source)
    count = sum(1 for _ in _sites(ast.parse(source), inside))
    chosen = (
        set(range(count)) if count <= limit else {round(i * count / limit) for i in range(limit)}
    )
    found: list[Mutant] = []
    for index in sorted(chosen):
        tree = ast.parse(source)
        node, kind = list(_sites(tree, inside))[index]
        line = node.lineno - inside.start + 1
        if kind.startswith("delete:"):
            _, name, position = kind.split(":")
            parent = next(
                p
                for p in ast.walk(tree)
                if isinstance(getattr(p, name, None), list) and node in getattr(p, name)
            )
            description = f"line {line}: delete `{ast.unparse(node).splitlines()[0][:50]}`"
            getattr(parent, name)[int(position)] = ast.Pass()
        elif kind == "unary":
            parent, field_name = _parent_of(tree, node)
            description = f"line {line}: `{ast.unparse(node)}` → `{ast.unparse(node.operand)}`"
            _replace_child(parent, field_name, node, node.operand)
        elif kind == "default":
            description = "default: " + _apply_mutation(node, kind)
        else:
            description = f"line {line}: " + _apply_mutation(node, kind)
        try:
            mutated = ast.unparse(ast.fix_missing_locations(tree))
        except Exception:  # an unparsable mutant is not a mutant
            continue
        found.append(Mutant(description, mutated))
    return found


def _parent_of(tree: ast.AST, child: ast.AST) -> tuple[ast.AST, str]:
    for parent in ast.walk(tree):
        for name, value in ast.iter_fields(parent):
            if value is child or (isinstance(value, list) and any(v is child for v in value)):
                return parent, name
    raise AssertionError("no parent")


def _replace_child(parent: ast.AST, name: str, old: ast.AST, new: ast.AST) -> None:
    value = getattr(parent, name)
    if isinstance(value, list):
        value[[i for i, v in enumerate(value) if v is old][0]] = new
    else:
        setattr(parent, name, new)


def _plain(source: str) -> str:
    markers = (BEGIN_SOLUTION, END_SOLUTION)
    return "\n".join(line for line in source.splitlines() if line.strip() not in markers)


@contextlib.contextmanager
def _quiet_lesson_environment():
    """Figures off-screen, static demos, no output: the lesson's cells run in this process."""
    import matplotlib

    saved_env = dict(os.environ)
    saved_backend = matplotlib.get_backend()
    os.environ["WORLDLAB_STATIC_FIGURES"] = "1"
    matplotlib.use("Agg", force=True)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            yield
    finally:
        import matplotlib.pyplot as plt

        plt.close("all")
        os.environ.clear()
        os.environ.update(saved_env)
        matplotlib.use(saved_backend, force=True)


def _test_notes(lesson: Lesson) -> tuple[dict[str, list[str]], set[str]]:
    """The lesson's equivalent mutants and design tasks, from its test notes."""
    path = lesson.root / "tests" / "course" / "wrong_answers" / f"{lesson.id}.py"
    notes = runpy.run_path(str(path)) if path.is_file() else {}
    return notes.get("EQUIVALENT_MUTANTS", {}), set(notes.get("DESIGN_TASKS", ()))


def _kind(cell) -> str:
    meta = cell.metadata.get("nbgrader", {})
    if cell.cell_type != "code":
        return "other"
    if meta.get("solution") and not meta.get("grade"):
        return "answer"
    if meta.get("grade"):
        return "test"
    return "code"


def score_lesson(lesson: Lesson) -> list[ExerciseScore]:
    """Plant mutants in every exercise of ``lesson`` and judge them with its tests."""
    nb = instructor_notebook(lesson.source, lesson.id)
    equivalent, design_tasks = _test_notes(lesson)
    from IPython.display import display  # a builtin in a kernel; lessons call it bare

    namespace: dict = {"__name__": "__main__", "display": display}
    visible: dict[str, list[str]] = {}
    answers: list[tuple[str, str]] = []
    current = None
    cwd = Path.cwd()
    os.chdir(lesson.source.parent)
    try:
        with _quiet_lesson_environment():
            for cell in nb.cells:
                kind = _kind(cell)
                if kind == "answer":
                    current = cell.metadata["nbgrader"]["grade_id"]
                    answers.append((current, cell.source))
                    exec(compile(_plain(cell.source), f"<{current}>", "exec"), namespace)
                elif (
                    kind == "test" and current is not None and "### BEGIN HIDDEN" not in cell.source
                ):
                    visible.setdefault(current, []).append(cell.source)
                elif kind == "code":
                    exec(compile(cell.source, "<lesson cell>", "exec"), namespace)
            blocks = hidden_blocks(lesson.id, lesson.root)
            started = time.monotonic()
            run_hidden_checks(lesson.id, copy.copy(namespace), blocks=blocks)
            limit = max(MIN_SECONDS, SLOWDOWN_ALLOWED * (time.monotonic() - started))
            scores = []
            for exercise, source in answers:
                result = ExerciseScore(lesson.id, exercise, design_task=exercise in design_tasks)
                for mutant in mutants(source):
                    if mutant.description in equivalent.get(exercise, []):
                        result.equivalent.append(mutant.description)
                        continue
                    trial = copy.copy(namespace)
                    with _time_limit(limit):
                        killed = _killed(lesson, trial, mutant, visible.get(exercise, []), blocks)
                    (result.killed if killed else result.survived).append(mutant.description)
                scores.append(result)
    finally:
        os.chdir(cwd)
    return scores


class MutantTimeout(Exception):
    """A mutant ran past its time limit; like any exception in a test, it fails that test."""


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Raise :class:`MutantTimeout` in this (main) thread once ``seconds`` have passed."""

    def expire(signum, frame):
        raise MutantTimeout(f"still running after {seconds:.0f} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _killed(
    lesson: Lesson,
    namespace: dict,
    mutant: Mutant,
    visible_tests: list[str],
    blocks: list[tuple[str, str]],
) -> bool:
    try:
        exec(compile(_plain(mutant.source), "<mutant>", "exec"), namespace)
        for test in visible_tests:
            exec(compile(test, "<visible test>", "exec"), namespace)
        results = run_hidden_checks(lesson.id, namespace, blocks=blocks, stop_at_first_failure=True)
    except Exception:  # the visible test, the mutant itself or its time limit failed: killed
        return True
    return any(not r.passed for r in results)


def format_scores(scores: list[ExerciseScore]) -> str:
    """The table ``worldlab check --mutants`` prints, then every surviving mutant."""
    header = (
        f"{'lesson':<34} {'exercise':<28} {'mutants':>7} {'killed':>6} {'equiv':>5} {'score':>6}"
    )
    lines = [header, "-" * len(header)]
    by_lesson: dict[str, list[ExerciseScore]] = {}
    for item in scores:
        if not item.design_task:
            by_lesson.setdefault(item.lesson, []).append(item)
        judged = len(item.killed) + len(item.survived)
        name = f"{item.exercise} (design)" if item.design_task else item.exercise
        lines.append(
            f"{item.lesson:<34} {name:<28} {judged:>7} {len(item.killed):>6} "
            f"{len(item.equivalent):>5} {item.score:>6.2f}"
        )
    lines.append("-" * len(header))
    for lesson, items in by_lesson.items():
        killed = sum(len(i.killed) for i in items)
        judged = sum(len(i.killed) + len(i.survived) for i in items)
        lines.append(
            f"{lesson:<34} {'(lesson)':<28} {judged:>7} {killed:>6} {'':>5} {killed / max(judged, 1):>6.2f}"
        )
    scored = [i for i in scores if not i.design_task]
    killed = sum(len(i.killed) for i in scored)
    judged = sum(len(i.killed) + len(i.survived) for i in scored)
    lines.append(
        f"{'all':<34} {'':<28} {judged:>7} {killed:>6} {'':>5} {killed / max(judged, 1):>6.2f}"
    )
    design = [i for i in scores if i.design_task]
    if design:
        killed = sum(len(i.killed) for i in design)
        judged = sum(len(i.killed) + len(i.survived) for i in design)
        lines.append(
            f"{'design tasks (apart)':<34} {'':<28} {judged:>7} {killed:>6} {'':>5} "
            f"{killed / max(judged, 1):>6.2f}"
        )
    survivors = [(i.lesson, i.exercise, d) for i in scores for d in i.survived]
    if survivors:
        lines.append("")
        lines.append("surviving mutants (kill with a new hidden check, or list as equivalent):")
        lines += [
            f"  {lesson} {exercise}: {description}" for lesson, exercise, description in survivors
        ]
    return "\n".join(lines)
