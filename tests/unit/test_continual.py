"""Unit tests of the continual-learning kit: metrics, replay, EWC, memory, costs and figures.

The lesson's answers (acc_bwt, reservoir_add) live only in lesson 08's source: they are loaded
from there and passed to the kit's runners, with the EWC penalty gradient the lesson derives.
"""

import numpy as np
import pandas as pd
import pytest

from worldlab.continual import (
    GRADIENT_MACS_PER_PARAM,
    METHODS,
    NearestNeighbourMemory,
    TrainingConfig,
    check_accuracy_matrix,
    compare_methods,
    continual_demo,
    continual_demo_controls,
    continual_experiment,
    fisher_diagonal,
    fit_ewc,
    fit_memory,
    fit_naive,
    fit_replay,
    fit_retrain,
    forgetting_vs_agreement,
    learning_accuracy,
    offer_items,
    plot_accuracy_matrix,
    plot_buffer_sweep,
    plot_cost_benefit,
    plot_cost_growth,
    plot_forgetting_vs_agreement,
    plot_lambda_sweep,
    plot_skill_vs_memory,
    plot_task_stream,
    pretrain_base,
    reservoir_inclusion,
    skill_vs_memory,
)
from worldlab.course.references import load_reference
from worldlab.mlp import MLP
from worldlab.stats import run_over_seeds
from worldlab.worlds.task_stream import make_task_stream

LESSON = "08-continual-learning"
acc_bwt = load_reference(LESSON, "acc_bwt")
reservoir_add = load_reference(LESSON, "reservoir_add")


def ewc_penalty_grad(params, anchor, fisher, lam):
    """The gradient lesson 08 derives in a plain cell (not an exercise)."""
    return {key: lam * fisher[key] * (params[key] - anchor[key]) for key in params}


FAST = TrainingConfig(n_hidden=16, epochs=2, lr=0.05, batch_size=20)


@pytest.fixture(scope="module")
def stream():
    return make_task_stream(0, n_tasks=3, n_train=40, n_test=60)


# ---------------------------------------------------------------------------------- metrics
def test_accuracy_matrix_validation_and_learning_accuracy():
    R = np.array([[0.9, 0.1, 0.2], [0.5, 0.8, 0.3], [0.6, 0.4, 1.0]])
    assert learning_accuracy(R) == pytest.approx(0.9)
    with pytest.raises(ValueError, match="square"):
        check_accuracy_matrix(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        check_accuracy_matrix(np.full((2, 2), 1.5))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        check_accuracy_matrix(np.array([[np.nan, 1.0], [1.0, 1.0]]))
    with pytest.raises(TypeError):
        check_accuracy_matrix(np.array([["a"]]))


def test_summary_uses_the_measure_it_is_given(stream):
    result = fit_naive(stream, 0, FAST)
    assert result.summary(acc_bwt)["acc"] == pytest.approx(acc_bwt(result.R)[0])
    assert result.summary(lambda R: (0.5, -0.25))["bwt"] == -0.25
    with pytest.raises(ValueError, match="tuple"):
        result.summary(lambda R: 0.5)
    with pytest.raises(TypeError, match="measure"):
        result.summary(None)


def test_pretrained_base_is_shared_and_not_mutated(stream):
    first, macs = pretrain_base(stream, 0, FAST)
    first.params["W1"][:] = 0.0
    second, again = pretrain_base(stream, 0, FAST)
    assert macs == again > 0
    assert not np.all(second.params["W1"] == 0.0)
    with pytest.raises(ValueError):
        pretrain_base(stream, 0, FAST, n_examples=0)


# ----------------------------------------------------------------------------------- replay
def test_reservoir_runners_call_the_given_policy():
    buffer, n_seen = offer_items(reservoir_add, [], 0, list(range(5)), 5, 0)
    assert buffer == [0, 1, 2, 3, 4] and n_seen == 5
    counts = reservoir_inclusion(reservoir_add, 40, 8, 2000, 1)
    assert counts.sum() == 2000 * 8
    assert np.abs(counts / 2000 - 0.2).max() < 0.05

    def greedy(buffer, n_seen, item, capacity, rng):
        buffer.append(item)
        return n_seen + 1

    with pytest.raises(ValueError, match="offered"):
        reservoir_inclusion(greedy, 10, 2, 3, 0)
    with pytest.raises(TypeError):
        offer_items(None, [], 0, [1], 1, 0)


def test_fit_replay_uses_a_custom_reservoir_and_checks_capacity(stream):
    calls = []

    def counting(buffer, n_seen, item, capacity, rng):
        calls.append(item)
        return reservoir_add(buffer, n_seen, item, capacity, rng)

    result = fit_replay(stream, 0, 10, counting, FAST)
    assert len(calls) == 3 * 40
    P = MLP(stream.n_features, 16, 2, seed=0).n_params
    np.testing.assert_allclose(result.memory_floats, P + 10 * (stream.n_features + 1))

    def greedy(buffer, n_seen, item, capacity, rng):
        buffer.append(item)
        return n_seen + 1

    with pytest.raises(ValueError, match="capacity"):
        fit_replay(stream, 0, 10, greedy, FAST)
    with pytest.raises(ValueError, match="buffer_size"):
        fit_replay(stream, 0, -1, reservoir_add, FAST)
    with pytest.raises(TypeError, match="reservoir"):
        fit_replay(stream, 0, 10, None, FAST)


# -------------------------------------------------------------------------------------- EWC
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
    ewc = fit_ewc(stream, 4, lam=0.0, config=FAST, penalty_grad=ewc_penalty_grad)
    np.testing.assert_array_equal(naive.R, ewc.R)
    with pytest.raises(ValueError, match="lam"):
        fit_ewc(stream, 0, lam=-1.0, config=FAST, penalty_grad=ewc_penalty_grad)


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
        assert set(result.summary(acc_bwt)) == {"acc", "bwt", "learning_acc", "train_macs",
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
    replay = fit_replay(stream, 0, 30, reservoir_add, FAST)
    # stage 1 replays nothing; later stages replay one extra minibatch per step
    np.testing.assert_allclose(replay.train_macs, naive_stage * np.array([1, 2, 2]))
    ewc = fit_ewc(stream, 0, lam=10.0, config=FAST, penalty_grad=ewc_penalty_grad)
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
    assert acc_bwt(result.R)[1] == 0.0
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
    a = fit_replay(stream, 3, 20, reservoir_add, FAST)
    b = fit_replay(stream, 3, 20, reservoir_add, FAST)
    np.testing.assert_array_equal(a.R, b.R)


def test_training_config_validates():
    with pytest.raises(ValueError, match="epochs"):
        TrainingConfig(epochs=0)
    with pytest.raises(ValueError, match="lr"):
        TrainingConfig(lr=0.0)


STEPS = {"reservoir": reservoir_add, "penalty_grad": ewc_penalty_grad}


def test_runners_and_tables():
    row = continual_experiment(0, "naive", acc_bwt, n_tasks=2)
    assert -1 <= row["bwt"] <= 1 and 0 <= row["acc"] <= 1
    with pytest.raises(ValueError, match="method"):
        continual_experiment(0, "magic", acc_bwt, n_tasks=2)
    with pytest.raises(ValueError, match="reservoir"):
        continual_experiment(0, "replay", acc_bwt, n_tasks=2)
    with pytest.raises(ValueError, match="unknown"):
        compare_methods([0], acc_bwt, methods=["magic"])
    table = compare_methods(
        [0, 1], acc_bwt, n_tasks=2, ewc_lambdas=(1.0, 10.0), buffer_sizes=(0, 10), **STEPS
    )
    assert len(table) == 2 * (len(METHODS) + 2)
    assert set(table["label"]) >= {"EWC λ=1", "EWC λ=10", "naive fine-tuning", "replay, buffer 0"}
    assert table.loc[table["method"] != "ewc", "lam"].isna().all()
    assert table.loc[table["method"] != "replay", "buffer"].isna().all()
    assert (table["pretrain_macs"] > 0).all()


def test_skill_vs_memory_returns_two_accuracies():
    result = skill_vs_memory(0, n_distractors=2, n_train=40, config=FAST)
    assert set(result) == {"network", "memory"}
    assert all(0 <= v <= 1 for v in result.values())


# ---------------------------------------------------------------------------------- figures
def test_figures_draw_without_error(stream):
    plot_task_stream(stream)
    ax = plot_accuracy_matrix(np.eye(3) * 0.5 + 0.5, title="x", measure=acc_bwt)
    assert "BWT" in ax.get_title()
    assert plot_accuracy_matrix(np.eye(3), title="plain").get_title() == "plain"
    with pytest.raises(ValueError):
        plot_accuracy_matrix(np.ones((2, 3)))
    table = compare_methods(
        [0, 1], acc_bwt, n_tasks=2, ewc_lambdas=(1.0, 10.0), buffer_sizes=(0, 10), **STEPS
    )
    fig = plot_cost_benefit(table)
    assert len(fig.axes) == 4
    assert all(ax.get_xlabel() for ax in fig.axes)
    for ax in fig.axes:  # no point on the left spine: the axis starts left of 0
        assert ax.get_xlim()[0] < 0
    ax = plot_lambda_sweep(table)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "10"]
    with pytest.raises(ValueError, match="two or more"):
        plot_lambda_sweep(table[table["lam"] != 10.0])
    ax = plot_buffer_sweep(table)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "10"]
    with pytest.raises(ValueError, match="buffer 0"):
        plot_buffer_sweep(table[table["buffer"] != 0])
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
    fig = continual_demo(acc_bwt, reservoir_add, ewc_penalty_grad, n_tasks=2, buffer_size=10,
                         ewc_lambda=10.0)  # fmt: skip
    assert len(fig.axes) == len(METHODS) + 1  # five matrices and their colour bar
    assert "EWC" in fig.axes[2].get_title()
    with pytest.raises(ValueError, match="n_tasks"):
        continual_demo(acc_bwt, reservoir_add, ewc_penalty_grad, n_tasks=1)


def test_demo_controls_reach_both_ends(monkeypatch):
    """The lesson's demo: three controls, each drawable at its lowest and highest value."""
    from functools import partial

    import matplotlib.pyplot as plt

    from worldlab.widgets import build_demo

    monkeypatch.setattr(plt, "show", lambda: None)
    controls = continual_demo_controls()
    callback = partial(continual_demo, acc_bwt, reservoir_add, ewc_penalty_grad)
    demo = build_demo(callback, **controls)
    assert sorted(w.description for w in demo.children if hasattr(w, "min")) == [
        "EWC λ", "buffer", "tasks"
    ]  # fmt: skip
    defaults = {name: control.value for name, control in controls.items()}
    for name, control in controls.items():
        ends = (control.min, control.max)
        if name == "ewc_lambda":  # a log slider's min and max are exponents
            ends = (control.base**control.min, control.base**control.max)
        for value in ends:
            fig = callback(
                **{**defaults, name: value, "n_tasks": 2 if name != "n_tasks" else value}
            )
            assert len(fig.axes) == len(METHODS) + 1
            plt.close("all")


def test_verdict_tables_pair_the_methods_seed_by_seed():
    from worldlab.continual.verdict import RULES, paired_ci, verdict_tables
    from worldlab.debate import judge

    seeds = range(4)
    rows = []
    for s in seeds:
        rows += [
            {"method": "naive", "label": "naive fine-tuning", "seed": s, "acc": 0.7 + 0.01 * s, "bwt": -0.3},
            {"method": "ewc", "label": "EWC λ=100", "seed": s, "acc": 0.8, "bwt": -0.01 * s},
            {"method": "retrain", "label": "re-fine-tune the base", "seed": s, "acc": 0.9 + 0.01 * s, "bwt": 0.0},
            {"method": "memory", "label": "memory", "seed": s, "acc": 0.85, "bwt": 0.0},
        ]  # fmt: skip
    # the order of the rows must not matter
    others = pd.DataFrame(rows).sample(frac=1.0, random_state=0)
    buffers = pd.DataFrame([{"buffer": 100, "seed": s, "bwt": -0.05} for s in seeds])
    skills = pd.DataFrame(
        [
            {"n_distractors": d, "seed": s, "network": 0.9, "memory": 0.9 - 0.01 * d - 0.001 * s}
            for d in (0, 4)
            for s in seeds
        ]
    )
    tables = verdict_tables(others, buffers, skills, [0, 4])
    assert set(tables) == set(RULES) - {"C21"}  # C21 is untestable: no table
    gain = tables["C25 acc"].iloc[0]
    assert gain["estimate"] == pytest.approx(0.2) and gain["n"] == 4  # paired by seed: exactly 0.2
    assert gain["low"] == pytest.approx(0.2) and gain["high"] == pytest.approx(0.2)
    assert list(tables["C24"]["knob"]) == ["naive fine-tuning", "replay, buffer 100", "EWC λ=100"]
    assert tables["C23"]["estimate"].tolist() == pytest.approx([0.0015, 0.0415])
    assert [judge(rule, tables.get(key)).claim for key, rule in RULES.items()] == [
        rule.claim for rule in RULES.values()
    ]
    mean, low, high = paired_ci([1.0, 2.0, 3.0, 4.0], np.zeros(4))
    assert mean == 2.5 and high - mean == pytest.approx(mean - low)
    assert high - mean == pytest.approx(3.182446 * np.std([1, 2, 3, 4], ddof=1) / 2)
