"""Helpers for the tests inside lessons: clear failure messages and the grader's secret seed.

Hidden tests draw their inputs from :func:`grading_rng`. At grading time the instructor sets
``WORLDLAB_GRADING_SEED`` to a secret number, so a student who has read the published hidden tests
still cannot hard-code their answers; without it the tests use a fixed default and still run.
"""

from __future__ import annotations

import os

import numpy as np

GRADING_SEED_ENV = "WORLDLAB_GRADING_SEED"
DEFAULT_GRADING_SEED = 20261125


def grading_seed() -> int:
    """The instructor's secret seed, or a fixed default when none is set."""
    raw = os.environ.get(GRADING_SEED_ENV, "").strip()
    if not raw:
        return DEFAULT_GRADING_SEED
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{GRADING_SEED_ENV} must be an integer, got {raw!r}") from None


def grading_rng(stream: int = 0) -> np.random.Generator:
    """A random generator seeded by the grading seed; ``stream`` separates independent uses."""
    return np.random.default_rng([grading_seed(), stream])


def assert_close(actual, expected, what: str, atol: float = 1e-8, rtol: float = 1e-6) -> None:
    """Assert two numbers (or arrays) agree, with a message that says what differed."""
    actual_array = np.asarray(actual, dtype=float)
    expected_array = np.asarray(expected, dtype=float)
    if actual_array.shape != expected_array.shape:
        raise AssertionError(
            f"{what}: expected shape {expected_array.shape}, got {actual_array.shape}"
        )
    if not np.allclose(actual_array, expected_array, atol=atol, rtol=rtol, equal_nan=True):
        raise AssertionError(f"{what}: expected {expected!r}, got {actual!r}")
