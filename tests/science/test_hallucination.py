"""Lesson 04's headline effects over 10 seeds and five Zipf exponents (Kalai & Vempala, 2024):

* a smoothed model calibrated on held-out likelihood hallucinates at about the monofact rate,
  which goes from about 0.37 (everyone mentioned equally) to about 0.01 (exponent 2);
* the closure model never hallucinates but cannot say a third of the true held-out facts;
* a grounded agent that looks up what it never read hallucinates 0, at a cost of about the
  monofact rate in queries; with noisy text, more checking buys fewer errors (a trade-off).
"""

import numpy as np
import pytest

from worldlab.hallucination import (
    fact_counts,
    grounding_tradeoff,
    hallucination_experiment,
    hallucination_rate,
    rule_model,
    smoothed_model,
)
from worldlab.stats import run_over_seeds
from worldlab.worlds.facts import draw_statements, fit_affine_rule, make_population, zipf_weights

SEEDS = range(10)
EXPONENTS = [0.0, 0.5, 1.0, 1.5, 2.0]


@pytest.fixture(scope="module")
def results():
    return run_over_seeds(hallucination_experiment, SEEDS, zipf_exponent=EXPONENTS)


def test_calibrated_hallucination_tracks_the_monofact_rate(results):
    means = results.groupby("zipf_exponent")[["smoothed", "monofact_rate"]].mean()
    gap = (means["smoothed"] - means["monofact_rate"]).abs()
    assert (gap < 0.03).all(), f"mean |hallucination - monofact| per exponent: {gap.to_dict()}"
    # measured gaps ≤ 0.008; and run by run the two move together
    assert np.corrcoef(results["smoothed"], results["monofact_rate"])[0, 1] > 0.95
    assert means.loc[0.0, "smoothed"] > 0.3  # measured ≈ 0.38
    assert means.loc[2.0, "smoothed"] < 0.05  # measured ≈ 0.014


def test_closure_model_never_hallucinates_and_never_says_anything_new(results):
    assert (results["closure"] == 0).all()
    seen = results.groupby("zipf_exponent")["closure_heldout_seen"].mean()
    assert seen.loc[0.0] < 0.7  # measured ≈ 0.62: a third of the true facts it cannot say


def test_grounded_agent_pays_queries_instead_of_hallucinating(results):
    assert (results["grounded"] == 0).all()
    cost_gap = (
        (results["grounded_queries"] - results["monofact_rate"])
        .groupby(results["zipf_exponent"])
        .mean()
    )
    assert (cost_gap.abs() < 0.03).all()


def test_noisy_text_gives_a_tradeoff_curve():
    tables = [grounding_tradeoff(seed, zipf_exponent=1.0, noise=0.1) for seed in SEEDS]
    for table in tables:
        assert table["queries"].is_monotonic_increasing
        assert table["hallucination"].is_monotonic_decreasing
    never = np.mean([t.loc[t.threshold == -1, "hallucination"].item() for t in tables])
    unseen = np.mean([t.loc[t.threshold == 0, "hallucination"].item() for t in tables])
    once = [t.loc[t.threshold == 1].iloc[0] for t in tables]
    assert never > 0.25  # measured ≈ 0.30
    assert 0.03 < unseen < never / 2  # measured ≈ 0.08: what was read once can be wrong too
    assert np.mean([row.hallucination for row in once]) < 0.01  # measured ≈ 0.001
    assert np.mean([row.queries for row in once]) < 0.6  # measured ≈ 0.45, not every statement


def test_a_rule_lets_a_text_model_be_right_about_unseen_people():
    for seed in SEEDS:
        weights = zipf_weights(2000, 1.0)
        rng = np.random.default_rng(seed)
        for kind in ("rule", "arbitrary"):
            true_day = make_population(2000, seed, kind=kind)
            people, days = draw_statements(true_day, weights, 2000, rng)
            counts = fact_counts(people, days, 2000, 365)
            rule = fit_affine_rule(people, days)
            if kind == "arbitrary":
                assert rule is None
                continue
            assert hallucination_rate(rule_model(counts, rule, alpha=0.2), true_day) < 1e-9
            assert hallucination_rate(smoothed_model(counts, 0.2), true_day) > 0.15
