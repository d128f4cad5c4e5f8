"""RL with verifiable rewards on top of a pre-trained (imitation) policy, in numpy.

The policy is a linear softmax: features ``phi`` of what the solver sees (shape (F,)) and a weight
matrix ``W`` (F, A) give ``pi(a | x) = softmax(phi @ W)``. Three ways to change ``W``:

* **pre-training by imitation** (:func:`pretrain_by_imitation`): maximum likelihood on a corpus of
  demonstrations, with a small L2 penalty so no action gets probability exactly 0;
* **RL with a verifier** (:func:`grpo_step`): for each problem draw a *group* of G answers, score
  each 0/1 with the verifier, use the group mean as the baseline (advantage = reward − group
  mean, as in GRPO, Shao et al. 2024, without the std normalisation) and take a REINFORCE step
  (Williams 1992). A group where every answer fails (or every one succeeds) teaches nothing;
* **imitation fine-tuning** (SFT, :func:`imitation_step`): the same step with every advantage 1
  on a teacher's demonstrations.

For one action, ``grad_W log pi(a | x) = outer(phi, onehot(a) - pi(.|x))``; for a multi-step
answer the log-probabilities of the steps add up, and so do their gradients.

The experiment functions at the end run the lesson's measurements for one seed and return plain
numbers, so :func:`worldlab.stats.run_over_seeds` can repeat them.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from worldlab.pass_at_k import (
    DEFAULT_KS,
    pass_at_k_curve,
    pass_at_k_from_probabilities,
    plot_pass_at_k_curves,
)
from worldlab.plots import PALETTE
from worldlab.worlds.strategy_tasks import (
    ChainWorld,
    StrategyProblems,
    StrategyWorld,
    chain_demonstration_corpus,
    chain_features,
    demonstration_corpus,
    make_chain_world,
    make_strategy_world,
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


# --- the updates ---------------------------------------------------------------------------------


def group_advantages(rewards: np.ndarray) -> np.ndarray:
    """Reward minus the mean reward of its group (the GRPO baseline, without std scaling).

    Parameters
    ----------
    rewards
        float array (n_problems, group_size): the verifier's 0/1 for each try of each problem.

    Returns
    -------
    float array (n_problems, group_size); each row sums to 0, and a row of equal rewards gives 0.
    """
    rewards = np.asarray(rewards, dtype=float)
    if rewards.ndim != 2 or rewards.shape[1] < 1:
        raise ValueError(f"rewards must have shape (n_problems, group_size), got {rewards.shape}")
    return rewards - rewards.mean(axis=1, keepdims=True)


def policy_gradient_step(
    weights: np.ndarray,
    features: np.ndarray,
    actions: np.ndarray,
    advantages: np.ndarray,
    learning_rate: float,
) -> np.ndarray:
    """One REINFORCE step: ``W + lr * mean_i A_i * grad_W log pi(answer_i)``.

    Parameters
    ----------
    weights
        float array (n_features, n_actions).
    features
        float array (n, n_features) for one-step answers, or (n, length, n_features).
    actions
        int array (n,) or (n, length): the answer given.
    advantages
        float array (n,): how much better than the baseline each answer did.

    Returns
    -------
    New float array (n_features, n_actions); ``weights`` is not modified.
    """
    _check_weights_features(weights, features)
    actions = np.asarray(actions)
    advantages = np.asarray(advantages, dtype=float)
    if actions.shape != features.shape[:-1]:
        raise ValueError(f"actions must have shape {features.shape[:-1]}, got {actions.shape}")
    if advantages.shape != (features.shape[0],):
        raise ValueError(
            f"advantages must have shape ({features.shape[0]},), got {advantages.shape}"
        )
    n_actions = weights.shape[1]
    if actions.size and (actions.min() < 0 or actions.max() >= n_actions):
        raise ValueError(f"actions must lie in [0, {n_actions})")
    probabilities = softmax(features @ weights)
    onehot = np.zeros_like(probabilities)
    np.put_along_axis(onehot, actions[..., None], 1.0, axis=-1)
    weight_per_step = advantages.reshape((-1,) + (1,) * (actions.ndim - 1))
    logit_gradient = weight_per_step[..., None] * (onehot - probabilities)
    flat_features = features.reshape(-1, features.shape[-1])
    gradient = flat_features.T @ logit_gradient.reshape(-1, n_actions) / features.shape[0]
    return weights + learning_rate * gradient


def grpo_step(
    weights: np.ndarray,
    features: np.ndarray,
    actions: np.ndarray,
    rewards: np.ndarray,
    learning_rate: float,
) -> np.ndarray:
    """A group update: every problem tried ``group_size`` times, baseline = the group's mean.

    Parameters
    ----------
    weights
        float array (n_features, n_actions).
    features
        float array (n_problems, n_features) or (n_problems, length, n_features).
    actions
        int array (n_problems, group_size) or (n_problems, group_size, length).
    rewards
        float array (n_problems, group_size): the verifier's 0/1.

    Returns
    -------
    New weights (n_features, n_actions).
    """
    features = np.asarray(features, dtype=float)
    actions = np.asarray(actions)
    rewards = np.asarray(rewards, dtype=float)
    if actions.ndim < 2 or actions.shape[:2] != rewards.shape:
        raise ValueError(
            f"actions must start with the rewards' shape {rewards.shape}, got {actions.shape}"
        )
    _check_weights_features(weights, features)
    if actions.shape[2:] != features.shape[1:-1] or features.shape[0] != rewards.shape[0]:
        raise ValueError(
            f"features {features.shape} do not match actions {actions.shape} "
            "(expected features (n_problems, [length,] n_features))"
        )
    n_actions = weights.shape[1]
    if actions.size and (actions.min() < 0 or actions.max() >= n_actions):
        raise ValueError(f"actions must lie in [0, {n_actions})")
    # Same as policy_gradient_step on the flattened groups, but pi is computed once per problem.
    advantages = group_advantages(rewards)
    probabilities = softmax(features @ weights)  # (n_problems, [length,] n_actions)
    onehot = np.zeros(actions.shape + (n_actions,))
    np.put_along_axis(onehot, actions[..., None], 1.0, axis=-1)
    weight = advantages.reshape(advantages.shape + (1,) * (actions.ndim - 1))
    logit_gradient = np.sum(weight * (onehot - probabilities[:, None]), axis=1)
    flat_features = features.reshape(-1, features.shape[-1])
    gradient = flat_features.T @ logit_gradient.reshape(-1, n_actions) / rewards.size
    return weights + learning_rate * gradient


def imitation_step(
    weights: np.ndarray, features: np.ndarray, actions: np.ndarray, learning_rate: float
) -> np.ndarray:
    """One step of fine-tuning by imitation (SFT): ascend the demonstrations' log-likelihood.

    The same as :func:`policy_gradient_step` with every advantage equal to 1: each demonstrated
    action is pushed up whether or not the policy already favours it.
    """
    return policy_gradient_step(
        weights, features, actions, np.ones(np.asarray(features).shape[0]), learning_rate
    )


# --- measurements --------------------------------------------------------------------------------


def expected_coverage(probabilities: np.ndarray, k: int) -> np.ndarray:
    """Expected number of distinct actions among ``k`` independent draws: ``sum_a 1-(1-pi_a)^k``.

    Parameters
    ----------
    probabilities
        float array (n_actions,) or (n, n_actions).

    Returns
    -------
    float, or float array (n,).
    """
    probabilities = np.asarray(probabilities, dtype=float)
    if probabilities.ndim not in (1, 2) or np.any((probabilities < 0) | (probabilities > 1)):
        raise ValueError("probabilities must be a 1-D or 2-D array of probabilities")
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    return np.sum(1.0 - (1.0 - probabilities) ** k, axis=-1)


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
) -> np.ndarray:
    """Pre-train on the skewed corpus of all types. Returns weights (n_types + 1, n_strategies)."""
    types, strategies = demonstration_corpus(world, n_demonstrations, seed, correct_fraction)
    return pretrain_by_imitation(
        problem_features(types, world.n_types), strategies, world.n_strategies
    )


def train_rl_on_strategies(
    world: StrategyWorld,
    weights: np.ndarray,
    steps: int,
    seed: int | np.random.Generator,
    family: str = "in_domain",
    batch_size: int = 32,
    group_size: int = 8,
    learning_rate: float = 0.5,
) -> tuple[np.ndarray, np.ndarray]:
    """GRPO-style RL on fresh problems of a family, the verifier's 0/1 as the only reward.

    Returns
    -------
    (weights, mean_reward): the trained weights and the mean reward of each step, shape (steps,).
    """
    if steps < 0:
        raise ValueError(f"steps must be non-negative, got {steps}")
    rng = np.random.default_rng(seed)
    weights = np.array(weights, dtype=float)
    mean_reward = np.empty(steps)
    for step in range(steps):
        problems = sample_problems(world, batch_size, family, rng)
        features = problem_features(problems.types, world.n_types)
        strategies = sample_actions(action_probabilities(weights, features), group_size, rng)
        rewards = verify_strategies(problems, strategies)
        mean_reward[step] = rewards.mean()
        weights = grpo_step(weights, features, strategies, rewards, learning_rate)
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


def curriculum_lengths(max_length: int, steps: int) -> np.ndarray:
    """A curriculum over lengths 1, 2, …, max_length, an equal share of the steps for each.

    Returns
    -------
    int array (steps,), non-decreasing, starting at 1 and ending at ``max_length``.
    """
    if max_length < 1 or steps < max_length:
        raise ValueError(f"need max_length >= 1 and steps >= max_length, got {max_length}, {steps}")
    return 1 + (np.arange(steps) * max_length) // steps


def train_rl_on_chains(
    world: ChainWorld,
    weights: np.ndarray,
    lengths: Sequence[int] | np.ndarray,
    seed: int | np.random.Generator,
    batch_size: int = 32,
    group_size: int = 8,
    learning_rate: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Outcome-only RL on chain puzzles, one step per entry of ``lengths`` (puzzle length).

    Returns
    -------
    (weights, mean_reward): trained weights and each step's mean reward, shape (len(lengths),).
    """
    lengths = np.asarray(lengths)
    if lengths.ndim != 1 or (lengths.size and lengths.min() < 1):
        raise ValueError("lengths must be a 1-D array of positive puzzle lengths")
    rng = np.random.default_rng(seed)
    weights = np.array(weights, dtype=float)
    mean_reward = np.empty(lengths.size)
    for step, length in enumerate(lengths):
        cues = sample_chains(world, batch_size, int(length), rng)
        features = chain_features(cues, world.n_cues)
        actions = sample_actions(action_probabilities(weights, features), group_size, rng)
        rewards = verify_chains(world, cues, actions)
        mean_reward[step] = rewards.mean()
        weights = grpo_step(weights, features, actions, rewards, learning_rate)
    return weights, mean_reward


# --- experiments (one seed each; repeat with worldlab.stats.run_over_seeds) ----------------------


def strategy_experiment(
    seed: int,
    rl_steps: int = 400,
    ks: Sequence[int] = DEFAULT_KS,
    n_samples: int = 512,
    n_test_problems: int = 300,
    sft_steps: int | None = None,
) -> dict[str, float]:
    """Pre-train, then RL (and SFT) on in-domain problems; measure on held-out problems.

    Returns
    -------
    dict of floats: ``{policy}_pass@{k}`` on held-out in-domain problems (unbiased estimator
    from ``n_samples`` draws per problem) for policy ``base`` and ``rl``; ``{policy}_coverage``
    (expected distinct strategies in 256 tries, mean over in-domain types); ``{policy}_id_pass@1``
    and ``{policy}_ood_pass@1`` (exact) for ``base``, ``rl`` and ``sft``; ``solvable`` (the
    ceiling: fraction of test problems some strategy solves).
    """
    world = make_strategy_world(seed)
    base = base_strategy_policy(world, np.random.default_rng([seed, 1]))
    rl, _ = train_rl_on_strategies(world, base, rl_steps, np.random.default_rng([seed, 2]))
    sft = train_sft_on_strategies(
        world, base, rl_steps if sft_steps is None else sft_steps, np.random.default_rng([seed, 3])
    )
    test_rng = np.random.default_rng([seed, 4])
    in_domain = sample_problems(world, n_test_problems, "in_domain", test_rng)
    out_of_domain = sample_problems(world, n_test_problems, "out_of_domain", test_rng)
    result: dict[str, float] = {"solvable": float(in_domain.solvable.mean())}
    id_features = problem_features(world.in_domain_types, world.n_types)
    for name, weights in (("base", base), ("rl", rl)):
        counts = count_correct(weights, world, in_domain, n_samples, test_rng)
        curve = pass_at_k_curve(n_samples, counts, ks)
        result.update({f"{name}_pass@{k}": float(v) for k, v in zip(ks, curve, strict=True)})
        probabilities = action_probabilities(weights, id_features)
        result[f"{name}_coverage"] = float(np.mean(expected_coverage(probabilities, 256)))
    for name, weights in (("base", base), ("rl", rl), ("sft", sft)):
        for family, problems in (("id", in_domain), ("ood", out_of_domain)):
            p = strategy_success_probabilities(weights, world, problems)
            result[f"{name}_{family}_pass@1"] = float(pass_at_k_from_probabilities(p, [1])[0])
    return result


def rl_checkpoints(
    seed: int,
    checkpoints: Sequence[int] = (0, 50, 100, 200, 400, 800, 1600),
    k_large: int = 256,
    n_test_problems: int = 300,
) -> pd.DataFrame:
    """One RL run on in-domain problems, measured at several numbers of steps.

    The measures are exact (computed from the policy's probabilities, the values the pass@k
    estimator estimates) on held-out problems.

    Returns
    -------
    DataFrame, one row per checkpoint: ``seed``, ``rl_steps``, ``pass@1`` and ``pass@{k_large}``
    (in-domain), ``coverage`` (expected distinct strategies in ``k_large`` tries, mean over
    in-domain types) and ``ood_pass@1`` (out-of-domain).
    """
    steps = np.asarray(list(checkpoints))
    if steps.ndim != 1 or steps.size == 0 or steps.min() < 0 or np.any(np.diff(steps) <= 0):
        raise ValueError(f"checkpoints must be increasing non-negative integers, got {checkpoints}")
    world = make_strategy_world(seed)
    weights = base_strategy_policy(world, np.random.default_rng([seed, 1]))
    train_rng = np.random.default_rng([seed, 2])
    test_rng = np.random.default_rng([seed, 4])
    in_domain = sample_problems(world, n_test_problems, "in_domain", test_rng)
    out_of_domain = sample_problems(world, n_test_problems, "out_of_domain", test_rng)
    id_features = problem_features(world.in_domain_types, world.n_types)
    rows, done = [], 0
    for target in steps:
        weights, _ = train_rl_on_strategies(world, weights, int(target) - done, train_rng)
        done = int(target)
        in_p = strategy_success_probabilities(weights, world, in_domain)
        curve = pass_at_k_from_probabilities(in_p, [1, k_large])
        out_p = strategy_success_probabilities(weights, world, out_of_domain)
        rows.append(
            {
                "seed": seed,
                "rl_steps": done,
                "pass@1": float(curve[0]),
                f"pass@{k_large}": float(curve[1]),
                "coverage": float(
                    np.mean(expected_coverage(action_probabilities(weights, id_features), k_large))
                ),
                "ood_pass@1": float(out_p.mean()),
            }
        )
    return pd.DataFrame(rows)


def chain_experiment(
    seed: int, max_length: int = 10, steps: int = 300, curriculum: bool = True
) -> dict[str, float]:
    """Outcome-only RL on length-``max_length`` puzzles, with or without a curriculum.

    Both runs get the same number of RL steps (same samples); the curriculum spreads them over
    lengths 1 … max_length, the direct run spends them all on ``max_length``.

    Returns
    -------
    dict: ``base_step_accuracy``, ``base_pass@1`` and ``base_pass@256`` (exact, at
    ``max_length``), ``rl_pass@1`` (exact, at ``max_length``) and ``rl_step_accuracy``.
    """
    world = make_chain_world(seed)
    base = base_chain_policy(world, np.random.default_rng([seed, 1]))
    lengths = curriculum_lengths(max_length, steps) if curriculum else np.full(steps, max_length)
    trained, _ = train_rl_on_chains(world, base, lengths, np.random.default_rng([seed, 2]))
    base_success = chain_success_probability(base, world, max_length)
    return {
        "base_step_accuracy": float(chain_step_accuracy(base, world).mean()),
        "base_pass@1": base_success,
        "base_pass@256": float(1.0 - (1.0 - base_success) ** 256),
        "rl_pass@1": chain_success_probability(trained, world, max_length),
        "rl_step_accuracy": float(chain_step_accuracy(trained, world).mean()),
    }


# --- the lesson's interactive demo ---------------------------------------------------------------


def plot_rl_steps_demo(rl_steps: int = 200, seed: int = 0, n_samples: int = 256) -> None:
    """Widget callback: pass@k of the base policy and of the policy after ``rl_steps`` RL steps.

    Draws one figure: pass@k (k = 1 … ``n_samples``) on held-out in-domain problems, with the
    ceiling (fraction of problems any strategy solves), then ``plt.show()``.
    """
    if rl_steps < 0 or n_samples < 1:
        raise ValueError(f"need rl_steps >= 0 and n_samples >= 1, got {rl_steps}, {n_samples}")
    ks = [k for k in DEFAULT_KS if k <= n_samples]
    world = make_strategy_world(seed)
    base = base_strategy_policy(world, np.random.default_rng([seed, 1]))
    rl, _ = train_rl_on_strategies(world, base, rl_steps, np.random.default_rng([seed, 2]))
    rng = np.random.default_rng([seed, 4])
    problems = sample_problems(world, 300, "in_domain", rng)
    curves = {
        "base (imitation only)": pass_at_k_curve(
            n_samples, count_correct(base, world, problems, n_samples, rng), ks
        ),
        f"after {rl_steps} RL steps": pass_at_k_curve(
            n_samples, count_correct(rl, world, problems, n_samples, rng), ks
        ),
    }
    fig, ax = plt.subplots(figsize=(7, 4))
    plot_pass_at_k_curves(
        ks,
        curves,
        ax=ax,
        colors={
            "base (imitation only)": PALETTE["blue"],
            f"after {rl_steps} RL steps": PALETTE["vermillion"],
        },
        title=f"Strategy problems, seed {seed}: RL raises pass@1, the base keeps more reach",
    )
    ax.axhline(
        problems.solvable.mean(),
        color="grey",
        linestyle=":",
        linewidth=1.2,
        label="ceiling (some strategy works)",
    )
    ax.legend(loc="lower right")
    fig.tight_layout()
    plt.show()
