"""Load the course's ``nbgrader_config.py`` and point nbgrader at other folders when needed."""

from __future__ import annotations

import logging
import warnings
from contextlib import contextmanager
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from worldlab.course.errors import CourseError


def course_config(root: Path) -> Config:
    """The configuration nbgrader itself reads from ``<root>/nbgrader_config.py``."""
    config_file = root / "nbgrader_config.py"
    if not config_file.is_file():
        raise CourseError(f"{config_file} is missing: run worldlab from the course repository")
    return PyFileConfigLoader(config_file.name, path=str(root)).load_config()


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
