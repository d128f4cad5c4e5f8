"""Unit tests of the hallucination models and measurements."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from ipywidgets import FloatSlider

from worldlab.course.references import load_reference
from worldlab.language.hallucination import (
    backoff_table,
    calibrate_mixture,
    calibrate_smoothing,
    fact_counts,
    grounding_tradeoff,
    hallucination_demo,
    hallucination_experiment,
    hallucination_rate,
    heldout_log_likelihood,
    missing_mass,
    mixture_model,
    rule_model,
    smoothed_model,
)
from worldlab.widgets import build_demo

LESSON = "04-hallucination-and-grounding"
good_turing_missing_mass = load_reference(LESSON, "good_turing_missing_mass")
checked_generation = load_reference(LESSON, "checked_generation")
SMALL = {"n_people": 200, "n_statements": 200, "n_heldout": 100}


def test_fact_counts():
    counts = fact_counts(np.array([0, 0, 2]), np.array([1, 1, 0]), 3, 2)
    assert counts.tolist() == [[0, 2], [0, 0], [1, 0]]
    with pytest.raises(ValueError, match="people ids"):
        fact_counts(np.array([3]), np.array([0]), 3, 2)


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


def test_backoff_mixture_and_its_calibration():
    counts = np.array([[2, 0, 0], [0, 0, 0]])
    backoff = backoff_table(counts)
    assert np.isclose(backoff.sum(), 1) and np.allclose(backoff[0], 3 / 4 / 3)
    q = mixture_model(counts, 0.5, backoff)
    assert np.isclose(q.sum(), 1) and np.isclose(q[0, 0], 0.5 + 0.5 / 4)
    # held-out: 1 of 4 statements unseen, so the calibrated alpha is near 1/4
    alpha = calibrate_mixture(counts, backoff, np.array([0, 0, 0, 1]), np.array([0, 0, 0, 2]))
    assert 0.15 < alpha < 0.35
    prior = backoff_table(np.array([[2, 0, 0], [0, 2, 0]]), days="text")
    assert np.isclose(prior.sum(), 1) and prior[0, 0] > prior[0, 2]
    with pytest.raises(ValueError, match="days"):
        backoff_table(counts, days="monthly")
    with pytest.raises(ValueError, match="backoff"):
        mixture_model(counts, 0.5, np.ones((2, 3)))
    with pytest.raises(ValueError, match="alpha"):
        mixture_model(counts, 1.5, backoff)


def test_rule_model_is_right_about_everyone():
    counts = np.array([[1, 0, 0], [0, 0, 0], [0, 0, 0]])
    q = rule_model(counts, (1, 0), alpha=0.3)
    assert np.isclose(q.sum(), 1) and (np.count_nonzero(q, axis=1) == 1).all()
    assert hallucination_rate(q, np.array([0, 1, 2])) == pytest.approx(0.0)


def test_experiment_and_tradeoff_shapes():
    result = hallucination_experiment(
        0, 1.0, missing_mass_estimate=good_turing_missing_mass, **SMALL
    )
    assert result["closure"] == 0.0 and result["abstain"] == 0.0
    assert 0 < result["smoothed"] < 1 and 0 < result["backoff"] < 1
    assert np.isclose(result["smoothed"], result["alpha"] * 364 / 365)
    table = grounding_tradeoff(0, checked_generation=checked_generation, **SMALL)
    assert list(table.columns) == ["threshold", "queries", "hallucination"]
    assert table["queries"].is_monotonic_increasing
    assert table["hallucination"].is_monotonic_decreasing
    assert table["queries"].iloc[-1] == pytest.approx(1.0)


def test_experiments_need_and_check_their_steps():
    with pytest.raises(TypeError, match="missing_mass_estimate"):
        hallucination_experiment(0, 1.0, **SMALL)
    with pytest.raises(ValueError, match="probability"):
        hallucination_experiment(0, 1.0, missing_mass_estimate=lambda c: 2.0, **SMALL)
    with pytest.raises(ValueError, match="queries"):
        grounding_tradeoff(0, checked_generation=lambda *a: {"x": 1}, **SMALL)


def test_hallucination_demo_draws_one_figure(monkeypatch):
    monkeypatch.setattr(plt, "show", lambda: None)
    hallucination_demo(1.5, -2.0, missing_mass_estimate=good_turing_missing_mass)
    assert len(plt.get_fignums()) == 1
    assert all(ax.get_xlabel() and ax.get_ylabel() for ax in plt.gcf().axes)
    with pytest.raises(ValueError, match="log10_alpha"):
        hallucination_demo(log10_alpha=0.5, missing_mass_estimate=good_turing_missing_mass)


def test_alpha_demo_controls_reach_both_ends(monkeypatch):
    """Lesson 04's demo: only the Zipf exponent and log10 α, each drawable at both ends."""
    monkeypatch.setattr(plt, "show", lambda: None)

    def demo(zipf_exponent, log10_alpha):
        hallucination_demo(
            zipf_exponent, log10_alpha, missing_mass_estimate=good_turing_missing_mass
        )

    widget = build_demo(
        demo,
        zipf_exponent=FloatSlider(value=1.0, min=0.0, max=2.5, step=0.1, description="Zipf s"),
        log10_alpha=FloatSlider(value=-1.0, min=-4.0, max=-0.05, step=0.05, description="log10 α"),
    )
    controls = [c for c in widget.children if hasattr(c, "min")]
    assert [c.description for c in controls] == ["Zipf s", "log10 α"]
    for control in controls:
        for end in (control.min, control.max):
            plt.close("all")
            control.value = end
            assert len(plt.get_fignums()) == 1, f"{control.description} = {end}: no figure"
