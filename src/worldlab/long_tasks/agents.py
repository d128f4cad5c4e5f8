"""Agents for the program-editing task: features, policies, rollouts and the four ways to train.

A learned policy is lesson 07's linear softmax (:mod:`worldlab.rlvr.training`) over features of
what the agent sees: the cue (one-hot, with a "done" cue), the tool's feedback on the last call
(one-hot over :data:`~worldlab.worlds.program_edits.DELTA_NAMES`), whether the last call was an
undo, and a constant. Four ways to get its weights, each from a budget of labelled steps:

* **behaviour cloning** — copy an expert's clean demonstrations (it never makes a mistake);
* **DART** — copy demonstrations in which the expert's calls were perturbed and the expert's
  correction (undo) was recorded (Laskey et al. 2017);
* **DAgger** — roll the copier out, let the expert label the states it reached, aggregate, refit
  (Ross, Gordon & Bagnell 2011);
* **RL with a verifiable reward** — start from the clone, roll it out, keep the rollouts the
  test suite accepts and fit them (rejection sampling: expert iteration, ReST, RAFT; the
  positive half of a group-baseline policy gradient).

A hand-written recovery rule (lesson 13's exercise) is taken as an argument, never defined here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from worldlab.rlvr.training import action_probabilities, softmax
from worldlab.worlds.program_edits import (
    EditEpisodes,
    EditWorld,
    feedback,
    new_episodes,
    slip,
    step,
    top_is_wrong,
)

#: ``policy(world, episodes, rng) -> chosen actions (n,)`` (before slips).
Policy = Callable[[EditWorld, EditEpisodes, np.random.Generator], np.ndarray]
#: ``rule(proposed, failing_before, failing_after, last_was_undo, undo) -> actions`` (arrays (n,)).
RecoveryRule = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int], np.ndarray]


def n_features(world: EditWorld) -> int:
    """Length of a feature vector: cues + "done", three feedbacks, last-was-undo, constant."""
    return world.n_cues + 1 + 3 + 2


def features(world: EditWorld, episodes: EditEpisodes) -> np.ndarray:
    """What each episode's agent sees, float array (n, :func:`n_features`)."""
    n = episodes.depth.size
    out = np.zeros((n, n_features(world)))
    rows = np.arange(n)
    out[rows, episodes.current_cue(world.n_cues)] = 1.0
    out[rows, world.n_cues + 1 + feedback(world, episodes)] = 1.0
    out[:, -2] = episodes.last_undo
    out[:, -1] = 1.0
    return out


def expert_actions(world: EditWorld, episodes: EditEpisodes) -> np.ndarray:
    """The expert's label: undo a wrong last edit it can undo, else the right edit (int (n,))."""
    _, undoable = top_is_wrong(episodes)
    cue = episodes.current_cue(world.n_cues)
    right = world.rule[np.minimum(cue, world.n_cues - 1)]
    return np.where(undoable, world.undo, right)


def expert_policy(world: EditWorld, episodes: EditEpisodes, rng: np.random.Generator) -> np.ndarray:
    """The expert who undoes its mistakes."""
    return expert_actions(world, episodes)


def no_recovery_policy(
    world: EditWorld, episodes: EditEpisodes, rng: np.random.Generator
) -> np.ndarray:
    """The expert's edits, never an undo: a perfect executor that cannot recover."""
    cue = episodes.current_cue(world.n_cues)
    return world.rule[np.minimum(cue, world.n_cues - 1)]


def linear_policy(weights: np.ndarray, greedy: bool = False) -> Policy:
    """The softmax policy of ``weights`` (n_features, n_actions), sampled or greedy."""
    weights = np.asarray(weights, dtype=float)

    def act(world: EditWorld, episodes: EditEpisodes, rng: np.random.Generator) -> np.ndarray:
        probabilities = action_probabilities(weights, features(world, episodes))
        if greedy:
            return probabilities.argmax(axis=1)
        cumulative = probabilities.cumsum(axis=1)
        return (cumulative > rng.random((cumulative.shape[0], 1)) * cumulative[:, -1:]).argmax(1)

    return act


def with_recovery_rule(policy: Policy, rule: RecoveryRule) -> Policy:
    """``policy`` whose proposals pass through a recovery ``rule`` that may replace them by undo."""
    if not callable(rule):
        raise TypeError(f"rule must be a function (the lesson's exercise), got {rule!r}")

    def act(world: EditWorld, episodes: EditEpisodes, rng: np.random.Generator) -> np.ndarray:
        proposed = np.asarray(policy(world, episodes, rng))
        chosen = rule(
            proposed.copy(),
            episodes.previous.copy(),
            episodes.failing.copy(),
            episodes.last_undo.copy(),
            world.undo,
        )
        chosen = np.asarray(chosen)
        if chosen.shape != proposed.shape:
            raise ValueError(f"the rule returned shape {chosen.shape}, expected {proposed.shape}")
        return chosen.astype(int)

    return act


@dataclass
class Rollout:
    """What :func:`rollout` saw: success per episode and, when recorded, every step taken.

    ``solved`` bool (n,), ``calls`` int (n,); ``features`` (m, F), ``chosen`` (m,) and ``labels``
    (m,) (the expert's action in that state) and ``episode`` (m,) for the m recorded steps.
    """

    solved: np.ndarray
    calls: np.ndarray
    features: np.ndarray | None = None
    chosen: np.ndarray | None = None
    labels: np.ndarray | None = None
    episode: np.ndarray | None = None


def rollout(
    world: EditWorld,
    policy: Policy,
    n: int,
    horizon: int,
    rng: np.random.Generator,
    irreversible_share: float = 0.0,
    budget_factor: float = 2.0,
    eps: float | None = None,
    record: bool = False,
) -> Rollout:
    """Run ``n`` episodes of ``horizon`` steps (an int or one per episode) with ``policy``.

    Calls slip with ``eps`` (default: the world's); each episode may make ``budget_factor``
    times its length in calls. ``record`` keeps every step's features, the action chosen, and
    the expert's label (for DART, DAgger and RL).
    """
    episodes = new_episodes(world, n, horizon, rng, irreversible_share, budget_factor)
    kept: list[tuple[np.ndarray, ...]] = []
    while episodes.running.any():
        running = episodes.running
        chosen = np.asarray(policy(world, episodes, rng))
        if record:
            rows = np.flatnonzero(running)
            kept.append(
                (
                    features(world, episodes)[rows],
                    chosen[rows],
                    expert_actions(world, episodes)[rows],
                    rows,
                )
            )
        step(world, episodes, slip(world, episodes, chosen, eps))
    if not record:
        return Rollout(episodes.solved.copy(), episodes.calls.copy())
    f, c, lab, ep = (np.concatenate(parts) for parts in zip(*kept, strict=True))
    return Rollout(episodes.solved.copy(), episodes.calls.copy(), f, c, lab, ep)


def success_rate(
    world: EditWorld,
    policy: Policy,
    horizon: int,
    seed: int | np.random.Generator,
    n: int = 400,
    irreversible_share: float = 0.0,
) -> float:
    """Share of ``n`` fresh episodes the test suite accepts within the budget."""
    rng = np.random.default_rng(seed)
    return float(rollout(world, policy, n, horizon, rng, irreversible_share).solved.mean())


def success_by_horizon(
    world: EditWorld,
    policy: Policy,
    horizons: Sequence[int],
    seed: int | Sequence[int] | np.random.Generator,
    n: int = 200,
    irreversible_share: float = 0.0,
) -> dict[int, float]:
    """Success over ``n`` episodes of each length in ``horizons``, run as one batch.

    The same ``seed`` gives every policy the same tasks and the same slips at the same calls.
    """
    lengths = np.repeat(np.asarray(horizons, dtype=int), n)
    runs = rollout(
        world, policy, lengths.size, lengths, np.random.default_rng(seed), irreversible_share
    )
    return {int(h): float(runs.solved[lengths == h].mean()) for h in horizons}


# --- the four ways to train ---------------------------------------------------------------------


def fit(
    world: EditWorld,
    feats: np.ndarray,
    actions: np.ndarray,
    l2: float = 1e-3,
    iterations: int = 400,
    learning_rate: float = 2.0,
) -> np.ndarray:
    """Copy (features, action) pairs by maximum likelihood: the clone's weights (F, A).

    The same objective as :func:`worldlab.rlvr.training.pretrain_by_imitation`; the rows are
    pooled by what the agent sees (cue, feedback, last undo) first, which is faster here.
    """
    feats = np.asarray(feats, dtype=float)
    actions = np.asarray(actions, dtype=int)
    if feats.ndim != 2 or actions.shape != (feats.shape[0],) or actions.size == 0:
        raise ValueError(
            f"need features (m, F) and actions (m,), got {feats.shape}, {actions.shape}"
        )
    code = feats @ (2.0 ** np.arange(feats.shape[1]))  # one-hot blocks: a unique code per row
    unique, first, row = np.unique(code, return_index=True, return_inverse=True)
    counts = np.zeros((unique.size, world.n_actions))
    np.add.at(counts, (row.ravel(), actions), 1.0)
    pooled = feats[first]
    totals = counts.sum(axis=1, keepdims=True)
    weights = np.zeros((feats.shape[1], world.n_actions))
    for _ in range(iterations):
        gradient = pooled.T @ (counts - totals * softmax(pooled @ weights)) / actions.size
        weights += learning_rate * (gradient - l2 * weights)
    return weights


def _take(record: Rollout, budget: int) -> tuple[np.ndarray, np.ndarray]:
    return record.features[:budget], record.labels[:budget]


def clone_expert(
    world: EditWorld, budget: int, horizon: int, rng: np.random.Generator
) -> np.ndarray:
    """Behaviour cloning: copy ``budget`` labelled steps of the expert's clean demonstrations."""
    demos = rollout(world, expert_policy, budget // horizon + 1, horizon, rng, eps=0.0, record=True)
    return fit(world, *_take(demos, budget))


def perturbed_demonstrations(
    world: EditWorld, budget: int, horizon: int, noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """DART's data: ``budget`` steps of the expert run with calls that slip with ``noise``.

    Returns (features (budget, F), the expert's labels (budget,)): at a state reached through a
    slip, the label is the expert's correction (undo).
    """
    if not 0.0 <= noise < 1.0:
        raise ValueError(f"noise must lie in [0, 1), got {noise}")
    parts_f, parts_l, total = [], [], 0
    while total < budget:
        demos = rollout(
            world, expert_policy, max(budget // horizon, 1), horizon, rng, eps=noise, record=True
        )
        parts_f.append(demos.features)
        parts_l.append(demos.labels)
        total += demos.labels.size
    return np.concatenate(parts_f)[:budget], np.concatenate(parts_l)[:budget]


def clone_perturbed(
    world: EditWorld, budget: int, horizon: int, noise: float, rng: np.random.Generator
) -> np.ndarray:
    """DART: copy the expert's demonstrations with perturbed calls and recorded corrections."""
    return fit(world, *perturbed_demonstrations(world, budget, horizon, noise, rng))


def dagger(
    world: EditWorld, budget: int, horizon: int, rng: np.random.Generator, rounds: int = 4
) -> np.ndarray:
    """DAgger: clean demonstrations, then rounds of the copier's own rollouts labelled by the expert.

    The budget of labelled steps is split evenly over ``rounds`` (the first round is the expert's).
    """
    share = budget // rounds
    feats, labels = _take(
        rollout(world, expert_policy, share // horizon + 1, horizon, rng, eps=0.0, record=True),
        share,
    )
    weights = fit(world, feats, labels)
    for _ in range(rounds - 1):
        visited = rollout(
            world, linear_policy(weights), share // horizon + 1, horizon, rng, record=True
        )
        more_f, more_l = _take(visited, share)
        feats, labels = np.concatenate([feats, more_f]), np.concatenate([labels, more_l])
        weights = fit(world, feats, labels)
    return weights


def train_rl(
    world: EditWorld,
    weights: np.ndarray,
    horizon: int,
    rng: np.random.Generator,
    iterations: int = 6,
    episodes: int = 300,
    temperature: float = 2.0,
) -> tuple[np.ndarray, np.ndarray]:
    """RL with the test suite as verifier: keep own successful rollouts, refit, repeat.

    Starting from ``weights`` (the clone), each iteration samples ``episodes`` rollouts at
    ``temperature`` (weights divided by it: exploration), keeps the solved ones (reward 1) and
    fits the actions the policy chose in them, together with everything kept so far. No expert
    label is used: only the verifier's 0/1.

    Returns
    -------
    (weights (F, A), mean reward per iteration (iterations,)).
    """
    if temperature <= 0:
        raise ValueError(f"temperature must be positive, got {temperature}")
    weights = np.asarray(weights, dtype=float)
    kept_f, kept_a = [], []
    rewards = np.empty(iterations)
    for i in range(iterations):
        runs = rollout(
            world, linear_policy(weights / temperature), episodes, horizon, rng, record=True
        )
        rewards[i] = runs.solved.mean()
        good = runs.solved[runs.episode]
        kept_f.append(runs.features[good])
        kept_a.append(runs.chosen[good])
        if sum(a.size for a in kept_a):
            weights = fit(world, np.concatenate(kept_f), np.concatenate(kept_a))
    return weights, rewards
