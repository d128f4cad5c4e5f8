"""The files a classroom puts in place: the exchange, the instructor's course, each user's config.

The exchange is nbgrader's shared folder (mode 0777: every student writes submissions into its
``inbound``, which nbgrader makes write-only). The course is the instructor's private copy of
this repository's lessons (``~instructor/predicting-the-world``, mode 0700, made once and never
overwritten). Each user gets ``~/.jupyter/nbgrader_config.py`` (the instructor's loads the
course's own ``nbgrader_config.py``); students also get the formgrader and the assignment
creator switched off. Files in homes are written by their owner (:func:`accounts.run_as`).
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

from worldlab.course.classroom.accounts import check_private, home, run_as
from worldlab.course.classroom.settings import Classroom, ClassroomError
from worldlab.paths import repo_root

#: First line of every config file the classroom writes; a file without it is never replaced.
MARKER = "# Written by `worldlab classroom up`"

#: What the instructor's course copy holds (copied from the repository).
COURSE_ITEMS = ("nbgrader_config.py", "course", "notebooks", "data")

#: nbgrader's server extensions and JupyterLab plugins a student has no use for.
INSTRUCTOR_ONLY_EXTENSIONS = (
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.course_list",
)
INSTRUCTOR_ONLY_PLUGINS = (
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:course-list",
)
#: nbgrader 0.9.6's JupyterLab plugins a student keeps: the Assignment List, the *Nbgrader*
#: menu (whose only entry left is then "Assignment List": an entry whose plugin is off is not
#: shown, seen in Chromium) and the notebook's *Validate* button.
STUDENT_PLUGINS = (
    "@jupyter/nbgrader:assignment-list",
    "@jupyter/nbgrader:menu",
    "@jupyter/nbgrader:validate-assignment",
)

#: Run as the user: write ``{path: [text, marker]}`` (JSON on stdin); never over a file that
#: exists without its marker (an empty marker: the file is the classroom's own).
_WRITE = """
import json, sys
from pathlib import Path
for name, (text, marker) in json.load(sys.stdin).items():
    path = Path(name)
    if path.exists() and marker and marker not in path.read_text(errors="replace"):
        sys.exit(f"{path} exists and was not written by the classroom; move it aside, run again")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
"""

_COPY_COURSE = """
import shutil, sys
from pathlib import Path
source, target = Path(sys.argv[1]), Path(sys.argv[2])
target.mkdir(mode=0o700)
target.chmod(0o700)
for name in sys.argv[3:]:
    item = source / name
    if item.is_dir():
        shutil.copytree(item, target / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    else:
        shutil.copy2(item, target / name)
"""


def prepare_exchange(exchange: Path) -> None:
    """Create the exchange folder with mode 0777 (parents 0755), or set that mode on it."""
    exchange.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
    exchange.mkdir(exist_ok=True)
    if stat.S_IMODE(exchange.stat().st_mode) != 0o777:
        exchange.chmod(0o777)


def prepare_course(classroom: Classroom) -> bool:
    """Copy the lessons into the instructor's course folder unless it exists; check it is private.

    Returns True when the copy was made now.
    """
    course, teacher = classroom.course, classroom.instructor
    made = False
    if not course.exists():
        source = repo_root()
        missing = [name for name in COURSE_ITEMS if not (source / name).exists()]
        if missing:
            raise ClassroomError(f"cannot copy the course from {source}: {missing} missing")
        result = run_as(
            teacher,
            [str(classroom.python), "-c", _COPY_COURSE, str(source), str(course), *COURSE_ITEMS],
            python=classroom.python,
        )
        if result.returncode != 0:
            raise ClassroomError(
                f"{teacher} could not copy the course from {source} to {course}: "
                f"{result.stderr.strip()[-500:]}"
            )
        made = True
    check_private(course, teacher, "the course folder")
    if not (course / "nbgrader_config.py").is_file():
        raise ClassroomError(f"{course} has no nbgrader_config.py: it is not a course folder")
    return made


def nbgrader_config(classroom: Classroom, instructor: bool) -> str:
    """The text of a user's ``~/.jupyter/nbgrader_config.py``."""
    lines = [
        MARKER + (": the instructor's" if instructor else ": a student's") + " nbgrader config.",
        "# Delete this file to let the classroom write it again.",
        "c = get_config()  # noqa: F821",
    ]
    if instructor:
        lines += [
            "# The course: its folders, gradebook and feedback settings.",
            f"load_subconfig({str(classroom.course / 'nbgrader_config.py')!r})  # noqa: F821",
            "# Never collect a submission a student made in another student's name.",
            'c.ExchangeFactory.collect = "worldlab.course.classroom.collect.OwnerCheckedCollect"',
        ]
    lines += [
        f"c.Exchange.root = {str(classroom.exchange)!r}",
        "c.Exchange.path_includes_course = True",
    ]
    return "\n".join(lines) + "\n"


def student_switches() -> dict[str, str]:
    """``relative path -> JSON text`` of the files that hide the instructor's tools."""
    server = {
        "ServerApp": {"jpserver_extensions": dict.fromkeys(INSTRUCTOR_ONLY_EXTENSIONS, False)}
    }
    lab = {"disabledExtensions": dict.fromkeys(INSTRUCTOR_ONLY_PLUGINS, True)}
    return {
        ".jupyter/jupyter_server_config.d/worldlab-classroom.json": json.dumps(server, indent=2),
        ".jupyter/labconfig/page_config.d/worldlab-classroom.json": json.dumps(lab, indent=2),
    }


def write_as(classroom: Classroom, name: str, files: dict[str, tuple[str, str]]) -> None:
    """Write ``{relative path: (text, marker)}`` into ``name``'s home, as ``name``; a file that
    exists without its ``marker`` is never replaced (an empty marker: always replaced)."""
    where = home(name)
    spec = {str(where / relative): list(entry) for relative, entry in files.items()}
    result = run_as(
        name,
        [str(classroom.python), "-c", _WRITE],
        python=classroom.python,
        stdin=json.dumps(spec),
    )
    if result.returncode != 0:
        raise ClassroomError(
            f"could not write in {where} as {name}: {result.stderr.strip()[-500:]}"
        )


def write_user_configs(classroom: Classroom) -> None:
    """Every user's nbgrader config; students also get the instructor's tools switched off."""
    config = ".jupyter/nbgrader_config.py"
    write_as(
        classroom,
        classroom.instructor,
        {config: (nbgrader_config(classroom, instructor=True), MARKER)},
    )
    student = {config: (nbgrader_config(classroom, instructor=False), MARKER)}
    student |= {relative: (text + "\n", "") for relative, text in student_switches().items()}
    for name in classroom.students:
        write_as(classroom, name, student)
