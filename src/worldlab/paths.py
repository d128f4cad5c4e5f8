"""Where the course's folders are.

The repository is installed in editable mode (``pip install -e .``), so the folders are found
relative to this file. ``WORLDLAB_ROOT`` overrides the repository root and ``WORLDLAB_DATA`` the
data folder (the grading sandbox mounts the data somewhere else).
"""

from __future__ import annotations

import os
from pathlib import Path


def repo_root() -> Path:
    """The repository root (the folder holding ``nbgrader_config.py``)."""
    override = os.environ.get("WORLDLAB_ROOT")
    if override:
        return Path(override).resolve()
    return Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    """The folder of the data sets lessons read (``data/`` at the repository root)."""
    override = os.environ.get("WORLDLAB_DATA")
    if override:
        return Path(override).resolve()
    return repo_root() / "data"


def data_file(*parts: str) -> Path:
    """Path of a data file, e.g. ``data_file("debate", "claims.csv")``; fails clearly if missing."""
    path = data_dir().joinpath(*parts)
    if not path.is_file():
        raise FileNotFoundError(
            f"data file {path} is missing: the course ships its data in data/; "
            "reinstall the course or set WORLDLAB_DATA to the folder holding it"
        )
    return path
