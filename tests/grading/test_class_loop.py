"""The instructor's whole loop on two real lessons, as the README walks it.

Lesson 00 arrives through nbgrader's exchange layout, lesson 01 as an LMS (Canvas) zip. Each class
has a correct, a partial, a broken, a copied-cells, a warning-emitting and a non-notebook (PDF)
submission, and a student on the roster who submitted nothing. Then: `worldlab grade`, manual grading of the reflection,
`nbgrader generate_feedback`, `nbgrader export`, `worldlab export` and `worldlab report`.
"""

import copy
import csv
import re
import shutil
import zipfile

import nbformat
import pytest
from course_helpers import run_nbgrader
from grading_helpers import (
    answered,
    copy_real_lessons,
    course_gradebook,
    index_of,
    release,
    totals,
    worldlab,
)

pytestmark = pytest.mark.skipif(
    shutil.which("bwrap") is None,
    reason="the safe grader needs bubblewrap (apt-get install bubblewrap)",
)

LESSONS = ["00-the-debate", "01-predicting-the-next-state"]


def _points(root, lesson):
    """(autograded points, {answer id: points of the tests that follow it})."""
    nb = nbformat.read(root / "course" / lesson / f"{lesson}.ipynb", as_version=4)
    per_answer, current, auto = {}, None, 0.0
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            current = meta["grade_id"]
            per_answer[current] = 0.0
        elif meta.get("grade") and cell.cell_type == "code":
            per_answer[current] += meta["points"]
            auto += meta["points"]
    return auto, per_answer


def _class(root, lesson):
    auto, per_answer = _points(root, lesson)
    answers = list(per_answer)
    stub = next(
        c
        for c in release(root, lesson).cells
        if c.metadata.get("nbgrader", {}).get("grade_id") == answers[0]
    ).source
    partial = answered(root, lesson, answers={answers[0]: stub})  # one exercise left undone
    copied = answered(root, lesson)
    cell = copied.cells[index_of(copied, answers[1])]
    copied.cells.insert(index_of(copied, answers[1]), copy.deepcopy(cell))
    copied.cells.append(copy.deepcopy(copied.cells[index_of(copied, answers[2])]))
    noisy = answered(root, lesson)
    noisy_cell = noisy.cells[index_of(noisy, answers[2])]
    noisy_cell.source += (
        f"\n\nimport warnings\n_quiet_{answers[2]} = {answers[2]}\n\n\n"
        f"def {answers[2]}(*args, **kwargs):\n"
        f"    warnings.warn('this answer warns', RuntimeWarning)\n"
        f"    return _quiet_{answers[2]}(*args, **kwargs)\n"
    )
    submissions = {
        "ann": answered(root, lesson),
        "ben": partial,
        "cat": nbformat.writes(answered(root, lesson))[:2000],
        "dan": copied,
        "eve": noisy,
        "gus": ("essay.pdf", b"%PDF-1.4 a report, not a notebook"),
    }
    expected = {
        "ann": auto,
        "ben": auto - per_answer[answers[0]],
        "cat": 0.0,
        "dan": auto,
        "eve": auto,
        "fay": 0.0,
        "gus": 0.0,
    }
    return submissions, expected


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = copy_real_lessons(tmp_path_factory.mktemp("loop"), LESSONS)
    expected = {}
    for lesson in LESSONS:
        run_nbgrader(root, "generate_assignment", lesson, "--force")  # release, as the README says
        submissions, expected[lesson] = _class(root, lesson)
        if lesson == LESSONS[0]:  # the JupyterHub exchange layout
            for student, nb in submissions.items():
                folder = root / "grading" / "submitted" / student / lesson
                folder.mkdir(parents=True)
                if isinstance(nb, tuple):  # a file that is not a notebook
                    (folder / nb[0]).write_bytes(nb[1])
                else:
                    target = folder / f"{lesson}.ipynb"
                    target.write_text(nb if isinstance(nb, str) else nbformat.writes(nb))
                (folder / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC\n")
        else:  # a Canvas download
            archive = root / "canvas.zip"
            with zipfile.ZipFile(archive, "w") as zipped:
                for number, (student, nb) in enumerate(submissions.items()):
                    prefix = f"{student}_{100 + number}_{900 + number}_"
                    if isinstance(nb, tuple):
                        zipped.writestr(prefix + nb[0], nb[1])
                        continue
                    text = nb if isinstance(nb, str) else nbformat.writes(nb)
                    zipped.writestr(f"{prefix}{lesson}.ipynb", text)
                zipped.writestr(
                    zipfile.ZipInfo("ann_100_800_old-attempt.ipynb", (2026, 1, 1, 0, 0, 0)), "{}"
                )
                zipped.writestr("instructions.txt", "not a submission")
            collected = worldlab(root, "collect", lesson, str(archive))
            assert collected.returncode == 0, collected.stderr
            expected[f"{lesson}-collect"] = collected
        graded = worldlab(root, "grade", lesson)
        assert graded.returncode == 0, graded.stdout + graded.stderr
    with course_gradebook(root) as gb:
        gb.update_or_create_student("fay")  # on the roster, never submitted
        # the formgrader's manual grading, done through the same gradebook API it uses
        for lesson in LESSONS:
            for submission in gb.assignment_submissions(lesson):
                for grade in submission.notebooks[0].grades:
                    if grade.cell.cell_type == "markdown" and submission.student.id == "ann":
                        grade.manual_score = grade.max_score
        gb.db.commit()
    for lesson in LESSONS:
        run_nbgrader(root, "generate_feedback", lesson, "--force")
        assert worldlab(root, "export", lesson).returncode == 0
        assert worldlab(root, "report", lesson).returncode == 0
    run_nbgrader(root, "export", "--to", str(root / "grades.csv"))
    return root, expected


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_score_is_exact(course, lesson):
    root, expected = course
    scores = totals(root, lesson)
    reflections = {lesson: 2.0 for lesson in LESSONS}  # ann's reflection got full marks
    wanted = {s: v for s, v in expected[lesson].items() if s != "fay"}
    wanted["ann"] += reflections[lesson]
    assert scores == wanted


def test_zip_collection_reports_what_it_did_not_take(course):
    _, expected = course
    output = expected[f"{LESSONS[1]}-collect"]
    assert "collected 6 submission(s)" in output.stdout
    assert "'gus_105_905_essay.pdf' is not a notebook" in output.stderr
    assert "no student matches 'instructions.txt'" in output.stderr
    assert "two files for student ann: kept 'ann_100_900_" in output.stderr
    assert "ignored 'ann_100_800_old-attempt.ipynb'" in output.stderr


def test_exports_have_one_row_per_student_and_per_exercise(course):
    root, expected = course
    with open(root / "grades.csv", newline="") as handle:
        nbgrader_rows = list(csv.DictReader(handle))
    students = {row["student_id"] for row in nbgrader_rows}
    assert students == {"ann", "ben", "cat", "dan", "eve", "fay", "gus"}
    for lesson in LESSONS:
        with open(root / "grading" / "exports" / f"{lesson}-grades.csv", newline="") as handle:
            rows = {row["student"]: row for row in csv.DictReader(handle)}
        assert rows["fay"]["status"] == "missing" and rows["cat"]["status"] == "broken"
        assert rows["gus"]["status"] == "broken" and "essay.pdf" in rows["gus"]["reason"]
        with open(root / "grading" / "exports" / f"{lesson}-exercises.csv", newline="") as handle:
            cells = list(csv.DictReader(handle))
        assert len({row["cell"] for row in cells}) >= 7
        assert len(cells) == 7 * len({row["cell"] for row in cells})


def test_feedback_for_each_student_hides_hidden_tests(course):
    root, _ = course
    for lesson in LESSONS:
        for student in ("ann", "ben", "dan", "eve"):
            page = root / "grading" / "feedback" / student / lesson / f"{lesson}.html"
            text = re.sub(r"<[^>]+>", "", page.read_text())
            assert "grading_rng(stream=" not in text, f"{student}/{lesson} shows hidden tests"
            assert "BEGIN HIDDEN TESTS" not in text


def test_class_report_lists_missing_and_broken(course):
    root, _ = course
    for lesson in LESSONS:
        page = (root / "grading" / "reports" / lesson / "report.html").read_text()
        assert "fay" in page and "no submission" in page
        assert "cat" in page and "not a readable notebook" in page
        # similar answers are listed for a human (students who pasted the same reference code)
        assert "Similar answers (for a human to judge; scores are unchanged)" in page
        assert (root / "grading" / "reports" / lesson / "similar.csv").is_file()
