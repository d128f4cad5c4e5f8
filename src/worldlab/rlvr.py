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

The experiment functions at the end run the lesson's measurements for one seed and return plain
numbers, so :func:`worldlab.stats.run_over_seeds` can repeat them. pass@k estimates take the
estimator as the argument ``estimator`` (lesson 07's ``pass_at_k``), coverage the counting
function as ``distinct`` (lesson 07's ``expected_distinct``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from worldlab.pass_at_k import (
    DEFAULT_KS,
    Estimator,
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


# --- the step's contract and helpers ------------------------------------------------------


#: The RL step a training loop takes: ``update(weights, features, actions, rewards, lr)``.
Update = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float], np.ndarray]
#: Expected distinct actions in k draws: ``distinct(probabilities (n, A), k) -> (n,)``.
Distinct = Callable[[np.ndarray, int], np.ndarray]


def _check_callable(name: str, value: object) -> None:
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
    _check_callable("update", update)
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
    _check_callable("update", update)
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


# --- experiments (one seed each; repeat with worldlab.stats.run_over_seeds) ----------------------


def strategy_experiment(
    seed: int,
    update: Update,
    estimator: Estimator,
    rl_steps: int = 400,
    ks: Sequence[int] = DEFAULT_KS,
    n_samples: int = 512,
    n_test_problems: int = 300,
    sft_steps: int | None = None,
) -> dict[str, float]:
    """Pre-train, then RL (and SFT) on in-domain problems; measure on held-out problems.

    Parameters
    ----------
    update
        The RL step (lesson 07's ``grpo_update``).
    estimator
        ``estimator(n, c, k) -> float``, the pass@k estimate (lesson 07's ``pass_at_k``).

    Returns
    -------
    dict of floats: ``{policy}_pass@{k}`` on held-out in-domain problems (``estimator`` from
    ``n_samples`` draws per problem) for policy ``base`` and ``rl``; ``{policy}_id_pass@1`` and
    ``{policy}_ood_pass@1`` (exact) for ``base``, ``rl`` and ``sft``; ``solvable`` (the
    ceiling: fraction of test problems some strategy solves).
    """
    world = make_strategy_world(seed)
    base = base_strategy_policy(world, np.random.default_rng([seed, 1]))
    rl, _ = train_rl_on_strategies(world, base, rl_steps, np.random.default_rng([seed, 2]), update)
    sft = train_sft_on_strategies(
        world, base, rl_steps if sft_steps is None else sft_steps, np.random.default_rng([seed, 3])
    )
    test_rng = np.random.default_rng([seed, 4])
    in_domain = sample_problems(world, n_test_problems, "in_domain", test_rng)
    out_of_domain = sample_problems(world, n_test_problems, "out_of_domain", test_rng)
    result: dict[str, float] = {"solvable": float(in_domain.solvable.mean())}
    for name, weights in (("base", base), ("rl", rl)):
        counts = count_correct(weights, world, in_domain, n_samples, test_rng)
        curve = pass_at_k_curve(n_samples, counts, ks, estimator)
        result.update({f"{name}_pass@{k}": float(v) for k, v in zip(ks, curve, strict=True)})
    for name, weights in (("base", base), ("rl", rl), ("sft", sft)):
        for family, problems in (("id", in_domain), ("ood", out_of_domain)):
            p = strategy_success_probabilities(weights, world, problems)
            result[f"{name}_{family}_pass@1"] = float(p.mean())
    return result


def reach_experiment(
    seed: int,
    update: Update,
    correct_fraction: float = 0.5,
    temperature: float = 1.0,
    rl_steps: int = 400,
    k_large: int = 256,
    n_test_problems: int = 300,
) -> dict[str, float]:
    """RL from a base that may sit below the ceiling: exact pass@1 and pass@``k_large``.

    The base is pre-trained on a corpus in which ``correct_fraction`` of the demonstrations are
    right and sampled at ``temperature`` (see :func:`base_strategy_policy`); lower values leave
    working strategies almost out of the base's reach, so RL could find what the base misses.

    Returns
    -------
    dict: ``solvable`` (the ceiling), ``{policy}_pass@1`` and ``{policy}_pass@{k_large}`` for
    ``base`` and ``rl`` (exact, on held-out in-domain problems).
    """
    world = make_strategy_world(seed)
    base = base_strategy_policy(
        world,
        np.random.default_rng([seed, 1]),
        correct_fraction=correct_fraction,
        temperature=temperature,
    )
    rl, _ = train_rl_on_strategies(world, base, rl_steps, np.random.default_rng([seed, 2]), update)
    problems = sample_problems(
        world, n_test_problems, "in_domain", np.random.default_rng([seed, 4])
    )
    result = {"solvable": float(problems.solvable.mean())}
    for name, weights in (("base", base), ("rl", rl)):
        curve = pass_at_k_from_probabilities(
            strategy_success_probabilities(weights, world, problems), [1, k_large]
        )
        result[f"{name}_pass@1"], result[f"{name}_pass@{k_large}"] = map(float, curve)
    return result


def transfer_experiment(
    seed: int,
    update: Update,
    general_chance: float = 0.25,
    steps: int = 400,
    n_test_problems: int = 300,
) -> dict[str, float]:
    """RL and SFT on in-domain problems, pass@1 (exact) on both families.

    ``general_chance`` is how often the two *general* strategies (shared by every type, so by
    both families) work: below the in-domain types' best specific strategy (0.6) the best thing
    to learn in-domain is type-specific; above it, the best in-domain skill is shared.

    Returns
    -------
    dict: ``{policy}_{family}_pass@1`` for policy ``base``, ``rl``, ``sft`` and family ``id``,
    ``ood``.
    """
    world = make_strategy_world(seed, general_chance=general_chance)
    base = base_strategy_policy(world, np.random.default_rng([seed, 1]))
    rl, _ = train_rl_on_strategies(world, base, steps, np.random.default_rng([seed, 2]), update)
    sft = train_sft_on_strategies(world, base, steps, np.random.default_rng([seed, 3]))
    test_rng = np.random.default_rng([seed, 4])
    families = {
        "id": sample_problems(world, n_test_problems, "in_domain", test_rng),
        "ood": sample_problems(world, n_test_problems, "out_of_domain", test_rng),
    }
    return {
        f"{name}_{family}_pass@1": float(
            strategy_success_probabilities(weights, world, problems).mean()
        )
        for name, weights in (("base", base), ("rl", rl), ("sft", sft))
        for family, problems in families.items()
    }


def rl_checkpoints(
    seed: int,
    update: Update,
    distinct: Distinct,
    checkpoints: Sequence[int] = (0, 50, 100, 200, 400, 800, 1600),
    k_large: int = 256,
    n_test_problems: int = 300,
) -> pd.DataFrame:
    """One RL run on in-domain problems, measured at several numbers of steps.

    The measures are exact (computed from the policy's probabilities, the values the pass@k
    estimator estimates) on held-out problems.

    Parameters
    ----------
    update
        The RL step (lesson 07's ``grpo_update``).
    distinct
        ``distinct(probabilities (n, A), k) -> (n,)``: expected distinct strategies in k tries
        (lesson 07's ``expected_distinct``).

    Returns
    -------
    DataFrame, one row per checkpoint: ``seed``, ``rl_steps``, ``pass@1`` and ``pass@{k_large}``
    (in-domain), ``coverage`` (``distinct`` in ``k_large`` tries, mean over in-domain types) and
    ``ood_pass@1`` (out-of-domain).
    """
    steps = np.asarray(list(checkpoints))
    if steps.ndim != 1 or steps.size == 0 or steps.min() < 0 or np.any(np.diff(steps) <= 0):
        raise ValueError(f"checkpoints must be increasing non-negative integers, got {checkpoints}")
    _check_callable("distinct", distinct)
    world = make_strategy_world(seed)
    weights = base_strategy_policy(world, np.random.default_rng([seed, 1]))
    train_rng = np.random.default_rng([seed, 2])
    test_rng = np.random.default_rng([seed, 4])
    in_domain = sample_problems(world, n_test_problems, "in_domain", test_rng)
    out_of_domain = sample_problems(world, n_test_problems, "out_of_domain", test_rng)
    id_features = problem_features(world.in_domain_types, world.n_types)
    rows, done = [], 0
    for target in steps:
        weights, _ = train_rl_on_strategies(world, weights, int(target) - done, train_rng, update)
        done = int(target)
        in_p = strategy_success_probabilities(weights, world, in_domain)
        curve = pass_at_k_from_probabilities(in_p, [1, k_large])
        out_p = strategy_success_probabilities(weights, world, out_of_domain)
        coverage = np.asarray(distinct(action_probabilities(weights, id_features), k_large))
        rows.append(
            {
                "seed": seed,
                "rl_steps": done,
                "pass@1": float(curve[0]),
                f"pass@{k_large}": float(curve[1]),
                "coverage": float(np.mean(coverage)),
                "ood_pass@1": float(out_p.mean()),
            }
        )
    return pd.DataFrame(rows)


def chain_experiment(
    seed: int, update: Update, lengths: Sequence[int] | np.ndarray, max_length: int = 10
) -> dict[str, float]:
    """Outcome-only RL with a schedule of puzzle lengths, judged on length ``max_length``.

    Parameters
    ----------
    lengths
        int array (steps,): the length of the puzzles of each RL step (a curriculum, or
        ``max_length`` throughout).

    Returns
    -------
    dict: ``base_step_accuracy``, ``base_pass@1`` and ``base_pass@256`` (exact, at
    ``max_length``), ``rl_pass@1`` (exact, at ``max_length``) and ``rl_step_accuracy``.
    """
    lengths = check_schedule(lengths, len(lengths), max_length)
    world = make_chain_world(seed)
    base = base_chain_policy(world, np.random.default_rng([seed, 1]))
    trained, _ = train_rl_on_chains(world, base, lengths, np.random.default_rng([seed, 2]), update)
    base_success = chain_success_probability(base, world, max_length)
    return {
        "base_step_accuracy": float(chain_step_accuracy(base, world).mean()),
        "base_pass@1": base_success,
        "base_pass@256": float(1.0 - (1.0 - base_success) ** 256),
        "rl_pass@1": chain_success_probability(trained, world, max_length),
        "rl_step_accuracy": float(chain_step_accuracy(trained, world).mean()),
    }


# --- the lesson's interactive demo ---------------------------------------------------------------


def plot_rl_steps_demo(
    update: Update, rl_steps: int = 200, seed: int = 0, n_samples: int = 256
) -> None:
    """Widget callback: pass@k of the base policy and of the policy after ``rl_steps`` RL steps.

    Draws one figure: pass@k (k = 1 … ``n_samples``, exact: ``1 - (1 - p)**k`` averaged over
    300 held-out in-domain problems) with the ceiling (fraction of problems any strategy solves),
    then ``plt.show()``. ``update`` is the RL step (bind it with ``functools.partial``).
    """
    if rl_steps < 0 or n_samples < 1:
        raise ValueError(f"need rl_steps >= 0 and n_samples >= 1, got {rl_steps}, {n_samples}")
    ks = [k for k in DEFAULT_KS if k <= n_samples]
    world = make_strategy_world(seed)
    base = base_strategy_policy(world, np.random.default_rng([seed, 1]))
    rl, _ = train_rl_on_strategies(world, base, rl_steps, np.random.default_rng([seed, 2]), update)
    problems = sample_problems(world, 300, "in_domain", np.random.default_rng([seed, 4]))
    curves = {
        "base (imitation only)": pass_at_k_from_probabilities(
            strategy_success_probabilities(base, world, problems), ks
        ),
        f"after {rl_steps} RL steps": pass_at_k_from_probabilities(
            strategy_success_probabilities(rl, world, problems), ks
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
        title=f"Strategy problems, seed {seed}: pass@k after {rl_steps} RL steps",
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


def rl_steps_demo_controls() -> dict:
    """The demo's two controls: RL steps (0 … 1000) and the seed (0 … 9)."""
    from ipywidgets import IntSlider

    return {
        "rl_steps": IntSlider(value=200, min=0, max=1000, step=50, description="RL steps"),
        "seed": IntSlider(value=0, min=0, max=9, description="seed"),
    }
