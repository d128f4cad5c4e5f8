"""Acting and planning in a maze: model-free, model-based, and copying an expert.

Four kinds of agent meet the :mod:`worldlab.worlds.maze`:

* **Q-learning** (Watkins 1989), model-free: it learns action values only from the rewards it
  meets, one real step at a time.
* **Dyna-Q** (Sutton 1990): Q-learning plus a memory of what each action did; after every real
  step it replays ``n_planning`` remembered transitions as if they were real. With
  ``n_planning = 0`` it *is* Q-learning.
* **Behaviour cloning**: copies, state by state, the actions an expert took on its way to the
  goal. It never learns what actions *do*.
* **Explore, then plan**: wanders without any reward, learns where each action leads (a
  transition model), and when told where the goal is, plans a route on that model.

The kit carries none of lesson 06's answers. Its runners take the steps as arguments, so that
lesson 06 passes its exercises and later lessons (curiosity, the capstone) pass their own:

``update(q, model, state, action, reward, next_state, done, n_planning, rng, alpha=, gamma=)``
    one Dyna-Q step (:data:`DynaUpdate`): changes ``q`` (float (n_states, n_actions)) and
    ``model`` (dict ``(state, action) -> (reward, next_state, done)``) in place and returns
    ``q``. Used by :func:`run_dyna`, :func:`dyna_steps`, :func:`learning_curves`,
    :func:`episode_path`, :func:`goal_change_experiment` and :func:`planning_demo`.
``learn_model(states, actions, next_states, n_states, n_actions)``
    a transition model from observed moves (:data:`ModelLearner`): returns ``(model, known)``,
    an int array (n_states, n_actions) of next states and a bool array of the moves observed.
``planner(model, reward, terminal, gamma)``
    plans on a deterministic model (:data:`Planner`): ``model`` int (n_states, n_actions),
    ``reward`` float (n_states, n_actions), ``terminal`` bool (n_states,); returns ``(v, q)``,
    float arrays (n_states,) and (n_states, n_actions). Used by :func:`plan_to_goal`,
    :func:`goal_change_experiment`, :func:`exploration_sweep` and :func:`planning_demo`.
``choose(state, tried, rng)``
    an exploration rule (:data:`Chooser`): the action to try in ``state`` given ``tried``, a
    bool array (n_states, n_actions) of the moves tried so far (a copy). Used by
    :func:`explore` and :func:`exploration_path`; without one, exploration is a random walk.

Planning on a learned model through these interfaces::

    states, actions, next_states = explore(maze, 1000, seed=0, choose=my_rule)
    model, known = my_learn_model(states, actions, next_states, maze.n_states, maze.n_actions)
    v, policy = plan_to_goal(model, maze.goal_state, planner=my_planner)
    path = rollout(maze, policy, max_steps=100)

Runners that return only data (numbers and arrays, for checks that run them on a student's
side): :func:`dyna_steps` and :func:`exploration_path`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from worldlab.plots import PALETTE
from worldlab.stats import mean_ci
from worldlab.worlds.maze import Maze, draw_maze, dyna_maze

#: Sutton & Barto's settings for the Dyna maze.
ALPHA = 0.1
GAMMA = 0.95
EPSILON = 0.1

#: One Dyna-Q step, as the runners call it (see the module docstring).
DynaUpdate = Callable[..., np.ndarray]
#: ``learn_model(states, actions, next_states, n_states, n_actions) -> (model, known)``.
ModelLearner = Callable[..., tuple[np.ndarray, np.ndarray]]
#: ``planner(model, reward, terminal, gamma) -> (v, q)``.
Planner = Callable[..., tuple[np.ndarray, np.ndarray]]
#: ``choose(state, tried, rng) -> action``.
Chooser = Callable[[int, np.ndarray, np.random.Generator], int]


# --------------------------------------------------------------------------------------------
# Checks


def _check_q(q) -> np.ndarray:
    if not isinstance(q, np.ndarray) or q.ndim != 2 or not np.issubdtype(q.dtype, np.floating):
        raise TypeError("q must be a float numpy array of shape (n_states, n_actions)")
    return q


def _check_index(name: str, value, size: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if not 0 <= value < size:
        raise ValueError(f"{name} must be in 0 … {size - 1}, got {value}")
    return int(value)


def _check_rates(alpha: float, gamma: float) -> None:
    if not 0 < alpha <= 1:
        raise ValueError(f"alpha must be in (0, 1], got {alpha!r}")
    if not 0 <= gamma <= 1:
        raise ValueError(f"gamma must be in [0, 1], got {gamma!r}")


def _check_count(name: str, value, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _check_step(name: str, step) -> None:
    if not callable(step):
        raise TypeError(
            f"{name} must be a function (see worldlab.planning's docstring), got {step!r}"
        )


def _checked_model(result, n_states: int, n_actions: int) -> tuple[np.ndarray, np.ndarray]:
    if not (isinstance(result, tuple | list) and len(result) == 2):
        raise ValueError("learn_model must return a pair (model, known)")
    model, known = np.asarray(result[0]), np.asarray(result[1], dtype=bool)
    if model.shape != (n_states, n_actions) or known.shape != (n_states, n_actions):
        raise ValueError(
            f"learn_model must return two arrays of shape ({n_states}, {n_actions}), got "
            f"{model.shape} and {known.shape}"
        )
    if not np.issubdtype(model.dtype, np.integer) or model.min() < 0 or model.max() >= n_states:
        raise ValueError("the learned model must hold state numbers 0 … n_states - 1")
    return model, known


def _checked_plan(result, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    if not (isinstance(result, tuple | list) and len(result) == 2):
        raise ValueError("planner must return a pair (v, q)")
    v, q = np.asarray(result[0], dtype=float), np.asarray(result[1], dtype=float)
    if v.shape != (shape[0],) or q.shape != shape:
        raise ValueError(
            f"planner must return v of shape ({shape[0]},) and q of shape {shape}, got "
            f"{v.shape} and {q.shape}"
        )
    return v, q


# --------------------------------------------------------------------------------------------
# Acting


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
    _check_step("update", update)
    maze = dyna_maze() if maze is None else maze
    seeds = tuple(int(seed) for seed in seeds)
    if not seeds:
        raise ValueError("seeds must not be empty")
    n_planning = _check_count("n_planning", n_planning)
    n_episodes = _check_count("n_episodes", n_episodes, 1)
    max_steps = _check_count("max_steps", max_steps, 1)
    _check_rates(alpha, gamma)
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
    _check_step("update", update)
    q = np.array(q, dtype=float)
    if q.shape != (maze.n_states, maze.n_actions):
        raise ValueError(f"q must have shape ({maze.n_states}, {maze.n_actions}), got {q.shape}")
    max_steps = _check_count("max_steps", max_steps, 1)
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


# --------------------------------------------------------------------------------------------
# Copying an expert


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
    n_demonstrations = _check_count("n_demonstrations", n_demonstrations, 1)
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


# --------------------------------------------------------------------------------------------
# Learning what actions do, then planning


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
    n_steps = _check_count("n_steps", n_steps, 1)
    rng = np.random.default_rng(seed)
    states = np.zeros(n_steps + 1, dtype=int)
    states[0] = maze.start_state
    if choose is None:
        actions = rng.integers(maze.n_actions, size=n_steps)
        for t in range(n_steps):
            states[t + 1] = maze.moves[states[t], actions[t]]
        return states[:-1], actions, states[1:]
    _check_step("choose", choose)
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
    goal_state = _check_index("goal_state", goal_state, model.shape[0])
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
    max_steps = _check_count("max_steps", max_steps, 1)
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
    _check_step("planner", planner)
    model = np.asarray(model)
    reward, terminal = goal_rewards(model, goal_state)
    v, q = _checked_plan(planner(model, reward, terminal, gamma), model.shape)
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
        _check_step(name, step)
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
        model, _ = _checked_model(
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
    _check_step("learn_model", learn_model)
    maze = dyna_maze().with_goal(tuple(goal))
    optimal = maze.optimal_steps()
    rows = []
    for budget in budgets:
        for seed in seeds:
            states, actions, next_states = explore(maze, budget, int(seed), choose)
            model, known = _checked_model(
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


# --------------------------------------------------------------------------------------------
# Figures


def plot_learning_curves(
    curves: pd.DataFrame,
    optimal: int | None = None,
    ax: Axes | None = None,
    interval: bool = True,
) -> Axes:
    """Mean steps per episode for each planning budget, log scale.

    ``curves`` is a table like :func:`learning_curves` returns. With ``interval``, the 95%
    interval over seeds is shaded (clipped at 1 step: the steps are skewed, the interval is not).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 4.0))
    colors = [
        PALETTE["vermillion"],
        PALETTE["orange"],
        PALETTE["blue"],
        PALETTE["green"],
        PALETTE["purple"],
    ]
    styles = ["-", "--", "-.", ":", "-"]
    for i, (n_planning, group) in enumerate(curves.groupby("n_planning", sort=True)):
        summary = mean_ci(group, "episode", "steps")
        label = "n = 0 (Q-learning)" if n_planning == 0 else f"n = {n_planning} planning steps"
        ax.plot(
            summary.index,
            summary["mean"],
            color=colors[i % 5],
            linestyle=styles[i % 5],
            linewidth=2,
            label=label,
        )
        if not interval:
            continue
        ax.fill_between(
            summary.index,
            summary["ci_low"].clip(lower=1),
            summary["ci_high"],
            color=colors[i % 5],
            alpha=0.15,
        )
    if optimal is not None:
        ax.axhline(
            optimal, color="grey", linestyle=":", linewidth=1.2, label=f"shortest path ({optimal})"
        )
    ax.set_yscale("log")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("episode")
    ax.set_ylabel("steps to reach the goal")
    ax.legend()
    return ax


def planning_demo(
    update: DynaUpdate | None = None,
    learn_model: ModelLearner | None = None,
    planner: Planner | None = None,
    n_planning: int = 10,
    goal_row: int = 5,
    goal_col: int = 8,
    n_exploration: int = 1000,
    n_episodes: int = 20,
) -> None:
    """The widget's figure for a goal cell of the Dyna maze.

    Left: mean steps per episode of Q-learning and of Dyna-Q with ``n_planning`` planning steps
    (the step ``update``), learning that goal from scratch (5 seeds). Right: the plan
    ``planner`` makes for that goal on a model ``learn_model`` built from ``n_exploration``
    reward-free random steps (seed 0). A panel whose steps are missing or unfinished (raise
    ``NotImplementedError``) says so instead.
    """
    maze = dyna_maze()
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4), width_ratios=[1.1, 1])
    # the settings as a title: every control visibly redraws, also while a panel is unfinished
    fig.suptitle(
        f"planning n = {n_planning}, goal ({goal_row}, {goal_col}), {n_exploration} exploration "
        f"steps, {n_episodes} episodes",
        fontsize=10,
    )
    if maze.walls[goal_row, goal_col] or (goal_row, goal_col) == maze.start:
        for ax in (left, right):
            ax.set_axis_off()
        left.text(
            0.5,
            0.5,
            f"({goal_row}, {goal_col}) is a wall or the start:\nchoose another goal cell",
            ha="center",
            va="center",
            fontsize=12,
        )
        plt.show()
        return
    goal_maze = maze.with_goal((goal_row, goal_col))
    try:
        if update is None:
            raise NotImplementedError
        budgets = (0, n_planning) if n_planning else (0,)
        curves = learning_curves(update, goal_maze, budgets, n_episodes, range(5))
        plot_learning_curves(curves, goal_maze.optimal_steps(), ax=left, interval=False)
        left.set_title("learning this goal from scratch (mean of 5 seeds)")
    except NotImplementedError:
        _unfinished(left, "finish exercise 1 (dyna_q_update)\nto see the learning curves")
    try:
        if learn_model is None or planner is None:
            raise NotImplementedError
        states, actions, next_states = explore(maze, n_exploration, seed=0)
        model, known = _checked_model(
            learn_model(states, actions, next_states, maze.n_states, maze.n_actions),
            maze.n_states,
            maze.n_actions,
        )
        v, plan = plan_to_goal(model, goal_maze.goal_state, planner)
        path = rollout(goal_maze, plan, max_steps=100)
        draw_maze(goal_maze, ax=right, values=v, path=path, known=known)
        if path[-1] == goal_maze.goal_state:
            outcome = f"plan: {len(path) - 1} moves (shortest {goal_maze.optimal_steps()})"
        else:
            outcome = "no route to the goal in the learned model"
        right.set_title(f"model from {n_exploration} random steps\n{outcome}", fontsize=11)
    except NotImplementedError:
        _unfinished(right, "finish exercises 2 and 3\nto see the plan")
    plt.tight_layout()
    plt.show()


def _unfinished(ax: Axes, message: str) -> None:
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=11, transform=ax.transAxes)


def plot_goal_change(moved: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Steps each agent needed to reach the moved goal: one dot per seed, a bar at the median.

    ``moved`` is the table :func:`goal_change_experiment` returns. Dots at the top are runs cut
    at the step budget (the largest ``steps`` recorded when some runs failed).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 4.0))
    agents = [name for name in AGENTS if name in set(moved["agent"])]
    colors = {
        "planner": PALETTE["blue"],
        "q-learning": PALETTE["vermillion"],
        "q-learning, told the goal": PALETTE["orange"],
        "behaviour cloning": PALETTE["purple"],
    }
    rng = np.random.default_rng(0)  # jitter only, so dots at the same height stay visible
    for x, agent in enumerate(agents):
        rows = moved[moved["agent"] == agent]
        jitter = rng.uniform(-0.15, 0.15, len(rows))
        ax.scatter(
            x + jitter,
            rows["steps"],
            s=50,
            color=colors[agent],
            alpha=0.8,
            zorder=3,
            edgecolor="white",
            linewidth=0.5,
        )
        ax.hlines(
            rows["steps"].median(),
            x - 0.3,
            x + 0.3,
            color=PALETTE["black"],
            linewidth=1.5,
            zorder=2,
        )
    failed = moved[~moved["reached"]]
    if len(failed):
        ax.axhline(
            failed["steps"].max(),
            color="grey",
            linestyle="--",
            linewidth=1,
            label=f"step budget ({failed['steps'].max()}): goal not reached",
        )
    ax.axhline(
        moved["optimal"].iloc[0],
        color="grey",
        linestyle=":",
        linewidth=1.2,
        label=f"shortest route ({moved['optimal'].iloc[0]})",
    )
    ax.set_yscale("log")
    ax.set_xticks(range(len(agents)), [name.replace(", ", ",\n") for name in agents])
    ax.set_xlim(-0.6, len(agents) - 0.4)
    ax.set_ylabel("steps to reach the new goal")
    ax.legend(loc="center left", fontsize=9)
    return ax
