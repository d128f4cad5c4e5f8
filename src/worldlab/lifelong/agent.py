"""Run agents through the phases of a :class:`~worldlab.worlds.changing_grid.ChangingGrid`.

The learning agent is assembled from four functions the caller passes in (the lesson's
exercises, and the planning backup :func:`planning_sweep`); the kit only wires them together:

``update(model, state, action, obs, rate) -> model``
    the model ``(n_cells, n_actions, n_obs)`` after one observed transition;
``sweep(q, model, reward, terminal, gamma) -> q``
    one planning backup on the learned model (``model`` over positions, ``(S, A, S)``);
``bonus(visits, surprise) -> (S, A)``
    an exploration bonus from the visit counts and the running prediction error;
``step_size(visits) -> float``
    the rate ``update`` is given for a pair visited ``visits`` times before.

Between two real steps the agent plans ``sweeps`` times on its model (Dyna-style, warm-started
from its last values). Its reward model is the last reward seen on entering each cell.

Baselines that do not learn a model: :func:`run_frozen` (an imitation of the phase-0 expert,
deployed and never updated) and :func:`run_memory`, the same policy with the best episodic memory
we could build for it (it stores the routes it walked, replays the shortest one that reached a
goal, drops a route that fails and explores at random until it finds a new one).
``run_lifelong(..., refit=True)`` re-fits from the phase-0 model at the start of every episode,
replaying the phase's data and planning from scratch (fine-tuning from the base), and counts that
compute; ``run_lifelong(..., cue=True)`` is told which phase it is in and keeps one model per
phase, each started from a copy of the last (a context that can hold conflicting worlds).

Every runner returns plain data: a per-step trajectory (``phase``, ``episode``, ``state``,
``action``, ``obs``) and, for the learners, the greedy evaluation runs on phase 0's task after each
phase (``eval_phase``, ``eval_state``, ``eval_action``, ``eval_obs``), so a check can recount
everything from the world itself with :func:`summarise`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from worldlab.worlds.changing_grid import (
    N_ACTIONS,
    N_PHASES,
    START,
    STAY,
    TV,
    ChangingGrid,
)

MAX_STEPS = 30
EPISODES = 12
GAMMA = 0.9
SWEEPS = 3
EVAL_SWEEPS = 30


def _positions(world: ChangingGrid, model: np.ndarray) -> np.ndarray:
    """Collapse a model over observations ``(S, A, O)`` to one over positions ``(S, A, S)``."""
    out = model[:, :, : world.n_cells].copy()
    out[:, :, TV] += model[:, :, world.n_cells :].sum(axis=2)
    return out


def _greedy(q: np.ndarray, rng: np.random.Generator) -> int:
    best = np.flatnonzero(q >= q.max() - 1e-9)
    return int(best[rng.integers(len(best))])


def _check_array(value, shape: tuple[int, ...], what: str) -> np.ndarray:
    array = np.asarray(value, dtype=float)
    if array.shape != shape:
        raise ValueError(f"{what} must have shape {shape}, got {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError(f"{what} holds values that are not finite")
    return array


def _plan(world, model, r_hat, sweep, q, n_sweeps, extra=None) -> np.ndarray:
    pos = _positions(world, model)
    reward = pos @ r_hat + (0.0 if extra is None else extra)
    terminal = r_hat > 0
    shape = q.shape
    for _ in range(n_sweeps):
        q = np.asarray(sweep(q, pos, reward, terminal, GAMMA), dtype=float)
    return _check_array(q, shape, "the sweep's q")


def _evaluate(world, model, sweep, rng) -> list[tuple[int, int, int]]:
    """Greedy run on phase 0's task with a frozen copy of the model (no bonus, no learning)."""
    r_goal = np.zeros(world.n_cells)
    r_goal[world.goals[0]] = 1.0
    q = _plan(world, model, r_goal, sweep, np.zeros((world.n_cells, N_ACTIONS)), EVAL_SWEEPS)
    state, steps = START, []
    for _ in range(MAX_STEPS):
        action = _greedy(q[state], rng)
        obs = world.step(0, state, action, rng)
        steps.append((state, action, obs))
        state = world.position_of(obs)
        if state == world.goals[0]:
            break
    return steps


def run_lifelong(
    seed: int,
    update: Callable,
    sweep: Callable,
    bonus: Callable,
    step_size: Callable | None = None,
    episodes: int = EPISODES,
    sweeps: int = SWEEPS,
    refit: bool = False,
    cue: bool = False,
) -> dict:
    """One learning agent through every phase of ``ChangingGrid(seed)``.

    Parameters
    ----------
    seed : the world's seed; also seeds the agent's and the TV's randomness.
    update, sweep, bonus, step_size : the agent's pieces (see the module docstring).
    episodes : episodes per phase, each at most ``MAX_STEPS`` steps from ``START``.
    sweeps : planning backups between two real steps.
    step_size : ``None`` means keep-all counts, ``1 / (visits + 1)`` (the plain average).
    refit : re-fit from the phase-0 model at every episode of later phases (the C25 baseline).
    cue : the agent is told the phase: it keeps one model per phase, each new one started from a
        copy of the last, and the evaluation on phase 0's task uses phase 0's model.

    Returns
    -------
    dict of int arrays: ``phase, episode, state, action, obs`` of shape (n_steps,), ``eval_phase,
    eval_state, eval_action, eval_obs`` of shape (n_eval_steps,), and ``compute`` (backups plus
    model updates, one number per phase, shape (N_PHASES,)).
    """
    if int(episodes) < 1 or int(sweeps) < 1:
        raise ValueError("episodes and sweeps must be at least 1")
    if refit and cue:
        raise ValueError("choose refit or cue, not both")
    if step_size is None:
        step_size = _keep_all
    world = ChangingGrid(int(seed))
    rng = np.random.default_rng([int(seed), 34])
    S, A, n_obs = world.n_cells, N_ACTIONS, world.n_obs
    model = np.zeros((S, A, n_obs))
    model[np.arange(S), :, np.arange(S)] = 1.0  # before any data: "nothing happens"
    visits = np.zeros((S, A))
    surprise = np.ones((S, A))
    r_hat = np.zeros(S)
    q = np.zeros((S, A))
    log, evals, compute = [], [], np.zeros(N_PHASES)
    base, first_model = None, None
    for phase in range(N_PHASES):
        phase_data = []
        for episode in range(int(episodes)):
            if refit and phase > 0:
                model, visits, surprise = (x.copy() for x in base)
                for s, a, o in phase_data:
                    model = _learn(update, step_size, model, visits, s, a, o)
                    visits[s, a] += 1
                q = _plan(
                    world,
                    model,
                    r_hat,
                    sweep,
                    np.zeros((S, A)),
                    EVAL_SWEEPS,
                    bonus(visits.copy(), surprise.copy()),
                )
                compute[phase] += len(phase_data) + EVAL_SWEEPS * S * A
            state = START
            for _ in range(MAX_STEPS):
                extra = _check_array(bonus(visits.copy(), surprise.copy()), (S, A), "the bonus")
                q = _plan(world, model, r_hat, sweep, q, int(sweeps), extra)
                compute[phase] += int(sweeps) * S * A + 1
                action = _greedy(q[state], rng)
                obs = world.step(phase, state, action, rng)
                log.append((phase, episode, state, action, obs))
                phase_data.append((state, action, obs))
                error = 1.0 - model[state, action, obs]
                surprise[state, action] += 0.3 * (error - surprise[state, action])
                model = _learn(update, step_size, model, visits, state, action, obs)
                visits[state, action] += 1
                state = world.position_of(obs)
                r_hat[state] = 1.0 if state == world.goals[phase] else 0.0
                if state == world.goals[phase]:
                    break
        if phase == 0:
            base = (model.copy(), visits.copy(), surprise.copy())
            first_model = model.copy()  # with a cue, phase 0's model is kept as it was
        held = first_model if cue else model
        evals += [(phase, *step) for step in _evaluate(world, held, sweep, rng)]
    return _pack(log, evals, compute)


def _keep_all(visits: int) -> float:
    return 1.0 / (visits + 1)


def _learn(update, step_size, model, visits, state, action, obs) -> np.ndarray:
    rate = float(step_size(int(visits[state, action])))
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"step_size returned {rate}, outside [0, 1]")
    new = _check_array(update(model.copy(), state, action, obs, rate), model.shape, "the model")
    return new


def _pack(log, evals, compute) -> dict:
    log = np.array(log, dtype=int).reshape(-1, 5)
    evals = np.array(evals, dtype=int).reshape(-1, 4)
    out = {k: log[:, i] for i, k in enumerate(["phase", "episode", "state", "action", "obs"])}
    out |= {
        k: evals[:, i]
        for i, k in enumerate(["eval_phase", "eval_state", "eval_action", "eval_obs"])
    }
    out["compute"] = np.asarray(compute, dtype=float)
    return out


def expert_policy(world: ChangingGrid, phase: int = 0) -> np.ndarray:
    """Int array (n_cells,): a shortest-path action to ``goals[phase]`` from each cell (the demos)."""
    goal = world.goals[phase]
    dist = world.distances(phase, goal)
    policy = np.full(world.n_cells, STAY)
    for s in range(world.n_cells):
        if dist[s] > 0:
            nexts = [dist[world.next_position(phase, s, a)] for a in range(4)]
            policy[s] = int(np.argmin([d if d >= 0 else 10**6 for d in nexts]))
    return policy


def run_frozen(
    seed: int, episodes: int = EPISODES, memory: bool = False, explore: float = 0.3
) -> dict:
    """The imitation policy of phase 0, never updated; with ``memory``, plus episode retrieval.

    With ``memory`` the agent explores at random with probability ``explore`` and keeps the
    action sequence of its last episode that reached a goal; while that memory holds, it replays
    it from the start, and drops it when a replay fails.
    """
    world = ChangingGrid(int(seed))
    rng = np.random.default_rng([int(seed), 56])
    policy = expert_policy(world, 0)
    log, remembered = [], None
    for phase in range(N_PHASES):
        for episode in range(int(episodes)):
            state, actions = START, []
            replay = list(remembered) if (memory and remembered) else None
            for t in range(MAX_STEPS):
                if replay is not None and t < len(replay):
                    action = replay[t]
                elif memory and rng.random() < explore:
                    action = int(rng.integers(4))
                else:
                    action = int(policy[state])
                obs = world.step(phase, state, action, rng)
                log.append((phase, episode, state, action, obs))
                actions.append(action)
                state = world.position_of(obs)
                if state == world.goals[phase]:
                    break
            if memory:
                remembered = actions if state == world.goals[phase] else None
    return _pack(log, [], np.zeros(N_PHASES))


def _without_loops(states: list[int], actions: list[int]) -> list[int]:
    """The actions of a walked route with every loop cut out (back to a position's first visit)."""
    first: dict[int, int] = {}
    kept_states: list[int] = []
    kept_actions: list[int] = []
    for state, action in zip(states, actions, strict=True):
        if state in first:
            cut = first[state]
            for dropped in kept_states[cut:]:
                first.pop(dropped, None)
            del kept_states[cut:], kept_actions[cut:]
        first[state] = len(kept_states)
        kept_states.append(state)
        kept_actions.append(action)
    return kept_actions


def run_memory(seed: int, episodes: int = EPISODES) -> dict:
    """The frozen imitation policy with the best episodic memory we could build for it (C22).

    The memory stores what the agent saw: the positions it passed and the actions it took. An
    episode that reached a goal becomes its note, with every loop cut out; at the start of an
    episode it replays its note. A replay that ends without reaching a goal means the world has
    changed: the note is dropped and the rest of the episode, and every episode until one reaches
    a goal, explores at random (the frozen policy is used only while it still succeeds). Nothing
    is generalised: a note is a route, not a model.

    Returns
    -------
    The run as plain data, like :func:`run_frozen`.
    """
    world = ChangingGrid(int(seed))
    rng = np.random.default_rng([int(seed), 78])
    policy = expert_policy(world, 0)
    log: list[tuple[int, int, int, int, int]] = []
    note: list[int] | None = None
    policy_works = True
    for phase in range(N_PHASES):
        for episode in range(int(episodes)):
            state, states, actions = START, [], []
            replay = list(note) if note else []
            for t in range(MAX_STEPS):
                if t < len(replay):
                    action = replay[t]
                elif not replay and policy_works:
                    action = int(policy[state])
                else:
                    action = int(rng.integers(4))
                obs = world.step(phase, state, action, rng)
                log.append((phase, episode, state, action, obs))
                states.append(state)
                actions.append(action)
                state = world.position_of(obs)
                if state == world.goals[phase]:
                    break
            reached = state == world.goals[phase]
            if reached:
                note = _without_loops(states, actions)
            else:
                note = None
                policy_works = False
    return _pack(log, [], np.zeros(N_PHASES))


def summarise(run: dict, seed: int) -> pd.DataFrame:
    """Recount a run from the world itself: one row per phase.

    Every logged transition is checked against ``ChangingGrid(seed)`` (a forged step raises).

    Returns
    -------
    DataFrame with columns ``phase, success, steps, tv_share, forgotten_success, compute``:
    the share of episodes that reached the phase's goal, mean steps per episode (a failure counts
    ``MAX_STEPS``), the share of steps spent watching the TV, success of the greedy evaluation on
    phase 0's task after this phase (NaN for runners without one), and the compute used.
    """
    world = ChangingGrid(int(seed))
    rows = []
    for phase in range(N_PHASES):
        rows.append({"phase": phase, **_recount(world, run, phase)})
    return pd.DataFrame(rows)


def _valid(world, phase, state, action, obs) -> bool:
    if state == TV and action == STAY:
        return world.n_cells <= obs < world.n_obs
    return obs == world.next_position(phase, state, action)


def _recount(world, run, phase) -> dict:
    keys = ["phase", "episode", "state", "action", "obs"]
    steps = pd.DataFrame({k: np.asarray(run[k], dtype=int) for k in keys})
    steps = steps[steps["phase"] == phase]
    if steps.empty:
        raise ValueError(f"the run has no steps in phase {phase}")
    goal = world.goals[phase]
    successes, lengths = [], []
    for _, ep in steps.groupby("episode"):
        s, a, o = ep["state"].to_numpy(), ep["action"].to_numpy(), ep["obs"].to_numpy()
        if s[0] != START or (s[1:] != world.position_of(o[:-1])).any():
            raise ValueError(f"phase {phase}: an episode's states do not follow its observations")
        if not all(_valid(world, phase, *t) for t in zip(s, a, o, strict=True)):
            raise ValueError(f"phase {phase}: a logged transition is not what the world does")
        reached = bool(world.position_of(o[-1]) == goal)
        if (world.position_of(o[:-1]) == goal).any():
            raise ValueError(f"phase {phase}: an episode went on after reaching the goal")
        successes.append(reached)
        lengths.append(len(ep) if reached else MAX_STEPS)
    watching = (steps["state"] == TV) & (steps["action"] == STAY)
    out = {
        "success": float(np.mean(successes)),
        "steps": float(np.mean(lengths)),
        "tv_share": float(watching.mean()),
        "compute": float(np.asarray(run["compute"])[phase]),
        "forgotten_success": np.nan,
    }
    if len(run.get("eval_phase", [])):
        ev = np.asarray(run["eval_phase"]) == phase
        s, a, o = (np.asarray(run[k])[ev] for k in ["eval_state", "eval_action", "eval_obs"])
        if (
            len(s) == 0
            or s[0] != START
            or not all(_valid(world, 0, *t) for t in zip(s, a, o, strict=True))
        ):
            raise ValueError(f"phase {phase}: the evaluation run is not what the world does")
        out["forgotten_success"] = float(world.position_of(o[-1]) == world.goals[0])
    return out


def surprise_bonus(visits: np.ndarray, surprise: np.ndarray) -> np.ndarray:
    """The curiosity of prediction error (a baseline): the running surprise of each pair, ``(S, A)``."""
    return 0.5 * np.asarray(surprise, dtype=float)


def no_bonus(visits: np.ndarray, surprise: np.ndarray) -> np.ndarray:
    """No exploration bonus at all (the control of C27), ``(S, A)`` zeros."""
    return np.zeros(np.shape(visits), dtype=float)


def planning_sweep(
    q: np.ndarray, model: np.ndarray, reward: np.ndarray, terminal: np.ndarray, gamma: float
) -> np.ndarray:
    """One Bellman backup of ``q`` on a model over positions (the agent's planning step).

    With ``v(s) = max_a q(s, a)``, and ``v(s) = 0`` where ``terminal[s]``, every pair gets
    ``q'(s, a) = reward(s, a) + gamma * sum_s' model[s, a, s'] v(s')``.

    Parameters
    ----------
    q : float array (n_states, n_actions).
    model : float array (n_states, n_actions, n_states).
    reward : float array (n_states, n_actions), the expected reward of each action.
    terminal : bool array (n_states,), where episodes end.
    gamma : discount in [0, 1).

    Returns
    -------
    float array (n_states, n_actions).
    """
    v = np.where(np.asarray(terminal, dtype=bool), 0.0, np.max(np.asarray(q, dtype=float), axis=1))
    return np.asarray(reward, dtype=float) + gamma * np.asarray(model, dtype=float) @ v
