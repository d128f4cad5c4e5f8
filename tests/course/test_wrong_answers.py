"""Hidden checks pass the reference and catch plausible wrong answers.

Each lesson keeps its hand-written wrong answers in ``tests/course/wrong_answers/<id>.py``: a
list ``WRONG_ANSWERS`` of ``(exercise name, what is wrong, function)``. Every wrong answer must
fail at least one hidden check of its lesson while the other answers stay the reference's.
"""

import runpy
from pathlib import Path

import pytest

from worldlab.course.hidden_checks import hidden_blocks, run_hidden_checks
from worldlab.course.lessons import all_lessons
from worldlab.course.references import answer_names, load_reference

FOLDER = Path(__file__).parent / "wrong_answers"
LESSONS = all_lessons()


def references(lesson_id: str) -> dict:
    return {name: load_reference(lesson_id, name) for name in answer_names(lesson_id)}


def wrong_answers(lesson_id: str) -> list:
    path = FOLDER / f"{lesson_id}.py"
    return runpy.run_path(str(path))["WRONG_ANSWERS"] if path.is_file() else []


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_reference_answers_pass_every_hidden_check(lesson):
    results = run_hidden_checks(lesson.id, references(lesson.id))
    assert results, f"{lesson.id} has no hidden checks"
    failed = [r for r in results if not r.passed]
    assert not failed, f"{lesson.id}: the reference fails {failed}"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_each_exercise_has_wrong_answers_that_fail(lesson):
    cases = wrong_answers(lesson.id)
    names = set(answer_names(lesson.id))
    covered = {name for name, _, _ in cases}
    assert covered >= names, (
        f"tests/course/wrong_answers/{lesson.id}.py: no plausible wrong answer for "
        f"{sorted(names - covered)}"
    )
    base = references(lesson.id)
    blocks = hidden_blocks(lesson.id)  # parsed once; a wrong answer needs only its first failure
    for name, what, function in cases:
        assert name in names, f"{lesson.id}: {name} is not an exercise of this lesson"
        results = run_hidden_checks(
            lesson.id, {**base, name: function}, blocks=blocks, stop_at_first_failure=True
        )
        assert any(not r.passed for r in results), (
            f"{lesson.id}: the wrong {name} ({what}) passes every hidden check"
        )
