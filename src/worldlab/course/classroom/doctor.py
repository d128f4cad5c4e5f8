"""``worldlab classroom doctor``: what a classroom on this machine still needs, and the fix.

Every check here only looks; nothing is installed or changed. ``worldlab classroom up`` runs the
same checks first and stops with every fix at once, and the classroom test skips (or fails
under CI) with the same words, so an instructor reads one set of instructions wherever a
problem shows.

The system packages are named the way the README installs them: ``git``, ``python3-venv`` and
``bubblewrap`` always; Debian's ``nodejs npm`` only where no ``npm`` exists (NodeSource's
``nodejs`` brings its own npm and conflicts with Debian's ``npm`` package).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from worldlab.course.classroom import proxy
from worldlab.course.classroom.accounts import (
    account,
    check_private,
    create_hint,
    python_check_command,
    runuser,
)
from worldlab.course.classroom.settings import ClassroomError
from worldlab.paths import repo_root

#: Where the README and the fixes below put a Python every user can run.
SHARED_VENV = Path("/opt/worldlab-classroom-venv")

#: The Debian Python the shared environment is made from (pyenv or conda Pythons under /root
#: cannot be run by other users).
SYSTEM_PYTHON = Path("/usr/bin/python3")


@dataclass(frozen=True)
class Finding:
    """One thing the classroom needs.

    Attributes
    ----------
    what
        What was checked, in a few words ("Node.js and npm").
    ok
        True when it is in place.
    detail
        What was found (a version, a path, the reason it fails).
    fix
        The commands or step that put it in place; empty when ``ok``.
    blocking
        False for what ``up`` can do without (bubblewrap: only ``worldlab grade`` needs it).
    """

    what: str
    ok: bool
    detail: str
    fix: str = ""
    blocking: bool = True

    def line(self) -> str:
        """One line for the terminal: ``ok``/``FIX``/``warn``, what, detail, and the fix."""
        if self.ok:
            return f"ok    {self.what}: {self.detail}"
        label = "FIX  " if self.blocking else "warn "
        return f"{label} {self.what}: {self.detail}\n        -> {self.fix}"


def shared_python_fix(repo: Path | None = None, for_test: bool = False) -> str:
    """The commands that make a Python every user can run, with the course installed in it.

    ``for_test``: end with how the classroom test is pointed at it, instead of ``up``.
    """
    repo = repo or repo_root()
    python = SHARED_VENV / "bin" / "python"
    then = (
        f"then run the test with WORLDLAB_CLASSROOM_PYTHON={python} in its environment"
        if for_test
        else f"then pass --python {python}"
    )
    return (
        f"sudo {SYSTEM_PYTHON} -m venv {SHARED_VENV} && sudo {SHARED_VENV}/bin/pip install -e "
        f'"{repo}[classroom]" (needs `sudo apt-get install -y python3-venv`; the course folder '
        f"{repo} and its parents must be readable by every user, e.g. a clone in /opt), {then}"
    )


def check_root() -> Finding:
    """Root: the hub starts each user's server as that user."""
    if os.geteuid() == 0:
        return Finding("root", True, "running as root")
    return Finding(
        "root",
        False,
        "not root (the hub starts each user's server as that user; the user checks below "
        "need root too)",
        "run it with sudo",
    )


def check_runuser() -> Finding:
    """``runuser`` (util-linux) runs the checks and file writes as each user."""
    found = runuser()
    if found:
        return Finding("runuser", True, found)
    return Finding(
        "runuser", False, "missing", "sudo apt-get install -y util-linux (Debian package)"
    )


def check_jupyterhub(python: Path) -> Finding:
    """JupyterHub importable by ``python`` (the hub and every user's server run it)."""
    done = _run([str(python), "-c", "import jupyterhub; print(jupyterhub.__version__)"])
    if done is not None and done.returncode == 0:
        return Finding("JupyterHub", True, f"{done.stdout.strip()} in {python}")
    if (Path(python).parent.parent / "pyvenv.cfg").is_file():
        fix = (
            f'{Path(python).parent}/pip install -e "{repo_root()}[classroom]" (with sudo if '
            "root owns that environment)"
        )
    else:  # never pip-install into the system's own Python
        fix = shared_python_fix()
    reason = _last_line(done.stderr) if done is not None else "it could not be run"
    return Finding("JupyterHub", False, f"not importable with {python}: {reason}", fix)


def check_proxy() -> Finding:
    """configurable-http-proxy installed, or Node.js with npm to install it."""
    found = proxy.installed()
    if found is not None:
        return Finding("configurable-http-proxy", True, str(found))
    node, npm = shutil.which("node"), shutil.which("npm")
    if node and npm:
        major = proxy.node_major(node)
        if major is not None and major < proxy.NODE_MAJOR:
            return Finding(
                "configurable-http-proxy",
                False,
                f"Node.js {major} ({node}) is older than {proxy.PACKAGE} declares it needs "
                f"(>= {proxy.NODE_MAJOR}); the classroom is tested with Node.js 20 from NodeSource",
                f"install Node.js {proxy.NODE_MAJOR} or newer (e.g. NodeSource's nodejs, which "
                "brings its own npm), or try as it is: npm installs it with a warning",
                blocking=False,
            )
        return Finding(
            "configurable-http-proxy",
            True,
            f"not installed yet; `up` installs {proxy.PACKAGE} with {npm} (the only download)",
        )
    return Finding(
        "configurable-http-proxy", False, proxy.missing_node_reason(node, npm), proxy.node_fix(node)
    )


def check_bubblewrap(python: Path) -> Finding:
    """The grader's sandbox, asked of the shared Python (``worldlab grade`` refuses without it)."""
    ask = "from worldlab.grading.sandbox_policy import sandbox_problems as p; print('; '.join(p()))"
    done = _run([str(python), "-c", ask])
    if done is None or done.returncode != 0:
        reason = "not checked: the shared Python cannot run the grader" + (
            f" ({_last_line(done.stderr)})" if done is not None else ""
        )
        return Finding(
            "bubblewrap (worldlab grade)", False, reason, "fix the Python first", blocking=False
        )
    problems = done.stdout.strip()
    if not problems:
        return Finding("bubblewrap (worldlab grade)", True, "the grading sandbox works")
    return Finding(
        "bubblewrap (worldlab grade)",
        False,
        problems,
        "sudo apt-get install -y bubblewrap (the classroom starts without it, but "
        "`worldlab grade` refuses to grade)",
        blocking=False,
    )


def check_venv_module() -> Finding:
    """``python3 -m venv`` works with Debian's Python (package python3-venv)."""
    if not SYSTEM_PYTHON.exists():
        return Finding(
            "python3-venv",
            False,
            f"{SYSTEM_PYTHON} is missing",
            "sudo apt-get install -y python3 python3-venv",
            blocking=False,
        )
    done = _run([str(SYSTEM_PYTHON), "-c", "import ensurepip, venv"])
    if done is not None and done.returncode == 0:
        return Finding("python3-venv", True, f"{SYSTEM_PYTHON} -m venv works")
    return Finding(
        "python3-venv",
        False,
        f"{SYSTEM_PYTHON} cannot make virtual environments",
        "sudo apt-get install -y python3-venv",
        blocking=False,
    )


def check_shared_python(python: Path, users: list[str]) -> Finding:
    """Every user (``nobody`` when none is named) can run ``python`` and read the course."""
    names = [name for name in users if _known(name)] or ["nobody"]
    if os.geteuid() != 0 or runuser() is None:
        return Finding(
            "a Python every user can run",
            False,
            f"not checked for {', '.join(names)}: needs root and runuser",
            "run it with sudo",
        )
    for name in names:
        done = _run(
            [runuser() or "runuser", "-u", name, "--", *python_check_command(python)], cwd="/"
        )
        if done is None or done.returncode != 0:
            reason = _last_line(done.stderr) if done is not None else "timed out"
            return Finding(
                "a Python every user can run",
                False,
                f"user {name} cannot use {python}: {reason}",
                shared_python_fix(),
            )
    return Finding("a Python every user can run", True, f"{python} (checked as {', '.join(names)})")


def check_users(instructor: str | None, students: list[str]) -> list[Finding]:
    """The class's Linux users exist, and each student's home is private."""
    found = []
    for name in [n for n in (instructor, *students) if n]:
        try:
            entry = account(name)
        except ClassroomError:
            found.append(Finding(f"user {name}", False, "no such Linux user", create_hint(name)))
            continue
        detail = f"home {entry.pw_dir}"
        if not Path(entry.pw_dir).is_dir():
            fix = f"sudo mkdir -m 700 {entry.pw_dir} && sudo chown {name}: {entry.pw_dir}"
            found.append(Finding(f"user {name}", False, f"no home folder {entry.pw_dir}", fix))
            continue
        if name != instructor:
            try:
                check_private(Path(entry.pw_dir), name, "the home folder")
            except (ClassroomError, OSError) as error:
                fix = f"sudo chown {name}: {entry.pw_dir} && sudo chmod 700 {entry.pw_dir}"
                found.append(Finding(f"user {name}", False, str(error), fix))
                continue
            detail += " (private)"
        found.append(Finding(f"user {name}", True, detail))
    return found


def check_port(ip: str, port: int) -> Finding:
    """Nothing listens on the hub's address yet."""
    from worldlab.course.classroom.hub import port_in_use

    if port_in_use(ip, port):
        return Finding(
            f"port {port}",
            False,
            f"something listens on {ip}:{port}",
            "choose another with --port, or `worldlab classroom down` if it is this classroom",
        )
    return Finding(f"port {port}", True, f"{ip}:{port} is free")


def diagnose(
    python: Path,
    instructor: str | None = None,
    students: list[str] | tuple[str, ...] = (),
    ip: str = "127.0.0.1",
    port: int | None = 8000,
) -> list[Finding]:
    """Every check, in the order an instructor fixes them.

    Parameters
    ----------
    python
        The Python every user runs (``up --python``; default the one running this).
    instructor, students
        The class's users; when none are named the Python is checked as ``nobody``.
    ip, port
        Where the hub is to listen; ``port=None`` skips that check.

    Returns
    -------
    list of Finding
        One per check; ``[f for f in findings if not f.ok]`` is what is left to do.
    """
    students = list(students)
    findings = [check_root(), check_runuser(), check_venv_module(), check_jupyterhub(python)]
    findings += [
        check_proxy(),
        check_shared_python(python, [*filter(None, [instructor])] + students),
    ]
    findings.append(check_bubblewrap(python))
    findings += check_users(instructor, students)
    if port is not None:
        findings.append(check_port(ip, port))
    return findings


def report(findings: list[Finding]) -> str:
    """The findings, one per line, and a last line that sums them up."""
    lines = [finding.line() for finding in findings]
    blocking = [f for f in findings if not f.ok and f.blocking]
    warnings = [f for f in findings if not f.ok and not f.blocking]
    if blocking:
        lines.append(f"{len(blocking)} thing(s) to fix before `worldlab classroom up`")
    else:
        lines.append(
            "ready for `worldlab classroom up`"
            + (f" ({len(warnings)} warning(s))" if warnings else "")
        )
    return "\n".join(lines)


def default_python() -> Path:
    """The Python running this command (``up`` gives it to every user unless --python)."""
    return Path(sys.executable).absolute()


def _known(name: str) -> bool:
    try:
        account(name)
    except ClassroomError:
        return False
    return True


def _run(argv: list[str], cwd: str | None = None) -> subprocess.CompletedProcess | None:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=cwd)
    except (OSError, subprocess.TimeoutExpired):
        return None


def _last_line(text: str) -> str:
    return (text.strip().splitlines() or ["(no message)"])[-1]
