"""Unit tests of the hallucination models and measurements."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from worldlab.hallucination import (
    calibrate_smoothing,
    fact_counts,
    good_turing_missing_mass,
    grounded_generation,
    grounding_tradeoff,
    hallucination_demo,
    hallucination_experiment,
    hallucination_rate,
    heldout_log_likelihood,
    missing_mass,
    rule_model,
    smoothed_model,
)


def test_fact_counts():
    counts = fact_counts(np.array([0, 0, 2]), np.array([1, 1, 0]), 3, 2)
    assert counts.tolist() == [[0, 2], [0, 0], [1, 0]]
    with pytest.raises(ValueError, match="people ids"):
        fact_counts(np.array([3]), np.array([0]), 3, 2)


def test_good_turing_missing_mass():
    assert good_turing_missing_mass(np.array([1, 1, 2, 0, 5])) == pytest.approx(2 / 9)
    assert good_turing_missing_mass(np.array([[1, 0], [0, 3]])) == pytest.approx(1 / 4)
    with pytest.raises(ValueError, match="all zero"):
        good_turing_missing_mass(np.zeros(3, dtype=int))
    with pytest.raises(ValueError, match="non-negative integers"):
        good_turing_missing_mass(np.array([1.5, 2]))


def test_missing_mass():
    counts = np.array([[0, 2], [1, 0], [0, 0]])
    true_day = np.array([1, 1, 0])
    weights = np.array([0.5, 0.3, 0.2])
    # person 1's true fact (day 1) was never read (it read a wrong day 0); person 2 never read
    assert missing_mass(weights, true_day, counts) == pytest.approx(0.5)


def test_smoothed_model_and_hallucination_rate():
    counts = np.array([[2, 0], [0, 2]])
    true_day = np.array([0, 1])
    closure = smoothed_model(counts, 0.0)
    assert hallucination_rate(closure, true_day) == 0.0
    q = smoothed_model(counts, 0.4)
    assert np.isclose(q.sum(), 1)
    assert hallucination_rate(q, true_day) == pytest.approx(0.4 * 2 / 4)
    with pytest.raises(ValueError, match="sum to 1"):
        hallucination_rate(np.ones((2, 2)), true_day)
    with pytest.raises(ValueError, match="true_day"):
        hallucination_rate(q, np.array([0, 1, 1]))
    with pytest.raises(ValueError, match="alpha"):
        smoothed_model(counts, 1.5)


def test_calibration_finds_the_unseen_share():
    counts = np.zeros((10, 10), dtype=int)
    counts[np.arange(5), 0] = 10
    # held-out: 3 of 10 statements fall on unseen cells
    people = np.array([0, 1, 2, 3, 4, 0, 1, 7, 8, 9])
    days = np.array([0, 0, 0, 0, 0, 0, 0, 3, 3, 3])
    alpha = calibrate_smoothing(counts, people, days)
    # d/dα [7 log((1-α)·0.2 + α·0.01) + 3 log(α·0.01)] = 0  gives  α = 0.6 / 1.9 ≈ 0.3
    assert alpha == pytest.approx(0.6 / 1.9, abs=1e-4)
    assert heldout_log_likelihood(smoothed_model(counts, 0.0), people, days) == float("-inf")


def test_grounded_generation_thresholds():
    counts = np.array([[3, 1], [0, 0]])
    true_day = np.array([0, 0])
    q = smoothed_model(counts, 0.4)
    never = grounded_generation(q, counts, true_day, -1)
    assert never["queries"] == 0.0
    assert never["hallucination"] == pytest.approx(hallucination_rate(q, true_day))
    unseen = grounded_generation(q, counts, true_day, 0)
    assert unseen["queries"] == pytest.approx(0.2)
    assert unseen["hallucination"] == pytest.approx(q[0, 1])  # read once, wrong, not checked
    assert grounded_generation(q, counts, true_day, 99) == pytest.approx(
        {"hallucination": 0.0, "queries": 1.0}
    )


def test_rule_model_is_right_about_everyone():
    counts = np.array([[1, 0, 0], [0, 0, 0], [0, 0, 0]])
    q = rule_model(counts, (1, 0), alpha=0.3)
    assert np.isclose(q.sum(), 1) and (np.count_nonzero(q, axis=1) == 1).all()
    assert hallucination_rate(q, np.array([0, 1, 2])) == pytest.approx(0.0)


def test_experiment_and_tradeoff_shapes():
    result = hallucination_experiment(0, 1.0, n_people=200, n_statements=200, n_heldout=100)
    assert result["closure"] == 0.0 and result["grounded"] == 0.0
    assert 0 < result["smoothed"] < 1
    table = grounding_tradeoff(0, n_people=200, n_statements=200, n_heldout=100)
    assert list(table.columns) == ["threshold", "hallucination", "queries"]
    assert table["queries"].is_monotonic_increasing
    assert table["hallucination"].is_monotonic_decreasing
    assert table["queries"].iloc[-1] == pytest.approx(1.0)


def test_hallucination_demo_draws_one_figure():
    hallucination_demo(zipf_exponent=1.5, log10_alpha=-2.0)
    assert len(plt.get_fignums()) == 1
    assert all(ax.get_xlabel() and ax.get_ylabel() for ax in plt.gcf().axes)
    with pytest.raises(ValueError, match="log10_alpha"):
        hallucination_demo(log10_alpha=0.5)
