"""The course's nbgrader options under `worldlab grade`, the files a graded notebook wrote, and
the AUTOTEST cells taken from the gradebook (no kernel runs here)."""

import os

import pytest
from nbformat.v4 import new_code_cell, new_notebook
from traitlets.config import Config

from worldlab.course.errors import CourseError
from worldlab.course.nbgrader_setup import exclude_overwriting
from worldlab.grading.course_options import execute_timeout, refuse_unsupported_options
from worldlab.grading.generated import autotest_markers, with_generated_tests
from worldlab.grading.side_files import open_folder, written_files


def test_the_cell_limit_is_nbgraders_execute_timeout():
    assert execute_timeout(Config(), 600) == 30  # nbgrader's default
    config = Config()
    config.Execute.timeout = 2
    assert execute_timeout(config, 600) == 2
    config.Execute.timeout = None
    assert execute_timeout(config, 600) == 600


def test_options_that_would_change_scores_are_refused_with_their_name():
    config = Config()
    config.Execute.timeout = 5
    config.Execute.interrupt_on_timeout = True  # nbgrader's default: fine
    config.Autograde.exclude_overwriting = {"ps1": ["helper.py"]}
    refuse_unsupported_options(config)
    config.Execute.allow_errors = False
    config.Autograde.create_student = False
    with pytest.raises(CourseError, match="c.Execute.allow_errors = False") as error:
        refuse_unsupported_options(config)
    assert "c.Autograde.create_student = False" in str(error.value)


def test_exclude_overwriting_is_read_and_checked():
    config = Config()
    assert exclude_overwriting(config) == {}
    config.Autograde.exclude_overwriting = {"ps1": ["helper.py"]}
    assert exclude_overwriting(config) == {"ps1": ["helper.py"]}
    config.Autograde.exclude_overwriting = ["helper.py"]
    with pytest.raises(CourseError, match="must be a dict"):
        exclude_overwriting(config)


def test_a_notebook_without_autotest_lines_needs_no_gradebook():
    nb = new_notebook(
        cells=[new_code_cell("assert True", metadata={"nbgrader": {"grade_id": "t"}})]
    )
    markers = autotest_markers(Config())
    assert "AUTOTEST" in markers[0] and "HASHED" in markers[1]
    assert with_generated_tests(nb, "p1", "ps1", "sqlite:///nowhere.db", "c", markers) is nb


def test_written_files_are_new_or_changed_regular_files_never_links(tmp_path):
    staged, work = tmp_path / "staged", tmp_path / "work"
    staged.mkdir()
    (staged / "data.csv").write_text("same")
    (staged / "changed.txt").write_text("before")
    work.mkdir()
    (work / "data.csv").write_text("same")
    (work / "changed.txt").write_text("after")
    (work / "sub").mkdir()
    (work / "sub" / "side-effect.txt").write_text("a side effect")
    (work / "p1.ipynb").write_text("{}")
    secret = tmp_path / "secret.txt"
    secret.write_text("the grader's file")
    os.symlink(secret, work / "link.txt")
    os.symlink(tmp_path, work / "linked-folder")
    (work / "big.bin").write_bytes(b"x" * 100)
    folder = open_folder(str(work))
    try:
        files, skipped = written_files(folder, staged, limit=50, skip=frozenset({"p1.ipynb"}))
    finally:
        os.close(folder)
    assert files == {"changed.txt": b"after", "sub/side-effect.txt": b"a side effect"}
    assert "link.txt" in skipped and "big.bin" in skipped
    assert b"the grader's file" not in b"".join(files.values())


def test_open_folder_refuses_a_link_on_the_way(tmp_path):
    (tmp_path / "real").mkdir()
    os.symlink(tmp_path / "real", tmp_path / "link")
    with pytest.raises(OSError):
        open_folder(str(tmp_path / "link"))


def test_opening_a_file_the_assignment_ships_is_not_a_signal():
    from worldlab.grading.shipped_files import READS_FILES, drop_shipped_reads
    from worldlab.grading.tamper import TamperSignal

    shipped = frozenset({"données brutes.txt", "data/values.csv"})

    def kept(line: str) -> list[str]:
        return [
            s.reason for s in drop_shipped_reads([TamperSignal("c", 1, line, READS_FILES)], shipped)
        ]

    assert kept("with open('données brutes.txt', encoding='utf-8') as handle:") == []
    assert kept("rows = open('./data/values.csv').read()  # the data") == []
    assert kept("open('p1.ipynb').read()") == [READS_FILES]  # not shipped
    assert kept("open(name)") == [READS_FILES]  # not a literal: cannot tell
    assert kept("open('données brutes.txt'); open('/etc/passwd')") == [READS_FILES]
    assert kept("open('données brutes.txt'); exec(code)") == ["runs code dynamically"]
    # A '#' inside a string is not a comment: what follows it on the line is still read.
    assert kept("open('données brutes.txt'); _ = '#'; exec(code)") == ["runs code dynamically"]
    assert kept("open('données brutes.txt')  # exec(code) in a comment") == []
