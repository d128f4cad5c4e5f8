"""The JupyterHub process of a classroom: write its config, start it, find it, stop it."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from worldlab.course.classroom.settings import Classroom, ClassroomError

TEMPLATE = Path(__file__).resolve().parent / "templates" / "jupyterhub_config.py"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_in_use(ip: str, port: int) -> bool:
    """True when something already listens on ``ip:port``."""
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((ip, port)) == 0


def write_config(classroom: Classroom) -> None:
    """The state folder (root only, 0700), the hub config and ``classroom.json`` in it."""
    classroom.state.mkdir(parents=True, exist_ok=True)
    classroom.state.chmod(0o700)
    shutil.copyfile(TEMPLATE, classroom.config_file)
    classroom.save()


def running_pid(classroom: Classroom) -> int | None:
    """The pid of this classroom's hub when it runs (checked against its command line)."""
    try:
        pid = int(classroom.pid_file.read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (OSError, ValueError):
        return None
    text = [part.decode(errors="replace") for part in cmdline]
    if any("jupyterhub" in part for part in text) and str(classroom.config_file) in text:
        return pid
    return None


def hub_version(classroom: Classroom, timeout: float = 2.0) -> str | None:
    """The version the hub's REST API reports, or None when it does not answer."""
    try:
        with urllib.request.urlopen(f"{classroom.url}/hub/api/", timeout=timeout) as reply:
            return json.loads(reply.read())["version"]
    except (OSError, ValueError, KeyError, urllib.error.URLError):
        return None


def start(classroom: Classroom, timeout: float = 120.0) -> int:
    """Start JupyterHub in the background and wait until its API answers; returns its pid."""
    if port_in_use(classroom.ip, classroom.port):
        raise ClassroomError(
            f"port {classroom.port} on {classroom.ip} is in use: choose another with --port"
        )
    env = {**os.environ}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    with open(classroom.log_file, "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(classroom.config_file)],
            cwd=classroom.state,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ClassroomError(
                f"JupyterHub stopped at start (exit code {process.returncode}); its log, "
                f"{classroom.log_file}, ends with:\n{log_tail(classroom)}"
            )
        if hub_version(classroom) is not None:
            return process.pid
        time.sleep(0.3)
    stop_pid(process.pid)
    raise ClassroomError(
        f"JupyterHub did not answer within {timeout:.0f} s; its log ends with:\n"
        f"{log_tail(classroom)}"
    )


def log_tail(classroom: Classroom, lines: int = 15) -> str:
    """The last ``lines`` lines of the hub's log."""
    try:
        text = classroom.log_file.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def stop_pid(pid: int, timeout: float = 30.0) -> None:
    """SIGTERM ``pid`` (the hub then stops the users' servers and the proxy), SIGKILL if stuck."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass
            if not Path(f"/proc/{pid}").exists() or _zombie(pid):
                return
            time.sleep(0.2)


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"
    except OSError:
        return True
