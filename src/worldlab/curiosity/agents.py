"""Curious agents that plan on a model they learn from their own prediction errors (lesson 09).

Every agent keeps a forward model of observations, ``counts[cell, action, observation]``, and
updates it after each step. What differs is the **intrinsic reward** it gives each (cell,
action) pair, and so where it chooses to go:

* ``random`` — no reward: a random action each step;
* ``surprise`` — prediction error: by default how surprising the pair's last outcome still is
  under the updated model, its estimate of the error it will make next (Schmidhuber 1991; Pathak
  et al. 2017), from the lesson's ``surprise_fn``; ``surprise_kind`` selects another definition
  (:data:`SURPRISE_KINDS`);
* ``count`` — a novelty bonus ``1 / sqrt(1 + visits)`` of the pair;
* ``progress`` — learning progress: the recent drop of the pair's prediction error (Schmidhuber
  1991; Oudeyer et al. 2007), from the lesson's ``progress_fn``;
* ``noise-aware`` — information gain: the surprise before the update minus the surprise after it,
  how much the outcome changed the model. A model that has learned the noise's statistics is
  changed less and less by more noise, so noise stops being interesting.

An untried pair is worth what the agent's own signal pays for a first visit (optimism). The agent plans on its learned model: a breadth-first
search over the cells it knows how to reach (each pair's most frequent next cell), going to the
pair whose reward, discounted by its distance, is highest — planning toward expected interest,
not toward an extrinsic goal. It is a shortest-path search, not value iteration.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

import numpy as np
import pandas as pd

from worldlab.worlds.noisy_tv import ACTIONS, NoisyTVWorld

AGENTS = ("random", "surprise", "count", "progress", "noise-aware")
#: What the ``surprise`` agent counts as a pair's prediction error (lesson 09's sweep):
#: ``after`` — how surprising the pair's last outcome still is under the updated model (the
#: default); ``before`` — the surprise of the last outcome when it happened (the raw error);
#: ``recent`` — the mean of the pair's last ``window`` raw errors.
SURPRISE_KINDS = ("after", "before", "recent")
SurpriseFn = Callable[[np.ndarray, int, float], float]
ProgressFn = Callable[[np.ndarray, int], float]


def _distances(
    world: NoisyTVWorld, known_next: np.ndarray, start: int
) -> tuple[np.ndarray, np.ndarray]:
    """BFS over the learned graph: distance to each cell and the first action on a shortest path."""
    distance = np.full(world.n_cells, -1)
    first = np.full(world.n_cells, -1)
    distance[start] = 0
    queue = deque([start])
    while queue:
        cell = queue.popleft()
        for action in range(len(ACTIONS)):
            nxt = known_next[cell, action]
            if nxt >= 0 and distance[nxt] < 0:
                distance[nxt] = distance[cell] + 1
                first[nxt] = action if cell == start else first[cell]
                queue.append(nxt)
    return distance, first


def _first_visit_interest(
    agent: str, world: NoisyTVWorld, surprise_fn, alpha: float, surprise_kind: str = "after"
) -> float:
    """Optimism for an untried pair: what the agent's own signal pays for a first visit."""
    if agent in ("surprise", "noise-aware"):
        before = np.zeros(world.n_observations)
        after = before.copy()
        after[0] = 1.0
        again = float(surprise_fn(after, 0, alpha))
        first = float(surprise_fn(before, 0, alpha))
        if agent == "noise-aware":
            return first - again
        return first if surprise_kind in ("before", "recent") else again
    return 1.0  # count: 1 / sqrt(1 + 0); progress: as much as a fast-falling error pays


def explore(
    world: NoisyTVWorld,
    agent: str,
    steps: int,
    rng: np.random.Generator,
    surprise_fn: SurpriseFn | None = None,
    progress_fn: ProgressFn | None = None,
    alpha: float = 0.1,
    window: int = 3,
    discount: float = 0.9,
    surprise_kind: str = "after",
) -> dict:
    """Let one agent explore for ``steps`` steps from the start cell.

    ``surprise_kind`` (one of :data:`SURPRISE_KINDS`) sets what the ``surprise`` agent rewards;
    the other agents ignore it.

    Returns ``cells`` (int array (steps + 1,), the cells visited in order) and ``at_tv`` (bool
    array (steps,), whether the step was spent watching the TV).
    """
    if agent not in AGENTS:
        raise ValueError(f"unknown agent {agent!r}; choose one of {AGENTS}")
    if surprise_kind not in SURPRISE_KINDS:
        raise ValueError(f"unknown surprise_kind {surprise_kind!r}; choose one of {SURPRISE_KINDS}")
    if agent in ("surprise", "noise-aware") and surprise_fn is None:
        raise ValueError(f"the {agent!r} agent needs surprise_fn")
    if agent == "progress" and (progress_fn is None or surprise_fn is None):
        raise ValueError("the 'progress' agent needs surprise_fn and progress_fn")
    n_a = len(ACTIONS)
    counts = np.zeros((world.n_cells, n_a, world.n_observations))
    visits = np.zeros((world.n_cells, n_a))
    interest = np.full(
        (world.n_cells, n_a),
        _first_visit_interest(agent, world, surprise_fn, alpha, surprise_kind),
    )
    errors: dict[tuple[int, int], list[float]] = {}
    known_next = np.full((world.n_cells, n_a), -1)
    cell = world.start
    cells, at_tv = [cell], []
    watch = ACTIONS.index("watch")
    # per start cell, until the learned graph changes: first actions, discount weights, unreachable
    routes: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for _ in range(steps):
        if agent == "random":
            action = int(rng.integers(n_a))
        else:
            if cell not in routes:
                distance, first = _distances(world, known_next, cell)
                weight = np.where(distance >= 0, discount ** np.maximum(distance, 0), np.nan)
                routes[cell] = (first, weight[:, None], distance < 0)
            first, weight, unreachable = routes[cell]
            value = interest * weight
            value[unreachable] = -np.inf
            flat = value.ravel()
            best = np.flatnonzero(flat == flat.max())
            # one uniform draw among the ties (the same draw as rng.choice(best))
            target_cell, target_action = divmod(int(best[rng.integers(len(best))]), n_a)
            action = target_action if target_cell == cell else int(first[target_cell])
        nxt, observation = world.step(cell, action, rng)
        error = (
            float(surprise_fn(counts[cell, action].copy(), observation, alpha))
            if surprise_fn is not None
            else 0.0
        )
        counts[cell, action, observation] += 1
        if surprise_fn is not None and agent != "progress":
            again = float(surprise_fn(counts[cell, action].copy(), observation, alpha))
        visits[cell, action] += 1
        if known_next[cell, action] < 0:
            known_next[cell, action] = world.next_cell(cell, action)
            routes.clear()
        errors.setdefault((cell, action), []).append(error)
        if agent == "surprise" and surprise_kind == "after":  # how surprising it still is
            interest[cell, action] = again
        elif agent == "surprise" and surprise_kind == "before":  # the error just made
            interest[cell, action] = error
        elif agent == "surprise":  # recent: the mean of the last few errors
            interest[cell, action] = float(np.mean(errors[(cell, action)][-window:]))
        elif agent == "noise-aware":  # information gain: how much the outcome changed the model
            interest[cell, action] = error - again
        elif agent == "count":
            interest[cell, action] = 1.0 / np.sqrt(1.0 + visits[cell, action])
        elif agent == "progress":
            interest[cell, action] = float(progress_fn(np.array(errors[(cell, action)]), window))
        at_tv.append(cell == world.tv and action == watch)
        cell = nxt
        cells.append(cell)
    return {"cells": np.array(cells), "at_tv": np.array(at_tv, dtype=bool)}


def _visit_shares(world: NoisyTVWorld, run: dict) -> dict[str, float]:
    """Share of cells a run visited (``coverage``), of the far room's cells, of steps at the TV."""
    seen = np.zeros(world.n_cells, dtype=bool)
    seen[run["cells"]] = True
    return {
        "coverage": float(seen.mean()),
        "far_room": float(seen[world.far_room].mean()),
        "tv_share": float(run["at_tv"].mean()),
    }


def exploration_table(
    seeds,
    channels,
    agents,
    steps: int,
    surprise_fn: SurpriseFn,
    progress_fn: ProgressFn,
    coverage_fn: Callable[[np.ndarray, int], np.ndarray],
) -> pd.DataFrame:
    """Coverage and time at the TV for every seed, TV noise level and agent (a tidy table).

    ``coverage_fn(cells, n_cells)`` is the coverage curve (the lesson's exercise). Columns:
    ``seed``, ``channels``, ``agent``, ``coverage`` (share of cells visited by the end),
    ``far_room`` (share of the far room's cells visited), ``tv_share`` (share of steps spent
    watching the TV), ``curve`` (the coverage curve, an array of shape (steps + 1,)).
    """
    rows = []
    for n_channels in channels:
        world = NoisyTVWorld(channels=n_channels)
        for seed in seeds:
            for agent in agents:
                run = explore(
                    world,
                    agent,
                    steps,
                    np.random.default_rng([seed, n_channels]),
                    surprise_fn,
                    progress_fn,
                )
                curve = np.asarray(coverage_fn(run["cells"], world.n_cells), dtype=float)
                shares = _visit_shares(world, run)
                rows.append(
                    {
                        "seed": seed,
                        "channels": n_channels,
                        "agent": agent,
                        "coverage": float(curve[-1]),
                        "far_room": shares["far_room"],
                        "tv_share": shares["tv_share"],
                        "curve": curve,
                    }
                )
    return pd.DataFrame(rows)


def surprise_sweep(
    seeds,
    channels,
    kinds,
    steps: int,
    surprise_fn: SurpriseFn,
    include_random: bool = True,
) -> pd.DataFrame:
    """The prediction-error agent under each definition of surprise, and a random walk.

    Runs, for every TV noise level in ``channels`` and every seed, the random walk and the
    ``surprise`` agent with each ``surprise_kind`` in ``kinds`` (:data:`SURPRISE_KINDS`), from the
    same generator seed (the seeds of :func:`exploration_table`, so its ``random`` and
    ``surprise`` runs are this sweep's ``random`` and ``after`` runs; ``include_random=False``
    skips the random walk). Columns: ``seed``, ``channels``, ``agent`` (``"random"`` or the kind),
    ``coverage`` (share of cells visited), ``far_room`` (share of the far room visited),
    ``tv_share`` (share of steps watching the TV).
    """
    unknown = [kind for kind in kinds if kind not in SURPRISE_KINDS]
    if unknown:
        raise ValueError(f"unknown surprise kinds {unknown}; choose from {SURPRISE_KINDS}")
    rows = []
    for n_channels in channels:
        world = NoisyTVWorld(channels=n_channels)
        for seed in seeds:
            for kind in ("random", *kinds) if include_random else kinds:
                run = explore(
                    world,
                    "random" if kind == "random" else "surprise",
                    steps,
                    np.random.default_rng([seed, n_channels]),
                    surprise_fn,
                    surprise_kind="after" if kind == "random" else kind,
                )
                rows.append(
                    {
                        "seed": seed,
                        "channels": n_channels,
                        "agent": kind,
                        **_visit_shares(world, run),
                    }
                )
    return pd.DataFrame(rows)
