"""Look for code that interferes with grading, and flag it for a human.

Code that runs in the same kernel as the tests can always interfere with them; no scan can
prove otherwise (the course's hidden tests therefore run outside the kernel, see
:mod:`worldlab.grading.remote_checks`). This scan parses every code cell of the submission (:mod:`tokenize` for comments, :mod:`ast` for
dynamic execution however it is spelt; a cell that does not parse is read token by token),
whatever its metadata says — only a cell that is, byte for byte, the instructor's cell of the same
grade_id is skipped — for the usual ways of interfering, and reports each hit with its line, so a
grader can judge: dynamic execution, frame and object introspection, ``/proc`` and environment
reads, IPython's history and hooks, ``clear_output``, and calls of lab-kit functions the lesson
itself does not use. A hit does not change the score by itself: it flags the submission.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
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
        ("reads the grading seed or the environment", r"WORLDLAB_GRADING_SEED|\benviron\b"),
        (
            "runs other programs or opens sockets",
            r"\bsubprocess\b|\bsocket\b|\bctypes\b|\bos\s*\.\s*(system|popen|fork)\b",
        ),
        (
            "runs code dynamically",
            r"\b(exec|eval|compile|__import__|execfile|runpy)\s*\(|\bimportlib\b|\bb64decode\b"
            r"|\b(codecs\s*\.\s*)?decode\s*\(.*\b(rot.?13|base64|hex)\b|\bfromhex\b|\bmarshal\b"
            r"|\bpickle\b|\bgetattr\s*\(\s*__builtins__",
        ),
        (
            "inspects frames or objects",
            r"\bsys\s*\.\s*_getframe\b|\binspect\b|\bf_globals\b|\bf_locals\b|\bf_back\b"
            r"|\bgc\b|\b__globals__\b|\b__closure__\b|\btb_frame\b|\bgi_frame\b|\b__code__\b",
        ),
        ("reads /proc or the environment", r"/proc\b|\bgetenv\b|\bputenv\b"),
        (
            "reads IPython's history",
            r"\b_ih\b|\b_oh\b|\b_i{1,3}\b|\b_i\d+\b|%history|\bhistory_manager\b|\bget_history\b"
            r"|(?<![\w'\"])(In|Out)\s*(\[|\)|\.|,|$)|\(\s*(In|Out)\s*\)",
        ),
        ("clears output", r"\bclear_output\b"),
        (
            "hooks into IPython's execution",
            r"\b(post_run_cell|pre_run_cell|post_execute|pre_execute|shell_handlers|do_execute"
            r"|displayhook|display_pub|register_magic_function)\b",
        ),
        (
            "reaches the grader's kernel reset",
            r"_worldlab_reset|\bsys\s*\.\s*modules\b(?!\s*\[)",
        ),
        ("uses the lab kit beyond what the lesson imports", r"\bworldlab\b"),
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


#: Names that reach dynamic execution, however they are then called.
DYNAMIC_NAMES = frozenset(
    {
        "exec",
        "eval",
        "compile",
        "__import__",
        "execfile",
        "globals",
        "vars",
        "locals",
        "__builtins__",
        "builtins",
        "breakpoint",
        "__loader__",
        "__spec__",
    }
)
#: Attributes that walk from any object to any other (and so to the builtins).
INTROSPECTION_ATTRS = frozenset(
    {
        "__class__",
        "__base__",
        "__bases__",
        "__mro__",
        "__subclasses__",
        "__dict__",
        "__getattribute__",
        "__globals__",
        "__builtins__",
        "__code__",
        "__closure__",
        "__self__",
        "__func__",
        "__reduce__",
        "__reduce_ex__",
        "__init_subclass__",
        "__import__",
    }
)
DYNAMIC = "runs code dynamically"
INTROSPECTS = "inspects frames or objects"


def _blank_magics(source: str) -> str:
    return "\n".join(
        "" if line.lstrip().startswith(("!", "%")) else line for line in source.split("\n")
    )


def code_lines(source: str) -> list[str]:
    """Each line of ``source`` without its comment, read with :mod:`tokenize`.

    A ``#`` inside a string is not a comment. Where the source stops tokenizing (it does not
    parse), the remaining lines are kept whole: a line is never cut short on a guess.
    """
    lines = source.split("\n")
    cut: dict[int, int] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(_blank_magics(source)).readline):
            if token.type == tokenize.COMMENT:
                cut[token.start[0]] = token.start[1]
    except (tokenize.TokenError, IndentationError, SyntaxError, ValueError):
        pass
    return [line[: cut[n]] if n in cut else line for n, line in enumerate(lines, start=1)]


def _dynamic_signals(source: str) -> dict[int, str]:
    """``line -> reason`` for dynamic execution however it is spelt (parsed, not grepped).

    ``exec``/``eval``/``compile``/``__import__`` named, aliased, imported from ``builtins`` or
    reached through ``getattr``, ``globals()``, ``vars()``, ``__builtins__``; a ``getattr`` whose
    name is computed; the dunder attributes that walk from any object to the builtins. A cell that
    does not parse is read token by token for the same names.
    """
    found: dict[int, str] = {}
    tree = _parse(source)
    if tree is None:
        try:
            for token in tokenize.generate_tokens(io.StringIO(_blank_magics(source)).readline):
                if token.type == tokenize.NAME and token.string in DYNAMIC_NAMES:
                    found.setdefault(token.start[0], DYNAMIC)
                elif token.type == tokenize.NAME and token.string in INTROSPECTION_ATTRS:
                    found.setdefault(token.start[0], INTROSPECTS)
        except (tokenize.TokenError, IndentationError, SyntaxError, ValueError):
            pass
        return found
    for node in ast.walk(tree):
        line = getattr(node, "lineno", None)
        if line is None:
            continue
        if isinstance(node, ast.Name) and node.id in DYNAMIC_NAMES:
            found.setdefault(line, DYNAMIC)
        elif isinstance(node, ast.Attribute):
            if node.attr in DYNAMIC_NAMES:
                found.setdefault(line, DYNAMIC)
            elif node.attr in INTROSPECTION_ATTRS:
                found.setdefault(line, INTROSPECTS)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value.strip() in DYNAMIC_NAMES | INTROSPECTION_ATTRS:
                found.setdefault(line, DYNAMIC)
        elif isinstance(node, ast.Call) and _called(node) in ("getattr", "setattr", "delattr"):
            name = node.args[1] if len(node.args) > 1 else None
            if not isinstance(name, ast.Constant) or not isinstance(name.value, str):
                found.setdefault(line, DYNAMIC)  # a computed name: could be anything
        elif isinstance(node, ast.ImportFrom) and (node.module or "") == "builtins":
            found.setdefault(line, DYNAMIC)
        elif isinstance(node, ast.alias) and node.name.split(".")[-1] in DYNAMIC_NAMES:
            found.setdefault(line, DYNAMIC)
    return found


def _called(node: ast.Call) -> str | None:
    func = node.func
    return func.id if isinstance(func, ast.Name) else None


def _grade_id(cell: NotebookNode) -> str | None:
    return (cell.get("metadata", {}).get("nbgrader", {}) or {}).get("grade_id")


def instructor_sources(instructor: NotebookNode) -> dict[str, str]:
    """``grade_id -> source`` of the instructor's cells that are not answers (tests, read-only)."""
    found = {}
    for cell in instructor.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {}) or {}
        if meta.get("grade_id") and not meta.get("solution"):
            found[meta["grade_id"]] = cell.source
    return found


def provided_lines(release: NotebookNode) -> set[str]:
    """The code lines the lesson itself gives students (never a sign of tampering)."""
    return {
        line.strip()
        for cell in release.cells
        if cell.cell_type == "code"
        for line in cell.source.splitlines()
        if line.strip()
    }


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(_blank_magics(source))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def kit_uses(
    release: NotebookNode, instructor: NotebookNode | None = None
) -> tuple[dict[str, str], set[tuple[str, str]]]:
    """The lesson's lab-kit names: ``alias -> worldlab path``, and the ``(alias, attr)`` it uses.

    Aliases are the release's imports; uses are the release's code and the instructor's (its
    reference answers use what an honest answer may use).
    """
    aliases: dict[str, str] = {}
    used: set[tuple[str, str]] = set()
    cells = list(release.cells) + (list(instructor.cells) if instructor is not None else [])
    trees = [_parse(c.source) for c in cells if c.cell_type == "code"]
    for tree in filter(None, trees):
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for name in node.names:
                    if name.name.split(".")[0] == "worldlab":
                        aliases[name.asname or name.name.split(".")[0]] = name.name
            elif (
                isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "worldlab"
            ):
                for name in node.names:
                    aliases[name.asname or name.name] = f"{node.module}.{name.name}"
    for tree in filter(None, trees):
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
            ):
                used.add((node.value.id, node.attr))
    return aliases, used


def _kit_signals(
    label: str, source: str, aliases: dict[str, str], used: set[tuple[str, str]]
) -> dict[int, TamperSignal]:
    tree = _parse(source) if aliases else None
    if tree is None:
        return {}
    lines = source.split("\n")
    found = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and (node.value.id, node.attr) not in used
            and node.lineno not in found
        ):
            found[node.lineno] = TamperSignal(
                label,
                node.lineno,
                lines[node.lineno - 1],
                f"uses a lab-kit name the lesson does not use "
                f"({aliases[node.value.id]}.{node.attr})",
            )
    return found


def scan(
    nb: NotebookNode,
    provided: set[str] | frozenset[str] = frozenset(),
    instructor: NotebookNode | None = None,
    release: NotebookNode | None = None,
) -> list[TamperSignal]:
    """Every suspicious line of the submission's code cells.

    A cell is skipped only when ``instructor`` has a non-answer cell of the same grade_id with the
    same source (metadata alone proves nothing); lines found verbatim in ``provided`` (the code of
    the released notebook) are skipped. With ``release``, uses of lab-kit functions that the
    release does not use are flagged too.
    """
    own = instructor_sources(instructor) if instructor is not None else {}
    aliases, used = kit_uses(release, instructor) if release is not None else ({}, set())
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        gid = _grade_id(cell)
        if gid is not None and own.get(gid) == cell.source:
            continue
        if instructor is None and _is_instructor_cell(cell):
            continue  # no instructor notebook to compare with: the old, metadata-based rule
        label = gid or f"#{index}"
        kit = _kit_signals(label, cell.source, aliases, used)
        dynamic = _dynamic_signals(cell.source)
        stripped = code_lines(cell.source)
        for number, line in enumerate(cell.source.split("\n"), start=1):
            if not line.strip() or line.strip() in provided:
                continue
            code = stripped[number - 1]
            for reason, pattern in SIGNALS:
                if pattern.search(code):
                    found.append(TamperSignal(label, number, line, reason))
                    break
            else:
                if number in dynamic:
                    found.append(TamperSignal(label, number, line, dynamic[number]))
                elif number in kit:
                    found.append(kit[number])
    return found


def _is_instructor_cell(cell: NotebookNode) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {}) or {}
    return bool(meta.get("locked")) and not meta.get("solution")
