"""Pieces of the classroom test: real Linux users, the hub's REST API, a stopwatch, attacks.

Used by ``test_classroom_loop.py`` and by ``benchmarks/classroom_loop.py`` (which runs that test
and prints the time of each step).
"""

from __future__ import annotations

import asyncio
import copy
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[2]
LESSON = "00-the-debate"
COURSE = "predicting-the-world"
INSTRUCTOR = "wl-instructor"
STUDENTS = ("wl-stu1", "wl-stu2", "wl-stu3")
#: A file in the home of every user this test creates: only such users are ever deleted.
MARK = ".worldlab-classroom-test"

#: ``(step, seconds)`` of the last run, printed by the conftest's terminal summary.
TIMINGS: list[tuple[str, float]] = []
#: Why the end-to-end loop did not run (the summary at the end of the run repeats it).
NOT_RUN: list[str] = []


@contextmanager
def step(name: str):
    """Time one step of the loop into :data:`TIMINGS`."""
    start = time.perf_counter()
    try:
        yield
    finally:
        TIMINGS.append((name, time.perf_counter() - start))


def timing_table(timings: list[tuple[str, float]]) -> str:
    """The steps and their seconds as a plain-text table, with the total."""
    width = max(len(name) for name, _ in timings)
    lines = [f"{'step':<{width}}  seconds", f"{'-' * width}  -------"]
    lines += [f"{name:<{width}}  {seconds:7.2f}" for name, seconds in timings]
    lines.append(f"{'total':<{width}}  {sum(s for _, s in timings):7.2f}")
    return "\n".join(lines)


def save_timings() -> None:
    """Write :data:`TIMINGS` as JSON where ``WORLDLAB_CLASSROOM_TIMINGS`` says (benchmark)."""
    target = os.environ.get("WORLDLAB_CLASSROOM_TIMINGS")
    if target:
        Path(target).write_text(json.dumps(TIMINGS))


# ------------------------------------------------------------------------------------------
# Linux users
# ------------------------------------------------------------------------------------------


def create_user(name: str) -> str:
    """Create ``name`` with a private home and a random password; returns the password."""
    leftover = _home_of(name)
    if leftover is not None:
        if not (leftover / MARK).exists():
            raise RuntimeError(f"a user {name} exists and was not made by this test: not touching")
        remove_user(name)
    subprocess.run(
        ["useradd", "--create-home", "-K", "HOME_MODE=0700", "--shell", "/bin/bash", name],
        check=True,
        capture_output=True,
    )
    (Path(_home_of(name)) / MARK).touch()
    password = secrets.token_urlsafe(16)
    subprocess.run(["chpasswd"], input=f"{name}:{password}\n", text=True, check=True)
    return password


def _home_of(name: str) -> Path | None:
    import pwd

    try:
        return Path(pwd.getpwnam(name).pw_dir)
    except KeyError:
        return None


def remove_user(name: str) -> None:
    """Stop what still runs as ``name`` (by pid) and delete the user and their home."""
    home = _home_of(name)
    if home is None or not (home / MARK).exists():
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        listed = subprocess.run(["ps", "-u", name, "-o", "pid="], capture_output=True, text=True)
        pids = [int(p) for p in listed.stdout.split()]
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        if pids:
            time.sleep(1)
    subprocess.run(["userdel", "--remove", name], capture_output=True)
    shutil.rmtree(home, ignore_errors=True)


def server_environment(name: str) -> dict[str, str]:
    """The environment of ``name``'s running JupyterLab server (read from /proc as root)."""
    listed = subprocess.run(["ps", "-u", name, "-o", "pid="], capture_output=True, text=True)
    for pid in listed.stdout.split():
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
            environ = Path(f"/proc/{pid}/environ").read_bytes()
        except OSError:
            continue
        if b"jupyterhub-singleuser" in command:
            items = environ.decode(errors="replace").split("\0")
            return dict(item.split("=", 1) for item in items if "=" in item)
    raise AssertionError(f"no JupyterLab server runs as {name}")


def run_as(name: str, python: Path, *argv: str, env: dict | None = None, cwd=None):
    """``runuser -u name -- argv`` with the user's HOME and the shared Python first on PATH."""
    home = _home_of(name)
    environment = {
        "HOME": str(home),
        "USER": name,
        "LOGNAME": name,
        "PATH": f"{python.parent}:/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        **(env or {}),
    }
    return subprocess.run(
        [shutil.which("runuser") or "/usr/sbin/runuser", "-u", name, "--", *argv],
        cwd=cwd or home,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )


# ------------------------------------------------------------------------------------------
# The hub, as a browser or the JupyterLab front end would use it
# ------------------------------------------------------------------------------------------


class Hub:
    """The hub's REST API and each user's server behind it, with each user's own token."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.tokens: dict[str, str] = {}

    def log_in(self, name: str, password: str) -> requests.Response:
        """Ask the hub for a token with the user's Linux password (PAM)."""
        reply = requests.post(
            f"{self.url}/hub/api/users/{name}/tokens",
            json={"auth": {"username": name, "password": password}, "note": "classroom test"},
            timeout=60,
        )
        if reply.status_code == 201:
            self.tokens[name] = reply.json()["token"]
        return reply

    def hub_api(self, name: str, method: str, path: str, **kw) -> requests.Response:
        return requests.request(
            method, f"{self.url}/hub/api/{path}", headers=self._auth(name), timeout=120, **kw
        )

    def server(self, name: str, method: str, path: str, *, as_user: str | None = None, **kw):
        """A request to ``/user/<name>/<path>`` with the token of ``as_user`` (default name)."""
        return requests.request(
            method,
            f"{self.url}/user/{name}/{path}",
            headers=self._auth(as_user or name),
            timeout=300,
            allow_redirects=False,
            **kw,
        )

    def _auth(self, name: str) -> dict:
        return {"Authorization": f"token {self.tokens[name]}"}

    def start_servers(self, names, timeout: float = 150.0) -> None:
        """Start each user's server (as each user) and wait until all are ready."""
        for name in names:
            reply = self.hub_api(name, "POST", f"users/{name}/server")
            assert reply.status_code in (201, 202), f"{name}: {reply.status_code} {reply.text}"
        deadline = time.monotonic() + timeout
        waiting = set(names)
        while waiting and time.monotonic() < deadline:
            for name in sorted(waiting):
                model = self.hub_api(name, "GET", f"users/{name}").json()
                if model.get("servers", {}).get("", {}).get("ready"):
                    waiting.discard(name)
            time.sleep(0.5)
        assert not waiting, f"servers of {sorted(waiting)} not ready after {timeout:.0f} s"

    def terminal(self, name: str, command: str, timeout: float = 600.0) -> tuple[int, str]:
        """Type ``command`` into a new JupyterLab terminal of ``name``; its exit code and output."""
        made = self.server(name, "POST", "api/terminals")
        assert made.status_code == 200, f"{name} cannot open a terminal: {made.status_code}"
        term = made.json()["name"]
        socket = f"{self.url.replace('http', 'ws', 1)}/user/{name}/terminals/websocket/{term}"
        # A thread of its own: Playwright's sync API (the browser tests, same session) keeps an
        # event loop running in the main thread, where asyncio.run refuses to start.
        with ThreadPoolExecutor(max_workers=1) as pool:
            typing = pool.submit(
                asyncio.run, _type_into(socket, self._auth(name), command, timeout)
            )
        try:
            return typing.result()
        finally:
            self.server(name, "DELETE", f"api/terminals/{term}")

    # nbgrader's endpoints answer HTTP 200 on failure too: the JSON says what happened.
    def formgrader(self, method: str, path: str, **kw):
        """The instructor's formgrader API; fails the test unless it reports success."""
        reply = self.server(INSTRUCTOR, method, f"formgrader/api/{path}", **kw)
        assert reply.status_code == 200, f"formgrader {path}: HTTP {reply.status_code}"
        data = reply.json()
        if isinstance(data, dict) and "success" in data:
            assert data["success"], f"formgrader {path} failed:\n{data.get('error', data)}"
        return data

    def assignments(self, student: str, action: str) -> dict:
        """What JupyterLab's Assignments tab does: fetch, submit or fetch_feedback."""
        reply = self.server(
            student,
            "POST",
            f"assignments/{action}",
            data={"course_id": COURSE, "assignment_id": LESSON},
        )
        assert reply.status_code == 200, f"{student} {action}: HTTP {reply.status_code}"
        data = reply.json()
        assert data["success"], f"{student} {action} failed:\n{data}"
        return data

    def notebook_path(self) -> str:
        return f"api/contents/{COURSE}/{LESSON}/{LESSON}.ipynb"

    def open_notebook(self, student: str) -> dict:
        reply = self.server(student, "GET", self.notebook_path())
        assert reply.status_code == 200, f"{student} cannot open the fetched notebook"
        return reply.json()["content"]

    def save_notebook(self, student: str, notebook: dict) -> None:
        reply = self.server(
            student,
            "PUT",
            self.notebook_path(),
            json={"type": "notebook", "format": "json", "content": notebook},
        )
        assert reply.status_code in (200, 201), f"{student} save: {reply.status_code}"


async def _type_into(url: str, headers: dict, command: str, timeout: float) -> tuple[int, str]:
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    connection = await websocket_connect(HTTPRequest(url, headers=headers))
    connection.write_message(json.dumps(["stdin", f"{command}; echo TERMINAL-EXIT=$?\r"]))
    output, deadline = "", time.monotonic() + timeout
    try:
        while (done := re.search(r"TERMINAL-EXIT=(\d+)", output)) is None:
            message = await asyncio.wait_for(connection.read_message(), deadline - time.monotonic())
            assert message is not None, f"the terminal closed:\n{output[-2000:]}"
            kind, *content = json.loads(message)
            if kind == "stdout":
                output += content[0]
    finally:
        connection.close()
    return int(done.group(1)), output


# ------------------------------------------------------------------------------------------
# The students' work
# ------------------------------------------------------------------------------------------


def fill(notebook: dict, answers: dict[str, str], reflection: str) -> dict:
    """A copy of ``notebook`` with ``answers[grade_id]`` in those code answer cells and
    ``reflection`` in every written answer; other answer cells stay as released."""
    filled = copy.deepcopy(notebook)
    for cell in filled["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if not meta.get("solution"):
            continue
        if cell["cell_type"] == "markdown":
            cell["source"] = reflection
        elif meta["grade_id"] in answers:
            cell["source"] = answers[meta["grade_id"]]
    return filled


def stealing_answers(course: Path, victim_home: Path) -> dict[str, str]:
    """Answers that try, at grading time, to copy the instructor's solution, wreck the gradebook
    and overwrite another student's submission. Each only earns points if the attack works."""
    solution = course / "course" / LESSON / f"{LESSON}.ipynb"
    gradebook = course / "grading" / "gradebook.db"
    victim = course / "grading" / "submitted" / STUDENTS[0] / LESSON / f"{LESSON}.ipynb"
    return {
        # The instructor's notebook holds the reference answer: run it if it can be read.
        "bootstrap_ci": (
            "import json\n"
            f"cells = json.load(open({str(solution)!r}))['cells']\n"
            "exec(next(''.join(c['source']) for c in cells\n"
            "          if c['metadata'].get('nbgrader', {}).get('grade_id') == 'bootstrap_ci'))\n"
        ),
        "paired_permutation_p": (
            "from pathlib import Path\n"
            f"for target in [{str(gradebook)!r}, {str(victim)!r},\n"
            f"               {str(victim_home / COURSE / LESSON / (LESSON + '.ipynb'))!r}]:\n"
            "    try:\n"
            "        Path(target).write_text('overwritten by wl-stu3')\n"
            "    except OSError:\n"
            "        pass\n\n\n"
            "def paired_permutation_p(df, by, a, b, value, rng, n_permutations=2000):\n"
            "    return 1.0\n"
        ),
    }


#: Run as the attacking student: each attempt is ``[label, "list"|"read"|"write", path]``.
PROBE = """
import json, os, sys
result = {}
for label, action, path in json.loads(sys.argv[1]):
    try:
        if action == "list":
            os.listdir(path)
        elif action == "read":
            open(path, "rb").read(16)
        else:
            open(path, "ab").close()
        result[label] = "ALLOWED"
    except PermissionError:
        result[label] = "denied"
    except OSError as exc:
        result[label] = f"{type(exc).__name__}: {exc}"
print(json.dumps(result))
"""

#: Run as the attacking student: a submission folder named after another student, dated later.
FORGE = """
import datetime, os, shutil, sys
inbound, victim, notebook = sys.argv[1:4]
stamp = (datetime.datetime.utcnow() + datetime.timedelta(hours=1)).strftime(
    "%Y-%m-%d %H:%M:%S.%f UTC")
folder = os.path.join(inbound, f"{victim}+00-the-debate+{stamp}+forged")
os.mkdir(folder)
shutil.copy(notebook, os.path.join(folder, "00-the-debate.ipynb"))
with open(os.path.join(folder, "timestamp.txt"), "w") as out:
    out.write(stamp)
print(folder)
"""


def probe(python: Path, name: str, attempts: list[tuple[str, str, Path]]) -> dict[str, str]:
    """Try each attempt as the user ``name``; ``label -> "denied" | "ALLOWED" | error``."""
    spec = json.dumps([[label, action, str(path)] for label, action, path in attempts])
    result = run_as(name, python, str(python), "-c", PROBE, spec)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def shared_python() -> Path:
    """The Python every classroom user runs (``WORLDLAB_CLASSROOM_PYTHON`` or this one)."""
    return Path(os.environ.get("WORLDLAB_CLASSROOM_PYTHON") or sys.executable).absolute()


def lab_page_config(hub: Hub, name: str) -> dict:
    """The page config JupyterLab's front end starts from in ``name``'s server (its
    ``disabledExtensions`` decide which plugins load)."""
    page = hub.server(name, "GET", "lab")
    assert page.status_code == 200, f"{name}'s JupyterLab: HTTP {page.status_code}"
    found = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                      page.text, re.S)  # fmt: skip
    assert found, f"{name}'s JupyterLab page has no page config"
    return json.loads(found.group(1))
