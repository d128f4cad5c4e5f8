"""``worldlab classroom up|down|status|doctor``: start, stop, describe and check the classroom."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from worldlab.course.classroom import accounts, doctor, hub, proxy, userfiles
from worldlab.course.classroom.settings import (
    COURSE_ID,
    DEFAULT_EXCHANGE,
    Classroom,
    ClassroomError,
    default_state,
)


def add_parser(commands: argparse._SubParsersAction) -> None:
    """Add ``classroom up|down|status|doctor`` to the ``worldlab`` command's sub-commands."""
    classroom = commands.add_parser(
        "classroom", help="JupyterHub + nbgrader exchange + formgrader on this machine (root)"
    )
    actions = classroom.add_subparsers(dest="action", required=True)
    up = actions.add_parser("up", help="start the classroom (creates the exchange and configs)")
    _class_options(up, required=True)
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
    check = actions.add_parser(
        "doctor",
        help="check what the classroom needs on this machine and print the fix for each "
        "missing piece (changes nothing)",
    )
    _class_options(check, required=False)
    for action in (up, *(actions.add_parser(n, help=h) for n, h in _OTHER)):
        action.add_argument(
            "--state", type=Path, default=None, help="the hub's folder (default .classroom/hub)"
        )


def _class_options(parser: argparse.ArgumentParser, required: bool) -> None:
    parser.add_argument(
        "--instructor", required=required, metavar="USER", help="the instructor's user"
    )
    parser.add_argument(
        "--students",
        required=required,
        default="",
        metavar="USER,USER,...",
        help="the students' Linux users, comma-separated",
    )
    parser.add_argument("--port", type=int, default=8000, help="the hub's port (default 8000)")
    parser.add_argument(
        "--ip", default="127.0.0.1", help="the address to listen on (default 127.0.0.1 only)"
    )
    parser.add_argument(
        "--python",
        type=Path,
        default=None,
        help="the Python every user runs (default: this one); all users must be able to read it",
    )


_OTHER = (
    ("down", "stop the hub, the proxy and every user's server"),
    ("status", "say whether the classroom runs, where, and for whom"),
)


def run(args: argparse.Namespace) -> int:
    """Run ``worldlab classroom ACTION``."""
    if args.action == "doctor":
        return check(args)
    state = (args.state or default_state()).resolve()
    if args.action == "up":
        return up(args, state)
    classroom = Classroom.load(state)
    if args.action == "down":
        return down(classroom)
    return status(classroom)


def _students(args: argparse.Namespace) -> list[str]:
    return [name.strip() for name in args.students.split(",") if name.strip()]


def check(args: argparse.Namespace) -> int:
    """``doctor``: print every check with its fix; exit 0 when ``up`` can start, else 1."""
    python = Path(args.python or doctor.default_python()).absolute()
    findings = doctor.diagnose(python, args.instructor, _students(args), args.ip, args.port)
    print(doctor.report(findings))
    return 1 if any(not f.ok and f.blocking for f in findings) else 0


class _Progress:
    """Prints each step of ``up`` as it starts and its seconds when it ends (flushed at once)."""

    def __init__(self) -> None:
        self.start = time.monotonic()

    def step(self, text: str) -> None:
        print(f"[{time.monotonic() - self.start:5.1f} s] {text} ...", flush=True)


def up(args: argparse.Namespace, state: Path) -> int:
    """Check everything, write the configs, start the hub; prints each step and where to log in."""
    progress = _Progress()
    accounts.require_root()
    students = _students(args)
    python = Path(args.python or sys.executable).absolute()
    classroom = Classroom(
        instructor=args.instructor,
        students=students,
        # ~INSTRUCTOR until the checks have found the instructor's home.
        course=(args.course or Path(f"~{args.instructor}") / COURSE_ID),
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
    progress.step(f"checking this machine, the Python {python} and {len(classroom.users)} users")
    findings = doctor.diagnose(python, args.instructor, students, args.ip, args.port)
    for finding in findings:
        if not finding.ok and not finding.blocking:
            print(f"warning: {finding.what}: {finding.detail}; {finding.fix}", flush=True)
    blocking = [f for f in findings if not f.ok and f.blocking]
    if blocking:
        fixes = "\n".join(f"- {f.what}: {f.detail}\n  -> {f.fix}" for f in blocking)
        raise ClassroomError(f"the classroom cannot start yet:\n{fixes}")
    classroom.course = (args.course or accounts.home(args.instructor) / COURSE_ID).absolute()
    progress.step("configurable-http-proxy (JupyterHub's proxy)")
    classroom.proxy = proxy.ensure_proxy()
    classroom.hub_port, classroom.proxy_api_port = hub.free_port(), hub.free_port()
    progress.step(f"writing the hub's config into {state}")
    hub.write_config(classroom)
    progress.step(f"the exchange {classroom.exchange} and the course {classroom.course}")
    userfiles.prepare_exchange(classroom.exchange)
    if userfiles.prepare_course(classroom):
        print(f"copied the course into {classroom.course} (owned by {classroom.instructor})")
    progress.step(f"each user's nbgrader config ({len(classroom.users)} users)")
    userfiles.write_user_configs(classroom)
    progress.step(f"starting JupyterHub on {classroom.url}/ (waits until it answers)")
    pid = hub.start(classroom)
    seconds = time.monotonic() - progress.start
    print(
        f"classroom up in {seconds:.0f} s: {classroom.url}/ (JupyterHub pid {pid}, log {classroom.log_file})"
    )
    print(
        f"instructor {classroom.instructor}: formgrader at {classroom.url}/user/"
        f"{classroom.instructor}/formgrader, course {classroom.course}"
    )
    print(f"students: {', '.join(students)}; exchange {classroom.exchange}")
    print(
        "each user's JupyterLab starts when they log in (10-50 s on a busy 2-core machine): "
        "the hub's page shows its progress"
    )
    return 0


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
