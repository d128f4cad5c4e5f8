"""A small course for grading tests: a two-exercise lesson, a class of made-up submissions."""

from __future__ import annotations

import copy
import shutil
import textwrap
from pathlib import Path

import nbformat
from course_helpers import DOUBLE_EXERCISE, HEADER, REFLECTION, run_worldlab

from worldlab.course.build import strip_solution_markers
from worldlab.grading.gradebook import open_gradebook

REPO = Path(__file__).resolve().parents[1]

#: Two exercises (visible 1 point + hidden 2 points each) and a reflection (2 points): 8 points.
TWO_EXERCISES = (
    HEADER
    + "\n# Lesson 01 — Two exercises\n\n```{code-cell} ipython3\nimport numpy as np\n```\n"
    + DOUBLE_EXERCISE
    + textwrap.dedent(
        '''
        ```{code-cell} ipython3
        :test: double_hidden
        :points: 2

        # Hidden tests check double on numbers you have not seen.
        ### BEGIN HIDDEN TESTS
        from worldlab.testing import grading_rng

        values = grading_rng(stream=1).integers(-1000, 1000, size=5)
        for v in values:
            assert double(int(v)) == 2 * int(v), f"double({v}) should be {2 * v}"
        ### END HIDDEN TESTS
        ```

        ```{code-cell} ipython3
        def triple(x):
            """Three times x."""
            ### BEGIN SOLUTION
            return 3 * x
            ### END SOLUTION
        ```

        ```{code-cell} ipython3
        :test: triple_visible
        :points: 1

        assert triple(2) == 6, "triple(2) should be 6"
        ```

        ```{code-cell} ipython3
        :test: triple_hidden
        :points: 2

        # Hidden tests check triple on numbers you have not seen.
        ### BEGIN HIDDEN TESTS
        assert triple(-7) == -21
        assert triple(0.5) == 1.5
        ### END HIDDEN TESTS
        ```
        '''
    )
    + REFLECTION
)

LESSON = "01-two"


def make_graded_course(tmp_path: Path, lessons: dict[str, str] | None = None) -> Path:
    """A course repository with built lessons (instructor + student notebooks) and a data folder."""
    root = tmp_path / "repo"
    (root / "course").mkdir(parents=True)
    (root / "data").mkdir()
    shutil.copy(REPO / "nbgrader_config.py", root)
    for lesson_id, text in (lessons or {LESSON: TWO_EXERCISES}).items():
        (root / "course" / lesson_id).mkdir()
        (root / "course" / lesson_id / f"{lesson_id}.md").write_text(text)
    result = worldlab(root, "build", "--no-execute")
    assert result.returncode == 0, result.stderr
    return root


def copy_real_lessons(tmp_path: Path, lesson_ids: list[str]) -> Path:
    """A course repository holding real lessons of this repository (built files included)."""
    root = tmp_path / "repo"
    root.mkdir(parents=True)
    shutil.copy(REPO / "nbgrader_config.py", root)
    shutil.copytree(REPO / "data", root / "data")
    for lesson_id in lesson_ids:
        for tree in ("course", "notebooks"):
            shutil.copytree(REPO / tree / lesson_id, root / tree / lesson_id)
    return root


worldlab = run_worldlab


def release(root: Path, lesson: str = LESSON) -> nbformat.NotebookNode:
    return nbformat.read(root / "notebooks" / lesson / f"{lesson}.ipynb", as_version=4)


def instructor(root: Path, lesson: str = LESSON) -> nbformat.NotebookNode:
    return nbformat.read(root / "course" / lesson / f"{lesson}.ipynb", as_version=4)


def solution_sources(root: Path, lesson: str = LESSON) -> dict[str, str]:
    """``grade_id -> code`` of every answer cell's reference solution (markers stripped)."""
    return {
        c.metadata["nbgrader"]["grade_id"]: strip_solution_markers(c.source)
        for c in instructor(root, lesson).cells
        if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"
    }


def answered(
    root: Path,
    lesson: str = LESSON,
    answers: dict[str, str] | None = None,
    reflection: str = "My reflection.",
) -> nbformat.NotebookNode:
    """The released notebook with every answer filled: the solution, or ``answers[grade_id]``."""
    solutions = solution_sources(root, lesson) | (answers or {})
    nb = copy.deepcopy(release(root, lesson))
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            cell.source = solutions[meta["grade_id"]]
        elif meta.get("solution"):
            cell.source = reflection
    return nb


def submit(
    root: Path, student: str, content, lesson: str = LESSON, name: str | None = None
) -> Path:
    """Put a submission where nbgrader's exchange would: grading/submitted/<student>/<lesson>/."""
    folder = root / "grading" / "submitted" / student / lesson
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    path = folder / (name or f"{lesson}.ipynb")
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content)
    else:
        nbformat.write(content, path)
    return path


def index_of(nb: nbformat.NotebookNode, grade_id: str) -> int:
    return next(
        i
        for i, c in enumerate(nb.cells)
        if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
    )


def gradebook_scores(root: Path, lesson: str = LESSON) -> dict[str, dict[str, float | None]]:
    """``student -> {grade_id: score}`` (the manual score where given) from the gradebook."""
    scores = {}
    with course_gradebook(root) as gb:
        for submission in gb.assignment_submissions(lesson):
            for notebook in submission.notebooks:
                scores[submission.student.id] = {g.name: g.score for g in notebook.grades}
    return scores


def course_gradebook(root: Path):
    """The test course's gradebook, opened as the grader opens it."""
    return open_gradebook(f"sqlite:///{root / 'grading' / 'gradebook.db'}", "predicting-the-world")


def totals(root: Path, lesson: str = LESSON) -> dict[str, float]:
    return {
        s: sum(v or 0.0 for v in cells.values())
        for s, cells in gradebook_scores(root, lesson).items()
    }
