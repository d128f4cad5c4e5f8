"""Bad input to `worldlab build/check`: one clear line, non-zero exit, nothing half-written."""

from course_helpers import TINY_LESSON, make_course, run_worldlab


def _error_lines(result):
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


def test_missing_lesson_is_named(tmp_path):
    root = make_course(tmp_path, {"01-tiny": TINY_LESSON})
    result = run_worldlab(root, "build", "07-nope")
    assert result.returncode == 1
    assert _error_lines(result) == [
        "error: no lesson '07-nope': expected course/07-nope/07-nope.md (lessons: 01-tiny)"
    ]
    assert not (root / "notebooks").exists()


def test_malformed_marking_writes_nothing(tmp_path):
    broken = TINY_LESSON.replace(":points: 2\n", "")
    root = make_course(tmp_path, {"01-tiny": TINY_LESSON, "02-broken": broken})
    result = run_worldlab(root, "build", "--no-execute")
    assert result.returncode == 1
    (line,) = _error_lines(result)
    assert "course/02-broken/02-broken.md:" in line and "test 'double_hidden' has no points" in line
    assert not (root / "notebooks").exists() and not (root / "solutions").exists()
    assert not (root / "course" / "01-tiny" / "01-tiny.ipynb").exists()


def test_notebook_that_fails_to_execute_names_the_cell(tmp_path):
    failing = TINY_LESSON.replace(
        "# Lesson 00 — Tiny lesson",
        "# Lesson 00 — Tiny lesson\n\n```{code-cell} ipython3\n1 / 0\n```\n",
    )
    assert failing != TINY_LESSON, "the failing cell was not inserted"
    root = make_course(tmp_path, {"01-tiny": failing})
    result = run_worldlab(root, "build")
    assert result.returncode == 1
    (line,) = _error_lines(result)
    assert "01-tiny.md: cell 1" in line and "ZeroDivisionError" in line
    assert not (root / "notebooks").exists() and not (root / "solutions").exists()


def test_build_then_check_a_good_lesson(tmp_path):
    root = make_course(tmp_path, {"01-tiny": TINY_LESSON})
    assert run_worldlab(root, "build").returncode == 0
    for path in (
        "course/01-tiny/01-tiny.ipynb",
        "notebooks/01-tiny/01-tiny.ipynb",
        "solutions/01-tiny/01-tiny.ipynb",
    ):
        assert (root / path).is_file(), path
    first = {
        p: (root / p).read_bytes()
        for p in ("notebooks/01-tiny/01-tiny.ipynb", "solutions/01-tiny/01-tiny.ipynb")
    }
    assert run_worldlab(root, "build", "01").returncode == 0
    assert first == {p: (root / p).read_bytes() for p in first}, "a rebuild changed bytes"
    result = run_worldlab(root, "check", "01-tiny")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "01-tiny" in result.stdout and " ok" in result.stdout


def test_check_reports_a_failing_solution_and_a_passing_stub(tmp_path):
    wrong = TINY_LESSON.replace("return 2 * x", "return 2 * x + (x == 21)")
    loose = TINY_LESSON.replace('assert double(2) == 4, "double(2) should be 4"', "assert True")
    noisy = TINY_LESSON.replace(
        'assert double(2) == 4, "double(2) should be 4"',
        'import sys\nprint("careful", file=sys.stderr)\nassert double(2) == 4',
    )
    root = make_course(tmp_path, {"01-wrong": wrong, "02-loose": loose, "03-noisy": noisy})
    result = run_worldlab(root, "check")
    assert result.returncode == 1
    errors = _error_lines(result)
    assert any("01-wrong: cell 'double_hidden' fails with the solutions in" in e for e in errors)
    assert any(
        "02-loose: test 'double_visible' passes on the untouched student stub" in e for e in errors
    )
    assert any("03-noisy: cell 'double_visible' fails with the solutions in" in e for e in errors)
    assert "FAILED" in result.stdout
