"""Plausible wrong answers to lesson 00's exercises; each must fail a hidden check."""

import numpy as np
import pandas as pd
from scipy import stats


def counts_by_source(claims, edges):
    rebuts = edges.loc[edges["relation"] == "rebuts", "source"]
    return rebuts.value_counts().reindex(claims["id"], fill_value=0).astype(int)


def counts_every_relation(claims, edges):
    return edges["target"].value_counts().reindex(claims["id"], fill_value=0).astype(int)


def counts_in_sorted_order(claims, edges):
    rebuts = edges.loc[edges["relation"] == "rebuts", "target"]
    return rebuts.value_counts().reindex(sorted(claims["id"]), fill_value=0).astype(int)


def counts_only_rebutted(claims, edges):
    return edges.loc[edges["relation"] == "rebuts", "target"].value_counts()


def bootstrap_without_replacement(values, rng, n_resamples=2000):
    values = np.asarray(values, dtype=float)
    means = np.array([rng.permutation(values).mean() for _ in range(n_resamples)])
    low, high = np.quantile(means, [0.025, 0.975])
    return float(low), float(high)


def bootstrap_90_percent(values, rng, n_resamples=2000):
    values = np.asarray(values, dtype=float)
    means = values[rng.integers(0, len(values), (n_resamples, len(values)))].mean(axis=1)
    low, high = np.quantile(means, [0.05, 0.95])
    return float(low), float(high)


def bootstrap_global_rng(values, rng, n_resamples=2000):
    values = np.asarray(values, dtype=float)
    fresh = np.random.default_rng()
    means = values[fresh.integers(0, len(values), (n_resamples, len(values)))].mean(axis=1)
    low, high = np.quantile(means, [0.025, 0.975])
    return float(low), float(high)


def t_interval_instead(values, rng, n_resamples=2000):
    values = np.asarray(values, dtype=float)
    half = stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
    return float(values.mean() - half), float(values.mean() + half)


def bootstrap_one_value_short(values, rng, n_resamples=2000):
    values = np.asarray(values, dtype=float)
    n = len(values) - 1  # off by one: resamples of n - 1 values
    means = values[rng.integers(0, len(values), (n_resamples, n))].mean(axis=1)
    low, high = np.quantile(means, [0.025, 0.975])
    return float(low), float(high)


def _differences(df, by, a, b, value):
    left = df[df[by] == a].set_index("seed")[value]
    right = df[df[by] == b].set_index("seed")[value]
    return (left - right).dropna().sort_index().to_numpy(dtype=float)


def permutation_unpaired(df, by, a, b, value, rng, n_permutations=2000):
    x = df.loc[df[by] == a, value].to_numpy(dtype=float)
    z = df.loc[df[by] == b, value].to_numpy(dtype=float)
    pooled = np.concatenate([x, z])
    observed = abs(x.mean() - z.mean())
    extreme = 0
    for _ in range(n_permutations):
        shuffled = rng.permutation(pooled)
        extreme += abs(shuffled[: len(x)].mean() - shuffled[len(x) :].mean()) >= observed
    return float((1 + extreme) / (1 + n_permutations))


def permutation_by_position(df, by, a, b, value, rng, n_permutations=2000):
    x = df.loc[df[by] == a, value].to_numpy(dtype=float)
    z = df.loc[df[by] == b, value].to_numpy(dtype=float)
    n = min(len(x), len(z))
    d = x[:n] - z[:n]  # rows paired by position, not by seed
    signs = rng.choice([-1.0, 1.0], size=(n_permutations, n))
    extreme = np.sum(np.abs((signs * d).mean(axis=1)) >= abs(d.mean()))
    return float((1 + extreme) / (1 + n_permutations))


def permutation_one_sided(df, by, a, b, value, rng, n_permutations=2000):
    d = _differences(df, by, a, b, value)
    signs = rng.choice([-1.0, 1.0], size=(n_permutations, len(d)))
    extreme = np.sum((signs * d).mean(axis=1) >= d.mean())
    return float((1 + extreme) / (1 + n_permutations))


def permutation_without_plus_one(df, by, a, b, value, rng, n_permutations=2000):
    d = _differences(df, by, a, b, value)
    signs = rng.choice([-1.0, 1.0], size=(n_permutations, len(d)))
    extreme = np.sum(np.abs((signs * d).mean(axis=1)) >= abs(d.mean()) - 1e-12)
    return float(extreme / n_permutations)


def permutation_keeps_unmatched(df, by, a, b, value, rng, n_permutations=2000):
    left = df[df[by] == a].set_index("seed")[value]
    right = df[df[by] == b].set_index("seed")[value]
    d = (left - right).fillna(0.0).sort_index().to_numpy(dtype=float)  # keeps every seed
    d = np.concatenate([d, df.loc[~df[by].isin([a, b]), value].to_numpy(dtype=float)])
    signs = rng.choice([-1.0, 1.0], size=(n_permutations, len(d)))
    extreme = np.sum(np.abs((signs * d).mean(axis=1)) >= abs(d.mean()) - 1e-12)
    return float((1 + extreme) / (1 + n_permutations))


def permutation_global_rng(df, by, a, b, value, rng, n_permutations=2000):
    d = _differences(df, by, a, b, value)
    signs = np.random.default_rng().choice([-1.0, 1.0], size=(n_permutations, len(d)))
    extreme = np.sum(np.abs((signs * d).mean(axis=1)) >= abs(d.mean()) - 1e-12)
    return float((1 + extreme) / (1 + n_permutations))


def counts_as_floats(claims, edges):
    rebuts = edges.loc[edges["relation"] == "rebuts", "target"]
    return rebuts.value_counts().reindex(claims["id"]).fillna(0)  # float counts, 0.0 for none


def counts_distinct_rebutters(claims, edges):
    rebuts = edges[edges["relation"] == "rebuts"]
    per_target = rebuts.groupby("target")["source"].nunique()  # a repeated reply counts once
    return per_target.reindex(claims["id"], fill_value=0).astype(int)


def bootstrap_normal_approximation(values, rng, n_resamples=2000):
    values = np.asarray(values, dtype=float)
    means = values[rng.integers(0, len(values), (n_resamples, len(values)))].mean(axis=1)
    half = 1.96 * means.std()  # mean ± 1.96 sd of the resampled means, not their quantiles
    return float(values.mean() - half), float(values.mean() + half)


def bootstrap_quantiles_of_values(values, rng, n_resamples=2000):
    values = np.asarray(values, dtype=float)
    resampled = values[rng.integers(0, len(values), (n_resamples, len(values)))]
    low, high = np.quantile(resampled, [0.025, 0.975])  # quantiles of the values, not the means
    return float(low), float(high)


def bootstrap_fixed_size(values, rng, n_resamples=2000):
    values = np.asarray(values, dtype=float)
    means = values[rng.integers(0, len(values), (n_resamples, 10))].mean(axis=1)  # always 10
    low, high = np.quantile(means, [0.025, 0.975])
    return float(low), float(high)


def permutation_ignores_count(df, by, a, b, value, rng, n_permutations=2000):
    d = _differences(df, by, a, b, value)
    n_permutations = 2000  # the argument is ignored
    signs = rng.choice([-1.0, 1.0], size=(n_permutations, len(d)))
    extreme = np.sum(np.abs((signs * d).mean(axis=1)) >= abs(d.mean()) - 1e-12)
    return float((1 + extreme) / (1 + n_permutations))


def permutation_shuffles_differences(df, by, a, b, value, rng, n_permutations=2000):
    d = _differences(df, by, a, b, value)
    shuffled = np.array([rng.permutation(d) for _ in range(n_permutations)])  # no sign flips
    extreme = np.sum(np.abs(shuffled.mean(axis=1)) >= abs(d.mean()) - 1e-12)
    return float((1 + extreme) / (1 + n_permutations))


def permutation_one_sign_per_permutation(df, by, a, b, value, rng, n_permutations=2000):
    d = _differences(df, by, a, b, value)
    signs = rng.choice([-1.0, 1.0], size=(n_permutations, 1))  # flips all differences together
    extreme = np.sum(np.abs((signs * d).mean(axis=1)) >= abs(d.mean()) - 1e-12)
    return float((1 + extreme) / (1 + n_permutations))


WRONG_ANSWERS = [
    ("rebuttal_counts", "counts edges by their source", counts_by_source),
    ("rebuttal_counts", "counts supports as well as rebuttals", counts_every_relation),
    ("rebuttal_counts", "index in sorted order, not claims['id'] order", counts_in_sorted_order),
    ("rebuttal_counts", "leaves out the claims nobody rebuts", counts_only_rebutted),
    ("rebuttal_counts", "float counts (forgot the integer type)", counts_as_floats),
    ("rebuttal_counts", "a repeated rebuttal counts once", counts_distinct_rebutters),
    ("bootstrap_ci", "resamples without replacement", bootstrap_without_replacement),
    ("bootstrap_ci", "the 5% and 95% quantiles (a 90% interval)", bootstrap_90_percent),
    ("bootstrap_ci", "ignores the rng it is given", bootstrap_global_rng),
    ("bootstrap_ci", "returns the t interval, not a bootstrap", t_interval_instead),
    ("bootstrap_ci", "resamples n - 1 values (off by one)", bootstrap_one_value_short),
    ("bootstrap_ci", "mean ± 1.96 sd of the resampled means", bootstrap_normal_approximation),
    ("bootstrap_ci", "quantiles of the resampled values, not means", bootstrap_quantiles_of_values),
    ("bootstrap_ci", "resamples of 10 values whatever n is", bootstrap_fixed_size),
    ("paired_permutation_p", "shuffles condition labels (unpaired)", permutation_unpaired),
    ("paired_permutation_p", "pairs rows by position, not seed", permutation_by_position),
    ("paired_permutation_p", "one-sided", permutation_one_sided),
    ("paired_permutation_p", "forgets the +1: p can be 0", permutation_without_plus_one),
    (
        "paired_permutation_p",
        "keeps unmatched seeds and other conditions",
        permutation_keeps_unmatched,
    ),
    ("paired_permutation_p", "ignores the rng it is given", permutation_global_rng),
    ("paired_permutation_p", "ignores n_permutations", permutation_ignores_count),
    (
        "paired_permutation_p",
        "shuffles the differences (no sign flips)",
        permutation_shuffles_differences,
    ),
    (
        "paired_permutation_p",
        "one sign for all differences of a permutation",
        permutation_one_sign_per_permutation,
    ),
]

#: Mutants that behave exactly like the reference (``worldlab check --mutants``).
EQUIVALENT_MUTANTS = {
    "bootstrap_ci": [
        # the default number of resamples (part of the given signature, not of the answer): 2001
        # resampled means instead of 2000 move the interval's ends by Monte Carlo noise only, and
        # every check asks for its own number of resamples or accepts any reasonable default
        "default: `2000` → `2001`",
    ],
    "paired_permutation_p": [
        # ties are compared with a 1e-12 tolerance, so >= and > (and 1e-12 or 1.5e-12) agree
        "line 7: `flipped >= observed - 1e-12` → `flipped > observed - 1e-12`",
        "line 7: `1e-12` → `1.5e-12`",
    ],
}

#: Exercises with many right answers: judged by properties of the choice, not by mutants.
DESIGN_TASKS = {"paired_permutation_p"}

__all__ = ["DESIGN_TASKS", "EQUIVALENT_MUTANTS", "WRONG_ANSWERS", "pd"]
