"""nbgrader works natively from the repository root, end to end, on lesson 00.

Three made-up students: one correct, one who left the stubs, one with a plausible wrong answer
that passes the visible test of exercise 1 but not its hidden test.
"""

import csv
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from course_helpers import run_nbgrader
from grading_helpers import answered, release, solution_sources

REPO = Path(__file__).resolve().parents[2]
LESSON = "00-the-debate"


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    root = tmp_path_factory.mktemp("class") / "repo"
    root.mkdir()
    shutil.copy(REPO / "nbgrader_config.py", root)
    shutil.copytree(REPO / "course" / LESSON, root / "course" / LESSON)
    run_nbgrader(root, "generate_assignment", LESSON, "--force")
    released = root / "notebooks" / LESSON / f"{LESSON}.ipynb"
    assert released.read_bytes() == (REPO / "notebooks" / LESSON / f"{LESSON}.ipynb").read_bytes()
    wrong = solution_sources(root, LESSON)["rebuttal_counts"].replace(
        'reindex(claims["id"]', 'reindex(sorted(claims["id"])'
    )
    submissions = {
        "alice": answered(root, LESSON),
        "bob": release(root, LESSON),
        "carol": answered(root, LESSON, answers={"rebuttal_counts": wrong}),
    }
    for name, nb in submissions.items():
        folder = root / "grading" / "submitted" / name / LESSON
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{LESSON}.ipynb")
    run_nbgrader(root, "autograde", LESSON)
    run_nbgrader(root, "generate_feedback", LESSON)
    run_nbgrader(root, "export", "--to", str(root / "grades.csv"))
    return root


def test_gradebook_lives_in_the_grading_folder(graded_class):
    assert (graded_class / "grading" / "gradebook.db").is_file()
    assert not (graded_class / "gradebook.db").exists()


def test_exported_scores_are_exact(graded_class):
    with open(graded_class / "grades.csv", newline="") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    scores = {name: float(row["raw_score"]) for name, row in rows.items()}
    # 3 exercises x (1 visible + 3 hidden) = 12 autograded points; the reflection (2) awaits
    # manual grading. carol's rebuttal_counts follows sorted ids: the hidden test (3) fails.
    assert scores == {"alice": 12.0, "bob": 0.0, "carol": 9.0}
    assert {float(row["max_score"]) for row in rows.values()} == {14.0}


def _feedback_text(root, student):
    html = root / "grading" / "feedback" / student / LESSON / f"{LESSON}.html"
    assert html.is_file(), html
    return re.sub(r"<[^>]+>", "", html.read_text())  # code is split into highlighted spans


def test_feedback_is_generated_for_every_student(graded_class):
    for name in ("alice", "bob", "carol"):
        _feedback_text(graded_class, name)


def test_feedback_hides_hidden_tests_but_says_what_failed(graded_class):
    carol = _feedback_text(graded_class, "carol")
    assert "Hidden tests check rebuttal_counts" in carol  # the visible part of the cell stays
    for secret in ("grading_rng(stream=1)", "hidden_edges", "n_claims"):
        assert secret not in carol, f"hidden test code {secret!r} reached the feedback"
    assert "A hidden test of this exercise failed" in carol
    assert (
        "index must follow claims[&#39;id&#39;]" in carol
        or "index must follow claims['id']" in carol
    )
