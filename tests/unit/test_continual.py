"""Unit tests of the continual-learning kit: metrics, replay, EWC, memory, costs and figures."""

import numpy as np
import pandas as pd
import pytest

from worldlab.continual import (
    GRADIENT_MACS_PER_PARAM,
    METHODS,
    NearestNeighbourMemory,
    TrainingConfig,
    acc_bwt,
    compare_methods,
    continual_demo,
    continual_experiment,
    ewc_penalty_grad,
    fisher_diagonal,
    fit_ewc,
    fit_memory,
    fit_naive,
    fit_replay,
    fit_retrain,
    forgetting_vs_agreement,
    learning_accuracy,
    plot_accuracy_matrix,
    plot_cost_benefit,
    plot_cost_growth,
    plot_forgetting_vs_agreement,
    plot_lambda_sweep,
    plot_skill_vs_memory,
    plot_task_stream,
    reservoir_add,
    skill_vs_memory,
)
from worldlab.mlp import MLP
from worldlab.stats import run_over_seeds
from worldlab.worlds.task_stream import make_task_stream

FAST = TrainingConfig(n_hidden=16, epochs=2, lr=0.05, batch_size=20)


@pytest.fixture(scope="module")
def stream():
    return make_task_stream(0, n_tasks=3, n_train=40, n_test=60)


# ---------------------------------------------------------------------------------- metrics
def test_acc_bwt_on_a_hand_made_matrix():
    R = np.array([[0.9, 0.1, 0.2], [0.5, 0.8, 0.3], [0.6, 0.4, 1.0]])
    acc, bwt = acc_bwt(R)
    assert acc == pytest.approx((0.6 + 0.4 + 1.0) / 3)
    assert bwt == pytest.approx(((0.6 - 0.9) + (0.4 - 0.8)) / 2)
    assert learning_accuracy(R) == pytest.approx(0.9)


def test_acc_bwt_edge_cases_and_validation():
    assert acc_bwt(np.array([[0.7]])) == (pytest.approx(0.7), 0.0)
    assert acc_bwt(np.ones((4, 4)))[1] == 0.0
    with pytest.raises(ValueError, match="square"):
        acc_bwt(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        acc_bwt(np.full((2, 2), 1.5))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        acc_bwt(np.array([[np.nan, 1.0], [1.0, 1.0]]))
    with pytest.raises(TypeError):
        acc_bwt(np.array([["a"]]))


# ----------------------------------------------------------------------------------- replay
def test_reservoir_keeps_first_items_then_stays_at_capacity():
    rng = np.random.default_rng(0)
    buffer, n_seen = [], 0
    for item in range(5):
        n_seen = reservoir_add(buffer, n_seen, item, 5, rng)
    assert buffer == [0, 1, 2, 3, 4] and n_seen == 5
    for item in range(5, 100):
        n_seen = reservoir_add(buffer, n_seen, item, 5, rng)
        assert len(buffer) == 5
    assert n_seen == 100 and len(set(buffer)) == 5


def test_reservoir_is_uniform_over_the_stream():
    rng = np.random.default_rng(1)
    kept = np.zeros(40)
    runs = 3000
    for _ in range(runs):
        buffer, n_seen = [], 0
        for item in range(40):
            n_seen = reservoir_add(buffer, n_seen, item, 8, rng)
        kept[buffer] += 1
    inclusion = kept / runs  # each item should be kept with probability 8 / 40
    assert np.abs(inclusion - 0.2).max() < 0.04
    assert abs(inclusion[:20].mean() - inclusion[20:].mean()) < 0.02  # no recency bias


def test_fit_replay_uses_a_custom_reservoir_and_checks_capacity(stream):
    calls = []

    def counting(buffer, n_seen, item, capacity, rng):
        calls.append(item)
        return reservoir_add(buffer, n_seen, item, capacity, rng)

    result = fit_replay(stream, 0, buffer_size=10, config=FAST, reservoir=counting)
    assert len(calls) == 3 * 40
    P = MLP(stream.n_features, 16, 2, seed=0).n_params
    np.testing.assert_allclose(result.memory_floats, P + 10 * (stream.n_features + 1))

    def greedy(buffer, n_seen, item, capacity, rng):
        buffer.append(item)
        return n_seen + 1

    with pytest.raises(ValueError, match="capacity"):
        fit_replay(stream, 0, buffer_size=10, config=FAST, reservoir=greedy)
    with pytest.raises(ValueError, match="buffer_size"):
        fit_replay(stream, 0, buffer_size=-1, config=FAST)


# -------------------------------------------------------------------------------------- EWC
def test_ewc_penalty_grad_is_zero_at_anchor_and_matches_finite_differences():
    rng = np.random.default_rng(0)
    params = {"W1": rng.normal(size=(3, 2)), "b1": rng.normal(size=2)}
    anchor = {k: v + rng.normal(size=v.shape) for k, v in params.items()}
    fisher = {k: rng.uniform(0, 2, size=v.shape) for k, v in params.items()}
    lam = 3.0

    def penalty(p):
        return lam / 2 * sum(np.sum(fisher[k] * (p[k] - anchor[k]) ** 2) for k in p)

    grads = ewc_penalty_grad(params, anchor, fisher, lam)
    for key in params:
        numerical = np.zeros_like(params[key])
        for index in np.ndindex(params[key].shape):
            up = {k: v.copy() for k, v in params.items()}
            down = {k: v.copy() for k, v in params.items()}
            up[key][index] += 1e-6
            down[key][index] -= 1e-6
            numerical[index] = (penalty(up) - penalty(down)) / 2e-6
        np.testing.assert_allclose(grads[key], numerical, rtol=1e-5, atol=1e-8)
    at_anchor = ewc_penalty_grad(anchor, anchor, fisher, lam)
    assert all(np.all(g == 0) for g in at_anchor.values())
    with pytest.raises(ValueError, match="lam"):
        ewc_penalty_grad(params, anchor, fisher, -1.0)
    with pytest.raises(KeyError, match="b1"):
        ewc_penalty_grad(params, {"W1": anchor["W1"]}, fisher, 1.0)


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_fisher_diagonal_matches_a_per_example_loop(activation):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(7, 4))
    model = MLP(4, (5, 3), 3, seed=2, activation=activation)
    proba = model.predict_proba(X)
    expected = {k: np.zeros_like(v) for k, v in model.params.items()}
    for i in range(len(X)):
        for c in range(3):
            _, grads = model.loss_and_grads(X[i : i + 1], np.array([c]))
            for k in expected:
                expected[k] += proba[i, c] * grads[k] ** 2 / len(X)
    got = fisher_diagonal(model, X)
    for k in expected:
        np.testing.assert_allclose(got[k], expected[k], rtol=1e-10, atol=1e-14)


def test_ewc_with_lambda_zero_is_naive_fine_tuning(stream):
    naive = fit_naive(stream, 4, FAST)
    ewc = fit_ewc(stream, 4, lam=0.0, config=FAST)
    np.testing.assert_array_equal(naive.R, ewc.R)
    with pytest.raises(ValueError, match="lam"):
        fit_ewc(stream, 0, lam=-1.0, config=FAST)


def test_ewc_uses_the_given_penalty_gradient(stream):
    calls = []

    def spy(params, anchor, fisher, lam):
        calls.append(lam)
        return ewc_penalty_grad(params, anchor, fisher, lam)

    fit_ewc(stream, 0, lam=5.0, config=FAST, penalty_grad=spy)
    steps_per_task = FAST.epochs * int(np.ceil(40 / FAST.batch_size))
    assert calls == [5.0] * (2 * steps_per_task)  # tasks 2 and 3 only


# --------------------------------------------------------------------------- costs and shapes
def test_every_method_returns_matrices_and_costs(stream):
    for fit in (fit_naive, fit_retrain):
        result = fit(stream, 0, FAST)
        assert result.R.shape == (3, 3)
        assert result.train_macs.shape == result.memory_floats.shape == (3,)
        assert set(result.summary()) == {"acc", "bwt", "learning_acc", "train_macs",
                                         "memory_floats", "inference_macs"}  # fmt: skip


def test_cost_accounting(stream):
    P = MLP(stream.n_features, 16, 2, seed=0).n_params
    d = stream.n_features
    naive_stage = FAST.epochs * 40 * GRADIENT_MACS_PER_PARAM * P
    naive = fit_naive(stream, 0, FAST)
    np.testing.assert_allclose(naive.train_macs, naive_stage)
    np.testing.assert_allclose(naive.memory_floats, P)
    retrain = fit_retrain(stream, 0, FAST)
    np.testing.assert_allclose(retrain.train_macs, naive_stage * np.array([1, 2, 3]))
    np.testing.assert_allclose(retrain.memory_floats, 2 * P + 40 * np.array([1, 2, 3]) * (d + 1))
    replay = fit_replay(stream, 0, buffer_size=30, config=FAST)
    # stage 1 replays nothing; later stages replay one extra minibatch per step
    np.testing.assert_allclose(replay.train_macs, naive_stage * np.array([1, 2, 2]))
    ewc = fit_ewc(stream, 0, lam=10.0, config=FAST)
    steps = FAST.epochs * 2  # 40 examples in minibatches of 20
    fisher = 40 * (1 + 2 * 2) * P  # per example: a forward pass and one backward pass per class
    penalty = steps * 2 * P
    np.testing.assert_allclose(
        ewc.train_macs, naive_stage + np.array([fisher, fisher + penalty, penalty])
    )
    np.testing.assert_allclose(ewc.memory_floats, 3 * P)
    memory = fit_memory(stream, k=3)
    np.testing.assert_allclose(memory.train_macs, 0.0)
    np.testing.assert_allclose(memory.inference_macs, 40 * np.array([1, 2, 3]) * d)
    np.testing.assert_allclose(naive.inference_macs, P)


def test_memory_forgets_nothing_and_matches_its_predict(stream):
    result = fit_memory(stream, k=3)
    for i in range(3):
        np.testing.assert_array_equal(result.R[i:, i], result.R[i, i])
    assert result.bwt == 0.0
    memory = NearestNeighbourMemory(k=3)
    for task in stream.tasks:
        memory.store(task.X_train, task.y_train)
    row = [np.mean(memory.predict(task.X_test) == task.y_test) for task in stream.tasks]
    np.testing.assert_allclose(result.R[-1], row)


def test_nearest_neighbour_memory():
    memory = NearestNeighbourMemory(k=1)
    with pytest.raises(ValueError, match="empty"):
        memory.predict(np.zeros((1, 2)))
    X = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    memory.store(X, np.array([0, 1, 1]))
    assert memory.n_stored == 3
    np.testing.assert_array_equal(memory.predict(X + 0.1), [0, 1, 1])
    big = NearestNeighbourMemory(k=3)
    big.store(X, np.array([0, 1, 1]))
    np.testing.assert_array_equal(big.predict(np.zeros((1, 2))), [1])  # the vote of all three
    with pytest.raises(ValueError, match="shape"):
        memory.predict(np.zeros((1, 3)))
    with pytest.raises(ValueError, match="columns"):
        memory.store(np.zeros((1, 3)), np.array([0]))
    with pytest.raises(ValueError, match="k"):
        NearestNeighbourMemory(k=0)


def test_seeds_reproduce(stream):
    a, b = fit_replay(stream, 3, 20, FAST), fit_replay(stream, 3, 20, FAST)
    np.testing.assert_array_equal(a.R, b.R)


def test_training_config_validates():
    with pytest.raises(ValueError, match="epochs"):
        TrainingConfig(epochs=0)
    with pytest.raises(ValueError, match="lr"):
        TrainingConfig(lr=0.0)


def test_runners_and_tables():
    row = continual_experiment(0, "naive", n_tasks=2)
    assert -1 <= row["bwt"] <= 1 and 0 <= row["acc"] <= 1
    with pytest.raises(ValueError, match="method"):
        continual_experiment(0, "magic", n_tasks=2)
    with pytest.raises(ValueError, match="unknown"):
        compare_methods([0], methods=["magic"])
    table = compare_methods([0, 1], n_tasks=2, ewc_lambdas=(1.0, 10.0))
    assert len(table) == 2 * (len(METHODS) + 1)
    assert set(table["label"]) >= {"EWC λ=1", "EWC λ=10", "naive fine-tuning"}
    assert table.loc[table["method"] != "ewc", "lam"].isna().all()


def test_skill_vs_memory_returns_two_accuracies():
    result = skill_vs_memory(0, n_distractors=2, n_train=40, config=FAST)
    assert set(result) == {"network", "memory"}
    assert all(0 <= v <= 1 for v in result.values())


# ---------------------------------------------------------------------------------- figures
def test_figures_draw_without_error(stream):
    plot_task_stream(stream)
    ax = plot_accuracy_matrix(np.eye(3) * 0.5 + 0.5, title="x")
    assert "BWT" in ax.get_title()
    with pytest.raises(ValueError):
        plot_accuracy_matrix(np.ones((2, 3)))
    table = compare_methods([0, 1], n_tasks=2, ewc_lambdas=(1.0, 10.0))
    fig = plot_cost_benefit(table)
    assert len(fig.axes) == 4
    assert all(ax.get_xlabel() for ax in fig.axes)
    ax = plot_lambda_sweep(table)
    assert "0" in [t.get_text() for t in ax.get_xticklabels()]  # naive stands in for lambda 0
    with pytest.raises(ValueError, match="two lambdas"):
        plot_lambda_sweep(table[table["lam"] != 10.0].assign(method="replay"))
    results = [fit_naive(stream, 0, FAST), fit_memory(stream)]
    assert len(plot_cost_growth(results).axes) == 3
    with pytest.raises(TypeError):
        plot_cost_growth([])
    sweep = run_over_seeds(
        lambda seed, n_distractors: skill_vs_memory(seed, n_distractors, 30, config=FAST),
        range(2), n_distractors=[0, 2],
    )  # fmt: skip
    plot_skill_vs_memory(sweep)
    with pytest.raises(ValueError):
        plot_skill_vs_memory(pd.DataFrame({"x": [1]}))


def test_forgetting_vs_agreement_table_and_plot():
    table = forgetting_vs_agreement([0], n_tasks=3, config=FAST)
    assert list(table["task"]) == [1, 2]
    assert set(table.columns) == {"seed", "task", "agreement", "learnt", "final"}
    assert table["agreement"].between(0, 1).all()
    plot_forgetting_vs_agreement(table)
    with pytest.raises(ValueError):
        plot_forgetting_vs_agreement(table.drop(columns="final"))


def test_demo_callback_draws_five_matrices():
    fig = continual_demo(n_tasks=2, buffer_size=10, ewc_lambda=10.0)
    assert len(fig.axes) == len(METHODS) + 1  # five matrices and their colour bar
    assert "EWC" in fig.axes[2].get_title()
    with pytest.raises(ValueError, match="n_tasks"):
        continual_demo(n_tasks=1)
