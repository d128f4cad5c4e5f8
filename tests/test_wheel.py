"""What students of a graded class install: a wheel of the lab kit, with no exercise's answer.

The wheel is built from this repository (``pip wheel --no-deps``) out of ``src/`` only: it
carries the ``worldlab`` package and never ``course/``, ``solutions/`` or ``notebooks/``. This
test builds it and looks inside for every lesson's answer names
(:func:`worldlab.course.references.answer_names`) and for the bodies of their reference solutions.
"""

import ast
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from worldlab.course.lessons import all_lessons
from worldlab.course.markings import BEGIN_SOLUTION, END_SOLUTION
from worldlab.course.references import answer_cells, answer_names

ROOT = Path(__file__).resolve().parents[1]
LESSONS = all_lessons()
#: Consecutive lines of a reference solution that, found together in the wheel, give it away.
WINDOW = 3


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> dict[str, str]:
    """``path -> text`` of every file of the freshly built wheel."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
    )
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    (built,) = out.glob("*.whl")
    with zipfile.ZipFile(built) as archive:
        return {
            name: archive.read(name).decode("utf-8", "replace")
            for name in archive.namelist()
            if not name.endswith("/")
        }


def test_the_wheel_is_the_kit_only(wheel):
    tops = {name.split("/")[0] for name in wheel}
    assert tops == {"worldlab", next(t for t in tops if t.endswith(".dist-info"))}, tops
    # worldlab/course is the course *tooling* (build, check); the lessons' sources are not there.
    assert not [
        name for name in wheel if name.split("/")[0] in ("course", "solutions", "notebooks")
    ]
    assert not [name for name in wheel if name.endswith((".ipynb", ".md"))]


def _solution_lines(source: str) -> list[str]:
    body = source.split(BEGIN_SOLUTION, 1)[-1].split(END_SOLUTION, 1)[0]
    return [
        line.strip()
        for line in body.splitlines()
        if line.strip() and not line.strip().startswith("#") and len(line.strip()) > 3
    ]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_the_wheel_carries_no_answer(wheel, lesson):
    modules = {name: text for name, text in wheel.items() if name.endswith(".py")}
    names = {name.lstrip("_") for name in answer_names(lesson.id)}
    defined = {
        node.name.lstrip("_"): path
        for path, text in modules.items()
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    }
    twins = {name: defined[name] for name in names if name in defined}
    assert not twins, f"{lesson.id}: the students' wheel defines exercise answers: {twins}"

    windows = {
        tuple(lines[i : i + WINDOW])
        for text in modules.values()
        for lines in [[line.strip() for line in text.splitlines() if line.strip()]]
        for i in range(len(lines) - WINDOW + 1)
    }
    for cell in answer_cells(lesson.id):
        body = _solution_lines(cell.source)
        found = [
            body[i : i + WINDOW]
            for i in range(len(body) - WINDOW + 1)
            if tuple(body[i : i + WINDOW]) in windows
        ]
        assert not found, f"{lesson.id}: the wheel holds a reference solution's lines: {found[0]}"
