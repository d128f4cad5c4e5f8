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


def wrong_axis_distinct(probabilities, k):
    return np.sum(1.0 - (1.0 - np.asarray(probabilities)) ** k, axis=0)


def p_to_the_k_distinct(probabilities, k):
    return np.sum(1.0 - np.asarray(probabilities) ** k, axis=-1)


def k_times_p_distinct(probabilities, k):
    return np.sum(np.minimum(1.0, k * np.asarray(probabilities)), axis=-1)


def no_curriculum(max_length, steps):
    return np.full(steps, max_length)


def off_by_one_curriculum(max_length, steps):
    return (np.arange(steps) * max_length) // steps  # starts at 0


def float_curriculum(max_length, steps):
    return 1 + np.arange(steps) * max_length / steps


WRONG_ANSWERS = [
    ("pass_at_k", "the biased plug-in estimate", plug_in_pass_at_k),
    ("pass_at_k", "product starts one factor early", off_by_one_pass_at_k),
    ("pass_at_k", "adds the chances of k tries (k c / n, capped at 1)", with_replacement_pass_at_k),
    ("grpo_update", "no group baseline", no_baseline_grpo),
    ("grpo_update", "sums instead of averaging over tries", sum_not_mean_grpo),
    ("grpo_update", "modifies the weights in place", in_place_grpo),
    ("grpo_update", "divides by the group's std (not the update asked for)", std_scaled_grpo),
    ("expected_distinct", "sums over the wrong axis", wrong_axis_distinct),
    ("expected_distinct", "1 - p**k instead of 1 - (1 - p)**k", p_to_the_k_distinct),
    ("expected_distinct", "k * p capped at 1", k_times_p_distinct),
    ("design_curriculum", "no curriculum: every step at max_length", no_curriculum),
    ("design_curriculum", "lengths start at 0", off_by_one_curriculum),
    ("design_curriculum", "lengths are floats", float_curriculum),
]

#: Exercises with many right answers: judged by properties of the choice, not by mutants.
DESIGN_TASKS = {"design_curriculum"}
