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
