"""Unit tests for worldlab.rlvr."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from worldlab import rlvr
from worldlab.rlvr import (
    action_probabilities,
    chain_experiment,
    chain_success_probability,
    count_correct,
    curriculum_lengths,
    expected_coverage,
    group_advantages,
    grpo_step,
    imitation_step,
    policy_gradient_step,
    pretrain_by_imitation,
    rl_checkpoints,
    sample_actions,
    softmax,
    strategy_experiment,
    strategy_success_probabilities,
    train_rl_on_chains,
    train_rl_on_strategies,
    train_sft_on_strategies,
)
from worldlab.worlds.strategy_tasks import (
    make_chain_world,
    make_strategy_world,
    sample_problems,
)


def log_likelihood(weights, features, actions, advantages):
    """The surrogate whose gradient REINFORCE follows: mean_i A_i * log pi(answer_i)."""
    logp = np.log(softmax(features @ weights))
    chosen = np.take_along_axis(logp, actions[..., None], axis=-1)[..., 0]
    if chosen.ndim == 2:
        chosen = chosen.sum(axis=1)
    return np.mean(advantages * chosen)


@pytest.mark.parametrize("multi_step", [False, True])
def test_policy_gradient_matches_finite_differences(multi_step):
    rng = np.random.default_rng(0)
    weights = rng.normal(size=(4, 3))
    shape = (5, 2, 4) if multi_step else (5, 4)
    features = rng.normal(size=shape)
    actions = rng.integers(3, size=shape[:-1])
    advantages = rng.normal(size=5)
    lr = 1e-3
    step = (policy_gradient_step(weights, features, actions, advantages, lr) - weights) / lr
    numeric = np.zeros_like(weights)
    eps = 1e-6
    for index in np.ndindex(weights.shape):
        bumped = weights.copy()
        bumped[index] += eps
        lowered = weights.copy()
        lowered[index] -= eps
        numeric[index] = (
            log_likelihood(bumped, features, actions, advantages)
            - log_likelihood(lowered, features, actions, advantages)
        ) / (2 * eps)
    np.testing.assert_allclose(step, numeric, atol=1e-6)


def test_group_advantages():
    rewards = np.array([[1, 0, 0, 1], [0, 0, 0, 0], [1, 1, 1, 1]], dtype=float)
    advantages = group_advantages(rewards)
    np.testing.assert_allclose(advantages[0], [0.5, -0.5, -0.5, 0.5])
    assert np.all(advantages[1:] == 0)
    with pytest.raises(ValueError):
        group_advantages(np.array([1.0, 0.0]))


def test_grpo_step_properties():
    rng = np.random.default_rng(1)
    weights = rng.normal(size=(3, 4))
    features = rng.normal(size=(6, 3))
    actions = rng.integers(4, size=(6, 5))
    rewards = (rng.random((6, 5)) < 0.5).astype(float)
    updated = grpo_step(weights, features, actions, rewards, 0.3)
    assert not np.allclose(updated, weights)
    # A constant added to every reward changes nothing: the group mean absorbs it.
    np.testing.assert_allclose(grpo_step(weights, features, actions, rewards + 3.0, 0.3), updated)
    # Groups where everyone fails or everyone succeeds carry no signal.
    np.testing.assert_allclose(grpo_step(weights, features, actions, np.ones((6, 5)), 0.3), weights)
    # The same as a policy-gradient step on the flattened batch with group advantages.
    manual = policy_gradient_step(
        weights,
        np.repeat(features, 5, axis=0),
        actions.ravel(),
        group_advantages(rewards).ravel(),
        0.3,
    )
    np.testing.assert_allclose(updated, manual)
    with pytest.raises(ValueError):
        grpo_step(weights, features, actions, rewards[:, :4], 0.3)


def test_success_raises_the_chosen_action():
    weights = np.zeros((1, 3))
    features = np.ones((1, 1))
    actions = np.array([[0, 1]])
    rewards = np.array([[1.0, 0.0]])
    probabilities = action_probabilities(
        grpo_step(weights, features, actions, rewards, 1.0), features
    )
    assert probabilities[0, 0] > 1 / 3 > probabilities[0, 1]


def test_imitation_step_moves_toward_demonstrations():
    weights = np.zeros((2, 3))
    features = np.tile([[1.0, 1.0]], (4, 1))
    actions = np.array([2, 2, 2, 0])
    for _ in range(50):
        weights = imitation_step(weights, features, actions, 1.0)
    np.testing.assert_allclose(
        action_probabilities(weights, features[:1])[0], [0.25, 0, 0.75], atol=0.02
    )


def test_validation():
    weights = np.zeros((3, 2))
    with pytest.raises(ValueError):
        action_probabilities(weights, np.zeros((4, 2)))
    with pytest.raises(ValueError):
        policy_gradient_step(weights, np.zeros((4, 3)), np.zeros(3, dtype=int), np.zeros(4), 0.1)
    with pytest.raises(ValueError):
        policy_gradient_step(weights, np.zeros((4, 3)), np.full(4, 2), np.zeros(4), 0.1)
    with pytest.raises(ValueError):
        policy_gradient_step(weights, np.zeros((4, 3)), np.zeros(4, dtype=int), np.zeros(3), 0.1)


def test_softmax_is_stable():
    probabilities = softmax(np.array([[1000.0, 0.0], [-1000.0, -1000.0]]))
    np.testing.assert_allclose(probabilities, [[1, 0], [0.5, 0.5]])


def test_sample_actions_frequencies():
    rng = np.random.default_rng(2)
    probabilities = np.array([[0.7, 0.2, 0.1], [0.0, 0.0, 1.0]])
    samples = sample_actions(probabilities, 20000, rng)
    assert samples.shape == (2, 20000)
    np.testing.assert_allclose(
        np.bincount(samples[0], minlength=3) / 20000, [0.7, 0.2, 0.1], atol=0.015
    )
    assert np.all(samples[1] == 2)
    steps = sample_actions(np.tile(probabilities[:, None], (1, 4, 1)), 3, rng)
    assert steps.shape == (2, 3, 4)


def test_pretraining_recovers_the_corpus_frequencies():
    rng = np.random.default_rng(3)
    contexts = rng.integers(2, size=4000)
    truth = np.array([[0.6, 0.3, 0.1], [0.1, 0.1, 0.8]])
    actions = np.array([rng.choice(3, p=truth[c]) for c in contexts])
    features = np.stack([contexts == 0, contexts == 1, np.ones(4000)], axis=1).astype(float)
    weights = pretrain_by_imitation(features, actions, 3, l2=0.0, iterations=2000)
    fitted = action_probabilities(weights, np.array([[1.0, 0, 1], [0, 1.0, 1]]))
    np.testing.assert_allclose(fitted, truth, atol=0.03)
    with pytest.raises(ValueError):
        pretrain_by_imitation(features, actions, 2)


def test_expected_coverage():
    assert expected_coverage(np.array([1.0, 0.0, 0.0]), 50) == pytest.approx(1.0)
    assert expected_coverage(np.full(4, 0.25), 1) == pytest.approx(1.0)
    assert expected_coverage(np.full(4, 0.25), 3) == pytest.approx(4 * (1 - 0.75**3))
    rng = np.random.default_rng(4)
    p = np.array([0.5, 0.3, 0.15, 0.05])
    draws = rng.choice(4, size=(20000, 6), p=p)
    monte_carlo = np.mean([len(set(row)) for row in draws])
    assert expected_coverage(p, 6) == pytest.approx(monte_carlo, abs=0.03)
    assert expected_coverage(np.tile(p, (3, 1)), 6).shape == (3,)
    with pytest.raises(ValueError):
        expected_coverage(p, 0)


def test_curriculum_lengths():
    lengths = curriculum_lengths(4, 10)
    assert lengths[0] == 1 and lengths[-1] == 4 and len(lengths) == 10
    assert np.all(np.diff(lengths) >= 0)
    np.testing.assert_array_equal(curriculum_lengths(3, 6), [1, 1, 2, 2, 3, 3])
    with pytest.raises(ValueError):
        curriculum_lengths(5, 3)


def test_training_loops_run_and_are_seeded():
    world = make_strategy_world(0)
    base = rlvr.base_strategy_policy(world, 0)
    assert base.shape == (world.n_types + 1, world.n_strategies)
    trained, rewards = train_rl_on_strategies(world, base, 20, 5)
    again, _ = train_rl_on_strategies(world, base, 20, 5)
    np.testing.assert_array_equal(trained, again)
    assert rewards.shape == (20,) and np.all((rewards >= 0) & (rewards <= 1))
    sft = train_sft_on_strategies(world, base, 10, 5)
    assert sft.shape == base.shape and not np.allclose(sft, base)
    problems = sample_problems(world, 40, "in_domain", 1)
    p = strategy_success_probabilities(base, world, problems)
    assert p.shape == (40,) and np.all(p[~problems.solvable] == 0)
    counts = count_correct(base, world, problems, 64, 2)
    assert counts.shape == (40,) and counts.max() <= 64 and np.all(counts[~problems.solvable] == 0)

    chains = make_chain_world(0)
    chain_base = rlvr.base_chain_policy(chains, 0)
    chain_trained, chain_rewards = train_rl_on_chains(chains, chain_base, [1, 1, 2], 3)
    assert chain_rewards.shape == (3,)
    assert chain_success_probability(chain_trained, chains, 1) > 0
    with pytest.raises(ValueError):
        train_rl_on_chains(chains, chain_base, [0, 1], 3)


def test_experiments_return_numbers():
    result = strategy_experiment(0, rl_steps=5, n_samples=64, n_test_problems=30, ks=[1, 64])
    for key in ("base_pass@1", "rl_pass@64", "rl_coverage", "sft_ood_pass@1", "solvable"):
        assert isinstance(result[key], float)
    chain = chain_experiment(0, max_length=3, steps=6)
    assert 0 <= chain["rl_pass@1"] <= 1
    table = rl_checkpoints(0, checkpoints=(0, 5), n_test_problems=20)
    assert list(table["rl_steps"]) == [0, 5]
    with pytest.raises(ValueError):
        rl_checkpoints(0, checkpoints=(5, 0))


def test_demo_draws_one_figure(monkeypatch):
    shown = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(True))
    rlvr.plot_rl_steps_demo(rl_steps=10, seed=1, n_samples=32)
    assert shown == [True]
    ax = plt.gcf().axes[0]
    assert "pass@k" in ax.get_ylabel() and ax.get_xlabel()
    with pytest.raises(ValueError):
        rlvr.plot_rl_steps_demo(rl_steps=-1)


def test_grpo_step_multi_step_matches_flattened_policy_gradient():
    rng = np.random.default_rng(5)
    weights = rng.normal(size=(4, 3))
    features = rng.normal(size=(5, 2, 4))  # 5 puzzles of 2 steps
    actions = rng.integers(3, size=(5, 6, 2))  # 6 tries each
    rewards = (rng.random((5, 6)) < 0.4).astype(float)
    manual = policy_gradient_step(
        weights,
        np.repeat(features, 6, axis=0),
        actions.reshape(30, 2),
        group_advantages(rewards).ravel(),
        0.2,
    )
    np.testing.assert_allclose(grpo_step(weights, features, actions, rewards, 0.2), manual)
