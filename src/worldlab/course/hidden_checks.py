"""Run a lesson's hidden checks in this process, on any namespace of answers.

Used by ``worldlab check`` and the tests to judge the strength of hidden tests: the reference
answers must pass every check, and a plausible wrong answer must fail at least one. The checks
are read from the instructor notebook (the build's parser) and run with
:class:`worldlab.checking.LocalStudent`, exactly as plain nbgrader would run them in a kernel.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from worldlab.course.errors import CourseError
from worldlab.course.lessons import resolve
from worldlab.course.markings import BEGIN_HIDDEN, END_HIDDEN, instructor_notebook


@dataclass(frozen=True)
class CheckResult:
    """One check of one test cell: ``failure`` is None when it passed."""

    test_id: str
    check: str
    failure: str | None

    @property
    def passed(self) -> bool:
        return self.failure is None


def hidden_blocks(lesson_id: str, root: Path | None = None) -> list[tuple[str, str]]:
    """``(test cell id, hidden block source)`` for every hidden block of a lesson, in order."""
    (lesson,) = resolve([lesson_id], root)
    blocks = []
    for cell in instructor_notebook(lesson.source, lesson.id).cells:
        if BEGIN_HIDDEN not in cell.source:
            continue
        block = cell.source.split(BEGIN_HIDDEN, 1)[1].split(END_HIDDEN, 1)[0]
        blocks.append((cell.metadata["nbgrader"]["grade_id"], block))
    return blocks


def run_hidden_checks(
    lesson_id: str,
    namespace: Mapping[str, Any],
    root: Path | None = None,
    *,
    blocks: list[tuple[str, str]] | None = None,
    stop_at_first_failure: bool = False,
    seed: int | None = None,
) -> list[CheckResult]:
    """Run every hidden check of ``lesson_id`` against the functions in ``namespace``.

    ``blocks`` are the lesson's :func:`hidden_blocks` when the caller has them already; with
    ``stop_at_first_failure`` the checks after the first failure are not run (nor reported).
    ``seed`` stands for the grading seed (as ``worldlab grade`` derives one per submission): each
    check's ``rng`` is ``numpy.random.default_rng([seed, stream])``; None uses
    :func:`worldlab.testing.grading_rng`.
    """
    import numpy as np

    from worldlab.checking import LocalStudent, checks_run_by
    from worldlab.testing import grading_rng

    def rng_for(stream: int) -> np.random.Generator:
        return grading_rng(stream) if seed is None else np.random.default_rng([seed, stream])

    results: list[CheckResult] = []
    for test_id, block in hidden_blocks(lesson_id, root) if blocks is None else blocks:

        def runner(check, stream, test_id=test_id):
            if stop_at_first_failure and any(not r.passed for r in results):
                return
            try:
                check(LocalStudent(namespace), rng_for(stream))
            except Exception as exc:  # any exception fails a test, as in nbgrader
                results.append(CheckResult(test_id, check.__name__, f"{type(exc).__name__}: {exc}"))
            else:
                results.append(CheckResult(test_id, check.__name__, None))

        before = len(results)
        with checks_run_by(runner):
            try:
                exec(
                    compile(block, f"<{lesson_id} {test_id}>", "exec"),
                    {"__name__": "hidden_checks"},
                )
            except Exception as exc:  # a hidden block that is not made of @hidden_test checks
                raise CourseError(
                    f"{lesson_id}: the hidden block of {test_id} does not run as checks "
                    f"({type(exc).__name__}: {exc}); see course/README.md"
                ) from exc
        if stop_at_first_failure and any(not r.passed for r in results):
            break
        if len(results) == before:
            raise CourseError(
                f"{lesson_id}: the hidden block of {test_id} holds no @hidden_test check"
            )
    return results
