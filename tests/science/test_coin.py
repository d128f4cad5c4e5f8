"""Lesson 00's effect: counting beats copying on a biased coin, by (2q - 1)(1 - q) on average."""

import numpy as np

from worldlab.stats import paired_difference, run_over_seeds
from worldlab.worlds.coin import prediction_accuracy

SEEDS = range(20)


def test_counting_beats_copying_over_seeds():
    df = run_over_seeds(prediction_accuracy, SEEDS, learner=["copy", "count"], n_flips=[400])
    diff = paired_difference(df, by="learner", a="count", b="copy")
    # Expected gain: E[(2q-1)(1-q)] for q ~ U(0.5, 0.9) is about 0.09.
    assert diff["ci_low"] > 0.03, diff
    assert 0.05 < diff["mean"] < 0.14, diff


def test_the_gain_follows_theory_per_coin():
    """For a coin with chance of heads q, count ~ q and copy ~ q^2 + (1-q)^2."""
    rng_q = [np.random.default_rng(seed).uniform(0.5, 0.9) for seed in SEEDS]
    count = np.array([prediction_accuracy(seed, "count", 2000) for seed in SEEDS])
    copy = np.array([prediction_accuracy(seed, "copy", 2000) for seed in SEEDS])
    q = np.array(rng_q)
    assert np.abs(copy - (q**2 + (1 - q) ** 2)).mean() < 0.03
    assert np.abs(count - q).mean() < 0.04
