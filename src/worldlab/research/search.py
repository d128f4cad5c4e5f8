"""Searching a research landscape under a compute budget (lesson 11).

Every searcher spends at most ``budget`` experiments on a
:class:`~worldlab.worlds.research_landscape.ResearchLandscape` and *reports* one configuration
with its measured score. What the lesson cares about is the reported configuration's **true**
quality (did the search find something good?) and the gap between reported and true quality
(does the search fool itself?).

The searchers that vary a configuration take the variation step as an argument, ``mutate(config,
n_levels, rng) -> child`` — the lesson's exercise — so this module never holds an answer:

* :func:`random_search` — test ``budget`` random ideas, report the best measured;
* :func:`hill_climb` — keep-if-better: mutate the current configuration, keep the child when its
  measured score beats the current one's (the hyperparameter-tuning loop);
* :func:`evolve` — a (1+λ) evolutionary search: λ mutated children per generation, the best
  replaces the parent when it measures better;
* :func:`judge_search` — an idea generator plus a judge: many ideas are scored by a cheap proxy
  correlated ``rho`` with the known quality, and only the judge's favourites are tested.

Each returns a dict of plain data (numbers and arrays), so results can be compared, plotted, and
checked by a grader in another process.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from worldlab.worlds.research_landscape import ResearchLandscape

Mutate = Callable[[np.ndarray, int, np.random.Generator], np.ndarray]


def _check_budget(budget: int, replicates: int = 1) -> None:
    if int(budget) != budget or budget < 1:
        raise ValueError(f"budget must be a positive integer, got {budget}")
    if int(replicates) != replicates or replicates < 1:
        raise ValueError(f"replicates must be a positive integer, got {replicates}")
    if replicates > budget:
        raise ValueError(f"replicates ({replicates}) cannot exceed the budget ({budget})")


def _result(
    landscape: ResearchLandscape, chosen: np.ndarray, reported: float, spent: int, **extra
) -> dict:
    chosen = np.asarray(chosen, dtype=int)
    return {
        "chosen": chosen,
        "reported": float(reported),
        "true": float(landscape.quality(chosen)[0]),
        "is_spike": bool(landscape.is_spike(chosen)[0]),
        "spent": int(spent),
        **extra,
    }


def random_search(
    landscape: ResearchLandscape, budget: int, noise: float, rng: np.random.Generator
) -> dict:
    """Test ``budget`` uniformly drawn configurations once each; report the best measured."""
    _check_budget(budget)
    configs = landscape.random_configs(int(budget), rng)
    measured = landscape.experiment(configs, noise, rng)[:, 0]
    best = int(np.argmax(measured))
    return _result(landscape, configs[best], measured[best], budget)


def _child(
    mutate: Mutate, parent: np.ndarray, landscape: ResearchLandscape, rng: np.random.Generator
) -> np.ndarray:
    child = np.asarray(mutate(parent.copy(), landscape.n_levels, rng))
    if child.shape != parent.shape:
        raise ValueError(
            f"mutate must return a configuration of shape {parent.shape}, got {child.shape}"
        )
    return child.astype(int)


def hill_climb(
    landscape: ResearchLandscape,
    budget: int,
    noise: float,
    rng: np.random.Generator,
    mutate: Mutate,
    replicates: int = 1,
) -> dict:
    """Keep-if-better search: each step tests one mutated child with ``replicates`` experiments.

    Returns the common result keys plus, for every proposal in order, ``measured_gain`` (child's
    mean minus the current configuration's), ``true_gain`` (the same in true quality) and
    ``accepted`` (the child measured better and was kept), arrays of shape ``(n_proposals,)``.
    """
    _check_budget(budget, replicates)
    current = landscape.random_configs(1, rng)[0]
    current_score = landscape.experiment(current, noise, rng, replicates).mean()
    spent = replicates
    measured_gain, true_gain, accepted = [], [], []
    while spent + replicates <= budget:
        child = _child(mutate, current, landscape, rng)
        score = landscape.experiment(child, noise, rng, replicates).mean()
        spent += replicates
        gain = float(landscape.quality(child)[0] - landscape.quality(current)[0])
        measured_gain.append(float(score - current_score))
        true_gain.append(gain)
        accepted.append(bool(score > current_score))
        if score > current_score:
            current, current_score = child, score
    return _result(
        landscape,
        current,
        current_score,
        spent,
        measured_gain=np.array(measured_gain),
        true_gain=np.array(true_gain),
        accepted=np.array(accepted, dtype=bool),
    )


def evolve(
    landscape: ResearchLandscape,
    budget: int,
    noise: float,
    rng: np.random.Generator,
    mutate: Mutate,
    children: int = 4,
) -> dict:
    """A (1+λ) evolutionary search with λ = ``children`` mutated children per generation."""
    _check_budget(budget)
    if children < 1:
        raise ValueError(f"children must be at least 1, got {children}")
    parent = landscape.random_configs(1, rng)[0]
    parent_score = landscape.experiment(parent, noise, rng)[0, 0]
    spent = 1
    while spent + children <= budget:
        brood = np.array([_child(mutate, parent, landscape, rng) for _ in range(children)])
        scores = landscape.experiment(brood, noise, rng)[:, 0]
        spent += children
        best = int(np.argmax(scores))
        if scores[best] > parent_score:
            parent, parent_score = brood[best], scores[best]
    return _result(landscape, parent, parent_score, spent)


def judge_search(
    landscape: ResearchLandscape,
    budget: float,
    noise: float,
    rng: np.random.Generator,
    n_ideas: int,
    rho: float,
    replicates: int = 1,
    judge_cost: float = 0.0,
) -> dict:
    """Generate ``n_ideas`` random ideas, let the judge rank them, test the favourites.

    Judging costs ``judge_cost`` per idea; every experiment costs 1. The remaining budget tests
    the judge's top ideas with ``replicates`` experiments each; the best mean is reported.
    """
    if n_ideas < 1:
        raise ValueError(f"n_ideas must be at least 1, got {n_ideas}")
    if judge_cost < 0:
        raise ValueError(f"judge_cost must be non-negative, got {judge_cost}")
    left = budget - n_ideas * judge_cost
    n_tests = min(int(n_ideas), int(np.floor(left / replicates + 1e-9))) if left > 0 else 0
    if n_tests < 1:
        raise ValueError(
            f"judging {n_ideas} ideas at {judge_cost} each leaves no budget for an experiment "
            f"of {replicates} replicate(s) (budget {budget})"
        )
    ideas = landscape.random_configs(int(n_ideas), rng)
    favourites = ideas[np.argsort(-landscape.judge(ideas, rho, rng), kind="stable")[:n_tests]]
    means = landscape.experiment(favourites, noise, rng, int(replicates)).mean(axis=1)
    best = int(np.argmax(means))
    return _result(
        landscape,
        favourites[best],
        means[best],
        n_tests * replicates,
        n_tests=n_tests,
        judge_spent=float(n_ideas * judge_cost),
    )


def allocation_cost(allocation: dict, judge_cost: float) -> float:
    """Compute an allocation ``{"n_ideas", "n_tests", "replicates"}`` spends."""
    return allocation["n_ideas"] * judge_cost + allocation["n_tests"] * allocation["replicates"]


def check_allocation(allocation: dict, budget: float, judge_cost: float) -> None:
    """Raise ``ValueError`` naming what is wrong with an allocation."""
    if not isinstance(allocation, dict) or set(allocation) != {"n_ideas", "n_tests", "replicates"}:
        raise ValueError(
            "an allocation is a dict with exactly the keys n_ideas, n_tests, replicates"
        )
    for key, value in allocation.items():
        if not isinstance(value, int | np.integer) or value < 1:
            raise ValueError(f"{key} must be a positive integer, got {value!r}")
    if allocation["n_tests"] > allocation["n_ideas"]:
        raise ValueError("n_tests cannot exceed n_ideas: only generated ideas can be tested")
    cost = allocation_cost(allocation, judge_cost)
    if cost > budget + 1e-9:
        raise ValueError(f"the allocation costs {cost:g}, more than the budget {budget:g}")


def run_allocation(
    landscape: ResearchLandscape,
    allocation: dict,
    budget: float,
    rho: float,
    noise: float,
    judge_cost: float,
    rng: np.random.Generator,
) -> dict:
    """Run the idea-generator-plus-judge pipeline as ``allocation`` divides the budget."""
    check_allocation(allocation, budget, judge_cost)
    result = judge_search(
        landscape,
        allocation["n_tests"] * allocation["replicates"],
        noise,
        rng,
        n_ideas=int(allocation["n_ideas"]),
        rho=rho,
        replicates=int(allocation["replicates"]),
    )
    result["judge_spent"] = float(allocation["n_ideas"] * judge_cost)
    return result


def no_judge_allocation(budget: float, judge_cost: float) -> dict:
    """The baseline: test as many random ideas as the budget allows, once each, no ranking."""
    n = int(np.floor(budget / (1.0 + judge_cost)))
    return {"n_ideas": n, "n_tests": n, "replicates": 1}
