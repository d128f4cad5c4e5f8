"""The estimator is unbiased; the obvious plug-in estimate is not (10 seeds of many problems)."""

import numpy as np

from worldlab.course.references import load_reference
from worldlab.rlvr.pass_at_k import pass_at_k_curve, pass_at_k_from_probabilities

pass_at_k = load_reference("07-rl-on-pretraining", "pass_at_k")

SEEDS = range(10)


def test_unbiased_where_the_plug_in_is_biased():
    n, ks = 32, [1, 4, 16]
    unbiased_errors, plug_in_errors = [], []
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        p = rng.beta(0.3, 3.0, size=4000)  # many hard problems, as in the lesson
        counts = rng.binomial(n, p)
        truth = pass_at_k_from_probabilities(p, ks)
        unbiased_errors.append(pass_at_k_curve(n, counts, ks, pass_at_k) - truth)
        plug_in = np.mean(1 - (1 - counts[:, None] / n) ** np.array(ks), axis=0)
        plug_in_errors.append(plug_in - truth)
    unbiased = np.mean(unbiased_errors, axis=0)
    plug_in = np.mean(plug_in_errors, axis=0)
    assert np.all(np.abs(unbiased) < 0.005)
    assert plug_in[2] < -0.03  # the plug-in underestimates pass@k at large k
    assert abs(plug_in[0]) < 0.005  # (at k = 1 both are c/n)
