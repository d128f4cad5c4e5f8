"""Unit tests for k-grams, the oracle, the behavioural tests and linear probes."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from worldlab.course.references import load_reference
from worldlab.mlp import MLP
from worldlab.world_models import evaluation as wm
from worldlab.world_models import figures as wmf
from worldlab.worlds import grid_walks as gw

LESSON = "02-two-meanings-of-world-model"
oracle_probabilities = load_reference(LESSON, "oracle_probabilities")
compression_distinction = load_reference(LESSON, "compression_distinction")
fit_linear_probe = wm.fit_linear_probe
control_task = load_reference(LESSON, "control_task")


def test_kgram_contexts_encode_last_moves_with_start_symbol():
    moves = np.array([[0, 1, 2]])
    assert wm.kgram_contexts(moves, 0).tolist() == [[0, 0, 0]]
    assert wm.kgram_contexts(moves, 1).tolist() == [[4, 0, 1]]
    assert wm.kgram_contexts(moves, 2).tolist() == [[4 * 5 + 4, 4 * 5 + 0, 0 * 5 + 1]]
    with pytest.raises(ValueError, match="k must"):
        wm.kgram_contexts(moves, -1)


def test_fit_kgram_counts_and_probabilities():
    moves = np.array([[0, 1, 0, 1], [0, 1, 0, 0]])
    tables = wm.fit_kgram(moves, 1)
    assert [t.shape for t in tables] == [(1, 4), (5, 4)]
    assert tables[0][0].tolist() == [5, 3, 0, 0]
    assert tables[1][0].tolist() == [1, 3, 0, 0]  # after N: S three times, N once
    probs = wm.kgram_probabilities(tables, np.array([[0, 1]]))
    assert np.allclose(probs[0, 1], [0.25, 0.75, 0, 0])
    assert np.allclose(probs[0, 0], [1, 0, 0, 0]), "after the start, always N"


def test_kgram_backs_off_for_unseen_contexts():
    tables = wm.fit_kgram(np.array([[0, 1, 0, 1]]), 1)
    probs = wm.kgram_probabilities(tables, np.array([[2, 2]]))
    assert np.allclose(probs[0, 1], [0.5, 0.5, 0, 0]), "E never seen as a context: use k = 0"
    assert np.allclose(probs.sum(axis=-1), 1)


def test_history_features_show_only_the_past():
    features = wm.history_features(np.array([[2, 0, 3]]))
    assert features.shape == (1, 3, 12)
    assert features[0, 0].sum() == 0
    assert features[0, 1].tolist() == [0, 0, 1, 0] + [0] * 8
    assert features[0, 2].tolist() == [0, 0, 1, 0, 1, 0, 0, 0] + [0] * 4


def test_mlp_helpers_shapes():
    walks = gw.random_walks(0, 20, 6)
    model = wm.train_next_move_mlp(walks.moves, n_hidden=8, seed=0, epochs=2)
    assert isinstance(model, MLP)
    assert wm.mlp_probabilities(model, walks.moves).shape == (20, 6, 4)
    assert wm.mlp_hidden(model, walks.moves).shape == (20, 6, 8)


def test_top1_legality_and_accepted_moves():
    probs = np.array([[0.7, 0.1, 0.1, 0.1], [0.1, 0.1, 0.02, 0.78]])
    legal = np.array([[True, True, True, False], [True, True, True, False]])
    assert wm.top1_legality(probs, legal) == 0.5
    assert wm.accepted_moves(probs).tolist() == [[True] * 4, [True, True, False, True]]
    with pytest.raises(ValueError, match="shape"):
        wm.top1_legality(probs, legal[:1])
    with pytest.raises(ValueError, match="threshold"):
        wm.accepted_moves(probs, 1.5)


def _pairwise(accepted, cells, legal):
    """The definition, pair by pair (slow but obvious)."""
    same, same_ok, diff, diff_ok = 0, 0, 0, 0
    for i in range(len(cells)):
        for j in range(i + 1, len(cells)):
            equal = bool(np.all(accepted[i] == accepted[j]))
            if cells[i] == cells[j]:
                same += 1
                same_ok += equal
            if np.any(legal[i] != legal[j]):
                diff += 1
                diff_ok += not equal
    return same_ok / same, diff_ok / diff


def test_the_reference_scores_match_the_pairwise_definition():
    """The kit's tests use the lesson's reference; check it against a plain double loop."""
    rng = np.random.default_rng(0)
    for _ in range(3):
        n = 40
        cells = rng.integers(0, 6, n)
        legal = rng.random((6, 4))[cells] < 0.6
        accepted = np.where(rng.random((n, 4)) < 0.3, rng.random((n, 4)) < 0.5, legal)
        assert np.allclose(
            compression_distinction(accepted, cells, legal), _pairwise(accepted, cells, legal)
        )


def test_behavioural_scores_for_the_oracle():
    walks = gw.random_walks(0, 50, 12)
    probs = oracle_probabilities(walks.moves, 5)
    scores = wm.behavioural_scores(probs, walks, compression_distinction, min_prefix=4)
    assert scores == {"legality": 1.0, "compression": 1.0, "distinction": 1.0}
    small = wm.behavioural_scores(probs, walks, compression_distinction, 4, max_histories=50)
    assert small["compression"] == 1.0, "a subset of histories scores the oracle the same"
    with pytest.raises(ValueError, match="min_prefix"):
        wm.behavioural_scores(probs, walks, compression_distinction, min_prefix=12)


def test_apply_linear_probe_validates():
    weights = np.zeros((4, 2))
    assert wm.apply_linear_probe(weights, np.ones((5, 3))).shape == (5, 2)
    with pytest.raises(ValueError, match="rows of weights"):
        wm.apply_linear_probe(weights, np.ones((5, 2)))


def test_fit_linear_probe_puts_the_bias_last_and_copes_with_redundant_features():
    x = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = 2 * x + 1
    assert np.allclose(wm.fit_linear_probe(x, y)[:, 0], [2.0, 1.0])
    redundant = np.hstack([x, x, np.zeros((4, 1))])  # a copied and a constant feature
    weights = wm.fit_linear_probe(redundant, y)
    assert weights.shape == (4, 1)
    assert np.allclose(wm.apply_linear_probe(weights, redundant), y)
    with pytest.raises(ValueError, match="same n"):
        wm.fit_linear_probe(np.ones((5, 2)), np.ones((4, 1)))


def test_position_probe_on_raw_input_is_exact():
    train, test = gw.random_walks(0, 100, 10), gw.random_walks(1, 50, 10)
    accuracy = wm.position_probe_accuracy(
        fit_linear_probe,
        wm.history_features(train.moves).reshape(1000, -1),
        train.positions[:, :-1].reshape(-1, 2),
        wm.history_features(test.moves).reshape(500, -1),
        test.positions[:, :-1].reshape(-1, 2),
    )
    assert accuracy == 1.0, "the cell is a linear function of the one-hot history"


def test_experiments_return_their_keys():
    result = wm.probe_experiment(
        0,
        fit_linear_probe,
        compression_distinction,
        control_task,
        n_train=30,
        n_test=20,
        n_hidden=8,
        epochs=2,
    )
    names = {"trained", "random_init", "raw_input"}
    assert set(result) == names | {f"control_{n}" for n in names} | {
        "legality",
        "compression",
        "distinction",
    }
    score, oracle = compression_distinction, oracle_probabilities
    rows = wm.kgram_experiment(0, score, oracle, (0, 2), n_train=30, n_test=20)
    assert [row["model"] for row in rows] == ["k=0", "k=2", "oracle"]
    with pytest.raises(ValueError, match="min_prefix"):
        wm.kgram_experiment(0, score, oracle, (9,))
    sweep = wm.network_sweep(
        0, score, epochs=(1, 2), thresholds=(0.05, 0.2), n_train=20, n_test=20, n_hidden=8
    )
    assert [(r["epochs"], r["threshold"]) for r in sweep] == [
        (1, 0.05),
        (1, 0.2),
        (2, 0.05),
        (2, 0.2),
    ]
    with pytest.raises(ValueError, match="increasing"):
        wm.network_sweep(0, score, epochs=(5, 2))


def test_figures_draw(monkeypatch):
    monkeypatch.setattr(plt, "show", lambda: None)
    score, oracle = compression_distinction, oracle_probabilities
    walks = gw.random_walks(0, 2, 8)
    ax = wmf.draw_walk(walks, index=1, n_moves=5)
    assert ax.get_xlabel().startswith("column")
    with pytest.raises(ValueError, match="index"):
        wmf.draw_walk(walks, index=2)
    assert wmf.plot_kgram_tests(score, oracle, k=3, n_seeds=1) is None
    assert plt.gcf().axes[0].get_xlabel() == "k (moves of context)"
    with pytest.raises(ValueError, match="k must"):
        wmf.plot_kgram_tests(score, oracle, k=7)
    rng = np.random.default_rng(0)
    results = [
        {
            "trained": 0.9 + rng.normal(0, 0.01),
            "random_init": 0.7 + rng.normal(0, 0.01),
            "raw_input": 1.0,
            "control_trained": 0.1 + rng.normal(0, 0.01),
            "control_random_init": 0.1 + rng.normal(0, 0.01),
            "control_raw_input": 0.1 + rng.normal(0, 0.01),
        }
        for _ in range(3)
    ]
    assert wmf.plot_probe_controls(results) is None
    assert "probe" in plt.gcf().axes[0].get_ylabel()
    with pytest.raises(ValueError):
        wmf.plot_probe_controls(results[:1])
    rows = [
        {"seed": 0, "epochs": e, "threshold": t, "compression": 0.5, "distinction": 0.5}
        for e in (10, 25)
        for t in (0.05, 0.1)
    ]
    assert wmf.plot_network_sweep(rows) is None
    assert plt.gcf().axes[0].get_ylabel() == "training length (epochs)"
    plt.close("all")


def test_kgram_demo_moves_every_control_to_both_ends(monkeypatch):
    from functools import partial

    from ipywidgets import FloatSlider, IntSlider

    from worldlab.widgets import build_demo

    monkeypatch.setattr(plt, "show", lambda: None)
    demo = build_demo(
        partial(wmf.plot_kgram_tests, compression_distinction, oracle_probabilities, n_seeds=1),
        k=IntSlider(value=2, min=0, max=6),
        threshold=FloatSlider(value=0.05, min=0.01, max=0.3, step=0.01),
    )
    assert [c.description for c in demo.children[:2]] == ["k", "threshold"]
    for control in demo.children[:2]:
        for value in (control.min, control.max):
            control.value = value
    assert all(o.get("output_type") != "error" for o in demo.out.outputs)
    plt.close("all")
