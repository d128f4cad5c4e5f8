"""The design tasks' visible tests of lessons 07 and 14 fail the commonest mistakes, and say which.

Both tests were rewritten to make at most 64 calls of the student's functions (so the grader can
judge them on the trusted side): 07's no longer trains a policy with the student's schedule, and
14's trains one world for 30 steps instead of three for 100. Each must still fail the mistakes the
lesson's notes list, with a message that names the mistake; the hidden checks judge the rest.
"""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import pytest

from worldlab.course.lessons import all_lessons
from worldlab.course.markings import instructor_notebook
from worldlab.course.references import load_reference
from worldlab.grading.visible_checks import visible_tests

NOTES = Path(__file__).parent / "wrong_answers"


def _run_visible(lesson_id: str, grade_id: str, answers: dict[str, Any]) -> None:
    lesson = next(lesson for lesson in all_lessons() if lesson.id == lesson_id)
    test = visible_tests(instructor_notebook(lesson.source, lesson.id))[grade_id]
    namespace: dict[str, Any] = {"__name__": "visible_test", "print": lambda *a, **k: None}
    exec(compile(test.imports, "<imports>", "exec"), namespace)
    for name in test.student_names:
        namespace[name] = answers.get(name) or load_reference(lesson_id, name)
    exec(compile(test.code, f"<visible test {grade_id}>", "exec"), namespace)


def _wrong(lesson_id: str, name: str):
    return runpy.run_path(str(NOTES / f"{lesson_id}.py"))[name]


@pytest.mark.parametrize(
    ("lesson_id", "grade_id", "exercise", "wrong", "message"),
    [
        (
            "07-rl-on-pretraining",
            "design_curriculum_visible",
            "design_curriculum",
            "no_curriculum",
            "too long",
        ),
        (
            "07-rl-on-pretraining",
            "design_curriculum_visible",
            "design_curriculum",
            "curriculum_reversed",
            "too long",
        ),
        (
            "07-rl-on-pretraining",
            "design_curriculum_visible",
            "design_curriculum",
            "float_curriculum",
            "integers",
        ),
        (
            "14-predicting-in-a-representation",
            "anti_collapse_weight_visible",
            "anti_collapse_weight",
            "weight_too_small",
            "too weak",
        ),
        (
            "14-predicting-in-a-representation",
            "anti_collapse_weight_visible",
            "anti_collapse_weight",
            "weight_too_large",
            "so strong",
        ),
        (
            "14-predicting-in-a-representation",
            "anti_collapse_weight_visible",
            "anti_collapse_weight",
            "weight_zero",
            "positive",
        ),
    ],
)
def test_the_visible_test_fails_the_mistake_and_names_it(
    lesson_id, grade_id, exercise, wrong, message
):
    with pytest.raises(AssertionError, match=message):
        _run_visible(lesson_id, grade_id, {exercise: _wrong(lesson_id, wrong)})


@pytest.mark.parametrize(
    ("lesson_id", "grade_id"),
    [
        ("07-rl-on-pretraining", "design_curriculum_visible"),
        ("14-predicting-in-a-representation", "anti_collapse_weight_visible"),
    ],
)
def test_the_reference_passes(lesson_id, grade_id):
    _run_visible(lesson_id, grade_id, {})
