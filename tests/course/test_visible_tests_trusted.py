"""Every visible test of a course lesson can be judged again on the grader's trusted side.

Under ``worldlab grade`` a visible test runs in the student's kernel and again in the grader
(:mod:`worldlab.grading.visible_checks`), where kernel tricks gain nothing. The grader can do so
only for a test that reads nothing but its own names, the lesson's imports and the student's
functions, and that calls those functions at most :data:`MAX_CALLS` times (each call is a round
trip to the kernel). This test holds every lesson to that, and runs each test the way the grader
does (:func:`~worldlab.grading.visible_checks.run_visible_test`, every call crossing the channel as
data) with the lesson's reference answers in place of the student's: the reference must pass its
own visible test in that form too.

Tests not yet rewritten are listed in :data:`PENDING` by lesson, exactly: the test fails when one
is fixed (take it off) as well as when a new one appears, so the list only shrinks.
"""

from __future__ import annotations

from functools import cache

import pytest

from worldlab.checking import LocalStudent
from worldlab.course.lessons import all_lessons
from worldlab.course.markings import instructor_notebook
from worldlab.course.references import load_reference
from worldlab.grading.remote_checks import split_hidden
from worldlab.grading.visible_checks import (
    MAX_CALLS,
    Undecided,
    VisibleTest,
    run_visible_test,
    visible_tests,
)

LESSONS = all_lessons()

#: Visible tests that still share the kernel, by lesson: the grade ids, and why.
PENDING: dict[str, dict[str, str]] = {}


def _visible_grade_ids(notebook) -> list[str]:
    ids = []
    for cell in notebook.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {}) or {}
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            if split_hidden(cell.source) is None and cell.source.strip():
                ids.append(meta["grade_id"])
    return ids


@cache
def _tests(lesson_id: str) -> tuple[list[str], dict[str, VisibleTest]]:
    lesson = next(lesson for lesson in LESSONS if lesson.id == lesson_id)
    notebook = instructor_notebook(lesson.source, lesson.id)
    return _visible_grade_ids(notebook), visible_tests(notebook)


def _run_with_references(lesson_id: str, test: VisibleTest):
    """Run ``test`` as the grader does — :func:`run_visible_test`, each call crossing the channel
    as data — with the lesson's references standing in for the student: its failure, or None.

    Raises :class:`Undecided` when the grader could not judge it (more than :data:`MAX_CALLS`
    calls, an argument that cannot cross).
    """
    references = {name: load_reference(lesson_id, name) for name in test.student_names}
    return run_visible_test(test, LocalStudent(references))


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_every_visible_test_reads_only_its_own_names(lesson):
    all_ids, judgeable = _tests(lesson.id)
    assert all_ids, f"{lesson.id} has no visible test"
    shared = {gid for gid in all_ids if gid not in judgeable}
    pending = {
        gid for gid, why in PENDING.get(lesson.id, {}).items() if why == "names of other cells"
    }
    assert shared == pending, (
        f"{lesson.id}: visible tests that read names other cells compute (a maze, a data set) "
        f"cannot be judged on the trusted side; build what the test needs in the test itself "
        f"(from the lesson's imports). Now shared: {sorted(shared)}; PENDING lists "
        f"{sorted(pending)} (take fixed ones off the list)."
    )


def _judgeable_cases():
    for lesson in LESSONS:
        _, judgeable = _tests(lesson.id)
        for grade_id in judgeable:
            yield pytest.param(lesson.id, grade_id, id=f"{lesson.id}:{grade_id}")


@pytest.mark.parametrize(("lesson_id", "grade_id"), list(_judgeable_cases()))
def test_the_reference_passes_its_visible_test_within_the_call_budget(lesson_id, grade_id):
    test = _tests(lesson_id)[1][grade_id]
    too_many = PENDING.get(lesson_id, {}).get(grade_id) == "too many calls"
    if too_many:
        with pytest.raises(Undecided, match=f"more than {MAX_CALLS} calls"):
            _run_with_references(lesson_id, test)
        return
    try:
        failure = _run_with_references(lesson_id, test)
    except Undecided as undecided:
        pytest.fail(
            f"the grader cannot judge {grade_id} on the trusted side ({undecided}); it judges a "
            f"visible test there only up to {MAX_CALLS} calls (one round trip each) whose "
            f"arguments cross as data: test on fewer cases, and leave the large runs to the "
            f"hidden checks"
        )
    assert failure is None, f"the reference fails {grade_id} when the grader runs it: {failure}"
