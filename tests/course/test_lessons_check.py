"""Every lesson passes `worldlab check`: solutions pass every test, stubs fail every test,
no cell raises or writes to stderr (nbgrader's validator, from a fresh kernel)."""

import pytest

from worldlab.course.check import check_lesson
from worldlab.course.lessons import all_lessons


@pytest.mark.parametrize("lesson", all_lessons(), ids=lambda lesson: lesson.id)
def test_lesson_checks(lesson):
    result = check_lesson(lesson)
    assert result.ok, "\n".join(result.problems)
    assert result.tests >= 6, f"{lesson.id}: expected at least 3 exercises with 2 test cells each"
