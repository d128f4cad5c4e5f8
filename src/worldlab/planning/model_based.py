"""Learning what actions do, then planning: explore, learn a model, plan to a goal."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from worldlab.planning.dyna import run_dyna
from worldlab.planning.imitation import behaviour_cloning, expert_demonstrations
from worldlab.planning.steps import (
    GAMMA,
    Chooser,
    DynaUpdate,
    ModelLearner,
    Planner,
    check_count,
    check_index,
    check_step,
    checked_model,
    checked_plan,
)
from worldlab.worlds.maze import Maze, dyna_maze


def explore(
    maze: Maze, n_steps: int, seed: int, choose: Chooser | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Reward-free exploration: ``n_steps`` moves from the start, recording what each did.

    The explorer ignores rewards and the goal (the goal cell is just a cell). Without
    ``choose`` it walks at random; with it, ``choose(state, tried, rng)`` picks each action
    (``tried``: a copy of the bool array (n_states, n_actions) of moves tried so far; ``rng``:
    ``np.random.default_rng(seed)``).

    Returns
    -------
    ``(states, actions, next_states)``: int arrays of shape (n_steps,).
    """
    n_steps = check_count("n_steps", n_steps, 1)
    rng = np.random.default_rng(seed)
    states = np.zeros(n_steps + 1, dtype=int)
    states[0] = maze.start_state
    if choose is None:
        actions = rng.integers(maze.n_actions, size=n_steps)
        for t in range(n_steps):
            states[t + 1] = maze.moves[states[t], actions[t]]
        return states[:-1], actions, states[1:]
    check_step("choose", choose)
    actions = np.zeros(n_steps, dtype=int)
    tried = np.zeros((maze.n_states, maze.n_actions), dtype=bool)
    for t in range(n_steps):
        action = choose(int(states[t]), tried.copy(), rng)
        if isinstance(action, bool) or not isinstance(action, int | np.integer):
            raise TypeError(f"choose must return an int action, got {action!r}")
        if not 0 <= action < maze.n_actions:
            raise ValueError(f"choose returned action {action}, not in 0 … {maze.n_actions - 1}")
        actions[t] = action
        tried[states[t], action] = True
        states[t + 1] = maze.moves[states[t], action]
    return states[:-1], actions, states[1:]


def exploration_path(
    choose: Chooser | None, n_steps: int, seed: int, start: tuple[int, int] | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`explore` in the Dyna maze (from ``start`` if given): a data-only runner for checks."""
    maze = dyna_maze() if start is None else dyna_maze().with_start(tuple(start))
    return explore(maze, n_steps, seed, choose)


def exploration_actions(
    choose: Chooser, n_steps: int, seed: int, start: tuple[int, int] | None = None
) -> np.ndarray:
    """The actions of an exploration in the Dyna maze whose step ``t`` draws from its own generator.

    Like :func:`exploration_path`, but ``choose(state, tried, rng)`` gets
    ``np.random.default_rng([seed, t])`` at step ``t``, so every step can be replayed on its own:
    a check takes these actions as a *claim*, re-walks the maze from them and asks ``choose``
    again on steps it samples (:mod:`worldlab.checking`).

    Returns
    -------
    int array (n_steps,) of the actions taken.
    """
    n_steps = check_count("n_steps", n_steps, 1)
    check_step("choose", choose)
    maze = dyna_maze() if start is None else dyna_maze().with_start(tuple(start))
    actions = np.zeros(n_steps, dtype=int)
    tried = np.zeros((maze.n_states, maze.n_actions), dtype=bool)
    state = maze.start_state
    for t in range(n_steps):
        action = choose(int(state), tried.copy(), np.random.default_rng([int(seed), t]))
        if isinstance(action, bool) or not isinstance(action, int | np.integer):
            raise TypeError(f"choose must return an int action, got {action!r}")
        if not 0 <= action < maze.n_actions:
            raise ValueError(f"choose returned action {action}, not in 0 … {maze.n_actions - 1}")
        actions[t] = action
        tried[state, action] = True
        state = maze.moves[state, action]
    return actions


def move_coverage(maze: Maze, states: np.ndarray, actions: np.ndarray) -> float:
    """The fraction of the moves from free cells (``4 × free cells``) tried at least once."""
    tried = np.zeros((maze.n_states, maze.n_actions), dtype=bool)
    tried[np.asarray(states), np.asarray(actions)] = True
    return float(tried[maze.free_states].mean())


def goal_rewards(model: np.ndarray, goal_state: int) -> tuple[np.ndarray, np.ndarray]:
    """Reward 1 for each modelled move into ``goal_state`` (from elsewhere), the goal terminal.

    Returns
    -------
    ``(reward, terminal)``: float array of the shape of ``model`` (n_states, n_actions) and bool
    array (n_states,).
    """
    model = np.asarray(model)
    goal_state = check_index("goal_state", goal_state, model.shape[0])
    reward = (model == goal_state).astype(float)
    reward[goal_state] = 0.0
    terminal = np.zeros(model.shape[0], dtype=bool)
    terminal[goal_state] = True
    return reward, terminal


def greedy_policy(q: np.ndarray) -> np.ndarray:
    """The best action in each state (the first of equal ones): int array (n_states,)."""
    q = np.asarray(q, dtype=float)
    if q.ndim != 2:
        raise ValueError(f"q must be 2-D (n_states, n_actions), got shape {q.shape}")
    return np.argmax(q, axis=1)


def rollout(
    maze: Maze,
    policy: np.ndarray,
    max_steps: int = 100,
    seed: int | None = None,
) -> np.ndarray:
    """Follow ``policy`` in the real maze from the start until the goal or ``max_steps`` moves.

    ``policy`` is an int array (n_states,) of actions, or a float array (n_states, n_actions)
    of action probabilities (then ``seed`` draws the actions).

    Returns
    -------
    int array of the states visited, start first: ``len(path) - 1`` moves were made, and the
    goal was reached when the last state is ``maze.goal_state``.
    """
    policy = np.asarray(policy)
    max_steps = check_count("max_steps", max_steps, 1)
    stochastic = policy.ndim == 2
    if policy.shape not in ((maze.n_states,), (maze.n_states, maze.n_actions)):
        raise ValueError(f"policy must have shape ({maze.n_states},) or ({maze.n_states}, 4)")
    if stochastic:
        if np.any(policy < 0) or not np.allclose(policy.sum(axis=1), 1.0):
            raise ValueError("a stochastic policy's rows must be probabilities summing to 1")
        cumulative = np.cumsum(policy, axis=1)
        draws = np.random.default_rng(seed).random(max_steps)
    moves, goal = maze.moves, maze.goal_state
    path = [maze.start_state]
    state = maze.start_state
    for step in range(max_steps):
        if stochastic:
            action = min(
                int(np.searchsorted(cumulative[state], draws[step], side="right")),
                maze.n_actions - 1,
            )
        else:
            action = int(policy[state])
        state = int(moves[state, action])
        path.append(state)
        if state == goal:
            break
    return np.array(path, dtype=int)


def plan_to_goal(
    model: np.ndarray, goal_state: int, planner: Planner, gamma: float = GAMMA
) -> tuple[np.ndarray, np.ndarray]:
    """Plan on a learned ``model`` for a goal with ``planner``: returns ``(v, policy)``.

    The reward is :func:`goal_rewards` of the model; ``v`` has shape (n_states,), ``policy``
    (the greedy action of the planner's ``q``) shape (n_states,).
    """
    check_step("planner", planner)
    model = np.asarray(model)
    reward, terminal = goal_rewards(model, goal_state)
    v, q = checked_plan(planner(model, reward, terminal, gamma), model.shape)
    return v, greedy_policy(q)


def steps_to_goal(maze: Maze, path: np.ndarray, max_steps: int) -> int:
    """Moves a rollout took to the goal, or ``max_steps`` if it never got there."""
    return len(path) - 1 if path[-1] == maze.goal_state else max_steps


AGENTS = ("planner", "q-learning", "q-learning, told the goal", "behaviour cloning")


def goal_change_experiment(
    old_maze: Maze,
    update: DynaUpdate,
    learn_model: ModelLearner,
    planner: Planner,
    new_goal: tuple[int, int] = (5, 5),
    seeds: Sequence[int] = range(10),
    n_training_episodes: int = 30,
    n_exploration_steps: int = 1000,
    n_demonstrations: int = 30,
    max_steps: int = 2000,
) -> pd.DataFrame:
    """Move the goal, and count the steps each agent needs to reach it the first time.

    * ``planner``: explores ``old_maze`` at random for ``n_exploration_steps`` without reward,
      learns a transition model with ``learn_model``, is told the new goal (the reward of every
      modelled move into it), plans with ``planner``, executes the plan.
    * ``q-learning``: trained with ``update`` (no planning) for ``n_training_episodes`` on the
      old goal, then keeps learning (ε-greedy) in the maze with the new goal.
    * ``q-learning, told the goal``: the same learner given the planner's reward information
      instead of its old values: every move that enters the new goal starts at value 1, every
      other at 0. Without a model it still has to find its way there.
    * ``behaviour cloning``: imitates ``n_demonstrations`` expert paths to the old goal, then
      acts in the maze with the new goal.

    Each agent gets at most ``max_steps`` steps (counted as ``max_steps`` if it fails). All
    agents of one seed share it, so agents can be compared seed by seed.

    Returns
    -------
    tidy DataFrame: ``seed``, ``agent`` (one of :data:`AGENTS`), ``steps``, ``reached`` (bool),
    ``optimal`` (the shortest path to the new goal), ``coverage`` (the share of moves the
    planner's exploration tried; NaN for the others), ``old_goal_visits`` (how often the
    planner's and the cloner's paths entered the old goal cell; -1, not recorded, for the
    Q-learners).
    """
    for name, step in (("update", update), ("learn_model", learn_model), ("planner", planner)):
        check_step(name, step)
    seeds = tuple(int(seed) for seed in seeds)
    new_maze = old_maze.with_goal(new_goal)
    optimal = new_maze.optimal_steps()
    trained = run_dyna(update, 0, n_training_episodes, seeds, old_maze)
    after = run_dyna(update, 0, 1, seeds, new_maze, q0=trained.q, max_steps=max_steps)
    told_values, _ = goal_rewards(new_maze.moves, new_maze.goal_state)
    told = run_dyna(
        update, 0, 1, seeds, new_maze, q0=np.stack([told_values] * len(seeds)), max_steps=max_steps
    )
    rows = []
    for i, seed in enumerate(seeds):
        states, actions, next_states = explore(old_maze, n_exploration_steps, seed)
        model, _ = checked_model(
            learn_model(states, actions, next_states, old_maze.n_states, old_maze.n_actions),
            old_maze.n_states,
            old_maze.n_actions,
        )
        _, plan = plan_to_goal(model, new_maze.goal_state, planner)
        planned = rollout(new_maze, plan, max_steps)
        cloned = behaviour_cloning(
            *expert_demonstrations(old_maze, n_demonstrations, seed), old_maze.n_states
        )
        copied = rollout(new_maze, cloned, max_steps, seed)
        coverage = move_coverage(old_maze, states, actions)
        results = (
            ("planner", steps_to_goal(new_maze, planned, max_steps), planned, coverage),
            ("q-learning", int(after.steps[i, 0]), None, np.nan),
            ("q-learning, told the goal", int(told.steps[i, 0]), None, np.nan),
            ("behaviour cloning", steps_to_goal(new_maze, copied, max_steps), copied, np.nan),
        )
        for agent, steps, path, covered in results:
            visits = -1 if path is None else int(np.sum(path == old_maze.goal_state))
            rows.append(
                {
                    "seed": seed,
                    "agent": agent,
                    "steps": int(steps),
                    "reached": bool(steps < max_steps),
                    "optimal": optimal,
                    "coverage": covered,
                    "old_goal_visits": visits,
                }
            )
    return pd.DataFrame(rows)


def exploration_sweep(
    learn_model: ModelLearner,
    planner: Planner,
    goal: tuple[int, int] = (5, 5),
    budgets: Sequence[int] = (100, 200, 400, 1000),
    seeds: Sequence[int] = range(10),
    choose: Chooser | None = None,
    max_steps: int = 200,
) -> pd.DataFrame:
    """The planner with a partial model: explore ``budget`` steps, plan to ``goal``, execute.

    Returns
    -------
    tidy DataFrame: ``seed``, ``n_exploration``, ``coverage`` (share of moves tried),
    ``goal_known`` (whether any move into the goal was tried), ``steps`` (to the goal, or
    ``max_steps``), ``reached``, ``optimal``.
    """
    check_step("learn_model", learn_model)
    maze = dyna_maze().with_goal(tuple(goal))
    optimal = maze.optimal_steps()
    rows = []
    for budget in budgets:
        for seed in seeds:
            states, actions, next_states = explore(maze, budget, int(seed), choose)
            model, known = checked_model(
                learn_model(states, actions, next_states, maze.n_states, maze.n_actions),
                maze.n_states,
                maze.n_actions,
            )
            _, plan = plan_to_goal(model, maze.goal_state, planner)
            steps = steps_to_goal(maze, rollout(maze, plan, max_steps), max_steps)
            rows.append(
                {
                    "seed": int(seed),
                    "n_exploration": int(budget),
                    "coverage": move_coverage(maze, states, actions),
                    "goal_known": bool(np.any(next_states == maze.goal_state)),
                    "steps": int(steps),
                    "reached": bool(steps < max_steps),
                    "optimal": optimal,
                }
            )
    return pd.DataFrame(rows)
