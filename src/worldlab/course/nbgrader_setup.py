"""Load the course's ``nbgrader_config.py`` and point nbgrader at other folders when needed."""

from __future__ import annotations

import functools
import logging
import os
import sys
import warnings
from contextlib import contextmanager
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from worldlab.course.errors import CourseError


def ensure_environment_on_path() -> None:
    """Put this Python's ``bin`` folder first on PATH.

    nbgrader runs ``alembic`` (and Jupyter runs its helpers) by name, so a tool called as
    ``.venv/bin/worldlab`` without activating the environment must still find them.
    """
    bin_dir = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if parts[0] != bin_dir:
        os.environ["PATH"] = os.pathsep.join([bin_dir, *parts])


def alembic_head() -> str:
    """The schema revision nbgrader writes into every new gradebook, read in this process from
    nbgrader's own migration scripts.

    nbgrader 0.9.6 finds it by running ``alembic heads`` in a new process for each new gradebook
    (``nbgrader.api.get_alembic_version``), which imports nbgrader again: 33-38 s a call measured
    on the busy 2-core machine. The answer is the same; a test compares the two.
    """
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR

    config = AlembicConfig()
    config.set_main_option("script_location", ALEMBIC_DIR)
    head = ScriptDirectory.from_config(config).get_current_head()
    if not head:
        raise CourseError(f"nbgrader's migration scripts in {ALEMBIC_DIR} name no head revision")
    return head


def read_alembic_head_in_process() -> None:
    """Make nbgrader take :func:`alembic_head` (once per process) instead of a new process."""
    import nbgrader.api

    original = nbgrader.api.get_alembic_version
    if not hasattr(original, "nbgrader_own"):
        cached = functools.cache(alembic_head)
        cached.nbgrader_own = original  # type: ignore[attr-defined]
        nbgrader.api.get_alembic_version = cached


def skip_unused_format_checkers() -> None:
    """Make ``import nbformat`` about a second cheaper in this process.

    jsonschema (which nbformat imports) loads the optional ``rfc3987_syntax`` package when it is
    installed, and that compiles some 40 grammars at import time (measured: 1 to 3 s of a
    grading run's start-up on 2 cores). It only serves jsonschema's "iri" format checks, which
    nbformat's validation never enables, so the grader tells Python it is absent. Call it before
    anything imports jsonschema; a no-op if it was imported already.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def course_config(root: Path) -> Config:
    """The configuration nbgrader itself reads from ``<root>/nbgrader_config.py``.

    The course folder goes first on ``sys.path``, as nbgrader puts its working folder there, so
    classes the configuration names by module (``c.AssignLatePenalties.plugin_class =
    "late_plugin.Blarg"`` with ``late_plugin.py`` beside the config) import.
    """
    ensure_environment_on_path()
    read_alembic_head_in_process()
    config_file = root / "nbgrader_config.py"
    if not config_file.is_file():
        raise CourseError(f"{config_file} is missing: run worldlab from the course repository")
    folder = str(root.resolve())
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return PyFileConfigLoader(config_file.name, path=str(root)).load_config()


def exclude_overwriting(config: Config) -> dict[str, list[str]]:
    """nbgrader's ``Autograde.exclude_overwriting``: assignment -> files the student's copy of
    which is kept (relative to the assignment's source folder)."""
    value = config.Autograde.get("exclude_overwriting", {})
    if not isinstance(value, dict):
        raise CourseError(
            f"c.Autograde.exclude_overwriting must be a dict (assignment -> list of files), "
            f"got {value!r}"
        )
    return value


def scratch_config(root: Path, scratch: Path) -> Config:
    """The course configuration, but with every nbgrader folder and the gradebook in ``scratch``.

    The build and the check use this so they never touch the instructor's gradebook.
    """
    config = course_config(root)
    config.CourseDirectory.root = str(scratch)
    config.CourseDirectory.source_directory = "source"
    config.CourseDirectory.release_directory = "release"
    config.CourseDirectory.db_url = f"sqlite:///{scratch / 'gradebook.db'}"
    return config


@contextmanager
def quiet_nbgrader():
    """Silence nbgrader's known harmless noise (SQLAlchemy session warnings, info logs)."""
    loggers = [logging.getLogger(name) for name in ("traitlets", "nbgrader", "NbGraderAPI")]
    levels = [logger.level for logger in loggers]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for logger in loggers:
            logger.setLevel(logging.ERROR)
        try:
            yield
        finally:
            for logger, level in zip(loggers, levels, strict=True):
                logger.setLevel(level)


def nbgrader_failure(result: dict) -> str:
    """The most telling line of a failed NbGraderAPI call (the real exception, not the summary)."""
    text = "\n".join(filter(None, [result.get("log"), result.get("error")]))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in reversed(lines):
        head = line.split(":", 1)[0]
        if head.endswith(("Error", "Exception")) and "NbGraderException" not in head:
            return line
    return lines[-1] if lines else "no detail"
