"""Lesson 14's hidden checks over 100 grading seeds, in-process.

The reference answers pass every check on every seed; the design task's wrong choices fail on
nearly every seed (each check draws its worlds from the grading seed).
"""

import runpy
from pathlib import Path

import numpy as np
import pytest

from worldlab.checking import LocalStudent, checks_run_by
from worldlab.course.hidden_checks import hidden_blocks
from worldlab.course.references import answer_names, load_reference

LESSON = "14-predicting-in-a-representation"
WRONG = runpy.run_path(str(Path(__file__).parent / "wrong_answers" / f"{LESSON}.py"))


def failures(namespace: dict, seeds: range, only: str | None = None) -> dict[str, int]:
    """How many seeds each check fails on, with ``namespace`` as the student's names."""
    failed: dict[str, int] = {}
    student = LocalStudent(namespace)

    def runner(check, stream):
        if only and only not in check.__name__:
            return
        failed.setdefault(check.__name__, 0)
        for seed in seeds:
            try:
                check(student, np.random.default_rng([seed, stream]))
            except Exception:  # a failed check, as the grader counts it
                failed[check.__name__] += 1

    for _, block in hidden_blocks(LESSON):
        with checks_run_by(runner):
            exec(compile(block, LESSON, "exec"), {"__name__": "hidden_checks"})
    return failed


@pytest.fixture(scope="module")
def reference() -> dict:
    return {name: load_reference(LESSON, name) for name in answer_names(LESSON)}


def test_the_reference_passes_every_check_on_100_grading_seeds(reference):
    failed = failures(reference, range(100))
    assert len(failed) == 3 and not any(failed.values()), failed


@pytest.mark.parametrize("wrong", ["weight_too_small", "weight_too_large"])
def test_bad_weights_fail_on_nearly_every_seed(reference, wrong):
    failed = failures({**reference, "anti_collapse_weight": WRONG[wrong]}, range(20), "weight")
    assert failed["check_anti_collapse_weight"] >= 19, failed
