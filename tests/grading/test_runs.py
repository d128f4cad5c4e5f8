"""Grading runs: parallel equals sequential, one run per lesson at a time, Ctrl-C and resume."""

import csv
import fcntl
import json
import shutil
import signal
import subprocess
import sys
import time

import nbformat
import pytest
from course_helpers import subprocess_env
from grading_helpers import LESSON, answered, make_graded_course, release, submit, totals, worldlab

pytestmark = pytest.mark.skipif(
    shutil.which("bwrap") is None,
    reason="the safe grader needs bubblewrap (apt-get install bubblewrap)",
)

WRONG_TRIPLE = {"triple": "def triple(x):\n    return 3 * int(x)\n"}


def _class(root, size):
    expected = {}
    for number in range(size):
        kind = number % 3
        nb = [answered(root), release(root), answered(root, answers=WRONG_TRIPLE)][kind]
        submit(root, f"s{number}", nb)
        expected[f"s{number}"] = [6.0, 0.0, 4.0][kind]
    return expected


def test_parallel_grading_gives_the_same_scores_as_sequential(tmp_path):
    sequential = make_graded_course(tmp_path / "one")
    parallel = make_graded_course(tmp_path / "two")
    expected = _class(sequential, 4)
    _class(parallel, 4)
    assert worldlab(sequential, "grade", LESSON, "--jobs", "1").returncode == 0
    assert worldlab(parallel, "grade", LESSON, "--jobs", "2").returncode == 0
    assert totals(sequential) == totals(parallel) == expected
    # the report of a class with no one missing (correct, stub, wrong triple, correct)
    assert worldlab(sequential, "report", LESSON).returncode == 0
    with open(sequential / "grading" / "reports" / LESSON / "exercises.csv") as handle:
        rates = {row["cell"]: float(row["pass_rate"]) for row in csv.DictReader(handle)}
    assert rates == {
        "triple_hidden": 0.5,
        "double_hidden": 0.75,
        "double_visible": 0.75,
        "triple_visible": 0.75,
    }


def test_a_second_run_of_the_same_lesson_is_refused(tmp_path):
    root = make_graded_course(tmp_path)
    _class(root, 1)
    (root / "grading").mkdir(exist_ok=True)
    with open(root / "grading" / f".{LESSON}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = worldlab(root, "grade", LESSON)
    assert result.returncode == 1
    assert "another grading run of 01-two is in progress" in result.stderr


def test_an_interrupted_run_leaves_a_consistent_gradebook_and_resumes(
    tmp_path, sigint_as_in_a_terminal
):
    root = make_graded_course(tmp_path)
    expected = _class(root, 6)
    env = subprocess_env({"WORLDLAB_ROOT": str(root)})
    run = subprocess.Popen(
        [sys.executable, "-m", "worldlab", "grade", LESSON, "--jobs", "1"],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    manifest = root / "grading" / "runs" / f"{LESSON}.json"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (
        manifest.is_file() and len(json.loads(manifest.read_text() or "{}")) >= 2
    ):
        time.sleep(0.2)
    run.send_signal(signal.SIGINT)
    _, stderr = run.communicate(timeout=120)
    assert run.returncode == 130, stderr
    done = json.loads(manifest.read_text())
    assert 2 <= len(done) < 6, "the run should have stopped part-way"
    partial = totals(root)
    assert {s: partial[s] for s in done} == {s: expected[s] for s in done}
    resumed = worldlab(root, "grade", LESSON)
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stdout.count("already graded, skipped") == len(done)
    assert totals(root) == expected


def test_collecting_again_replaces_and_keeps_the_earlier_files(tmp_path):
    import zipfile

    root = make_graded_course(tmp_path)
    for attempt, payload in enumerate([b"%PDF first attempt", None]):
        archive = tmp_path / f"download{attempt}.zip"
        with zipfile.ZipFile(archive, "w") as zipped:
            if payload:
                zipped.writestr("kim_1_2_report.pdf", payload)
            else:
                zipped.writestr(f"kim_1_3_{LESSON}.ipynb", nbformat.writes(answered(root)))
        assert worldlab(root, "collect", LESSON, str(archive)).returncode == 0
    folder = root / "grading" / "submitted" / "kim" / LESSON
    assert sorted(p.name for p in folder.iterdir() if p.is_file()) == [
        f"{LESSON}.ipynb",
        "timestamp.txt",
    ]
    (replaced,) = folder.glob(".replaced-*")
    assert (replaced / "report.pdf").read_bytes() == b"%PDF first attempt"
