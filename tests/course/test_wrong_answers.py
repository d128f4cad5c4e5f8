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
from worldlab.course.references import (
    answer_names,
    exercise_of_tests,
    load_reference,
    load_stubs,
)

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


def _students_names_called(block: str) -> set[str]:
    """The student's names a hidden block calls (``student.NAME``, ``student.ref("NAME")``)."""
    import ast

    names = set()
    for node in ast.walk(ast.parse(block)):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "student"
        ):
            names.add(node.attr)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "ref"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(node.args[0].value)
    return names


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_every_check_calls_only_its_own_exercise(lesson):
    """A mistake is charged once: a check calls the student's functions of one exercise only."""
    owner = exercise_of_tests(lesson.id)
    exercises = set(answer_names(lesson.id))
    for test_id, block in hidden_blocks(lesson.id):
        called = _students_names_called(block) & exercises
        assert called <= set(owner[test_id]), (
            f"{lesson.id} {test_id} judges {owner[test_id]} but calls the student's "
            f"{sorted(called - set(owner[test_id]))}: run the reference for the other steps "
            "(worldlab.course.references.load_reference)"
        )


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_no_check_takes_the_kernels_data_on_trust(lesson):
    """A kit runner in the student's kernel can be replaced: its data are a claim, replayed."""
    for test_id, block in hidden_blocks(lesson.id):
        assert "student.kit(" not in block, f"{lesson.id} {test_id}: student.kit is gone"
        if "student.claim(" in block:
            assert ".many(" in block or ".many_returning_arguments(" in block, (
                f"{lesson.id} {test_id} takes a claim but never asks the student's function "
                "again to confirm it"
            )


COMBINED = [
    (lesson, test_id, block)
    for lesson in LESSONS
    for test_id, block in hidden_blocks(lesson.id)
    if "load_reference(" in block
]


@pytest.mark.parametrize(
    "lesson, test_id, block", COMBINED, ids=[f"{c[0].id}-{c[1]}" for c in COMBINED]
)
def test_a_check_that_combines_steps_passes_when_the_other_exercises_are_wrong(
    lesson, test_id, block
):
    """Exercise B's check passes with B right and every other exercise A left as its stub."""
    owner = exercise_of_tests(lesson.id)[test_id]
    stubs = load_stubs(lesson.id)
    namespace = {**references(lesson.id), **{n: f for n, f in stubs.items() if n not in owner}}
    results = run_hidden_checks(lesson.id, namespace, blocks=[(test_id, block)])
    failed = [r for r in results if not r.passed]
    assert not failed, (
        f"{lesson.id} {test_id} fails because another exercise is unfinished: {failed}"
    )
