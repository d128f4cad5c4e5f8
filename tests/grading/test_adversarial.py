"""Untrusted code, graded end to end by `worldlab grade` in the sandbox.

One submission per attack; every one of them answers both exercises correctly (6 points) unless
its attack *succeeded*, in which case it deliberately answers wrong. So a score of 6 proves the
attack failed, and the gradebook is checked to be intact afterwards.
"""

import json
import shutil
import socket
import textwrap
import threading

import nbformat
import pytest
from grading_helpers import (
    LESSON,
    answered,
    course_gradebook,
    index_of,
    make_graded_course,
    submit,
    totals,
    worldlab,
)

pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap not installed")


def _with_cell(root, code, before="double", answers=None):
    nb = answered(root, answers=answers)
    nb.cells.insert(index_of(nb, before), nbformat.v4.new_code_cell(textwrap.dedent(code)))
    return nb


def _guarded_double(condition_code: str) -> dict:
    """An answer that is right only if the attack in ``condition_code`` set LEAKED to False."""
    return {"double": condition_code + "\n\ndef double(x):\n    return 0 if LEAKED else 2 * x\n"}


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    root = make_graded_course(tmp_path_factory.mktemp("attack"))
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    port = server.getsockname()[1]
    threading.Thread(target=lambda: [server.accept() for _ in range(8)], daemon=True).start()

    secret_files = [
        root / "course" / LESSON / f"{LESSON}.ipynb",
        root / "course" / LESSON / f"{LESSON}.md",
        root / "grading" / "gradebook.db",
        root / "grading" / "submitted" / "honest" / LESSON / f"{LESSON}.ipynb",
    ]
    submit(root, "honest", answered(root))
    assert worldlab(root, "grade", LESSON).returncode == 0  # a grade to protect
    reads = "\n".join(
        f"try:\n    open({str(p)!r}, 'rb').read(1)\n    LEAKED = True\nexcept OSError:\n    pass"
        for p in secret_files
    )
    submit(root, "snoop", answered(root, answers=_guarded_double("LEAKED = False\n" + reads)))
    db = root / "grading" / "gradebook.db"
    vandal = f"""
        import os, sqlite3
        LEAKED = False
        try:
            sqlite3.connect({str(db)!r}).execute("update grade set auto_score = 999")
            LEAKED = True
        except Exception:
            pass
        try:
            os.remove({str(db)!r})
            LEAKED = True
        except OSError:
            pass
        """
    submit(root, "vandal", answered(root, answers=_guarded_double(textwrap.dedent(vandal))))
    network = f"""
        import socket
        LEAKED = False
        try:
            socket.create_connection(("127.0.0.1", {port}), timeout=2)
            LEAKED = True
        except OSError:
            pass
        """
    submit(root, "netcat", answered(root, answers=_guarded_double(textwrap.dedent(network))))
    submit(
        root,
        "forker",
        _with_cell(
            root,
            """
        import os, time
        children = 0
        try:
            for _ in range(5000):
                if os.fork() == 0:
                    time.sleep(120)
                    os._exit(0)
                children += 1
        except OSError as error:
            print("fork refused after", children, "children:", error)
        """,
        ),
    )
    submit(root, "hog", _with_cell(root, "hog = bytearray(64 * 1024**3)"))
    submit(
        root,
        "deaf",
        _with_cell(
            root,
            """
        import time
        while True:
            try:
                time.sleep(0.05)
            except KeyboardInterrupt:
                pass
        """,
            before="triple",
        ),
    )
    submit(root, "flood", _with_cell(root, "print('x' * (50 * 1024**2))"))
    submit(
        root,
        "patcher",
        _with_cell(
            root,
            """
        import numpy as np
        np.allclose = lambda *args, **kwargs: True
        """,
        ),
    )
    submit(
        root,
        "seedreader",
        _with_cell(
            root,
            """
        import os
        seed = os.environ.get("WORLDLAB_GRADING_SEED")
        """,
        ),
    )
    result = worldlab(
        root,
        "grade",
        LESSON,
        "--cell-timeout",
        "6",
        "--notebook-timeout",
        "60",
        "--memory-mb",
        "1024",
        env={"WORLDLAB_GRADING_SEED": "77"},
    )
    server.close()
    assert result.returncode == 0, result.stdout + result.stderr
    runs = json.loads((root / "grading" / "runs" / f"{LESSON}.json").read_text())
    return root, runs, result


def test_attacks_that_fail_leave_full_marks(attacked):
    root, _, _ = attacked
    scores = totals(root)
    for student in (
        "honest",
        "snoop",
        "vandal",
        "netcat",
        "forker",
        "hog",
        "flood",
        "patcher",
        "seedreader",
    ):
        assert scores[student] == 6.0, f"{student}: {scores[student]}"


def test_a_kernel_that_ignores_interrupts_keeps_what_it_earned(attacked):
    root, runs, _ = attacked
    assert totals(root)["deaf"] == 3.0
    assert runs["deaf"]["reason"]


def test_the_gradebook_is_intact(attacked):
    root, _, _ = attacked
    with course_gradebook(root) as gb:
        students = {s.student.id for s in gb.assignment_submissions(LESSON)}
        worst = max(
            (g.auto_score or 0)
            for s in gb.assignment_submissions(LESSON)
            for g in s.notebooks[0].grades
        )
    assert len(students) == 10 and worst <= 2


@pytest.mark.parametrize(
    ("student", "signal"),
    [
        ("patcher", "patches numpy's comparisons"),
        ("seedreader", "reads the grading seed"),
        ("snoop", "reads the notebook or other files"),
        ("forker", "kills its own kernel"),
    ],
)
def test_tampering_is_flagged_with_its_line(attacked, student, signal):
    _, runs, _ = attacked
    assert any(signal in hit for hit in runs[student]["tamper"]), runs[student]["tamper"]
    assert any("line" in hit for hit in runs[student]["tamper"])


@pytest.mark.parametrize("student", ["flood", "deaf"])
def test_resource_abuse_is_flagged_with_a_reason(attacked, student):
    _, runs, _ = attacked
    assert runs[student]["reason"], f"{student} should carry a reason: {runs[student]}"


def test_a_fork_bomb_hits_the_process_limit(attacked):
    root, runs, _ = attacked
    nb = nbformat.read(
        root / "grading" / "autograded" / "forker" / LESSON / f"{LESSON}.ipynb", as_version=4
    )
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "fork refused after" in printed
    refused_after = int(printed.split("fork refused after")[1].split()[0])
    assert refused_after < 100, "the process limit (64) must stop the bomb early"
    assert runs["forker"]["tamper"], "forking is flagged for a human"
