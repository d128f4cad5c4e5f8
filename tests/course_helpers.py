"""Build small throw-away course repositories for testing the tooling."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

HEADER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""

#: One exercise: an answer cell ``double`` with a visible (1 point) and a hidden (2 points) test.
DOUBLE_EXERCISE = textwrap.dedent(
    '''
    ```{code-cell} ipython3
    def double(x):
        """Twice x."""
        ### BEGIN SOLUTION
        return 2 * x
        ### END SOLUTION
    ```

    ```{code-cell} ipython3
    :test: double_visible
    :points: 1

    assert double(2) == 4, "double(2) should be 4"
    ```
    '''
)


def tiny_lesson(assertion: str, exercise: str | None = None) -> str:
    """A one-exercise lesson (``double``) whose hidden check runs ``assertion`` on a drawn ``x``."""
    return (
        HEADER
        + "\n# Tiny\n"
        + (DOUBLE_EXERCISE if exercise is None else exercise)
        + f"""
```{{code-cell}} ipython3
:test: double_hidden
:points: 2

# hidden
### BEGIN HIDDEN TESTS
from worldlab.checking import hidden_test


@hidden_test(globals(), stream=1)
def check(student, rng):
    x = int(rng.integers(3, 50))
    {assertion}
### END HIDDEN TESTS
```
"""
    )


#: A manually graded reflection worth 2 points.
REFLECTION = textwrap.dedent(
    """
    Why?

    +++ {"answer": "why", "points": 2}

    Because.
    """
)

#: A minimal valid lesson: one exercise (visible + hidden test) and one reflection.
TINY_LESSON = (
    HEADER
    + "\n# Lesson 00 — Tiny lesson\n"
    + DOUBLE_EXERCISE
    + textwrap.dedent(
        """
        ```{code-cell} ipython3
        :test: double_hidden
        :points: 2

        # hidden tests
        ### BEGIN HIDDEN TESTS
        assert double(21) == 42
        ### END HIDDEN TESTS
        ```
        """
    )
    + REFLECTION
)


def subprocess_env(extra: dict | None = None) -> dict:
    """The test process's environment, minus MPLBACKEND, with this Python's bin first on PATH."""
    env = {**os.environ, **(extra or {})}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("MPLBACKEND", None)
    return env


def run_worldlab(root: Path, *args: str, env: dict | None = None, timeout: int = 900):
    """``python -m worldlab ARGS`` on the course repository ``root``."""
    return subprocess.run(
        [sys.executable, "-m", "worldlab", *args],
        cwd=root,
        env=subprocess_env({"WORLDLAB_ROOT": str(root), **(env or {})}),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_nbgrader(root: Path, *args: str):
    """``nbgrader ARGS`` from ``root``; fails the test with nbgrader's stderr if it fails."""
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=root,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{result.stderr[-3000:]}"
    return result


def make_course(tmp_path: Path, lessons: dict[str, str]) -> Path:
    """A repository root with the real nbgrader_config.py and the given lesson sources."""
    root = tmp_path / "repo"
    (root / "course").mkdir(parents=True)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    for lesson_id, text in lessons.items():
        folder = root / "course" / lesson_id
        folder.mkdir()
        (folder / f"{lesson_id}.md").write_text(text, encoding="utf-8")
    return root
