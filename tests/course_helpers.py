"""Build small throw-away course repositories for testing the tooling."""

from __future__ import annotations

import shutil
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

#: A minimal valid lesson: one exercise (visible + hidden test) and one reflection.
TINY_LESSON = HEADER + textwrap.dedent(
    '''
    # Tiny lesson

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

    ```{code-cell} ipython3
    :test: double_hidden
    :points: 2

    # hidden tests
    ### BEGIN HIDDEN TESTS
    assert double(21) == 42
    ### END HIDDEN TESTS
    ```

    Why?

    +++ {"answer": "why", "points": 2}

    Because.
    '''
)


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
