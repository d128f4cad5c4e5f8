"""`worldlab grade` on a class: fair scores, bad input contained, regrades, secret seed.

One class of made-up submissions of a two-exercise lesson (visible 1 + hidden 2 points per
exercise, 6 autograded points; the reflection waits for a human), graded once in the sandbox.
"""

import copy
import json
import shutil

import nbformat
import pytest
from grading_helpers import (
    LESSON,
    answered,
    course_gradebook,
    gradebook_scores,
    index_of,
    make_graded_course,
    release,
    submit,
    totals,
    worldlab,
)

from worldlab.testing import DEFAULT_GRADING_SEED

pytestmark = pytest.mark.skipif(
    shutil.which("bwrap") is None,
    reason="the safe grader needs bubblewrap (apt-get install bubblewrap)",
)

SECRET = {"WORLDLAB_GRADING_SEED": "4242"}


def _hard_coded_double() -> str:
    """An answer that only knows the hidden inputs drawn with the default seed."""
    import numpy as np

    values = np.random.default_rng([DEFAULT_GRADING_SEED, 1]).integers(-1000, 1000, size=5)
    table = {int(v): 2 * int(v) for v in values} | {2: 4}
    return f"def double(x):\n    return {table!r}.get(x, 0)\n"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = make_graded_course(tmp_path_factory.mktemp("fair"))
    submit(root, "correct", answered(root))
    submit(root, "stub", release(root))
    warns = "import sys, warnings\n\ndef double(x):\n    warnings.warn('careful', RuntimeWarning)\n"
    warns += "    print('a note on stderr', file=sys.stderr)\n    return 2 * x\n"
    submit(root, "warns", answered(root, answers={"double": warns}))
    submit(
        root,
        "partial",
        answered(root, answers={"triple": "def triple(x):\n    return 3 * int(x)\n"}),
    )
    submit(root, "hardcoded", answered(root, answers={"double": _hard_coded_double()}))

    shuffled = answered(root)
    double = shuffled.cells[index_of(shuffled, "double")]
    shuffled.cells.insert(1, copy.deepcopy(double))  # a copied answer cell, run first
    shuffled.cells.insert(2, copy.deepcopy(shuffled.cells[index_of(shuffled, "triple_visible")]))
    triple = shuffled.cells.pop(index_of(shuffled, "triple"))
    shuffled.cells.insert(3, triple)  # triple answered before double: reordered
    submit(root, "shuffled", shuffled)

    deleted = answered(root)
    del deleted.cells[index_of(deleted, "triple_hidden")]
    del deleted.cells[index_of(deleted, "double_visible")]
    submit(root, "deleted", deleted)

    died = answered(root)
    died.cells.insert(index_of(died, "triple"), nbformat.v4.new_code_cell("import os\nos._exit(3)"))
    submit(root, "died", died)

    loops = answered(root, answers={"triple": "def triple(x):\n    while True:\n        pass\n"})
    loops.cells.insert(index_of(loops, "triple_visible"), nbformat.v4.new_code_cell("triple(1)"))
    submit(root, "loops", loops)

    other = answered(root)
    other.metadata["worldlab"] = {"lesson": "00-the-debate"}
    submit(root, "otherlesson", other)
    submit(root, "truncated", nbformat.writes(answered(root))[:500])
    submit(root, "empty", b"")
    submit(root, "pdf", b"%PDF-1.4 not a notebook", name="essay.pdf")

    result = worldlab(root, "grade", LESSON, "--cell-timeout", "8", env=SECRET)
    assert result.returncode == 0, result.stdout + result.stderr
    _add_to_roster(root, "gina")  # on the roster, never submitted
    return root, result


def _add_to_roster(root, student):
    with course_gradebook(root) as gb:
        gb.update_or_create_student(student)


EXPECTED = {
    "correct": 6.0,
    "stub": 0.0,
    "warns": 6.0,  # plain nbgrader: 0 for both double tests (stderr)
    "partial": 4.0,  # triple(0.5) is not 1.5
    "hardcoded": 4.0,  # passes with the default seed, not with the instructor's secret one
    "shuffled": 6.0,  # plain nbgrader: stops the whole class on the duplicate grade_id
    "deleted": 6.0,  # the deleted tests are restored and pass
    "died": 3.0,  # double's points were earned before the kernel died
    "loops": 3.0,  # the endless cell is cut, triple's tests fail, double's stand
    "otherlesson": 0.0,
    "truncated": 0.0,
    "empty": 0.0,
    "pdf": 0.0,
}


def test_every_score_is_exact(graded):
    root, _ = graded
    assert totals(root) == EXPECTED


def test_tests_that_never_ran_score_zero(graded):
    root, _ = graded
    died = gradebook_scores(root)["died"]
    assert died["double_visible"] == 1 and died["double_hidden"] == 2
    assert died["triple_visible"] == 0 and died["triple_hidden"] == 0


def test_reasons_and_flags_reach_the_run_record(graded):
    root, result = graded
    runs = json.loads((root / "grading" / "runs" / f"{LESSON}.json").read_text())
    assert "kernel died" in runs["died"]["reason"]
    assert "timed out" in runs["loops"]["reason"]
    assert runs["empty"] == runs["empty"] | {"status": "broken", "reason": "the file is empty"}
    assert "lesson 00-the-debate" in runs["otherlesson"]["reason"]
    assert "not a readable notebook" in runs["truncated"]["reason"]
    assert "found essay.pdf" in runs["pdf"]["reason"]
    assert any("appears 2 times" in note for note in runs["shuffled"]["notes"])
    assert any("restored deleted" in note for note in runs["deleted"]["notes"])
    for student in ("correct", "warns", "partial", "shuffled", "deleted"):
        assert runs[student]["status"] == "graded" and not runs[student]["reason"], student
    for student in ("died", "loops", "empty", "pdf", "truncated", "otherlesson"):
        assert student in result.stdout and "FLAGGED" in result.stdout


def test_flags_are_in_the_gradebook(graded):
    root, _ = graded
    with course_gradebook(root) as gb:
        flagged = {
            s.student.id for s in gb.assignment_submissions(LESSON) if s.notebooks[0].flagged
        }
    assert flagged == {"died", "loops", "otherlesson", "truncated", "empty", "pdf"}


def test_unchanged_submissions_are_skipped_and_regrading_is_deterministic(graded):
    root, _ = graded
    again = worldlab(
        root, "grade", LESSON, "--student", "correct", "--student", "partial", env=SECRET
    )
    assert again.stdout.count("already graded, skipped") == 2
    forced = worldlab(root, "grade", LESSON, "--force", "--student", "partial", env=SECRET)
    assert forced.returncode == 0
    assert totals(root)["partial"] == EXPECTED["partial"]


def test_a_failing_regrade_leaves_no_stale_grade(graded):
    root, _ = graded
    broken = answered(root)
    broken.cells.insert(1, nbformat.v4.new_code_cell("import os\nos._exit(1)"))
    submit(root, "regrader", answered(root))
    assert worldlab(root, "grade", LESSON, "--student", "regrader", env=SECRET).returncode == 0
    assert totals(root)["regrader"] == 6.0
    submit(root, "regrader", broken)  # the resubmission dies before any test
    assert worldlab(root, "grade", LESSON, "--student", "regrader", env=SECRET).returncode == 0
    assert totals(root)["regrader"] == 0.0
    submit(root, "regrader", "")  # and an empty resubmission
    assert worldlab(root, "grade", LESSON, "--student", "regrader", env=SECRET).returncode == 0
    assert totals(root)["regrader"] == 0.0


def test_the_gradebook_is_backed_up_before_each_run(graded):
    root, _ = graded
    backups = sorted((root / "grading" / "backups").glob("gradebook-*.db"))
    assert len(backups) >= 2


def test_report_and_exports_name_the_problems(graded):
    import csv

    root, _ = graded
    assert worldlab(root, "export", LESSON).returncode == 0
    with open(root / "grading" / "exports" / f"{LESSON}-grades.csv") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert float(rows["partial"]["score"]) == 4.0 and rows["pdf"]["status"] == "broken"
    with open(root / "grading" / "exports" / f"{LESSON}-exercises.csv") as handle:
        cells = [row for row in csv.DictReader(handle) if row["student"] == "partial"]
    assert {row["cell"]: float(row["score"]) for row in cells}["triple_hidden"] == 0.0
    result = worldlab(root, "report", LESSON)
    assert result.returncode == 0, result.stderr
    page = (root / "grading" / "reports" / LESSON / "report.html").read_text()
    assert "data:image/png;base64," in page
    for text in ("the file is empty", "kernel died", "found essay.pdf", "gina", "no submission"):
        assert text in page
    with open(root / "grading" / "reports" / LESSON / "exercises.csv") as handle:
        first = next(csv.DictReader(handle))
    assert first["cell"] in {"triple_hidden", "double_hidden"}  # the most failed come first
