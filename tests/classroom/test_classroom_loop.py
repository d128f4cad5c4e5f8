"""The one-machine classroom, end to end, driven as its users would drive it.

``worldlab classroom up`` starts JupyterHub (PAM log-in, local-process spawner) for Linux users
this test creates: an instructor and three students. Each user logs in with their password and
works through the hub: the instructor releases, collects, grades the reflections and returns
feedback with the formgrader's API; the students fetch, save and submit with JupyterLab's
assignment-list API and the contents API; the instructor autogrades with ``worldlab grade``
typed into their JupyterLab terminal. One student is correct, one partial (and resubmits), one
attacks: it probes other users' files as itself, forges a submission in another student's
name, and submits answers that try to steal the solution and wreck the gradebook at grading
time.

Needs root, useradd, bubblewrap and configurable-http-proxy (or npm); skips with the reason
otherwise, except under CI=true, where a missing requirement fails the test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import loop
import pytest
import requests
from grading_helpers import solution_sources
from loop import (
    COURSE,
    FORGE,
    INSTRUCTOR,
    LESSON,
    REPO,
    STUDENTS,
    Hub,
    create_user,
    fill,
    lab_page_config,
    probe,
    remove_user,
    run_as,
    save_timings,
    server_environment,
    shared_python,
    stealing_answers,
    step,
)

from worldlab.course.classroom import doctor
from worldlab.course.classroom.userfiles import INSTRUCTOR_ONLY_PLUGINS, STUDENT_PLUGINS

pytestmark = pytest.mark.classroom

CORRECT, PARTIAL, ATTACKER = STUDENTS


def _missing_requirements(python: Path) -> list[str]:
    """What stops the loop from running here, each with its fix (``worldlab classroom doctor``'s
    words)."""
    if os.geteuid() != 0:
        return [
            "needs root: it creates Linux users and JupyterHub spawns their servers; run "
            "`sudo -E env PATH=$PATH python -m pytest -m classroom` (or as root)"
        ]
    reasons = [
        f"{tool} is missing (Debian: passwd, procps)"
        for tool in ("useradd", "userdel", "chpasswd", "ps")
        if shutil.which(tool) is None
    ]
    findings = [
        doctor.check_runuser(),
        doctor.check_jupyterhub(Path(sys.executable)),
        doctor.check_proxy(),
        doctor.check_shared_python(python, []),
        doctor.check_bubblewrap(python),
    ]
    for finding in findings:
        if not finding.ok:
            fix = finding.fix
            if finding.what == "a Python every user can run":
                fix = doctor.shared_python_fix(REPO, for_test=True)
            reasons.append(f"{finding.what}: {finding.detail} -> {fix}")
    return reasons


def _worldlab(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "worldlab", *args], capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def classroom():
    """Users created, ``worldlab classroom up`` run; everything removed afterwards."""
    python = shared_python()
    missing = _missing_requirements(python)
    if missing:
        message = "classroom test cannot run: " + "; ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        loop.NOT_RUN.append(message)  # repeated at the end of the run, where it is seen
        pytest.skip(message)
    base = Path(tempfile.mkdtemp(prefix="wl-classroom-"))
    base.chmod(0o755)  # the exchange inside must be reachable by every user
    passwords, state = {}, base / "hub"
    try:
        for name in (INSTRUCTOR, *STUDENTS):
            passwords[name] = create_user(name)
        port = _free_port()
        with step("classroom up (worldlab classroom up)"):
            started = _worldlab(
                "classroom", "up", "--instructor", INSTRUCTOR, "--students", ",".join(STUDENTS),
                "--exchange", str(base / "exchange"), "--state", str(state),
                "--port", str(port), "--python", str(python),
            )  # fmt: skip
        assert started.returncode == 0, started.stdout + started.stderr
        # `up` says what it is doing while it does it (the checks, the proxy, the hub).
        for step_printed in ("checking this machine", "starting JupyterHub", "classroom up in"):
            assert step_printed in started.stdout, started.stdout
        yield {
            "hub": Hub(f"http://127.0.0.1:{port}"),
            "passwords": passwords,
            "exchange": base / "exchange" / COURSE,
            "course": Path(f"/home/{INSTRUCTOR}") / COURSE,
            "python": python,
            "state": state,
        }
        with step("classroom down (worldlab classroom down)"):
            stopped = _worldlab("classroom", "down", "--state", str(state))
        assert stopped.returncode == 0, stopped.stderr
        assert _worldlab("classroom", "status", "--state", str(state)).returncode == 3
    finally:
        if (state / "classroom.json").exists():
            _worldlab("classroom", "down", "--state", str(state))
        for name in (INSTRUCTOR, *STUDENTS):
            remove_user(name)
        shutil.rmtree(base, ignore_errors=True)
        save_timings()


def _free_port() -> int:
    from worldlab.course.classroom.hub import free_port

    return free_port()


def test_release_submit_grade_feedback_through_the_hub(classroom):
    hub, python = classroom["hub"], classroom["python"]
    course, exchange = classroom["course"], classroom["exchange"]
    everyone = (INSTRUCTOR, *STUDENTS)

    with step("log in (a token per user, PAM password)"):
        assert hub.log_in(CORRECT, "not-the-password").status_code == 403
        for name in everyone:
            reply = hub.log_in(name, classroom["passwords"][name])
            assert reply.status_code == 201, f"{name} cannot log in: {reply.text}"
    with step("start 4 JupyterLab servers"):
        hub.start_servers(everyone)
    # The instructor's terminals grade the course copy; students' servers know nothing of it.
    assert server_environment(INSTRUCTOR).get("WORLDLAB_ROOT") == str(course)
    assert "WORLDLAB_ROOT" not in server_environment(CORRECT)
    # Each server is its owner's only: another user's token and no token get nothing.
    assert hub.server(CORRECT, "GET", "api/contents", as_user=ATTACKER).status_code in (403, 404)
    anonymous = requests.get(f"{hub.url}/user/{CORRECT}/api/contents", allow_redirects=False)
    assert anonymous.status_code in (302, 403), anonymous.status_code  # to the log-in page
    assert hub.server(CORRECT, "GET", "api/status").status_code == 200
    # Students have no formgrader; the instructor's works and sees the lesson.
    assert hub.server(CORRECT, "GET", "formgrader/api/assignments").status_code == 404
    # A student's JupyterLab keeps the Assignment List, without the instructor's tools.
    student_lab, teacher_lab = lab_page_config(hub, CORRECT), lab_page_config(hub, INSTRUCTOR)
    assert set(INSTRUCTOR_ONLY_PLUGINS) <= set(student_lab["disabledExtensions"])
    assert not set(STUDENT_PLUGINS) & set(student_lab["disabledExtensions"])
    assert not set(INSTRUCTOR_ONLY_PLUGINS) & set(teacher_lab["disabledExtensions"])
    assert LESSON in [a["name"] for a in hub.formgrader("GET", "assignments")]

    with step("release (formgrader)"):
        hub.formgrader("POST", f"assignment/{LESSON}/release")
    with step("3 students fetch (Assignments tab)"):
        for student in STUDENTS:
            courses = hub.server(student, "GET", "courses").json()
            assert courses == {"success": True, "value": [COURSE]}  # no "Error fetching courses!"
            hub.assignments(student, "fetch")

    solutions = solution_sources(REPO, LESSON)
    with step("3 students answer and save (contents API)"):
        released = hub.open_notebook(CORRECT)
        hub.save_notebook(CORRECT, fill(released, solutions, f"reflection by {CORRECT}"))
        hub.save_notebook(PARTIAL, fill(released, {}, f"first try by {PARTIAL}"))
        theft = stealing_answers(course, Path(f"/home/{CORRECT}"))
        answers = {"rebuttal_counts": solutions["rebuttal_counts"], **theft}
        hub.save_notebook(ATTACKER, fill(released, answers, f"reflection by {ATTACKER}"))

    with step("attacker probes other users' files"):
        victim_work = Path(f"/home/{CORRECT}") / COURSE / LESSON / f"{LESSON}.ipynb"
        attempts = [
            ("list the submissions in the exchange", "list", exchange / "inbound"),
            ("read another student's notebook", "read", victim_work),
            ("read the instructor's solutions", "read", course / "course" / LESSON / f"{LESSON}.md"),
            ("read the gradebook", "read", course / "grading" / "gradebook.db"),
            ("change the released notebook", "write", exchange / "outbound" / LESSON / f"{LESSON}.ipynb"),
        ]  # fmt: skip
        assert probe(python, ATTACKER, attempts) == {label: "denied" for label, *_ in attempts}

    with step("submit (3 students, one twice)"):
        for student in STUDENTS:
            hub.assignments(student, "submit")
        better = fill(released, {"rebuttal_counts": solutions["rebuttal_counts"]}, "second try")
        hub.save_notebook(PARTIAL, fill(better, {}, f"second try by {PARTIAL}"))
        hub.assignments(PARTIAL, "submit")
    with step("attacker forges a submission in another's name"):
        own = Path(f"/home/{ATTACKER}") / COURSE / LESSON / f"{LESSON}.ipynb"
        forged = run_as(
            ATTACKER, python, str(python), "-c", FORGE, str(exchange / "inbound"), CORRECT, str(own)
        )  # fmt: skip
        assert forged.returncode == 0, forged.stderr  # the exchange lets anyone write there

    with step("collect (formgrader)"):
        collected = hub.formgrader("POST", f"assignment/{LESSON}/collect")
    assert f"claims to be {CORRECT}'s submission but belongs to {ATTACKER}" in collected["log"]
    submitted = course / "grading" / "submitted"
    assert sorted(p.name for p in submitted.iterdir()) == sorted(STUDENTS)
    collected_work = {s: (submitted / s / LESSON / f"{LESSON}.ipynb").read_text() for s in STUDENTS}
    assert f"reflection by {CORRECT}" in collected_work[CORRECT]  # not the forgery
    assert f"second try by {PARTIAL}" in collected_work[PARTIAL]  # the resubmission

    with step("autograde (worldlab grade in the instructor's JupyterLab terminal)"):
        code, output = hub.terminal(INSTRUCTOR, f"cd ~/{COURSE} && worldlab grade {LESSON}")
    assert code == 0, output[-3000:]
    notebooks = {
        s["student"]: s for s in hub.formgrader("GET", f"submitted_notebooks/{LESSON}/{LESSON}")
    }
    automatic = {student: notebooks[student]["score"] for student in STUDENTS}
    # Full marks; the resubmission's one exercise; the attacker only the exercise it really did.
    assert automatic == {CORRECT: 12.0, PARTIAL: 4.0, ATTACKER: 4.0}, output[-3000:]
    assert notebooks[ATTACKER]["flagged"] and not notebooks[CORRECT]["flagged"]

    with step("grade 3 reflections (formgrader API)"):
        for student, points in ((CORRECT, 2.0), (PARTIAL, 1.0), (ATTACKER, 0.0)):
            grades = hub.formgrader(
                "GET", "grades", params={"submission_id": notebooks[student]["id"]}
            )
            written = next(g for g in grades if g["needs_manual_grade"])
            saved = hub.formgrader("PUT", f"grade/{written['id']}", json={"manual_score": points})
            assert saved["manual_score"] == points and not saved["needs_manual_grade"]
    totals = {s["student"]: s["score"] for s in hub.formgrader("GET", f"submissions/{LESSON}")}
    assert totals == {CORRECT: 14.0, PARTIAL: 5.0, ATTACKER: 4.0}

    with step("generate and release feedback (formgrader)"):
        hub.formgrader("POST", f"assignment/{LESSON}/generate_feedback")
        hub.formgrader("POST", f"assignment/{LESSON}/release_feedback")
    with step("3 students fetch their feedback"):
        pages = {}
        for student in STUDENTS:
            hub.assignments(student, "fetch_feedback")
            folder = f"api/contents/{COURSE}/{LESSON}/feedback"
            [stamp] = hub.server(student, "GET", folder).json()["content"]
            page = hub.server(student, "GET", f"api/contents/{stamp['path']}/{LESSON}.html")
            assert page.status_code == 200, f"{student} has no feedback page"
            pages[student] = page.json()["content"]
    assert f"reflection by {CORRECT}" in pages[CORRECT]
    assert f"second try by {PARTIAL}" in pages[PARTIAL]
    for student, page in pages.items():
        for other in STUDENTS:
            if other != student:
                assert f"by {other}" not in page, f"{student}'s feedback shows {other}'s answer"

    victim_feedback = next(
        (Path(f"/home/{CORRECT}") / COURSE / LESSON / "feedback").rglob("*.html")
    )
    attempts = [
        ("list the released feedback", "list", exchange / "feedback"),
        ("read another student's feedback", "read", victim_feedback),
        ("read the gradebook", "read", course / "grading" / "gradebook.db"),
        ("read another student's submission", "read", submitted / CORRECT / LESSON / f"{LESSON}.ipynb"),
    ]  # fmt: skip
    assert probe(python, ATTACKER, attempts) == {label: "denied" for label, *_ in attempts}
    # The grading-time attack changed nothing outside its sandbox.
    assert "overwritten" not in (submitted / CORRECT / LESSON / f"{LESSON}.ipynb").read_text()
