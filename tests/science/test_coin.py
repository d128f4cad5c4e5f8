"""Lesson 00's cartoon can come out either way: the learner whose assumption fits the source wins.

Both results are derived in the lesson; these tests check that the measurement (10+ seeds, paired
interval) finds them, in both directions, and finds nothing where the derivation says 0.
"""

import numpy as np
import pytest

from worldlab.stats import paired_difference, run_over_seeds
from worldlab.worlds.coin import prediction_accuracy, source_parameter

SEEDS = range(20)


def _difference(source, parameter=None, n_flips=400):
    df = run_over_seeds(
        prediction_accuracy,
        SEEDS,
        learner=["count", "repeat"],
        source=[source],
        n_flips=[n_flips],
        parameter=[parameter],
    )
    return paired_difference(df, by="learner", a="count", b="repeat")


def test_count_beats_repeat_on_a_biased_coin():
    """Could fail if counting did not pay on independent flips: E[(2q-1)(1-q)] ~ 0.09."""
    diff = _difference("biased")
    assert diff["ci_low"] > 0.03, diff
    assert 0.05 < diff["mean"] < 0.14, diff


def test_repeat_beats_count_on_a_sticky_source():
    """The other camp's setting: could fail if the toy could only favour counting."""
    diff = _difference("sticky")
    assert diff["ci_high"] < -0.05, diff
    assert -0.3 < diff["mean"] < -0.1, diff  # about E[0.5 - s] = -0.2, count a little above 0.5


@pytest.mark.parametrize("source", ["biased", "sticky"])
def test_a_fair_source_shows_no_difference(source):
    """At parameter 0.5 both sources are a fair coin and every predictor is right half the time.

    The true difference is exactly 0, so a 95% interval misses 0 on 1 run in 20 by design; the
    test bounds the mean instead (about 3 standard errors at 20 seeds of 400 flips).
    """
    diff = _difference(source, parameter=0.5)
    assert abs(diff["mean"]) < 0.035, diff


def test_the_gain_follows_the_derivation_per_coin():
    """For a coin with chance of heads q, count ~ q and repeat ~ q^2 + (1-q)^2."""
    q = np.array([source_parameter(seed) for seed in SEEDS])
    count = np.array([prediction_accuracy(seed, "count", n_flips=2000) for seed in SEEDS])
    repeat = np.array([prediction_accuracy(seed, "repeat", n_flips=2000) for seed in SEEDS])
    assert np.abs(repeat - (q**2 + (1 - q) ** 2)).mean() < 0.03
    assert np.abs(count - q).mean() < 0.04
    s = q  # the sticky source draws its repeat probability the same way
    sticky = np.array([prediction_accuracy(seed, "repeat", "sticky", 2000) for seed in SEEDS])
    assert np.abs(sticky - s).mean() < 0.03
