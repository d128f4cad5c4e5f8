"""The course map is read from the lessons' headers."""

import shutil

import pytest
from course_helpers import HEADER, make_course

from worldlab.course.catalog import claim_ids, course_map, lesson_header
from worldlab.course.errors import CourseError
from worldlab.course.lessons import Lesson


def test_claim_ranges_are_expanded_in_order():
    assert claim_ids("C09–C11 against C04 and C09") == ("C09", "C10", "C11", "C04")


def test_header_fields_are_read_and_a_missing_title_is_an_error(tmp_path):
    lesson = (
        HEADER + "\n# Lesson 05 — Learning from surprise\n\n**Debate claims:** C06 and C21.\n"
        "**Prerequisites:** lesson 00 (paired comparisons).\n**Estimated time:** 55 minutes.\n"
    )
    root = make_course(tmp_path, {"05-surprise": lesson, "06-bad": HEADER + "\nno title\n"})
    header = lesson_header(Lesson("05-surprise", root))
    assert header.claims == ("C06", "C21") and header.minutes == 55
    assert header.prerequisites == "lesson 00 (paired comparisons)."
    with pytest.raises(CourseError, match="needs a title"):
        lesson_header(Lesson("06-bad", root))
    shutil.rmtree(root / "course" / "06-bad")
    assert "| C21 | 05 |" in course_map(root)
