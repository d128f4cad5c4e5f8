"""A submission folder made in another student's name: plain nbgrader collects it, ours never.

Root only (the folders must belong to different users); under CI=true a missing root fails.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest
from nbgrader.exchange.default.collect import ExchangeCollect

from worldlab.course.classroom.collect import OwnerCheckedCollect

pytestmark = pytest.mark.classroom

STUDENT = "nobody"  # a user every Debian system has


@pytest.fixture(autouse=True)
def _needs_root():
    if os.geteuid() != 0:
        reason = "needs root: the submission folders must belong to different users"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="module")
def blank_gradebook(tmp_path_factory) -> Path:
    """An empty nbgrader gradebook, made once (making one costs seconds)."""
    from nbgrader.api import Gradebook

    path = tmp_path_factory.mktemp("gradebook") / "gradebook.db"
    Gradebook(f"sqlite:///{path}").close()
    return path


def _submission(inbound: Path, hour: int, label: str, owner: str) -> None:
    stamp = f"2026-01-01 {hour:02d}:00:00.000000 UTC"
    folder = inbound / f"{STUDENT}+ps1+{stamp}+{label}"
    folder.mkdir(parents=True)
    (folder / "answer.txt").write_text(label)
    (folder / "timestamp.txt").write_text(stamp)
    for path in (folder, *folder.iterdir()):
        shutil.chown(path, user=owner)


def _collect(tmp_path: Path, collector: type, caplog, gradebook: Path) -> None:
    """Run an nbgrader collect plugin in this process, as ``nbgrader collect ps1`` would."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    config = Config()
    config.Exchange.root = str(tmp_path / "exchange")
    config.CourseDirectory.root = str(tmp_path / "course")
    config.CourseDirectory.course_id = "c"
    config.CourseDirectory.assignment_id = "ps1"
    (tmp_path / "course").mkdir(exist_ok=True)
    shutil.copy(gradebook, tmp_path / "course" / "gradebook.db")
    with caplog.at_level(logging.INFO):
        collector(
            coursedir=CourseDirectory(config=config),
            authenticator=Authenticator(config=config),
            config=config,
        ).start()


def _collected(tmp_path: Path) -> str | None:
    answer = tmp_path / "course" / "submitted" / STUDENT / "ps1" / "answer.txt"
    return answer.read_text() if answer.exists() else None


@pytest.mark.parametrize(
    ("collector", "expected"), [(ExchangeCollect, "forged"), (OwnerCheckedCollect, "real")]
)
def test_a_later_forgery_wins_with_nbgrader_and_loses_with_ours(
    tmp_path, caplog, blank_gradebook, collector, expected
):
    inbound = tmp_path / "exchange" / "c" / "inbound"
    _submission(inbound, 10, "real", owner=STUDENT)
    _submission(inbound, 11, "forged", owner="root")  # another user, in the student's name
    _collect(tmp_path, collector, caplog, blank_gradebook)
    assert _collected(tmp_path) == expected
    if collector is OwnerCheckedCollect:
        assert f"claims to be {STUDENT}'s submission but belongs to root" in caplog.text


def test_a_student_with_only_a_forgery_has_nothing_collected(tmp_path, caplog, blank_gradebook):
    _submission(tmp_path / "exchange" / "c" / "inbound", 11, "forged", owner="root")
    _collect(tmp_path, OwnerCheckedCollect, caplog, blank_gradebook)
    assert _collected(tmp_path) is None
    assert "Not collecting" in caplog.text
