"""`worldlab check --seeds`: hidden checks give the right verdict on every grading seed.

The tiny course shows the command catching what it is for (a check that fails the reference on
some seeds, a wrong answer caught only on some); the real course runs on a small sample of seeds
sized to the suite's time budget (the full 100-seed run is recorded in the README).
"""

import pytest
from course_helpers import DOUBLE_EXERCISE, HEADER, make_course, tiny_lesson

from worldlab.cli import main
from worldlab.course.lessons import Lesson, all_lessons
from worldlab.course.seeds import format_report, grading_seeds, measure_lesson

#: Grading seeds the CI samples: not the default seed (test_wrong_answers.py runs that one), and
#: outside the README's 100-seed range. One seed keeps the course's run near two minutes: the
#: design tasks of 07, 08, 11 and 12 train agents on several worlds for every wrong answer.
CI_SEEDS = [7001]


def _lesson(assertion: str) -> str:
    return tiny_lesson(assertion)


def _notes(root, text: str) -> None:
    notes = root / "tests" / "course" / "wrong_answers"
    notes.mkdir(parents=True, exist_ok=True)
    (notes / "00-tiny.py").write_text(text, encoding="utf-8")


def test_a_fair_check_passes_the_reference_and_fails_stub_and_wrong_answers(tmp_path):
    root = make_course(tmp_path, {"00-tiny": _lesson("assert student.double(x) == 2 * x")})
    _notes(root, 'WRONG_ANSWERS = [("double", "adds two", lambda x: x + 2)]\n')
    report = measure_lesson(Lesson("00-tiny", root), grading_seeds(20))
    (check,) = report.checks
    assert check.seeds == 20 and not check.reference_failures and not check.stub_passes
    (wrong,) = report.wrong
    assert wrong.share == 1.0 and report.ok


def test_a_check_unfair_on_some_seeds_and_a_weak_one_are_reported(tmp_path, monkeypatch, capsys):
    # fails the reference whenever the drawn x is a multiple of 7: about 1 seed in 7
    unfair = "assert x % 7 and student.double(x) == 2 * x"
    root = make_course(tmp_path, {"00-tiny": _lesson(unfair)})
    # right below 40, so the check catches it only when it draws x >= 40 (about 1 seed in 5)
    _notes(
        root, 'WRONG_ANSWERS = [("double", "wrong from 40 on", lambda x: 2 * x if x < 40 else 0)]\n'
    )
    report = measure_lesson(Lesson("00-tiny", root), grading_seeds(30))
    (check,) = report.checks
    assert 0 < len(check.reference_failures) < 30, check
    (wrong,) = report.wrong
    assert 0 < wrong.share < 0.95 and wrong.escaped
    assert not report.ok
    text = format_report(report)
    assert "reference fails on seed" in text and "under 95%" in text
    monkeypatch.setenv("WORLDLAB_ROOT", str(root))
    assert main(["check", "--seeds", "30", "00"]) == 1
    assert "reference fails on seed" in capsys.readouterr().out


def test_a_wrong_answer_caught_only_by_another_exercise_counts_as_escaped(tmp_path):
    second = (
        DOUBLE_EXERCISE.replace("double", "triple")
        .replace("2 * x", "3 * x")
        .replace("double(2) == 4", "triple(2) == 6")
    )
    source = (
        HEADER
        + "\n# Tiny\n"
        + DOUBLE_EXERCISE
        + "\n```{code-cell} ipython3\n:test: double_hidden\n:points: 2\n\n# hidden\n"
        "### BEGIN HIDDEN TESTS\nfrom worldlab.checking import hidden_test\n\n\n"
        "@hidden_test(globals(), stream=1)\ndef check(student, rng):\n"
        "    assert student.double(1) is not None\n### END HIDDEN TESTS\n```\n"
        + second
        + "\n```{code-cell} ipython3\n:test: triple_hidden\n:points: 2\n\n# hidden\n"
        "### BEGIN HIDDEN TESTS\nfrom worldlab.checking import hidden_test\n\n\n"
        "@hidden_test(globals(), stream=2)\ndef check(student, rng):\n"
        "    x = int(rng.integers(3, 50))\n"
        "    assert student.triple(x) == 3 * x and student.double(x) == 2 * x\n"
        "### END HIDDEN TESTS\n```\n"
    )
    root = make_course(tmp_path, {"00-tiny": source})
    _notes(root, 'WRONG_ANSWERS = [("double", "adds two", lambda x: x + 2)]\n')
    report = measure_lesson(Lesson("00-tiny", root), grading_seeds(3))
    (wrong,) = report.wrong
    assert wrong.share == 0.0 and wrong.caught_elsewhere == [1, 2, 3]
    assert "caught only by another exercise's check" in format_report(report)


def test_bad_number_of_seeds_is_refused(tmp_path, monkeypatch, capsys):
    root = make_course(tmp_path, {"00-tiny": _lesson("assert student.double(x) == 2 * x")})
    monkeypatch.setenv("WORLDLAB_ROOT", str(root))
    assert main(["check", "--seeds", "0", "00"]) == 1
    assert "at least 1" in capsys.readouterr().err


@pytest.mark.parametrize("lesson", all_lessons(), ids=lambda lesson: lesson.id)
def test_every_hidden_check_is_fair_on_a_sample_of_grading_seeds(lesson):
    report = measure_lesson(lesson, CI_SEEDS)
    assert report.ok, format_report(report)
