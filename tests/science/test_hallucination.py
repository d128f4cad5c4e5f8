"""Lesson 04's headline effects over 10 seeds and five Zipf exponents (after Kalai & Vempala,
2024). What is an identity is tested as one; the rest could have failed:

* identities: a smoothed model's hallucination is exactly α · 364/365 with noise-free text, and
  the calibrated α is about the fraction of held-out statements the text never contained;
* the empirical step (Good–Turing): the monofact rate tracks that fraction, per run, within one
  Zipf exponent (paired differences with 95% intervals);
* the bound tested on several families: three calibrated families sit on the monofact rate; an
  abstaining model (not calibrated) and a rule learner (facts not arbitrary) go below it;
* a grounded agent pays queries instead of hallucinating; with noisy text, a trade-off.

The exercises' steps are lesson 04's reference answers, loaded from the lesson source.
"""

import numpy as np
import pytest

from worldlab.course.references import load_reference
from worldlab.language.hallucination import (
    fact_counts,
    grounding_tradeoff,
    hallucination_experiment,
    hallucination_rate,
    rule_model,
    smoothed_model,
)
from worldlab.stats import mean_ci, run_over_seeds
from worldlab.worlds.facts import draw_statements, fit_affine_rule, make_population, zipf_weights

LESSON = "04-hallucination-and-grounding"
SEEDS = range(10)
EXPONENTS = [0.0, 0.5, 1.0, 1.5, 2.0]


@pytest.fixture(scope="module")
def results():
    estimate = load_reference(LESSON, "good_turing_missing_mass")
    return run_over_seeds(
        hallucination_experiment, SEEDS, zipf_exponent=EXPONENTS, missing_mass_estimate=[estimate]
    )


def gap_intervals(results, column):
    return mean_ci(
        results.assign(gap=results[column] - results["monofact_rate"]), "zipf_exponent", "gap"
    )


def test_identities_hold_on_every_run(results):
    """A derivation, not a finding: these cannot fail while the models are defined as they are."""
    assert np.allclose(results["smoothed"], results["alpha"] * 364 / 365)
    assert np.allclose(results["backoff"], results["alpha_backoff"] * 364 / 365)
    assert (np.abs(results["alpha"] - results["heldout_unseen"]) < 0.01).all()


def test_good_turing_tracks_the_heldout_unseen_fraction_per_run(results):
    """Could have failed: Good–Turing is a statement about samples. Measured: every paired
    interval of (held-out unseen − monofact) includes 0, and is narrower than ±0.02."""
    intervals = gap_intervals(results, "heldout_unseen")
    assert ((intervals["ci_low"] < 0.01) & (intervals["ci_high"] > -0.01)).all(), intervals
    assert ((intervals["ci_high"] - intervals["ci_low"]) < 0.04).all(), intervals
    truth = gap_intervals(results, "missing_mass")
    assert (truth["mean"].abs() < 0.015).all(), truth


@pytest.mark.parametrize("family", ["smoothed", "backoff", "day_prior"])
def test_calibrated_families_sit_on_the_monofact_rate(results, family):
    """Could have failed: a family might have been calibrated to a different unseen mass.
    Measured: the mean gap's 95% interval within [-0.02, 0.03] at every exponent (single runs
    stray further: see the next test); the monofact rate itself goes from about 0.37 (s = 0) to
    about 0.014 (s = 2)."""
    intervals = gap_intervals(results, family)
    assert (intervals["ci_low"] > -0.02).all() and (intervals["ci_high"] < 0.03).all(), intervals
    means = results.groupby("zipf_exponent")[family].mean()
    assert means.loc[0.0] > 0.3 and means.loc[2.0] < 0.05


def test_single_runs_stray_further_from_the_monofact_rate_than_their_mean(results):
    """Issue 24: "each run within ±0.02" was not true (0.074 on 100 fresh runs). The lesson
    prints the largest per-run gap; here, over 10 seeds x 5 exponents x 3 families, single runs
    miss by more than the interval of the mean at s = 0 but by less than a tenth."""
    gaps = np.abs(
        results[["smoothed", "backoff", "day_prior"]].sub(results["monofact_rate"], axis=0)
    )
    widest = gap_intervals(results, "smoothed")
    half_width = ((widest["ci_high"] - widest["ci_low"]) / 2).max()
    assert half_width < gaps.to_numpy().max() < 0.1, (half_width, gaps.to_numpy().max())


def test_an_abstaining_model_goes_below_the_bound_by_not_being_calibrated(results):
    """The other camp's setting: a model allowed to say "I don't know" hallucinates 0, and pays
    by abstaining about as often as the monofact rate."""
    assert (results["abstain"] == 0).all()
    intervals = gap_intervals(results, "abstain")
    assert (intervals.loc[[0.0, 0.5, 1.0], "ci_high"] < -0.15).all(), intervals
    assert (np.abs(results["abstain_rate"] - results["alpha"]) < 0.002).all()


def test_closure_model_never_hallucinates_and_never_says_anything_new(results):
    assert (results["closure"] == 0).all()
    seen = results.groupby("zipf_exponent")["closure_heldout_seen"].mean()
    assert seen.loc[0.0] < 0.7  # measured ≈ 0.62: a third of the true facts it cannot say


def test_grounded_agent_pays_queries_instead_of_hallucinating(results):
    checked = load_reference(LESSON, "checked_generation")
    for seed in SEEDS:
        table = grounding_tradeoff(seed, 1.0, noise=0.0, checked_generation=checked)
        unseen = table[table.threshold == 0].iloc[0]
        assert unseen["hallucination"] == 0.0
        row = results[(results.seed == seed) & (results.zipf_exponent == 1.0)].iloc[0]
        assert abs(unseen["queries"] - row["monofact_rate"]) < 0.04


def test_noisy_text_gives_a_tradeoff_curve():
    """Could have failed: reading a statement once might have made it safe. Measured: checking
    only the unseen leaves about 0.08 false; checking the once-read too, about 0.001."""
    checked = load_reference(LESSON, "checked_generation")
    tables = [
        grounding_tradeoff(seed, zipf_exponent=1.0, noise=0.1, checked_generation=checked)
        for seed in SEEDS
    ]
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
    """The bound's other assumption dropped: with rule-governed facts a text-only learner
    hallucinates 0, far below the monofact rate of the same text."""
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
