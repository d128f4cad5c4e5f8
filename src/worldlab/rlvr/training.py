"""RL with verifiable rewards on top of a pre-trained (imitation) policy, in numpy.

The policy is a linear softmax: features ``phi`` of what the solver sees (shape (F,)) and a weight
matrix ``W`` (F, A) give ``pi(a | x) = softmax(phi @ W)``. Three ways to change ``W``:

* **pre-training by imitation** (:func:`pretrain_by_imitation`): maximum likelihood on a corpus of
  demonstrations, with a small L2 penalty so no action gets probability exactly 0;
* **RL with a verifier**: for each problem draw a *group* of G answers, score each 0/1 with the
  verifier and take a policy-gradient step. The step itself is lesson 07's exercise
  (``grpo_update``): the training loops here take it as the argument ``update``, a function
  ``update(weights (F, A), features (B, F), actions (B, G), rewards (B, G), learning_rate) ->
  new weights``;
* **imitation fine-tuning** (SFT, :func:`imitation_step`): ascend the log-likelihood of a
  teacher's demonstrations.

The lesson's one-seed experiments and its demo are in :mod:`worldlab.rlvr.experiments`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from worldlab.worlds.strategy_tasks import (
    ChainWorld,
    StrategyProblems,
    StrategyWorld,
    chain_demonstration_corpus,
    chain_features,
    demonstration_corpus,
    problem_features,
    sample_chains,
    sample_problems,
    teacher_demonstrations,
    verify_chains,
    verify_strategies,
)

# --- the policy ----------------------------------------------------------------------------------


def softmax(logits: np.ndarray) -> np.ndarray:
    """Softmax over the last axis, shifted by the maximum so it never overflows."""
    logits = np.asarray(logits, dtype=float)
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exponentials = np.exp(shifted)
    return exponentials / exponentials.sum(axis=-1, keepdims=True)


def _check_weights_features(weights: np.ndarray, features: np.ndarray) -> None:
    if not isinstance(weights, np.ndarray) or weights.ndim != 2:
        raise ValueError(f"weights must be a 2-D array (n_features, n_actions), got {weights!r}")
    if not isinstance(features, np.ndarray) or features.ndim < 2:
        raise ValueError("features must be an array (n, n_features) or (n, length, n_features)")
    if features.shape[-1] != weights.shape[0]:
        raise ValueError(
            f"features have {features.shape[-1]} columns but weights expect {weights.shape[0]}"
        )


def action_probabilities(weights: np.ndarray, features: np.ndarray) -> np.ndarray:
    """The policy ``softmax(features @ weights)``.

    Parameters
    ----------
    weights
        float array (n_features, n_actions).
    features
        float array (..., n_features).

    Returns
    -------
    float array (..., n_actions), rows summing to 1.
    """
    _check_weights_features(weights, features)
    return softmax(features @ weights)


def sample_actions(
    probabilities: np.ndarray, n_samples: int, rng: np.random.Generator
) -> np.ndarray:
    """Draw ``n_samples`` actions independently from each row of ``probabilities``.

    Parameters
    ----------
    probabilities
        float array (n, n_actions) or (n, length, n_actions).

    Returns
    -------
    int array (n, n_samples) or (n, n_samples, length).
    """
    probabilities = np.asarray(probabilities, dtype=float)
    if probabilities.ndim not in (2, 3):
        raise ValueError(f"probabilities must be 2-D or 3-D, got shape {probabilities.shape}")
    if n_samples < 1:
        raise ValueError(f"n_samples must be at least 1, got {n_samples}")
    cumulative = np.cumsum(probabilities, axis=-1)
    cumulative /= cumulative[..., -1:]
    # A samples axis after the first one: (n, 1, [length,] A) compared with uniforms.
    cumulative = np.expand_dims(cumulative, 1)
    uniforms = rng.random((cumulative.shape[0], n_samples, *cumulative.shape[2:-1]))
    return (cumulative > uniforms[..., None]).argmax(axis=-1)


def pretrain_by_imitation(
    features: np.ndarray,
    actions: np.ndarray,
    n_actions: int,
    l2: float = 1e-3,
    iterations: int = 400,
    learning_rate: float = 2.0,
) -> np.ndarray:
    """Pre-training: fit the policy to a corpus by maximum likelihood (full-batch gradient ascent).

    Maximises ``mean log pi(action | features) - l2/2 * |W|^2`` from ``W = 0``. Rows with equal
    features are pooled first, so a large corpus costs no more than a small one.

    Parameters
    ----------
    features
        float array (n_demonstrations, n_features).
    actions
        int array (n_demonstrations,) in ``[0, n_actions)``.

    Returns
    -------
    float array (n_features, n_actions): the base policy's weights.
    """
    features = np.asarray(features, dtype=float)
    actions = np.asarray(actions)
    if features.ndim != 2 or actions.shape != (features.shape[0],):
        raise ValueError(
            f"need features (n, F) and actions (n,), got {features.shape} and {actions.shape}"
        )
    if actions.size == 0 or actions.min() < 0 or actions.max() >= n_actions:
        raise ValueError(f"actions must be a non-empty array of integers in [0, {n_actions})")
    if l2 < 0 or iterations < 0 or learning_rate <= 0:
        raise ValueError("need l2 >= 0, iterations >= 0 and learning_rate > 0")
    unique_features, row = np.unique(features, axis=0, return_inverse=True)
    counts = np.zeros((unique_features.shape[0], n_actions))
    np.add.at(counts, (row.ravel(), actions), 1.0)
    totals = counts.sum(axis=1, keepdims=True)
    weights = np.zeros((features.shape[1], n_actions))
    n = float(actions.size)
    for _ in range(iterations):
        probabilities = softmax(unique_features @ weights)
        gradient = unique_features.T @ (counts - totals * probabilities) / n - l2 * weights
        weights += learning_rate * gradient
    return weights


# --- the step's contract and helpers ------------------------------------------------------


#: The RL step a training loop takes: ``update(weights, features, actions, rewards, lr)``.
Update = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float], np.ndarray]
#: Expected distinct actions in k draws: ``distinct(probabilities (n, A), k) -> (n,)``.
Distinct = Callable[[np.ndarray, int], np.ndarray]


def check_callable(name: str, value: object) -> None:
    """Raise TypeError, naming the argument, unless ``value`` is a function."""
    if not callable(value):
        raise TypeError(f"{name} must be a function (the lesson's exercise), got {value!r}")


# --- imitation -----------------------------------------------------------------------------------


def imitation_step(
    weights: np.ndarray, features: np.ndarray, actions: np.ndarray, learning_rate: float
) -> np.ndarray:
    """One step of fine-tuning by imitation (SFT): ascend the demonstrations' log-likelihood.

    Parameters
    ----------
    weights
        float array (n_features, n_actions).
    features
        float array (n, n_features): one row per demonstration.
    actions
        int array (n,): the demonstrated action.

    Returns
    -------
    New float array (n_features, n_actions): ``W + lr * mean_i grad_W log pi(a_i | x_i)``. Every
    demonstration is pushed up whether or not the policy already favours it.
    """
    _check_weights_features(weights, features)
    actions = np.asarray(actions)
    if features.ndim != 2 or actions.shape != (features.shape[0],):
        raise ValueError(
            f"need features (n, F) and actions (n,), got {features.shape} and {actions.shape}"
        )
    n_actions = weights.shape[1]
    if actions.size and (actions.min() < 0 or actions.max() >= n_actions):
        raise ValueError(f"actions must lie in [0, {n_actions})")
    probabilities = softmax(features @ weights)
    target = np.zeros_like(probabilities)
    target[np.arange(actions.size), actions] = 1.0
    gradient = features.T @ (target - probabilities) / max(actions.size, 1)
    return weights + learning_rate * gradient


# --- measurements --------------------------------------------------------------------------------


def strategy_success_probabilities(
    weights: np.ndarray, world: StrategyWorld, problems: StrategyProblems
) -> np.ndarray:
    """Each problem's exact chance of being solved in one try: ``sum of pi(s) over working s``.

    Returns
    -------
    float array (n_problems,).
    """
    probabilities = action_probabilities(weights, problem_features(problems.types, world.n_types))
    return np.sum(probabilities * problems.solves, axis=1)


def count_correct(
    weights: np.ndarray,
    world: StrategyWorld,
    problems: StrategyProblems,
    n_samples: int,
    seed: int | np.random.Generator,
) -> np.ndarray:
    """Draw ``n_samples`` strategies per problem from the policy and count the verified ones.

    Returns
    -------
    int array (n_problems,) in ``[0, n_samples]``.
    """
    rng = np.random.default_rng(seed)
    probabilities = action_probabilities(weights, problem_features(problems.types, world.n_types))
    counts = rng.multinomial(n_samples, probabilities)  # (n_problems, n_strategies)
    return np.sum(counts * problems.solves, axis=1)


def chain_step_accuracy(weights: np.ndarray, world: ChainWorld) -> np.ndarray:
    """Chance of the rule's action for each cue, shape (n_cues,)."""
    probabilities = action_probabilities(
        weights, chain_features(np.arange(world.n_cues), world.n_cues)
    )
    return probabilities[np.arange(world.n_cues), world.rule]


def chain_success_probability(weights: np.ndarray, world: ChainWorld, length: int) -> float:
    """Exact chance of solving a random puzzle of ``length`` steps in one try.

    Cues are independent and uniform, so it is ``(mean step accuracy) ** length``.
    """
    if length < 1:
        raise ValueError(f"length must be at least 1, got {length}")
    return float(np.mean(chain_step_accuracy(weights, world)) ** length)


# --- training loops ------------------------------------------------------------------------------


def base_strategy_policy(
    world: StrategyWorld,
    seed: int | np.random.Generator,
    n_demonstrations: int = 3000,
    correct_fraction: float = 0.5,
    temperature: float = 1.0,
) -> np.ndarray:
    """Pre-train on the skewed corpus of all types. Returns weights (n_types + 1, n_strategies).

    ``temperature`` < 1 sharpens the pre-trained policy (its weights are divided by it), as
    sampling a language model at a low temperature does: the base then reaches fewer strategies.
    """
    if temperature <= 0:
        raise ValueError(f"temperature must be positive, got {temperature}")
    types, strategies = demonstration_corpus(world, n_demonstrations, seed, correct_fraction)
    weights = pretrain_by_imitation(
        problem_features(types, world.n_types), strategies, world.n_strategies
    )
    return weights / temperature


def train_rl_on_strategies(
    world: StrategyWorld,
    weights: np.ndarray,
    steps: int,
    seed: int | np.random.Generator,
    update: Update,
    family: str = "in_domain",
    batch_size: int = 32,
    group_size: int = 8,
    learning_rate: float = 0.5,
) -> tuple[np.ndarray, np.ndarray]:
    """RL on fresh problems of a family, the verifier's 0/1 as the only reward.

    Parameters
    ----------
    update
        The RL step: ``update(weights (F, A), features (B, F), actions (B, G), rewards (B, G),
        learning_rate) -> new weights (F, A)`` (lesson 07's ``grpo_update``).

    Returns
    -------
    (weights, mean_reward): the trained weights and the mean reward of each step, shape (steps,).
    """
    if steps < 0:
        raise ValueError(f"steps must be non-negative, got {steps}")
    check_callable("update", update)
    rng = np.random.default_rng(seed)
    weights = np.array(weights, dtype=float)
    mean_reward = np.empty(steps)
    for step in range(steps):
        problems = sample_problems(world, batch_size, family, rng)
        features = problem_features(problems.types, world.n_types)
        strategies = sample_actions(action_probabilities(weights, features), group_size, rng)
        rewards = verify_strategies(problems, strategies)
        mean_reward[step] = rewards.mean()
        weights = np.asarray(update(weights, features, strategies, rewards, learning_rate))
        if weights.shape != (features.shape[1], world.n_strategies):
            raise ValueError(f"update returned weights of shape {weights.shape}")
    return weights, mean_reward


def train_sft_on_strategies(
    world: StrategyWorld,
    weights: np.ndarray,
    steps: int,
    seed: int | np.random.Generator,
    family: str = "in_domain",
    batch_size: int = 32,
    group_size: int = 8,
    learning_rate: float = 0.5,
) -> np.ndarray:
    """Imitation fine-tuning on a teacher's worked solutions, same problems and budget as RL.

    Each step takes ``batch_size`` fresh problems of the family and ``group_size`` teacher
    demonstrations for each solvable one (unsolvable problems have no demonstration).
    """
    if steps < 0:
        raise ValueError(f"steps must be non-negative, got {steps}")
    rng = np.random.default_rng(seed)
    weights = np.array(weights, dtype=float)
    for _ in range(steps):
        problems = sample_problems(world, batch_size, family, rng)
        keep = problems.solvable
        if not keep.any():
            continue
        demonstrations = teacher_demonstrations(problems, group_size, rng)[keep]
        features = problem_features(problems.types[keep], world.n_types)
        weights = imitation_step(
            weights, np.repeat(features, group_size, axis=0), demonstrations.ravel(), learning_rate
        )
    return weights


def base_chain_policy(
    world: ChainWorld,
    seed: int | np.random.Generator,
    n_demonstrations: int = 2000,
    correct_fraction: float = 0.25,
) -> np.ndarray:
    """Pre-train on single-step demonstrations. Returns weights (n_cues + 1, n_actions)."""
    cues, actions = chain_demonstration_corpus(world, n_demonstrations, seed, correct_fraction)
    return pretrain_by_imitation(chain_features(cues, world.n_cues), actions, world.n_actions)


def check_schedule(lengths: Sequence[int] | np.ndarray, steps: int, max_length: int) -> np.ndarray:
    """Validate a curriculum: ``steps`` puzzle lengths in ``[1, max_length]``.

    Returns
    -------
    int array (steps,).
    """
    lengths = np.asarray(lengths)
    if lengths.shape != (steps,) or not np.issubdtype(lengths.dtype, np.integer):
        raise ValueError(f"a schedule is an int array of shape ({steps},), got {lengths!r}")
    if lengths.min() < 1 or lengths.max() > max_length:
        raise ValueError(f"puzzle lengths must lie in [1, {max_length}]")
    return lengths


def train_rl_on_chains(
    world: ChainWorld,
    weights: np.ndarray,
    lengths: Sequence[int] | np.ndarray,
    seed: int | np.random.Generator,
    update: Update,
    batch_size: int = 32,
    group_size: int = 8,
    learning_rate: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Outcome-only RL on chain puzzles, one step per entry of ``lengths`` (puzzle length).

    A puzzle's answer is ``length`` actions and its log-probability is the sum of theirs, so
    one group update over puzzles is the one-step ``update`` over the puzzles' steps, each step
    carrying its puzzle's reward, with the learning rate multiplied by ``length`` (the one-step
    update averages over steps as well as tries).

    Returns
    -------
    (weights, mean_reward): trained weights and each step's mean reward, shape (len(lengths),).
    """
    lengths = np.asarray(lengths)
    if lengths.ndim != 1 or (lengths.size and lengths.min() < 1):
        raise ValueError("lengths must be a 1-D array of positive puzzle lengths")
    check_callable("update", update)
    rng = np.random.default_rng(seed)
    weights = np.array(weights, dtype=float)
    mean_reward = np.empty(lengths.size)
    for step, length in enumerate(lengths):
        cues = sample_chains(world, batch_size, int(length), rng)
        features = chain_features(cues, world.n_cues)  # (B, L, F)
        actions = sample_actions(action_probabilities(weights, features), group_size, rng)
        rewards = verify_chains(world, cues, actions)  # (B, G)
        mean_reward[step] = rewards.mean()
        flat_features = features.reshape(-1, features.shape[-1])  # (B * L, F)
        flat_actions = actions.transpose(0, 2, 1).reshape(-1, group_size)  # (B * L, G)
        flat_rewards = np.repeat(rewards, int(length), axis=0)  # (B * L, G)
        weights = np.asarray(
            update(weights, flat_features, flat_actions, flat_rewards, learning_rate * length)
        )
    return weights, mean_reward
