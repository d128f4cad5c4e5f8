"""Plausible wrong answers to lesson 07's exercises; each must fail a hidden check."""

import numpy as np


def plug_in_pass_at_k(n, c, k):
    return float(1 - (1 - c / n) ** k)


def off_by_one_pass_at_k(n, c, k):
    if n - c < k:
        return 1.0
    return float(1.0 - np.prod(1.0 - k / np.arange(n - c, n + 1)))


def with_replacement_pass_at_k(n, c, k):
    return float(min(1.0, k * c / n))


def _softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    return np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)


def _onehot(actions, n_actions):
    onehot = np.zeros(actions.shape + (n_actions,))
    np.put_along_axis(onehot, actions[..., None], 1.0, axis=-1)
    return onehot


def no_baseline_grpo(weights, features, actions, rewards, learning_rate):
    pi = _softmax(features @ weights)
    grad = np.sum(rewards[..., None] * (_onehot(actions, weights.shape[1]) - pi[:, None]), axis=1)
    return weights + learning_rate * features.T @ grad / rewards.size


def sum_not_mean_grpo(weights, features, actions, rewards, learning_rate):
    pi = _softmax(features @ weights)
    adv = rewards - rewards.mean(axis=1, keepdims=True)
    grad = np.sum(adv[..., None] * (_onehot(actions, weights.shape[1]) - pi[:, None]), axis=1)
    return weights + learning_rate * features.T @ grad


def in_place_grpo(weights, features, actions, rewards, learning_rate):
    pi = _softmax(features @ weights)
    adv = rewards - rewards.mean(axis=1, keepdims=True)
    grad = np.sum(adv[..., None] * (_onehot(actions, weights.shape[1]) - pi[:, None]), axis=1)
    weights += learning_rate * features.T @ grad / rewards.size
    return weights


def std_scaled_grpo(weights, features, actions, rewards, learning_rate):
    pi = _softmax(features @ weights)
    adv = rewards - rewards.mean(axis=1, keepdims=True)
    adv = adv / (rewards.std(axis=1, keepdims=True) + 1e-6)
    grad = np.sum(adv[..., None] * (_onehot(actions, weights.shape[1]) - pi[:, None]), axis=1)
    return weights + learning_rate * features.T @ grad / rewards.size


def no_curriculum(max_length, steps):
    return np.full(steps, max_length)


def off_by_one_curriculum(max_length, steps):
    return (np.arange(steps) * max_length) // steps  # starts at 0


def float_curriculum(max_length, steps):
    return 1 + np.arange(steps) * max_length / steps


# --- issue 29: more wrong answers of the kinds students make -------------------------------


def curriculum_easy_only(max_length, steps):
    # a degenerate choice: every step on the easiest puzzles
    return np.ones(steps, dtype=int)


def curriculum_two_easiest(max_length, steps):
    # lengths 1 and 2 only: the signal is there, the long puzzles never come
    return 1 + np.arange(steps) % 2


def curriculum_constant_middle(max_length, steps):
    # a constant schedule at half the target length
    return np.full(steps, max(1, max_length // 2), dtype=int)


def curriculum_reversed(max_length, steps):
    # hardest first: no mixed outcomes while the step skill is low
    return (max_length - (np.arange(steps) * max_length) // steps).astype(int)


WRONG_ANSWERS = [
    ("design_curriculum", "only the easiest puzzles", curriculum_easy_only),
    ("design_curriculum", "lengths 1 and 2 only", curriculum_two_easiest),
    ("design_curriculum", "a constant middle length", curriculum_constant_middle),
    ("design_curriculum", "hardest first", curriculum_reversed),
    ("pass_at_k", "the biased plug-in estimate", plug_in_pass_at_k),
    ("pass_at_k", "product starts one factor early", off_by_one_pass_at_k),
    ("pass_at_k", "adds the chances of k tries (k c / n, capped at 1)", with_replacement_pass_at_k),
    ("grpo_update", "no group baseline", no_baseline_grpo),
    ("grpo_update", "sums instead of averaging over tries", sum_not_mean_grpo),
    ("grpo_update", "modifies the weights in place", in_place_grpo),
    ("grpo_update", "divides by the group's std (not the update asked for)", std_scaled_grpo),
    ("design_curriculum", "no curriculum: every step at max_length", no_curriculum),
    ("design_curriculum", "lengths start at 0", off_by_one_curriculum),
    ("design_curriculum", "lengths are floats", float_curriculum),
]

#: Exercises with many right answers: judged by properties of the choice, not by mutants.
DESIGN_TASKS = {"design_curriculum"}

#: Surviving mutants that compute exactly what the reference computes, for every input the
#: docstrings allow (found by ``worldlab check --mutants 07``):
#: - ``pass_at_k``'s early return is a shortcut: when n - c < k the product runs over
#:   j = n - c + 1 … n, which includes j = k, whose factor 1 - k/k is exactly 0, so the formula
#:   returns 1.0 by itself. Deleting the guard, or making it never fire, changes nothing.
#: - ``grpo_update``: with the group-mean baseline a group's advantages sum to zero, so the
#:   expected term ``pi_b`` drops out of the sum over tries exactly (measured: the update is
#:   bit-identical with ``pi`` replaced by zeros). Mutants that change only ``pi`` are
#:   equivalent; the max shift only guards against overflow beyond logits of ~700, which the
#:   docstring does not ask for.
EQUIVALENT_MUTANTS = {
    "pass_at_k": [
        "line 1: `n - c` → `n + c`",
        "line 1: delete `if n - c < k:`",
        "line 2: delete `return 1.0`",
    ],
    "grpo_update": [
        "line 2: `logits - logits.max(axis=1, keepdims=True)` → "
        "`logits + logits.max(axis=1, keepdims=True)`",
        "line 3: `np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)` → "
        "`np.exp(logits) * np.exp(logits).sum(axis=1, keepdims=True)`",
        "line 7: `onehot - pi[:, None, :]` → `onehot + pi[:, None, :]`",
        "line 2: delete `logits = logits - logits.max(axis=1, keepdims=True`",
    ],
}
