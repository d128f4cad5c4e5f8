"""Acting: Q-learning and Dyna-Q in the maze, learning curves and the path of one episode."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from worldlab.planning.steps import (
    ALPHA,
    EPSILON,
    GAMMA,
    DynaUpdate,
    check_count,
    check_rates,
    check_step,
)
from worldlab.worlds.maze import Maze, dyna_maze


def epsilon_greedy(q_row: np.ndarray, epsilon: float, rng: np.random.Generator) -> int:
    """A random action with probability ``epsilon``, else a best one (ties broken at random)."""
    q_row = np.asarray(q_row, dtype=float)
    if q_row.ndim != 1:
        raise ValueError(f"q_row must be 1-D (n_actions,), got shape {q_row.shape}")
    if not 0 <= epsilon <= 1:
        raise ValueError(f"epsilon must be in [0, 1], got {epsilon!r}")
    if rng.random() < epsilon:
        return int(rng.integers(len(q_row)))
    values = q_row.tolist()  # plain floats: this runs once per step of every agent
    best = max(values)
    ties = [action for action, value in enumerate(values) if value == best]
    return ties[0] if len(ties) == 1 else ties[int(rng.integers(len(ties)))]


@dataclass(frozen=True, eq=False)
class DynaRun:
    """What :func:`run_dyna` measured.

    Attributes
    ----------
    steps
        int array (n_agents, n_episodes): steps each agent took in each episode.
    q
        float array (n_agents, n_states, n_actions): the action values at the end.
    seeds
        the agents' seeds, in row order.
    """

    steps: np.ndarray
    q: np.ndarray
    seeds: tuple[int, ...]


def run_dyna(
    update: DynaUpdate,
    n_planning: int,
    n_episodes: int,
    seeds: Sequence[int] = range(10),
    maze: Maze | None = None,
    epsilon: float = EPSILON,
    alpha: float = ALPHA,
    gamma: float = GAMMA,
    q0: np.ndarray | None = None,
    max_steps: int = 10_000,
) -> DynaRun:
    """One agent per seed, ``n_episodes`` episodes each, learning with the step ``update``.

    Each agent starts with ``q0[i]`` (shape (n_agents, n_states, n_actions); zeros by default)
    and an empty model, acts ε-greedily from ``np.random.default_rng(seed)`` (ties broken at
    random) and after each real step calls
    ``update(q, model, s, a, r, s2, done, n, rng, alpha=alpha, gamma=gamma)``. ``n`` is
    ``n_planning``, except that while an agent's values are all zero and it has met no reward,
    planning cannot change anything (every target is 0), so the runner passes ``n = 0`` then:
    exact, and much faster. An episode is cut after ``max_steps`` steps. ``maze`` defaults to
    the Dyna maze.
    """
    check_step("update", update)
    maze = dyna_maze() if maze is None else maze
    seeds = tuple(int(seed) for seed in seeds)
    if not seeds:
        raise ValueError("seeds must not be empty")
    n_planning = check_count("n_planning", n_planning)
    n_episodes = check_count("n_episodes", n_episodes, 1)
    max_steps = check_count("max_steps", max_steps, 1)
    check_rates(alpha, gamma)
    if not 0 <= epsilon <= 1:
        raise ValueError(f"epsilon must be in [0, 1], got {epsilon!r}")
    shape = (len(seeds), maze.n_states, maze.n_actions)
    q_all = np.zeros(shape) if q0 is None else np.array(q0, dtype=float)
    if q_all.shape != shape:
        raise ValueError(
            f"q0 must have shape (n_agents, n_states, n_actions) = {shape}, got {q_all.shape}"
        )
    next_table, reward_table, terminal = maze.next_state, maze.reward, maze.terminal
    steps = np.zeros((len(seeds), n_episodes), dtype=int)
    for i, seed in enumerate(seeds):
        rng = np.random.default_rng(seed)
        q, model = q_all[i].copy(), {}
        informed = bool(np.any(q != 0))
        for episode in range(n_episodes):
            state = maze.start_state
            taken = 0
            while taken < max_steps:
                taken += 1
                action = epsilon_greedy(q[state], epsilon, rng)
                following = int(next_table[state, action])
                reward = float(reward_table[state, action])
                done = bool(terminal[following])
                informed = informed or reward != 0
                n = n_planning if informed else 0
                result = update(
                    q,
                    model,
                    state,
                    action,
                    reward,
                    following,
                    done,
                    n,
                    rng,
                    alpha=alpha,
                    gamma=gamma,
                )
                if result is not q:
                    result = np.asarray(result, dtype=float)
                    if result.shape != q.shape:
                        raise ValueError(
                            f"update returned q of shape {result.shape}, expected {q.shape}"
                        )
                    q = result
                if done:
                    break
                state = following
            steps[i, episode] = taken
        q_all[i] = q
    return DynaRun(steps, q_all, seeds)


def dyna_steps(
    update: DynaUpdate,
    n_planning: int,
    n_episodes: int,
    seeds: Sequence[int] = range(3),
    goal: tuple[int, int] | None = None,
    max_steps: int = 10_000,
) -> np.ndarray:
    """Steps per episode of :func:`run_dyna` in the Dyna maze (its goal moved to ``goal``).

    A data-only runner for checks: int array (n_seeds, n_episodes).
    """
    maze = dyna_maze() if goal is None else dyna_maze().with_goal(tuple(goal))
    return run_dyna(update, n_planning, n_episodes, seeds, maze, max_steps=max_steps).steps


def learning_curves(
    update: DynaUpdate,
    maze: Maze,
    n_planning_values: Sequence[int] = (0, 5, 50),
    n_episodes: int = 30,
    seeds: Sequence[int] = range(10),
) -> pd.DataFrame:
    """Steps per episode of Dyna-Q (the step ``update``) for several planning budgets.

    The same seeds for each budget, so budgets can be compared seed by seed.

    Returns
    -------
    tidy DataFrame with columns ``n_planning``, ``seed``, ``episode`` (1 …), ``steps``.
    """
    frames = []
    for n_planning in n_planning_values:
        run = run_dyna(update, n_planning, n_episodes, seeds, maze)
        frames.append(
            pd.DataFrame(
                {
                    "n_planning": n_planning,
                    "seed": np.repeat(run.seeds, n_episodes),
                    "episode": np.tile(np.arange(1, n_episodes + 1), len(run.seeds)),
                    "steps": run.steps.ravel(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def episode_path(
    update: DynaUpdate,
    maze: Maze,
    q: np.ndarray,
    seed: int,
    n_planning: int = 0,
    epsilon: float = EPSILON,
    max_steps: int = 2000,
) -> np.ndarray:
    """One learning episode of a single agent (the step ``update``) from values ``q``; its path.

    ``q`` (n_states, n_actions) is copied, not changed; the agent learns as it goes, with an
    empty model. Returns the int array of states visited, start first (at most ``max_steps``
    moves).
    """
    check_step("update", update)
    q = np.array(q, dtype=float)
    if q.shape != (maze.n_states, maze.n_actions):
        raise ValueError(f"q must have shape ({maze.n_states}, {maze.n_actions}), got {q.shape}")
    max_steps = check_count("max_steps", max_steps, 1)
    rng = np.random.default_rng(seed)
    model: dict = {}
    state = maze.start_state
    path = [state]
    for _ in range(max_steps):
        action = epsilon_greedy(q[state], epsilon, rng)
        following = int(maze.next_state[state, action])
        reward = float(maze.reward[state, action])
        done = bool(maze.terminal[following])
        q = np.asarray(update(q, model, state, action, reward, following, done, n_planning, rng))
        state = following
        path.append(state)
        if done:
            break
    return np.array(path, dtype=int)
