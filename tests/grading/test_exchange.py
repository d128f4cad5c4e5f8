"""The JupyterHub/nbgrader exchange, natively: release, fetch, submit, collect, then grade."""

import getpass
import shutil

import nbformat
import pytest
from course_helpers import run_nbgrader
from grading_helpers import LESSON, answered, make_graded_course, totals, worldlab

pytestmark = pytest.mark.skipif(
    shutil.which("bwrap") is None,
    reason="the safe grader needs bubblewrap (apt-get install bubblewrap)",
)


def test_a_submission_through_the_exchange_is_graded(tmp_path):
    root = make_graded_course(tmp_path)
    exchange = tmp_path / "exchange"
    exchange.mkdir(mode=0o777)
    exchange.chmod(0o777)
    home = tmp_path / "student-home"
    home.mkdir()
    where = f"--Exchange.root={exchange}"
    run_nbgrader(root, "release_assignment", LESSON, where, "--force")
    run_nbgrader(home, "fetch_assignment", LESSON, "--course", "predicting-the-world", where)
    fetched = home / LESSON / f"{LESSON}.ipynb"
    nbformat.write(answered(root), fetched)  # the student does the work
    run_nbgrader(home, "submit", LESSON, "--course", "predicting-the-world", where)
    run_nbgrader(root, "collect", LESSON, where)
    student = getpass.getuser()
    assert (root / "grading" / "submitted" / student / LESSON / f"{LESSON}.ipynb").is_file()
    result = worldlab(root, "grade", LESSON)
    assert result.returncode == 0, result.stdout + result.stderr
    assert totals(root) == {student: 6.0}
