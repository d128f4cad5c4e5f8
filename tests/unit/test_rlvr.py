"""Unit tests for worldlab.rlvr.training."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from worldlab.course.references import load_reference
from worldlab.rlvr import experiments as rlvr_experiments
from worldlab.rlvr import training as rlvr
from worldlab.rlvr.experiments import (
    chain_experiment,
    paired_ci,
    reach_experiment,
    rl_checkpoints,
    strategy_experiment,
    transfer_experiment,
)
from worldlab.rlvr.pass_at_k import expected_distinct
from worldlab.rlvr.training import (
    action_probabilities,
    chain_success_probability,
    check_schedule,
    count_correct,
    imitation_step,
    pretrain_by_imitation,
    sample_actions,
    softmax,
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

LESSON = "07-rl-on-pretraining"
grpo_update = load_reference(LESSON, "grpo_update")
pass_at_k = load_reference(LESSON, "pass_at_k")
design_curriculum = load_reference(LESSON, "design_curriculum")


def log_likelihood(weights, features, actions, advantages):
    """The surrogate whose gradient REINFORCE follows: mean_i A_i * log pi(answer_i)."""
    logp = np.log(softmax(features @ weights))
    chosen = np.take_along_axis(logp, actions[..., None], axis=-1)[..., 0]
    if chosen.ndim == 2:
        chosen = chosen.sum(axis=1)
    return np.mean(advantages * chosen)


def test_success_raises_the_chosen_action():
    weights = np.zeros((1, 3))
    features = np.ones((1, 1))
    actions = np.array([[0, 1]])
    rewards = np.array([[1.0, 0.0]])
    probabilities = action_probabilities(
        grpo_update(weights, features, actions, rewards, 1.0), features
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
        imitation_step(weights, np.zeros((4, 3)), np.zeros(3, dtype=int), 0.1)
    with pytest.raises(TypeError):
        train_rl_on_strategies(make_strategy_world(0), np.zeros((9, 24)), 1, 0, update=None)
    with pytest.raises(ValueError):
        imitation_step(weights, np.zeros((4, 3)), np.full(4, 2), 0.1)


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


def test_training_loops_run_and_are_seeded():
    world = make_strategy_world(0)
    base = rlvr.base_strategy_policy(world, 0)
    assert base.shape == (world.n_types + 1, world.n_strategies)
    trained, rewards = train_rl_on_strategies(world, base, 20, 5, grpo_update)
    again, _ = train_rl_on_strategies(world, base, 20, 5, grpo_update)
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
    chain_trained, chain_rewards = train_rl_on_chains(chains, chain_base, [1, 1, 2], 3, grpo_update)
    assert chain_rewards.shape == (3,)
    assert chain_success_probability(chain_trained, chains, 1) > 0
    with pytest.raises(ValueError):
        train_rl_on_chains(chains, chain_base, [0, 1], 3, grpo_update)


def test_experiments_return_numbers():
    result = strategy_experiment(
        0, grpo_update, pass_at_k, rl_steps=5, n_samples=64, n_test_problems=30, ks=[1, 64]
    )
    for key in ("base_pass@1", "rl_pass@64", "sft_ood_pass@1", "solvable"):
        assert isinstance(result[key], float)
    chain = chain_experiment(0, grpo_update, design_curriculum(3, 6), max_length=3)
    assert 0 <= chain["rl_pass@1"] <= 1
    table = rl_checkpoints(
        0, grpo_update, expected_distinct, checkpoints=(0, 5), n_test_problems=20
    )
    assert list(table["rl_steps"]) == [0, 5]
    assert table["coverage"].between(1, 24).all()
    with pytest.raises(ValueError):
        rl_checkpoints(0, grpo_update, expected_distinct, checkpoints=(5, 0))
    reach = reach_experiment(0, grpo_update, correct_fraction=0.1, temperature=0.25, rl_steps=5)
    assert reach["base_pass@256"] <= reach["solvable"] + 1e-12
    transfer = transfer_experiment(0, grpo_update, general_chance=0.7, steps=5, n_test_problems=20)
    assert set(transfer) == {
        f"{p}_{f}_pass@1" for p in ("base", "rl", "sft") for f in ("id", "ood")
    }
    with pytest.raises(ValueError):
        check_schedule(np.array([0, 1]), 2, 3)
    with pytest.raises(ValueError):
        chain_experiment(0, grpo_update, np.full(4, 11), max_length=10)


def test_chain_training_is_the_multi_step_group_update():
    """One chain step with the one-step update equals the multi-step policy gradient."""
    rng = np.random.default_rng(5)
    weights = rng.normal(size=(4, 3))
    features = rng.normal(size=(5, 2, 4))  # 5 puzzles of 2 steps
    actions = rng.integers(3, size=(5, 6, 2))  # 6 tries each
    rewards = (rng.random((5, 6)) < 0.4).astype(float)
    advantages = rewards - rewards.mean(axis=1, keepdims=True)
    pi = softmax(features @ weights)  # (5, 2, 3)
    onehot = np.eye(3)[actions]  # (5, 6, 2, 3)
    grad = np.einsum("bg,blf,bgla->fa", advantages, features, onehot - pi[:, None]) / 30
    flat = grpo_update(
        weights,
        features.reshape(10, 4),
        actions.transpose(0, 2, 1).reshape(10, 6),
        np.repeat(rewards, 2, axis=0),
        0.2 * 2,
    )
    np.testing.assert_allclose(flat, weights + 0.2 * grad)


def test_demo_draws_one_figure(monkeypatch):
    shown = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(True))
    rlvr_experiments.plot_rl_steps_demo(grpo_update, rl_steps=10, seed=1, n_samples=32)
    assert shown == [True]
    ax = plt.gcf().axes[0]
    assert "pass@k" in ax.get_ylabel() and ax.get_xlabel()
    with pytest.raises(ValueError):
        rlvr_experiments.plot_rl_steps_demo(grpo_update, rl_steps=-1)


def test_demo_controls_reach_both_ends(monkeypatch):
    """The lesson's demo: exactly two controls, each drawable at its lowest and highest value."""
    from functools import partial

    from worldlab.widgets import build_demo

    shown = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(True))
    controls = rlvr_experiments.rl_steps_demo_controls()
    callback = partial(rlvr_experiments.plot_rl_steps_demo, grpo_update)
    demo = build_demo(callback, **controls)
    sliders = [w for w in demo.children if hasattr(w, "min")]
    assert sorted(w.description for w in sliders) == ["RL steps", "seed"]
    defaults = {name: control.value for name, control in controls.items()}
    for name, control in controls.items():
        for value in (control.min, control.max):
            before = len(shown)
            callback(**{**defaults, name: value})
            assert len(shown) == before + 1, f"{name}={value} drew no figure"
            plt.close("all")


def test_expected_distinct_matches_enumeration_and_rows():
    from itertools import product

    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(3))
    exact = sum(np.prod(p[list(seq)]) * len(set(seq)) for seq in product(range(3), repeat=4))
    assert np.isclose(expected_distinct(p, 4), exact)
    rows = rng.dirichlet(np.ones(5), size=4)
    counts = expected_distinct(rows, 7)
    assert counts.shape == (4,)
    assert np.allclose(counts, [expected_distinct(row, 7) for row in rows])
    assert expected_distinct(np.array([1.0, 0.0]), 50) == 1.0


@pytest.mark.parametrize(
    ("probabilities", "k", "message"),
    [
        (np.array([0.5, 0.6]), 2, "sum to 1"),
        (np.array([[[1.0]]]), 2, "shape"),
        (np.array([0.5, 0.5]), 0, "positive integer"),
    ],
)
def test_expected_distinct_names_bad_input(probabilities, k, message):
    with pytest.raises(ValueError, match=message):
        expected_distinct(probabilities, k)


def test_paired_ci_is_the_paired_t_interval():
    mean, low, high = paired_ci([1.0, 2.0, 3.0], [0.0, 0.0, 0.0])
    assert mean == 2.0 and np.isclose(high - mean, 4.302653 * 1.0 / np.sqrt(3))
    assert np.isclose(mean - low, high - mean)
    with pytest.raises(ValueError, match="at least 2"):
        paired_ci([1.0], [0.0])


def test_verdict_tables_pair_each_row_over_seeds():
    import pandas as pd

    from worldlab.debate import judge
    from worldlab.rlvr.verdict import RULES, verdict_tables

    seeds = np.arange(4)
    results = pd.DataFrame(
        {
            "seed": seeds,
            "rl_pass@1": [0.6, 0.62, 0.58, 0.61],
            "base_pass@1": [0.2, 0.21, 0.19, 0.2],
            "rl_pass@256": [0.7, 0.72, 0.69, 0.7],
            "base_pass@256": [0.9, 0.88, 0.89, 0.9],
            "rl_ood_pass@1": [0.1, 0.12, 0.11, 0.1],
            "base_ood_pass@1": [0.1, 0.1, 0.12, 0.11],
        }
    )
    sweep = pd.DataFrame(
        [
            {"correct fraction": 0.1, "temperature": 0.25, "estimate": 0.05}
            | {"low": 0.01, "high": 0.1, "n": 24}
        ]
    )
    progress = pd.DataFrame(
        {"seed": np.repeat(seeds, 2), "rl_steps": [0, 400] * 4, "coverage": [23, 7] * 4}
    )
    chains = pd.DataFrame(
        {
            "seed": np.repeat(seeds, 2),
            "schedule": ["your curriculum", "length 10 only"] * 4,
            "rl_pass@1": [0.95, 0.0] * 4,
        }
    )
    tables = verdict_tables(results, sweep, results, progress, chains)
    assert set(tables) == {key for key, rule in RULES.items() if not rule.untestable}
    assert tables["C11"]["knob"].tolist() == ["default (0.5, 1)", "(0.1, 0.25)"]
    assert np.isclose(tables["C10 pass@1"]["estimate"].item(), 0.4025)
    assert tables["C14"]["estimate"].item() == -16 and tables["C10 curriculum"]["n"].item() == 4
    rows = [judge(rule, tables.get(key)) for key, rule in RULES.items()]
    assert rows[0].status == "supported"
