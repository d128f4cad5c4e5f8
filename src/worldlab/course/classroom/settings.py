"""What a classroom is made of, as ``worldlab classroom up`` was asked for it.

The settings are saved as ``classroom.json`` in the state folder; the hub's config file reads
them from there, and ``down`` and ``status`` find the running hub through them.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from worldlab.course.errors import CourseError
from worldlab.paths import repo_root

#: The course id of ``nbgrader_config.py`` (the exchange keeps one folder per course id).
COURSE_ID = "predicting-the-world"

#: nbgrader's own default exchange folder.
DEFAULT_EXCHANGE = Path("/srv/nbgrader/exchange")

#: A Linux user name useradd accepts (and nbgrader can put in a submission's folder name).
USER_NAME = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")


class ClassroomError(CourseError):
    """A classroom that cannot start or stop as asked; the message says what to do."""


def default_state() -> Path:
    """``.classroom/hub`` under the repository root (git-ignored): hub database, secret, log."""
    return repo_root() / ".classroom" / "hub"


@dataclass
class Classroom:
    """One classroom.

    Attributes
    ----------
    instructor
        The Linux user who releases, collects, grades and returns feedback.
    students
        The Linux users allowed to log in as students.
    course
        The instructor's copy of the course (owned by the instructor, mode 0700): the
        formgrader, nbgrader and ``worldlab grade`` work on it.
    exchange
        nbgrader's shared exchange folder (mode 0777).
    state
        The hub's own folder (root only): config, database, cookie secret, pid file, log.
    python
        The Python every user's server and nbgrader commands run with; every user must be able
        to run it (a virtual environment outside ``/root``).
    ip, port
        Where the hub listens (``127.0.0.1`` only by default).
    hub_port, proxy_api_port
        Internal ports (the hub's API, the proxy's API), on 127.0.0.1 always.
    proxy
        The ``configurable-http-proxy`` executable.
    """

    instructor: str
    students: list[str]
    course: Path
    exchange: Path
    state: Path
    python: Path
    proxy: Path
    ip: str = "127.0.0.1"
    port: int = 8000
    hub_port: int = 8081
    proxy_api_port: int = 8001
    course_id: str = COURSE_ID

    def __post_init__(self) -> None:
        for name in [self.instructor, *self.students]:
            if not USER_NAME.match(name):
                raise ClassroomError(f"{name!r} is not a valid Linux user name")
        if self.instructor in self.students:
            raise ClassroomError(f"{self.instructor!r} cannot be both instructor and student")
        if len(set(self.students)) != len(self.students):
            raise ClassroomError("a student is listed twice")
        if not self.students:
            raise ClassroomError("a classroom needs at least one student (--students a,b,c)")
        for name in ("course", "exchange", "state", "python", "proxy"):
            setattr(self, name, Path(getattr(self, name)))

    @property
    def users(self) -> list[str]:
        """The instructor first, then the students."""
        return [self.instructor, *self.students]

    @property
    def url(self) -> str:
        """The hub's public address."""
        return f"http://{self.ip}:{self.port}"

    @property
    def settings_file(self) -> Path:
        return self.state / "classroom.json"

    @property
    def config_file(self) -> Path:
        return self.state / "jupyterhub_config.py"

    @property
    def pid_file(self) -> Path:
        return self.state / "jupyterhub.pid"

    @property
    def log_file(self) -> Path:
        return self.state / "jupyterhub.log"

    def save(self) -> None:
        """Write ``classroom.json`` in the state folder."""
        data = {k: str(v) if isinstance(v, Path) else v for k, v in asdict(self).items()}
        self.settings_file.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, state: Path) -> Classroom:
        """The classroom whose state folder is ``state``; a clear error when there is none."""
        path = Path(state) / "classroom.json"
        if not path.is_file():
            raise ClassroomError(
                f"no classroom in {state} (no classroom.json): start one with "
                "`worldlab classroom up`, or pass the --state folder it was started with"
            )
        try:
            return cls(**json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, TypeError) as exc:
            raise ClassroomError(f"{path} is not a classroom settings file: {exc}") from exc
