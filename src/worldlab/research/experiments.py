"""Lesson 11's measurements, each a tidy table over seeds (one row per seed and condition).

Every function takes the variation step ``mutate`` (the lesson's exercise) where a searcher
needs one, and the student's estimator where a measurement uses one, so the kit holds no answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from worldlab.research.search import Mutate, evolve, hill_climb, judge_search, random_search
from worldlab.worlds.research_landscape import ResearchLandscape

SEARCHERS = ("random", "hill climb", "evolution", "judge")
#: A pick within this much true quality of the gap-filling optimum has *filled the gap*.
GAP_TOLERANCE = 0.15


def run_searcher(
    name: str,
    landscape: ResearchLandscape,
    budget: int,
    noise: float,
    rng: np.random.Generator,
    mutate: Mutate,
    rho: float = 0.5,
    ideas_per_test: int = 10,
) -> dict:
    """Run one of :data:`SEARCHERS` (the judge sees ``ideas_per_test`` ideas per experiment)."""
    if name == "random":
        return random_search(landscape, budget, noise, rng)
    if name == "hill climb":
        return hill_climb(landscape, budget, noise, rng, mutate)
    if name == "evolution":
        return evolve(landscape, budget, noise, rng, mutate)
    if name == "judge":
        return judge_search(landscape, budget, noise, rng, n_ideas=ideas_per_test * budget, rho=rho)
    raise ValueError(f"unknown searcher {name!r}; choose one of {SEARCHERS}")


def budget_curves(
    seeds: Iterable[int],
    budgets: Iterable[int],
    noise: float,
    mutate: Mutate,
    rho: float = 0.5,
    searchers: Iterable[str] = SEARCHERS,
    repeats: int = 1,
    interaction_share: float = 0.3,
) -> pd.DataFrame:
    """True quality of each searcher's reported best, relative to the gap-filling optimum.

    ``interaction_share`` is the landscape's share of interacting knob pairs (see
    :class:`ResearchLandscape`; 1.0: every pair interacts, the roughest landscape).

    Returns columns ``seed``, ``searcher``, ``budget``, ``interaction_share``, ``shortfall``
    (gap-filling optimum minus the reported configuration's true quality, averaged over
    ``repeats`` runs: 0 when the pick is the best combination of known pieces, positive below
    it, and negative only when a run reports a spike, which stands ``spike_gap`` above it) and
    ``spike_share``. Every searcher sees the same landscape and the same random streams on a
    seed, so searchers can be paired.
    """
    rows = []
    for seed in seeds:
        landscape = ResearchLandscape(seed, interaction_share=interaction_share)
        for budget in budgets:
            for name in searchers:
                runs = [
                    run_searcher(
                        name,
                        landscape,
                        budget,
                        noise,
                        np.random.default_rng([seed, budget, r]),
                        mutate,
                        rho,
                    )
                    for r in range(repeats)
                ]
                rows.append(
                    {
                        "seed": seed,
                        "searcher": name,
                        "budget": budget,
                        "interaction_share": interaction_share,
                        "shortfall": float(
                            np.mean([landscape.gap_filling_optimum - run["true"] for run in runs])
                        ),
                        "spike_share": float(np.mean([run["is_spike"] for run in runs])),
                    }
                )
    return pd.DataFrame(rows)


LEVERS = ("10x ideas", "2x compute")


def levers(
    seeds: Iterable[int],
    rhos: Iterable[float],
    noises: Iterable[float],
    budget: int = 32,
    repeats: int = 4,
) -> pd.DataFrame:
    """Which lever pays more: ten times the ideas, or twice the compute?

    The baseline tests ``budget`` random ideas once each. *10x ideas* keeps the compute and lets
    the judge pick those ideas from ten times as many; *2x compute* tests ``2 budget`` random
    ideas. Returns columns ``seed``, ``rho``, ``noise``, ``lever``, ``gain`` (true quality of the
    pick minus the baseline's, averaged over ``repeats`` runs sharing their random streams).
    """
    rows = []
    for seed in seeds:
        landscape = ResearchLandscape(seed)
        for noise in noises:
            for rho in rhos:
                gains = {lever: [] for lever in LEVERS}
                for repeat in range(repeats):
                    stream = [seed, repeat, int(1000 * noise)]

                    def pick(b: int, ideas: int, noise=noise, rho=rho, stream=stream) -> float:
                        run = judge_search(
                            landscape,  # noqa: B023 (used at once, inside this iteration)
                            b,
                            noise,
                            np.random.default_rng(stream),
                            n_ideas=ideas,
                            rho=rho,
                        )
                        return run["true"]

                    base = pick(budget, budget)
                    gains["10x ideas"].append(pick(budget, 10 * budget) - base)
                    gains["2x compute"].append(pick(2 * budget, 2 * budget) - base)
                for lever, values in gains.items():
                    rows.append(
                        {
                            "seed": seed,
                            "rho": rho,
                            "noise": noise,
                            "lever": lever,
                            "gain": float(np.mean(values)),
                        }
                    )
    return pd.DataFrame(rows)


def one_step_claims(
    landscape: ResearchLandscape,
    n_pairs: int,
    noise: float,
    replicates: int,
    rng: np.random.Generator,
    mutate: Mutate,
    threshold: float = 0.0,
) -> dict:
    """``n_pairs`` tuning steps from random starting points: is the mutated child better?

    Each start and its child are measured ``replicates`` times; a step *claims* an improvement
    when the child's mean beats the start's by more than ``threshold`` standard errors of that
    difference (``noise * sqrt(2 / replicates)``): 0 claims any measured gain, 1.96 only a gain
    a two-sided 5% test would call significant. Returns arrays of shape ``(n_pairs,)``:
    ``measured_gain``, ``true_gain`` and ``claimed`` (bool).
    """
    if threshold < 0:
        raise ValueError(f"threshold must be non-negative (standard errors), got {threshold}")
    starts = landscape.random_configs(n_pairs, rng)
    children = np.array(
        [np.asarray(mutate(start.copy(), landscape.n_levels, rng), dtype=int) for start in starts]
    )
    measured = landscape.experiment(children, noise, rng, replicates).mean(
        axis=1
    ) - landscape.experiment(starts, noise, rng, replicates).mean(axis=1)
    true = landscape.quality(children) - landscape.quality(starts)
    standard_error = noise * np.sqrt(2.0 / replicates)
    claimed = measured > threshold * standard_error
    return {"measured_gain": measured, "true_gain": true, "claimed": claimed}


def false_discoveries(
    seeds: Iterable[int],
    noises: Iterable[float],
    replicates: Iterable[int],
    mutate: Mutate,
    rate: Callable[[np.ndarray, np.ndarray], float],
    n_pairs: int = 400,
    thresholds: Iterable[float] = (0.0,),
) -> pd.DataFrame:
    """The false-discovery rate of claimed improvements, by noise, replicates and claim rule.

    ``rate(claimed, true_gain)`` is the estimator (the lesson's exercise). ``thresholds``: the
    claim rules, in standard errors of the measured gain (0: any positive measured gain; 1.96:
    a significant one; see :func:`one_step_claims`). Every rule judges the same measured steps.
    Returns columns ``seed``, ``noise``, ``replicates``, ``threshold``, ``fdr``,
    ``claimed_share``.
    """
    rows = []
    for seed in seeds:
        landscape = ResearchLandscape(seed)
        for noise in noises:
            for r in replicates:
                for threshold in thresholds:
                    steps = one_step_claims(
                        landscape,
                        n_pairs,
                        noise,
                        r,
                        np.random.default_rng([seed, r]),
                        mutate,
                        threshold=threshold,
                    )
                    rows.append(
                        {
                            "seed": seed,
                            "noise": noise,
                            "replicates": r,
                            "threshold": threshold,
                            "fdr": float(rate(steps["claimed"], steps["true_gain"])),
                            "claimed_share": float(steps["claimed"].mean()),
                        }
                    )
    return pd.DataFrame(rows)


def select_held_out(scores: np.ndarray) -> tuple[int, float]:
    """Choose on one part of the replicates, report with the others (the winner's curse cure).

    Parameters
    ----------
    scores : float array of shape (n_candidates, n_replicates), n_replicates >= 2; ``scores[i, j]``
        is the ``j``-th measurement of candidate ``i``.

    Returns
    -------
    (index, estimate): the candidate with the largest mean over the first ``n_replicates // 2``
    columns, and the mean of its remaining columns, which played no part in the choice.
    """
    scores = np.asarray(scores, dtype=float)
    if scores.ndim != 2 or scores.shape[1] < 2:
        raise ValueError(
            f"scores must have shape (n_candidates, n_replicates >= 2), got {scores.shape}"
        )
    half = scores.shape[1] // 2
    index = int(np.argmax(scores[:, :half].mean(axis=1)))
    return index, float(scores[index, half:].mean())


def winners_curse(
    seeds: Iterable[int],
    candidates: Iterable[int],
    noise: float,
    select: Callable[[np.ndarray], tuple[int, float]],
    replicates: int = 2,
    repeats: int = 10,
) -> pd.DataFrame:
    """How much the reported quality of the best of ``n`` tested ideas overstates its truth.

    Each candidate idea gets ``replicates`` measurements. *naive*: pick the best mean and report
    that mean. *replicated*: ``select(scores)`` picks and reports (e.g. :func:`select_held_out`).
    Returns columns ``seed``, ``candidates``, ``method``, ``overstatement`` (reported − true) and
    ``true`` (true quality of the pick), each averaged over ``repeats`` draws of candidates.
    """
    rows = []
    for seed in seeds:
        landscape = ResearchLandscape(seed)
        rng = np.random.default_rng([seed, 5])
        for n in candidates:
            found = {"naive": [], "replicated": []}
            for _ in range(repeats):
                ideas = landscape.random_configs(n, rng)
                truth = landscape.quality(ideas)
                scores = landscape.experiment(ideas, noise, rng, replicates)
                naive = int(np.argmax(scores.mean(axis=1)))
                picked, estimate = select(scores)
                found["naive"].append((scores[naive].mean() - truth[naive], truth[naive]))
                found["replicated"].append((estimate - truth[int(picked)], truth[int(picked)]))
            for method, pairs in found.items():
                over, true = np.mean(pairs, axis=0)
                rows.append(
                    {
                        "seed": seed,
                        "candidates": n,
                        "method": method,
                        "overstatement": float(over),
                        "true": float(true),
                    }
                )
    return pd.DataFrame(rows)


def gap_or_spike(
    seeds: Iterable[int],
    budget: int,
    noise: float,
    mutate: Mutate,
    repeats: int = 4,
    rho: float = 0.9,
) -> pd.DataFrame:
    """Does a searcher reach the best combination of known pieces, or a spike beyond them?

    Returns columns ``seed``, ``searcher``, ``runs`` (= ``repeats``), ``gap_filled`` (share of
    runs whose pick is within :data:`GAP_TOLERANCE` of the gap-filling optimum) and ``spike`` (share of runs
    whose pick is a spike).
    """
    rows = []
    for seed in seeds:
        landscape = ResearchLandscape(seed)
        for name in SEARCHERS:
            gap, spike = [], []
            for repeat in range(repeats):
                result = run_searcher(
                    name,
                    landscape,
                    budget,
                    noise,
                    np.random.default_rng([seed, repeat, 3]),
                    mutate,
                    rho,
                )
                spike.append(result["is_spike"])
                gap.append(
                    not result["is_spike"]
                    and result["true"] >= landscape.gap_filling_optimum - GAP_TOLERANCE
                )
            rows.append(
                {
                    "seed": seed,
                    "searcher": name,
                    "runs": repeats,
                    "gap_filled": float(np.mean(gap)),
                    "spike": float(np.mean(spike)),
                }
            )
    return pd.DataFrame(rows)
