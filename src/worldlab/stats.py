"""Experiments over seeds, and what can honestly be said about their results.

Every stochastic experiment in the course is run the same way: one function of
``(seed, **condition)`` that returns a number (or a dict of numbers), called for several seeds and
several conditions, collected into a *tidy* table (one row per seed and condition). From that table
we report a mean with a 95% confidence interval per condition, and compare two conditions on the
*same* seeds (a paired comparison).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import product
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as _scipy_stats


def run_over_seeds(
    experiment: Callable[..., float | Mapping[str, float]],
    seeds: Iterable[int],
    **conditions: Sequence[Any],
) -> pd.DataFrame:
    """Run ``experiment(seed=s, **condition)`` for every seed and every combination of conditions.

    Parameters
    ----------
    experiment
        A function taking ``seed`` and one keyword per condition; it returns a float (stored in
        the column ``value``) or a mapping of named floats (one column each).
    seeds
        The seeds, e.g. ``range(10)``. The same seeds are used for every condition, which is what
        makes a paired comparison possible.
    **conditions
        Each keyword maps a condition name to the list of its levels, e.g. ``learner=["repeat",
        "count"]``.

    Returns
    -------
    DataFrame, one row per (seed, condition combination): columns ``seed``, one per condition,
    then ``value`` or the experiment's named results.

    Examples
    --------
    >>> run_over_seeds(lambda seed, n: seed * n, seeds=range(2), n=[1, 10])
       seed   n  value
    0     0   1      0
    1     0  10      0
    2     1   1      1
    3     1  10     10
    """
    seeds = list(seeds)
    if not seeds:
        raise ValueError("run_over_seeds needs at least one seed")
    for name, levels in conditions.items():
        if isinstance(levels, str) or not isinstance(levels, Sequence) or len(levels) == 0:
            raise ValueError(
                f"condition {name!r} must be a non-empty list of levels, got {levels!r}"
            )
    names = list(conditions)
    rows = []
    for seed in seeds:
        for levels in product(*(conditions[name] for name in names)):
            condition = dict(zip(names, levels, strict=True))
            result = experiment(seed=seed, **condition)
            measured = dict(result) if isinstance(result, Mapping) else {"value": result}
            rows.append({"seed": seed, **condition, **measured})
    return pd.DataFrame(rows)


def t_critical(n: int, confidence: float = 0.95) -> float:
    """Two-sided Student-t critical value for a mean of ``n`` observations."""
    if n < 2:
        raise ValueError(f"a confidence interval needs at least 2 observations, got {n}")
    return float(_scipy_stats.t.ppf(0.5 + confidence / 2, df=n - 1))


def mean_interval(values: Sequence[float], confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean of ``values`` (shape (n,), n >= 2) with its Student-t interval (lesson 00's method).

    Returns
    -------
    ``(mean, low, high)``: ``mean ± t(0.975, n-1) · s / sqrt(n)``, ``s`` the sample standard
    deviation (ddof=1).
    """
    x = np.asarray(values, dtype=float)
    if x.ndim != 1 or x.size < 2:
        raise ValueError(f"an interval needs a 1-D array of at least 2 values, got shape {x.shape}")
    half = t_critical(x.size, confidence) * x.std(ddof=1) / np.sqrt(x.size)
    mean = float(x.mean())
    return mean, float(mean - half), float(mean + half)


def paired_ci(
    a: Sequence[float], b: Sequence[float], confidence: float = 0.95
) -> tuple[float, float, float]:
    """:func:`mean_interval` of ``a - b``, two arrays of shape (n_seeds,) paired by position."""
    return mean_interval(np.asarray(a, dtype=float) - np.asarray(b, dtype=float), confidence)


def interval_row(knob: Any, values: Sequence[float], confidence: float = 0.95) -> dict[str, Any]:
    """One line of the table :func:`worldlab.debate.judge` takes: ``knob`` and the
    :func:`mean_interval` of ``values`` (shape (n,)) as ``estimate``, ``low``, ``high``, with ``n``."""
    mean, low, high = mean_interval(values, confidence)
    return {"knob": knob, "estimate": mean, "low": low, "high": high, "n": len(values)}


def mean_ci(
    df: pd.DataFrame, by: str | list[str], value: str = "value", confidence: float = 0.95
) -> pd.DataFrame:
    """Mean and Student-t confidence interval of ``value`` for each group of ``by``.

    Parameters
    ----------
    df
        Tidy results, one row per observation (e.g. from :func:`run_over_seeds`).
    by
        Column(s) that name the condition.
    value
        The measured column.

    Returns
    -------
    DataFrame indexed by ``by`` with columns ``mean``, ``ci_low``, ``ci_high``, ``n``: the interval
    is ``mean ± t(0.975, n-1) · s / sqrt(n)`` with ``s`` the sample standard deviation (ddof=1).
    """
    _require_columns(df, [*([by] if isinstance(by, str) else by), value])
    groups = df.groupby(by, sort=True)[value]
    summary = groups.agg(mean="mean", sd=lambda x: x.std(ddof=1), n="count")
    if (summary["n"] < 2).any():
        small = summary.index[summary["n"] < 2].tolist()
        raise ValueError(f"groups {small} have fewer than 2 observations: no interval possible")
    half = (
        summary["sd"]
        / np.sqrt(summary["n"])
        * summary["n"].map(lambda n: t_critical(int(n), confidence))
    )
    summary["ci_low"] = summary["mean"] - half
    summary["ci_high"] = summary["mean"] + half
    return summary[["mean", "ci_low", "ci_high", "n"]]


def paired_difference(
    df: pd.DataFrame,
    by: str,
    a: Any,
    b: Any,
    value: str = "value",
    pair_on: str = "seed",
    confidence: float = 0.95,
) -> dict[str, float]:
    """Mean of ``value[a] - value[b]`` over the seeds both conditions share, with its CI.

    Returns
    -------
    dict with ``mean``, ``ci_low``, ``ci_high`` and ``n`` (number of pairs). When the interval
    excludes 0, the difference is unlikely to be seed noise.
    """
    _require_columns(df, [by, value, pair_on])
    left = df[df[by] == a].set_index(pair_on)[value]
    right = df[df[by] == b].set_index(pair_on)[value]
    if left.index.has_duplicates or right.index.has_duplicates:
        raise ValueError(f"each {pair_on!r} must appear once per condition to pair them")
    diffs = (left - right).dropna()
    n = len(diffs)
    if n < 2:
        raise ValueError(f"conditions {a!r} and {b!r} share {n} {pair_on}s; need at least 2")
    mean, low, high = mean_interval(diffs.to_numpy(), confidence)
    return {"mean": mean, "ci_low": low, "ci_high": high, "n": n}


def wilson_interval(
    successes: int | np.ndarray, trials: int | np.ndarray, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion ``successes / trials``; it never leaves [0, 1].

    Parameters
    ----------
    successes, trials
        Counts (scalars or arrays of one shape); ``0 <= successes <= trials``, ``trials >= 1``.

    Returns
    -------
    (low, high), floats or arrays of the inputs' shape. Unlike a t interval on 0/1 outcomes, it
    stays inside [0, 1] and is not of zero width when every trial succeeded (or failed).
    """
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    if np.any(n < 1) or np.any(k < 0) or np.any(k > n) or np.any(k != np.round(k)):
        raise ValueError(
            f"wilson_interval needs whole successes in 0 … trials and trials >= 1, got "
            f"successes={successes!r}, trials={trials!r}"
        )
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie in (0, 1), got {confidence}")
    z = float(_scipy_stats.norm.ppf(0.5 + confidence / 2))
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    low, high = np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)
    # it always holds k / n; say so exactly where rounding would put the end a hair inside
    low, high = np.minimum(low, p), np.maximum(high, p)
    if low.ndim == 0:
        return float(low), float(high)
    return low, high


def bounded_mean_ci(
    df: pd.DataFrame,
    by: str | list[str],
    value: str = "value",
    bounds: tuple[float, float] = (0.0, 1.0),
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Mean and interval of a bounded ``value`` per group, an interval that never leaves ``bounds``.

    A group whose values are all 0 or 1 (one outcome per unit: a world solved or not) gets the
    Wilson interval of its proportion; any other group gets the Student-t interval of
    :func:`mean_ci` intersected with ``bounds`` (the mean cannot lie outside them, so cutting the
    interval there loses no coverage).

    Returns
    -------
    DataFrame indexed by ``by`` with columns ``mean``, ``ci_low``, ``ci_high``, ``n``.
    """
    _require_columns(df, [*([by] if isinstance(by, str) else by), value])
    low_bound, high_bound = (float(b) for b in bounds)
    if not low_bound < high_bound:
        raise ValueError(f"bounds must be (low, high), got {bounds}")
    values = df[value].astype(float)
    if ((values < low_bound) | (values > high_bound)).any():
        raise ValueError(f"{value!r} has values outside {bounds}")
    summary = mean_ci(df, by, value=value, confidence=confidence)
    for key, group in df.groupby(by, sort=True)[value]:
        outcomes = group.to_numpy(dtype=float)
        if (low_bound, high_bound) == (0.0, 1.0) and np.isin(outcomes, (0.0, 1.0)).all():
            low, high = wilson_interval(int(outcomes.sum()), len(outcomes), confidence)
        else:
            low = max(float(summary.loc[key, "ci_low"]), low_bound)
            high = min(float(summary.loc[key, "ci_high"]), high_bound)
        summary.loc[key, "ci_low"], summary.loc[key, "ci_high"] = low, high
    return summary


def paired_difference_table(
    df: pd.DataFrame,
    knob: str,
    by: str,
    a: Any,
    b: Any,
    value: str = "value",
    pair_on: str = "seed",
    confidence: float = 0.95,
    bounds: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """:func:`paired_difference` of ``value[a] − value[b]`` at each level of ``knob``.

    ``bounds`` (e.g. ``(-1, 1)`` for a difference of shares) cuts each Student-t interval to the
    range the mean difference can take.

    Returns
    -------
    DataFrame with columns ``knob``, ``estimate``, ``low``, ``high``, ``n`` — one row per knob
    level, in sorted order: the table :func:`worldlab.debate.judge` takes.
    """
    _require_columns(df, [knob, by, value, pair_on])
    rows = []
    for level, part in df.groupby(knob, sort=True):
        diff = paired_difference(
            part, by, a, b, value=value, pair_on=pair_on, confidence=confidence
        )
        low, high = diff["ci_low"], diff["ci_high"]
        if bounds is not None:
            low, high = max(low, bounds[0]), min(high, bounds[1])
        rows.append(
            {"knob": level, "estimate": diff["mean"], "low": low, "high": high, "n": diff["n"]}
        )
    return pd.DataFrame(rows)


def _require_columns(df: pd.DataFrame, columns: list[str]) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(df).__name__}")
    missing = [column for column in columns if column not in df.columns]
    if missing:
        raise KeyError(f"columns {missing} not in the table (it has {list(df.columns)})")
