"""``worldlab classroom up|down|status``: start, stop and describe the one-machine classroom."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from worldlab.course.classroom import accounts, hub, proxy, userfiles
from worldlab.course.classroom.settings import (
    COURSE_ID,
    DEFAULT_EXCHANGE,
    Classroom,
    ClassroomError,
    default_state,
)


def add_parser(commands: argparse._SubParsersAction) -> None:
    """Add ``classroom up|down|status`` to the ``worldlab`` command's sub-commands."""
    classroom = commands.add_parser(
        "classroom", help="JupyterHub + nbgrader exchange + formgrader on this machine (root)"
    )
    actions = classroom.add_subparsers(dest="action", required=True)
    up = actions.add_parser("up", help="start the classroom (creates the exchange and configs)")
    up.add_argument("--instructor", required=True, metavar="USER", help="the instructor's user")
    up.add_argument(
        "--students",
        required=True,
        metavar="USER,USER,...",
        help="the students' Linux users, comma-separated",
    )
    up.add_argument(
        "--course",
        type=Path,
        default=None,
        help=f"the instructor's course folder (default ~INSTRUCTOR/{COURSE_ID}, copied from this "
        "repository when missing)",
    )
    up.add_argument(
        "--exchange", type=Path, default=DEFAULT_EXCHANGE, help="nbgrader's exchange folder"
    )
    up.add_argument("--port", type=int, default=8000, help="the hub's port (default 8000)")
    up.add_argument(
        "--ip", default="127.0.0.1", help="the address to listen on (default 127.0.0.1 only)"
    )
    up.add_argument(
        "--python",
        type=Path,
        default=None,
        help="the Python every user runs (default: this one); all users must be able to read it",
    )
    for action in (up, *(actions.add_parser(n, help=h) for n, h in _OTHER)):
        action.add_argument(
            "--state", type=Path, default=None, help="the hub's folder (default .classroom/hub)"
        )


_OTHER = (
    ("down", "stop the hub, the proxy and every user's server"),
    ("status", "say whether the classroom runs, where, and for whom"),
)


def run(args: argparse.Namespace) -> int:
    """Run ``worldlab classroom ACTION``."""
    state = (args.state or default_state()).resolve()
    if args.action == "up":
        return up(args, state)
    classroom = Classroom.load(state)
    if args.action == "down":
        return down(classroom)
    return status(classroom)


def up(args: argparse.Namespace, state: Path) -> int:
    """Check everything, write the configs, start the hub; prints where to log in."""
    accounts.require_root()
    try:
        import jupyterhub  # noqa: F401
    except ImportError:
        raise ClassroomError(
            'JupyterHub is not installed in this environment: pip install -e ".[dev]"'
        ) from None
    students = [name.strip() for name in args.students.split(",") if name.strip()]
    names = [args.instructor, *students]
    missing = [name for name in names if not _exists(name)]
    if missing:
        hints = "; ".join(f"`{accounts.create_hint(name)}`" for name in missing)
        raise ClassroomError(f"no Linux user {', '.join(missing)}: create them with {hints}")
    python = Path(args.python or sys.executable).absolute()
    classroom = Classroom(
        instructor=args.instructor,
        students=students,
        course=(args.course or accounts.home(args.instructor) / COURSE_ID).absolute(),
        exchange=args.exchange.absolute(),
        state=state,
        python=python,
        proxy=Path("configurable-http-proxy"),
        ip=args.ip,
        port=args.port,
    )
    if hub.running_pid(classroom) is not None:
        raise ClassroomError(
            f"the classroom in {state} already runs: `worldlab classroom down` stops it"
        )
    for student in students:
        accounts.check_private(accounts.home(student), student, "the home folder")
    accounts.check_python(names, python)
    classroom.proxy = proxy.ensure_proxy()
    classroom.hub_port, classroom.proxy_api_port = hub.free_port(), hub.free_port()
    hub.write_config(classroom)
    userfiles.prepare_exchange(classroom.exchange)
    if userfiles.prepare_course(classroom):
        print(f"copied the course into {classroom.course} (owned by {classroom.instructor})")
    userfiles.write_user_configs(classroom)
    pid = hub.start(classroom)
    print(f"classroom up: {classroom.url}/ (JupyterHub pid {pid}, log {classroom.log_file})")
    print(
        f"instructor {classroom.instructor}: formgrader at {classroom.url}/user/"
        f"{classroom.instructor}/formgrader, course {classroom.course}"
    )
    print(f"students: {', '.join(students)}; exchange {classroom.exchange}")
    return 0


def _exists(name: str) -> bool:
    try:
        accounts.account(name)
    except ClassroomError:
        return False
    return True


def down(classroom: Classroom) -> int:
    """Stop the hub (which stops every user's server and the proxy)."""
    pid = hub.running_pid(classroom)
    if pid is None:
        print(f"the classroom in {classroom.state} is not running")
        return 0
    hub.stop_pid(pid)
    print(f"classroom down (JupyterHub pid {pid} stopped); files kept in {classroom.state}")
    return 0


def status(classroom: Classroom) -> int:
    """Print whether the hub runs and the classroom's settings; exit 0 if it runs, else 3."""
    pid = hub.running_pid(classroom)
    version = hub.hub_version(classroom) if pid else None
    state = f"running, pid {pid}, JupyterHub {version}" if pid and version else "not running"
    if pid and not version:
        state = f"pid {pid} runs but the hub does not answer at {classroom.url}"
    print(f"classroom: {state}")
    print(f"address:    {classroom.url}/")
    print(f"instructor: {classroom.instructor} (course {classroom.course})")
    print(f"students:   {', '.join(classroom.students)}")
    print(f"exchange:   {classroom.exchange}")
    print(f"python:     {classroom.python}")
    print(f"state:      {classroom.state} (log {classroom.log_file.name})")
    return 0 if pid and version else 3
