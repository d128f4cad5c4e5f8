"""Acting and planning in a maze: model-free, model-based, and copying an expert.

Four agents meet the :mod:`worldlab.worlds.maze`:

* **Q-learning** (Watkins 1989), model-free: it learns action values only from the rewards it
  meets, one real step at a time.
* **Dyna-Q** (Sutton 1990): Q-learning plus a model of what each action did; after every real
  step it replays ``n_planning`` remembered transitions as if they were real. With
  ``n_planning = 0`` it *is* Q-learning.
* **Behaviour cloning**: copies, state by state, the actions an expert took on its way to the
  goal. It never learns what actions *do*.
* **Explore, then plan**: wanders without any reward, learns where each action leads (a
  transition model), and when told where the goal is, plans a route with value iteration.

The single-agent functions (:func:`q_learning_update`, :func:`dyna_q_update`,
:func:`value_iteration`…) are the readable reference. :func:`run_dyna_q` runs many independent
agents side by side, vectorised with numpy, each with its own seed.
"""

from __future__ import annotations

from collections.abc import Sequence
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


# --------------------------------------------------------------------------------------------
# One agent, one step: the readable reference


def q_learning_update(
    q: np.ndarray,
    state: int,
    action: int,
    reward: float,
    next_state: int,
    done: bool,
    alpha: float = ALPHA,
    gamma: float = GAMMA,
) -> np.ndarray:
    """One Q-learning update, in place: ``q[s, a] += alpha * (target - q[s, a])``.

    ``target = reward + gamma * max(q[next_state])``, or just ``reward`` when ``done`` (nothing
    follows the end of an episode). ``q`` has shape (n_states, n_actions); it is returned.
    """
    q = _check_q(q)
    state = _check_index("state", state, q.shape[0])
    action = _check_index("action", action, q.shape[1])
    next_state = _check_index("next_state", next_state, q.shape[0])
    _check_rates(alpha, gamma)
    target = reward + (0.0 if done else gamma * q[next_state].max())
    q[state, action] += alpha * (target - q[state, action])
    return q


def dyna_q_update(
    q: np.ndarray,
    model: dict,
    state: int,
    action: int,
    reward: float,
    next_state: int,
    done: bool,
    n_planning: int,
    rng: np.random.Generator,
    alpha: float = ALPHA,
    gamma: float = GAMMA,
) -> np.ndarray:
    """One Dyna-Q step (Sutton 1990), in place.

    1. Learn from the real transition with :func:`q_learning_update`.
    2. Remember it: ``model[(state, action)] = (reward, next_state, done)``.
    3. Plan: ``n_planning`` times, pick a remembered ``(s, a)`` uniformly at random
       (``rng.integers(len(model))`` over ``list(model)``), and apply the Q-learning update to
       the transition the model predicts.

    With ``n_planning = 0`` this is exactly Q-learning (plus the remembering). ``q`` (shape
    (n_states, n_actions)) is returned.
    """
    if not isinstance(model, dict):
        raise TypeError(
            f"model must be a dict {{(state, action): (reward, next, done)}}, got "
            f"{type(model).__name__}"
        )
    n_planning = _check_count("n_planning", n_planning)
    q_learning_update(q, state, action, reward, next_state, done, alpha, gamma)
    model[(int(state), int(action))] = (float(reward), int(next_state), bool(done))
    pairs = list(model)
    for _ in range(n_planning):
        s, a = pairs[rng.integers(len(pairs))]
        r, s2, d = model[(s, a)]
        q_learning_update(q, s, a, r, s2, d, alpha, gamma)
    return q


def epsilon_greedy(q_row: np.ndarray, epsilon: float, rng: np.random.Generator) -> int:
    """A random action with probability ``epsilon``, else a best one (ties broken at random)."""
    q_row = np.asarray(q_row, dtype=float)
    if q_row.ndim != 1:
        raise ValueError(f"q_row must be 1-D (n_actions,), got shape {q_row.shape}")
    if not 0 <= epsilon <= 1:
        raise ValueError(f"epsilon must be in [0, 1], got {epsilon!r}")
    if rng.random() < epsilon:
        return int(rng.integers(len(q_row)))
    return int(rng.choice(np.flatnonzero(q_row == q_row.max())))


def run_episode_dyna_q(
    maze: Maze,
    q: np.ndarray,
    model: dict,
    n_planning: int,
    rng: np.random.Generator,
    epsilon: float = EPSILON,
    max_steps: int = 10_000,
) -> int:
    """One episode of a single Dyna-Q agent from the start to the goal; returns its steps.

    ``q`` and ``model`` are updated in place (so call it again for the next episode).
    """
    state = maze.start_state
    for step in range(1, max_steps + 1):
        action = epsilon_greedy(q[state], epsilon, rng)
        next_state, reward, done = maze.step(state, action)
        dyna_q_update(
            q, model, state, action, float(reward), int(next_state), bool(done), n_planning, rng
        )
        if done:
            return step
        state = int(next_state)
    return max_steps


# --------------------------------------------------------------------------------------------
# Many agents at once


@dataclass(frozen=True, eq=False)
class DynaQRun:
    """What :func:`run_dyna_q` measured.

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


class _Uniforms:
    """Uniform numbers, one independent stream per agent, handed out in blocks (fast)."""

    def __init__(self, seeds: Sequence[int], per_step: int, block: int = 256) -> None:
        self._rngs = [np.random.default_rng(seed) for seed in seeds]
        self._per_step = per_step
        self._block = block
        self._position = block

    def next(self) -> np.ndarray:
        if self._position == self._block:
            self._buffer = np.stack(
                [rng.random((self._block, self._per_step)) for rng in self._rngs], axis=1
            )
            self._position = 0
        self._position += 1
        return self._buffer[self._position - 1]


def run_dyna_q(
    maze: Maze,
    n_planning: int,
    n_episodes: int,
    seeds: Sequence[int] = range(10),
    epsilon: float = EPSILON,
    alpha: float = ALPHA,
    gamma: float = GAMMA,
    q0: np.ndarray | None = None,
    max_steps: int = 10_000,
) -> DynaQRun:
    """Run one Dyna-Q agent per seed for ``n_episodes`` episodes, all side by side.

    Each agent starts with ``q0`` (shape (n_agents, n_states, n_actions); zeros by default) and
    an empty model, acts ε-greedily (ties broken at random), and after each real step makes
    ``n_planning`` planning updates from transitions sampled uniformly from its model. With
    ``n_planning = 0`` it is Q-learning. An episode is cut after ``max_steps`` steps.

    Every agent draws from its own ``np.random.default_rng(seed)``, so an agent's run depends on
    its seed only, not on the other agents in the batch.
    """
    seeds = tuple(int(seed) for seed in seeds)
    if not seeds:
        raise ValueError("seeds must not be empty")
    n_planning = _check_count("n_planning", n_planning)
    n_episodes = _check_count("n_episodes", n_episodes, 1)
    max_steps = _check_count("max_steps", max_steps, 1)
    _check_rates(alpha, gamma)
    if not 0 <= epsilon <= 1:
        raise ValueError(f"epsilon must be in [0, 1], got {epsilon!r}")
    n_agents, n_states, n_actions = len(seeds), maze.n_states, maze.n_actions
    if q0 is None:
        q = np.zeros((n_agents, n_states, n_actions))
    else:
        q = np.array(q0, dtype=float)
        if q.shape != (n_agents, n_states, n_actions):
            raise ValueError(
                f"q0 must have shape (n_agents, n_states, n_actions) = "
                f"({n_agents}, {n_states}, {n_actions}), got {q.shape}"
            )
    next_table, reward_table, terminal = maze.next_state, maze.reward, maze.terminal
    model_next = np.zeros((n_agents, n_states * n_actions), dtype=int)
    model_reward = np.zeros((n_agents, n_states * n_actions))
    model_done = np.zeros((n_agents, n_states * n_actions), dtype=bool)
    seen = np.zeros((n_agents, n_states * n_actions), dtype=bool)
    seen_pairs = np.zeros((n_agents, n_states * n_actions), dtype=int)
    n_seen = np.zeros(n_agents, dtype=int)
    # Planning cannot change an agent's values while they are all zero and it has seen no
    # reward (every target is then 0): skipping it for that agent is exact.
    has_values = np.any(q != 0, axis=(1, 2))
    q_flat = q.reshape(-1)  # a view: agent i, state s, action a at (i * n_states + s) * 4 + a
    uniforms = _Uniforms(seeds, per_step=6 + n_planning)
    start = maze.start_state
    state = np.full(n_agents, start)
    episode_steps = np.zeros(n_agents, dtype=int)
    episodes_done = np.zeros(n_agents, dtype=int)
    steps = np.zeros((n_agents, n_episodes), dtype=int)
    live = np.arange(n_agents)
    while live.size:
        # Every agent draws its numbers each step, live or not: its stream stays its own.
        u = uniforms.next()[live]
        s = state[live]
        # ε-greedy with random tie-breaking: the best actions score 1 + uniform, others 0.
        q_here = q[live, s]
        best = q_here == q_here.max(axis=1, keepdims=True)
        greedy = np.argmax(best * (1.0 + u[:, 2:6]), axis=1)
        a = np.where(u[:, 0] < epsilon, (u[:, 1] * n_actions).astype(int), greedy)
        s2 = next_table[s, a]
        reward = reward_table[s, a]
        done = terminal[s2]
        index = (live * n_states + s) * n_actions + a
        target = reward + gamma * q[live, s2].max(axis=1) * ~done
        q_flat[index] += alpha * (target - q_flat[index])
        pair = s * n_actions + a
        new = ~seen[live, pair]
        if new.any():
            seen_pairs[live[new], n_seen[live[new]]] = pair[new]
            n_seen[live[new]] += 1
            seen[live[new], pair[new]] = True
        model_next[live, pair] = s2
        model_reward[live, pair] = reward
        model_done[live, pair] = done
        has_values[live] |= reward != 0
        planners = live[has_values[live]]
        if n_planning and planners.size:
            _plan(
                q_flat,
                planners,
                u[has_values[live], 6:],
                seen_pairs,
                n_seen,
                model_next,
                model_reward,
                model_done,
                n_states,
                n_actions,
                alpha,
                gamma,
            )
        episode_steps[live] += 1
        ended = done | (episode_steps[live] >= max_steps)
        state[live] = np.where(ended, start, s2)
        if ended.any():
            finished = live[ended]
            steps[finished, episodes_done[finished]] = episode_steps[finished]
            episodes_done[finished] += 1
            episode_steps[finished] = 0
            live = np.flatnonzero(episodes_done < n_episodes)
    return DynaQRun(steps, q, seeds)


def _plan(
    q_flat,
    live,
    u,
    seen_pairs,
    n_seen,
    model_next,
    model_reward,
    model_done,
    n_states,
    n_actions,
    alpha,
    gamma,
) -> None:
    """All ``u.shape[1]`` planning updates of the ``live`` agents, in order (q_flat in place).

    The model does not change while planning, so every sampled transition is looked up at once;
    only the value updates, which depend on each other, run one after another.
    """
    n_planning = u.shape[1]
    chosen = seen_pairs[live[:, None], (u * n_seen[live][:, None]).astype(int)]  # (n, k)
    rows = live[:, None]
    following = model_next[rows, chosen]
    rewards = model_reward[rows, chosen]
    continues = gamma * ~model_done[rows, chosen]
    flat = live[:, None] * (n_states * n_actions) + chosen
    next_rows = ((live[:, None] * n_states + following) * n_actions)[:, :, None] + np.arange(
        n_actions
    )
    for k in range(n_planning):
        index = flat[:, k]
        target = rewards[:, k] + continues[:, k] * q_flat[next_rows[:, k]].max(axis=1)
        q_flat[index] += alpha * (target - q_flat[index])


def learning_curves(
    maze: Maze,
    n_planning_values: Sequence[int] = (0, 5, 50),
    n_episodes: int = 30,
    seeds: Sequence[int] = range(10),
) -> pd.DataFrame:
    """Steps per episode of Dyna-Q for several planning budgets, same seeds for each.

    Returns
    -------
    tidy DataFrame with columns ``n_planning``, ``seed``, ``episode`` (1 …), ``steps``.
    """
    frames = []
    for n_planning in n_planning_values:
        run = run_dyna_q(maze, n_planning, n_episodes, seeds)
        n_agents = len(run.seeds)
        frames.append(
            pd.DataFrame(
                {
                    "n_planning": n_planning,
                    "seed": np.repeat(run.seeds, n_episodes),
                    "episode": np.tile(np.arange(1, n_episodes + 1), n_agents),
                    "steps": run.steps.ravel(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


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


def explore(maze: Maze, n_steps: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Reward-free exploration: a random walk of ``n_steps`` moves from the start.

    The explorer ignores rewards and the goal (the goal cell is just a cell): it only records
    what its actions did.

    Returns
    -------
    ``(states, actions, next_states)``: int arrays of shape (n_steps,).
    """
    n_steps = _check_count("n_steps", n_steps, 1)
    rng = np.random.default_rng(seed)
    actions = rng.integers(maze.n_actions, size=n_steps)
    states = np.zeros(n_steps + 1, dtype=int)
    states[0] = maze.start_state
    for t in range(n_steps):
        states[t + 1] = maze.moves[states[t], actions[t]]
    return states[:-1], actions, states[1:]


def learn_transition_model(
    states: np.ndarray,
    actions: np.ndarray,
    next_states: np.ndarray,
    n_states: int,
    n_actions: int = 4,
) -> tuple[np.ndarray, np.ndarray]:
    """A deterministic transition model from observed moves.

    Returns
    -------
    ``(model, known)``: ``model`` int array (n_states, n_actions), where action ``a`` leads from
    ``s`` (the last outcome observed; ``s`` itself, "nothing happens", if never tried), and
    ``known`` bool array (n_states, n_actions), True where the move was observed.
    """
    states, actions, next_states = (np.asarray(x) for x in (states, actions, next_states))
    if not (states.shape == actions.shape == next_states.shape) or states.ndim != 1:
        raise ValueError("states, actions and next_states must be 1-D arrays of one shape")
    model = np.repeat(np.arange(n_states)[:, None], n_actions, axis=1)
    known = np.zeros((n_states, n_actions), dtype=bool)
    model[states, actions] = next_states
    known[states, actions] = True
    return model, known


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


def value_iteration(
    model: np.ndarray,
    reward: np.ndarray,
    terminal: np.ndarray,
    gamma: float = GAMMA,
    tolerance: float = 1e-10,
    max_iterations: int = 10_000,
) -> tuple[np.ndarray, np.ndarray]:
    """Optimal values of a deterministic model by value iteration (Bellman 1957).

    Repeats ``q = reward + gamma * v[model]`` and ``v = max(q, axis=1)`` (with ``v = 0`` at
    terminal states) until ``v`` changes by less than ``tolerance``.

    Parameters
    ----------
    model
        int array (n_states, n_actions): the state each action leads to.
    reward
        float array (n_states, n_actions): the reward of each move.
    terminal
        bool array (n_states,): states where nothing more can be earned.

    Returns
    -------
    ``(v, q)``: float arrays of shape (n_states,) and (n_states, n_actions).
    """
    model = np.asarray(model)
    reward = np.asarray(reward, dtype=float)
    terminal = np.asarray(terminal, dtype=bool)
    if model.ndim != 2 or not np.issubdtype(model.dtype, np.integer):
        raise ValueError(
            f"model must be an int array (n_states, n_actions), got {model.dtype} {model.shape}"
        )
    if reward.shape != model.shape:
        raise ValueError(f"reward must have the model's shape {model.shape}, got {reward.shape}")
    if terminal.shape != (model.shape[0],):
        raise ValueError(f"terminal must have shape ({model.shape[0]},), got {terminal.shape}")
    if model.min() < 0 or model.max() >= model.shape[0]:
        raise ValueError("model entries must be states in 0 … n_states - 1")
    if not 0 <= gamma < 1:
        raise ValueError(f"gamma must be in [0, 1), got {gamma!r}")
    v = np.zeros(model.shape[0])
    for _ in range(max_iterations):
        q = reward + gamma * v[model]
        new_v = np.where(terminal, 0.0, q.max(axis=1))
        if np.max(np.abs(new_v - v)) < tolerance:
            v = new_v
            break
        v = new_v
    return v, reward + gamma * v[model]


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


def plan_to_goal(model: np.ndarray, goal_state: int, gamma: float = GAMMA):
    """Value iteration on a learned ``model`` for a goal: returns ``(v, policy)``.

    ``v`` has shape (n_states,), ``policy`` shape (n_states,).
    """
    reward, terminal = goal_rewards(model, goal_state)
    v, q = value_iteration(model, reward, terminal, gamma)
    return v, greedy_policy(q)


def steps_to_goal(maze: Maze, path: np.ndarray, max_steps: int) -> int:
    """Moves a rollout took to the goal, or ``max_steps`` if it never got there."""
    return len(path) - 1 if path[-1] == maze.goal_state else max_steps


def goal_change_experiment(
    old_maze: Maze,
    new_goal: tuple[int, int] = (5, 5),
    seeds: Sequence[int] = range(10),
    n_training_episodes: int = 30,
    n_exploration_steps: int = 1000,
    n_demonstrations: int = 30,
    max_steps: int = 2000,
) -> pd.DataFrame:
    """Move the goal, and count the steps each agent needs to reach it the first time.

    * ``planner``: explores ``old_maze`` for ``n_exploration_steps`` without reward, learns a
      transition model, is told the new goal, plans with value iteration, executes the plan.
    * ``q-learning``: trained for ``n_training_episodes`` on the old goal, then keeps learning
      (ε-greedy) in the maze with the new goal; its first episode there is counted.
    * ``behaviour cloning``: imitates ``n_demonstrations`` expert paths to the old goal, then
      acts in the maze with the new goal.

    Each agent gets at most ``max_steps`` steps (counted as ``max_steps`` if it fails).

    Returns
    -------
    tidy DataFrame: ``seed``, ``agent``, ``steps``, ``reached`` (bool), ``optimal`` (the
    shortest path to the new goal), ``old_goal_visits`` (how often the planner's and the
    cloner's paths entered the old goal cell; not recorded, -1, for Q-learning).
    """
    seeds = tuple(int(seed) for seed in seeds)
    new_maze = old_maze.with_goal(new_goal)
    optimal = new_maze.optimal_steps()
    rows = []
    trained = run_dyna_q(old_maze, 0, n_training_episodes, seeds)
    after = run_dyna_q(new_maze, 0, 1, seeds, q0=trained.q, max_steps=max_steps)
    for i, seed in enumerate(seeds):
        model, _ = learn_transition_model(
            *explore(old_maze, n_exploration_steps, seed), old_maze.n_states
        )
        _, plan = plan_to_goal(model, new_maze.goal_state)
        planned = rollout(new_maze, plan, max_steps)
        cloned = behaviour_cloning(
            *expert_demonstrations(old_maze, n_demonstrations, seed), old_maze.n_states
        )
        copied = rollout(new_maze, cloned, max_steps, seed)
        results = (
            ("planner", steps_to_goal(new_maze, planned, max_steps), planned),
            ("q-learning", int(after.steps[i, 0]), None),
            ("behaviour cloning", steps_to_goal(new_maze, copied, max_steps), copied),
        )
        for agent, steps, path in results:
            visits = -1 if path is None else int(np.sum(path == old_maze.goal_state))
            rows.append(
                {
                    "seed": seed,
                    "agent": agent,
                    "steps": int(steps),
                    "reached": bool(steps < max_steps),
                    "optimal": optimal,
                    "old_goal_visits": visits,
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
    n_planning: int = 10,
    goal_row: int = 5,
    goal_col: int = 8,
    n_exploration: int = 1000,
    n_episodes: int = 20,
) -> None:
    """The widget's figure for a goal cell of the Dyna maze.

    Left: mean steps per episode of Q-learning and of Dyna-Q with ``n_planning`` planning steps,
    learning that goal from scratch (5 seeds). Right: the plan value iteration makes for that
    goal on a model learned from ``n_exploration`` reward-free random steps (seed 0).
    """
    maze = dyna_maze()
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4), width_ratios=[1.1, 1])
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
    budgets = (0, n_planning) if n_planning else (0,)
    curves = learning_curves(goal_maze, budgets, n_episodes, range(5))
    plot_learning_curves(curves, goal_maze.optimal_steps(), ax=left, interval=False)
    left.set_title("learning this goal from scratch (mean of 5 seeds)")
    model, known = learn_transition_model(*explore(maze, n_exploration, seed=0), maze.n_states)
    v, plan = plan_to_goal(model, goal_maze.goal_state)
    path = rollout(goal_maze, plan, max_steps=100)
    draw_maze(goal_maze, ax=right, values=v, path=path, known=known)
    if path[-1] == goal_maze.goal_state:
        outcome = f"plan: {len(path) - 1} moves (shortest {goal_maze.optimal_steps()})"
    else:
        outcome = "no route to the goal in the learned model"
    right.set_title(f"model from {n_exploration} random steps\n{outcome}", fontsize=11)
    plt.tight_layout()
    plt.show()


def episode_path(
    maze: Maze,
    q: np.ndarray,
    seed: int,
    n_planning: int = 0,
    epsilon: float = EPSILON,
    max_steps: int = 2000,
) -> np.ndarray:
    """One learning episode of a single (Dyna-)Q agent starting from values ``q``; its path.

    ``q`` (n_states, n_actions) is copied, not changed; the agent learns as it goes, with an
    empty model. Returns the int array of states visited, start first (at most ``max_steps``
    moves).
    """
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
        following, reward, done = maze.step(state, action)
        dyna_q_update(
            q, model, state, action, float(reward), int(following), bool(done), n_planning, rng
        )
        state = int(following)
        path.append(state)
        if done:
            break
    return np.array(path, dtype=int)


def plot_goal_change(moved: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Steps each agent needed to reach the moved goal: one dot per seed, a bar at the median.

    ``moved`` is the table :func:`goal_change_experiment` returns. Dots at the top are runs cut
    at the step budget (the largest ``steps`` recorded when some runs failed).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 4.0))
    agents = [
        name
        for name in ("planner", "q-learning", "behaviour cloning")
        if name in set(moved["agent"])
    ]
    colors = {
        "planner": PALETTE["blue"],
        "q-learning": PALETTE["vermillion"],
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
    ax.set_xticks(range(len(agents)), agents)
    ax.set_xlim(-0.6, len(agents) - 0.4)
    ax.set_ylabel("steps to reach the new goal")
    ax.legend(loc="center left", fontsize=9)
    return ax
