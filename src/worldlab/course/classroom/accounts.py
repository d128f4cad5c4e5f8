"""The Linux users of a classroom: look them up, check their folders, run commands as them.

Everything written into a user's home is written *by that user* (``runuser -u``), never by root,
so a symbolic link a user planted cannot make root overwrite another file.
"""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import subprocess
from pathlib import Path

from worldlab.course.classroom.settings import ClassroomError


def create_hint(name: str) -> str:
    """The commands that create ``name`` as the classroom expects (private home, a password)."""
    return f"sudo useradd --create-home -K HOME_MODE=0700 {name} && sudo passwd {name}"


def account(name: str) -> pwd.struct_passwd:
    """The passwd entry of ``name``; a clear error naming the command that creates it."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        hint = create_hint(name)
        raise ClassroomError(f"there is no Linux user {name!r}: create it with `{hint}`") from None


def home(name: str) -> Path:
    """``name``'s home folder."""
    return Path(account(name).pw_dir)


def runuser() -> str | None:
    """The ``runuser`` command (util-linux), or None when it is missing."""
    return shutil.which("runuser") or next(
        (p for p in ("/usr/sbin/runuser", "/sbin/runuser") if os.access(p, os.X_OK)), None
    )


def require_root() -> None:
    """Stop unless running as root (the hub starts every user's server as that user)."""
    if os.geteuid() != 0:
        raise ClassroomError(
            "the classroom runs JupyterHub as root (it starts each user's server as that user): "
            "run it with sudo"
        )
    if runuser() is None:
        raise ClassroomError("runuser is missing (Debian package util-linux)")


def check_private(path: Path, owner: str, what: str) -> None:
    """Stop unless ``path`` belongs to ``owner`` and no other user can read or enter it."""
    info = path.stat()
    expected = account(owner).pw_uid
    if info.st_uid != expected:
        actual = pwd.getpwuid(info.st_uid).pw_name if _known_uid(info.st_uid) else info.st_uid
        raise ClassroomError(
            f"{what} {path} belongs to {actual}, not {owner}: `sudo chown -R {owner}: {path}`"
        )
    if stat.S_IMODE(info.st_mode) & 0o077:
        raise ClassroomError(
            f"{what} {path} is open to other users (mode {stat.S_IMODE(info.st_mode):04o}); "
            f"it must be private: `sudo chmod 700 {path}`"
        )


def _known_uid(uid: int) -> bool:
    try:
        pwd.getpwuid(uid)
    except KeyError:
        return False
    return True


def user_environment(name: str, python: Path) -> dict[str, str]:
    """A clean environment for ``name``: their HOME, the shared Python's ``bin`` first on PATH."""
    entry = account(name)
    venv_bin = str(Path(python).parent)
    return {
        "HOME": entry.pw_dir,
        "USER": name,
        "LOGNAME": name,
        "SHELL": entry.pw_shell or "/bin/sh",
        "PATH": os.pathsep.join([venv_bin, "/usr/local/bin", "/usr/bin", "/bin"]),
        "LANG": os.environ.get("LANG", "C.UTF-8"),
    }


def run_as(
    name: str,
    argv: list[str],
    *,
    python: Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    stdin: str | None = None,
    timeout: float = 600,
) -> subprocess.CompletedProcess:
    """Run ``argv`` as the Linux user ``name`` (``runuser -u``), from their home by default.

    Parameters
    ----------
    name
        The user.
    argv
        The command and its arguments.
    python
        The shared Python: its ``bin`` folder comes first on PATH.
    cwd
        Working folder (default: the user's home).
    env
        Extra environment variables on top of :func:`user_environment`.
    stdin
        Text fed to the command's standard input.
    timeout
        Seconds before the command is killed.

    Returns
    -------
    subprocess.CompletedProcess
        With ``stdout`` and ``stderr`` as text; the caller checks ``returncode``.
    """
    return subprocess.run(
        [runuser() or "/usr/sbin/runuser", "-u", name, "--", *argv],
        cwd=cwd or home(name),
        env={**user_environment(name, python), **(env or {})},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


#: What every user's Python must be able to do (find_spec: readable, without importing it all).
_PYTHON_CHECK = (
    "import importlib.util as u, worldlab.paths as p; "
    "assert all(u.find_spec(m) for m in ('jupyterhub.singleuser', 'jupyterlab', 'nbgrader')), "
    "'JupyterHub, JupyterLab or nbgrader is missing'; "
    "d = p.data_dir(); assert d.is_dir(), f'cannot read {d}'; list(d.iterdir())"
)


def python_check_command(python: Path) -> list[str]:
    """The command that checks, run as a user, that ``python`` serves the classroom for them:
    JupyterHub's single-user server, JupyterLab and nbgrader importable, the course's data
    readable."""
    return [str(python), "-c", _PYTHON_CHECK]
