"""Copying an expert: demonstrations of shortest paths and behaviour cloning."""

from __future__ import annotations

import numpy as np

from worldlab.planning.steps import check_count
from worldlab.worlds.maze import Maze


def expert_demonstrations(
    maze: Maze, n_demonstrations: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """State–action pairs of an expert walking shortest paths to ``maze.goal``.

    Each demonstration starts in a free cell drawn at random (the start cell included) and
    follows a shortest path, choosing at random between equally short moves.

    Returns
    -------
    ``(states, actions)``: two int arrays of the same shape (n_pairs,).
    """
    n_demonstrations = check_count("n_demonstrations", n_demonstrations, 1)
    rng = np.random.default_rng(seed)
    distance = maze.distances_to_goal()
    candidates = maze.free_states[np.isfinite(distance[maze.free_states])]
    candidates = candidates[candidates != maze.goal_state]
    states, actions = [], []
    for start in rng.choice(candidates, size=n_demonstrations):
        state = int(start)
        while state != maze.goal_state:
            closer = np.flatnonzero(distance[maze.moves[state]] == distance[state] - 1)
            action = int(rng.choice(closer))
            states.append(state)
            actions.append(action)
            state = int(maze.moves[state, action])
    return np.array(states, dtype=int), np.array(actions, dtype=int)


def behaviour_cloning(
    states: np.ndarray, actions: np.ndarray, n_states: int, n_actions: int = 4
) -> np.ndarray:
    """The copying policy: in each state, the action the expert took most often there.

    Returns
    -------
    float array (n_states, n_actions) of action probabilities: one-hot on the expert's most
    frequent action (ties shared), uniform in states the expert never visited.
    """
    states = np.asarray(states)
    actions = np.asarray(actions)
    if states.shape != actions.shape or states.ndim != 1:
        raise ValueError(
            f"states and actions must be 1-D of one shape, got {states.shape} and {actions.shape}"
        )
    counts = np.zeros((n_states, n_actions))
    np.add.at(counts, (states, actions), 1)
    best = (counts == counts.max(axis=1, keepdims=True)).astype(float)
    return best / best.sum(axis=1, keepdims=True)
