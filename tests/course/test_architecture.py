"""Dependencies point one way: the tooling never imports the science, nor the science the tooling."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "worldlab"
TOOLING = ("worldlab.course", "worldlab.grading", "worldlab.cli")
# Neutral: paths, errors, and the test helpers both sides use (the grader runs lessons' checks
# through worldlab.checking; hidden checks draw from worldlab.testing's seed) — none is science.
NEUTRAL = ("worldlab.paths", "worldlab.course.errors", "worldlab.checking", "worldlab.testing")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return {name for name in found if name.startswith("worldlab")}


def _module(path: Path) -> str:
    return ".".join(("worldlab", *path.relative_to(PACKAGE).with_suffix("").parts))


def _is_tooling(name: str) -> bool:
    return any(name == t or name.startswith(t + ".") for t in TOOLING)


def test_tooling_never_imports_the_science():
    for path in PACKAGE.rglob("*.py"):
        module = _module(path)
        if not _is_tooling(module):
            continue
        science = {n for n in _imports(path) if not _is_tooling(n) and n not in NEUTRAL}
        science.discard("worldlab")
        assert not science, f"{module} (tooling) imports science modules {sorted(science)}"


def test_science_never_imports_the_tooling():
    for path in PACKAGE.rglob("*.py"):
        module = _module(path)
        if _is_tooling(module) or module.endswith("__main__"):
            continue
        tooling = {n for n in _imports(path) if _is_tooling(n)}
        assert not tooling, f"{module} imports course tooling {sorted(tooling)}"


# ---- the kit's layout (issue 30): a map that cannot go stale, no cycles, worlds that never draw

DRAWING = ("matplotlib", "worldlab.plots", "worldlab.widgets", "worldlab.figures", "IPython")


def _all_imports(path: Path) -> set[str]:
    """Every module a file imports, anywhere in it (functions and TYPE_CHECKING blocks too),
    with ``from package import module`` resolved to the module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = _module(path).rsplit(".", 1)[0] if path.name != "__init__.py" else _module(path)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            found.add(base)
            for alias in node.names:
                candidate = PACKAGE.parent / Path(*f"{base}.{alias.name}".split("."))
                if candidate.with_suffix(".py").is_file() or (candidate / "__init__.py").is_file():
                    found.add(f"{base}.{alias.name}")
    return found


def _source_files() -> dict[str, Path]:
    return {_module(p).removesuffix(".__init__"): p for p in PACKAGE.rglob("*.py")}


def test_no_file_level_import_cycle():
    files = _source_files()
    graph = {
        name: {n for n in _all_imports(path) if n in files and n != name}
        for name, path in files.items()
    }
    # A package's __init__ importing its own modules is not a cycle between files.
    for name in graph:
        graph[name] = {n for n in graph[name] if not n.startswith(name + ".")}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        stack.append(name)
        for nxt in sorted(graph[name]):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt) :] + [nxt]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)


def test_worlds_never_draw():
    for path in (PACKAGE / "worlds").rglob("*.py"):
        drawing = {
            n for n in _all_imports(path) if any(n == d or n.startswith(d + ".") for d in DRAWING)
        }
        assert not drawing, f"{_module(path)} imports drawing code {sorted(drawing)}"


def test_at_most_a_dozen_loose_modules():
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(loose) <= 12, f"{len(loose)} loose modules at the top of worldlab: {loose}"


def _kit_map() -> set[str]:
    import worldlab

    names = set()
    for line in (worldlab.__doc__ or "").splitlines():
        words = line.split()
        if line.startswith("    ") and words:
            names.add("worldlab." + words[0])
    return names


def _lesson_imports(source: Path) -> set[str]:
    import re

    code = "\n".join(re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", source.read_text(), re.S))
    found = set()
    for line in code.splitlines():
        match = re.match(
            r"\s*(?:from\s+(worldlab[\w.]*)\s+import\s+(.*)|import\s+(worldlab[\w.]*))", line
        )
        if not match:
            continue
        if match.group(3):
            found.add(match.group(3))
            continue
        base, names = match.group(1), match.group(2)
        modules = {
            f"{base}.{name}"
            for name in re.findall(r"\b(\w+)(?:\s+as\s+\w+)?", names.strip("() "))
            if (PACKAGE.parent / Path(*f"{base}.{name}".split("."))).with_suffix(".py").is_file()
            or (PACKAGE.parent / Path(*f"{base}.{name}".split(".")) / "__init__.py").is_file()
        }
        # ``from worldlab.worlds import coin`` imports the module; the package only holds it.
        found |= modules or {base}
    for kit_path in re.findall(r'kit\("(worldlab[\w.]*)\.\w+"\)', source.read_text()):
        found.add(kit_path)
    return found - {"worldlab"}


def test_the_kit_map_names_every_module_a_lesson_imports():
    mapped = _kit_map()
    lessons = sorted((PACKAGE.parents[1] / "course").glob("*/[0-9][0-9]-*.md"))
    assert lessons
    for source in lessons:
        missing = _lesson_imports(source) - mapped
        assert not missing, (
            f"{source.name} imports {sorted(missing)}, which the kit's map "
            "(the docstring of src/worldlab/__init__.py) does not name"
        )


def test_the_kit_map_names_only_modules_that_exist():
    files = _source_files()
    stale = {name for name in _kit_map() if name not in files}
    assert not stale, f"the kit's map names modules that do not exist: {sorted(stale)}"
