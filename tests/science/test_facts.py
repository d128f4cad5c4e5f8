"""The facts world over 10 seeds: the Good–Turing estimate (the monofact rate of the text)
tracks the true missing mass (the chance that the next statement is a fact the text lacks), for
every Zipf exponent."""

import numpy as np

from worldlab.course.references import load_reference
from worldlab.language.hallucination import fact_counts, missing_mass
from worldlab.worlds.facts import draw_statements, make_population, zipf_weights

SEEDS = range(10)
good_turing_missing_mass = load_reference(
    "04-hallucination-and-grounding", "good_turing_missing_mass"
)


def test_good_turing_tracks_the_true_missing_mass():
    for exponent in (0.0, 1.0, 2.0):
        weights = zipf_weights(2000, exponent)
        estimates, truths = [], []
        for seed in SEEDS:
            true_day = make_population(2000, seed)
            people, days = draw_statements(true_day, weights, 2000, seed)
            counts = fact_counts(people, days, 2000, 365)
            estimates.append(good_turing_missing_mass(counts))
            truths.append(missing_mass(weights, true_day, counts))
        assert abs(np.mean(estimates) - np.mean(truths)) < 0.02, exponent


def test_more_text_leaves_less_missing_mass():
    weights = zipf_weights(2000, 1.0)
    short, long = [], []
    for seed in SEEDS:
        true_day = make_population(2000, seed)
        for size, store in ((1000, short), (8000, long)):
            people, days = draw_statements(true_day, weights, size, seed)
            store.append(missing_mass(weights, true_day, fact_counts(people, days, 2000, 365)))
    assert np.mean(short) - np.mean(long) > 0.1
