"""Unit tests for the count-table world models."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from worldlab.course.references import load_reference
from worldlab.widgets import build_demo
from worldlab.world_models import transitions as tm
from worldlab.worlds import pixel_strip as ps

LESSON = "01-predicting-the-next-state"
fit_transition_counts = load_reference(LESSON, "fit_transition_counts")
next_frame_accuracy = load_reference(LESSON, "next_frame_accuracy")
rollout = tm.imagine_rollout


def test_rollout_error_by_horizon_zero_for_deterministic_world():
    obs, actions, codebook = tm.tokenised_episodes(0, "random", 80, n_steps=12, width=5)
    conditioned = fit_transition_counts(obs, codebook.size, actions)
    errors = tm.rollout_error_by_horizon(rollout, conditioned, obs, 6, actions)
    assert errors.shape == (6,)
    assert np.allclose(errors, 0.0), "a fully covered deterministic world is predicted exactly"
    with pytest.raises(ValueError, match="horizon"):
        tm.rollout_error_by_horizon(rollout, conditioned, obs, 13, actions)


def test_imagine_rollout_feeds_its_predictions_back_and_stays_lost():
    cycle = np.zeros((3, 3), dtype=int)
    cycle[0, 1] = cycle[1, 2] = cycle[2, 0] = 5  # 0 -> 1 -> 2 -> 0 ...
    assert tm.imagine_rollout(cycle, np.array([0, 2]), 4).tolist() == [[1, 2, 0, 1], [0, 1, 2, 0]]
    dead_end = np.zeros((3, 3), dtype=int)
    dead_end[0, 1] = dead_end[2, 0] = 1  # frame 1 never seen as a context; counts[-1] is not
    assert tm.imagine_rollout(dead_end, np.array([0]), 3).tolist() == [[1, -1, -1]]
    switch = np.zeros((2, 2, 2), dtype=int)
    switch[:, 0, 0] = switch[:, 1, 1] = 1  # button a sends you to frame a
    planned = np.array([[1, 1, 0]])
    assert tm.imagine_rollout(switch, np.array([0]), 3, planned).tolist() == [[1, 1, 0]]


def test_imagine_rollout_matches_a_step_by_step_loop_on_random_tables():
    rng = np.random.default_rng(13)
    for trial in range(6):
        k, a = int(rng.integers(3, 8)), int(rng.integers(2, 4))
        n, horizon = int(rng.integers(2, 9)), int(rng.integers(2, 7))
        for shape in ((k, k), (k, a, k)):
            table = rng.permuted(np.arange(np.prod(shape))).reshape(shape)  # no ties
            unseen = int(rng.integers(1, k - 1))
            table[unseen] = 0
            start = rng.integers(0, k, size=n)
            start[0] = unseen  # lost at once, and stays lost
            acts = None if len(shape) == 2 else rng.integers(0, a, size=(n, horizon))
            expected = np.empty((n, horizon), dtype=int)
            for i in range(n):
                current = start[i]
                for h in range(horizon):
                    if current >= 0:
                        row = table[current] if acts is None else table[current, acts[i, h]]
                        current = int(row.argmax()) if row.sum() > 0 else -1
                    expected[i, h] = current
            given = table.tolist() if trial == 3 else table
            assert np.array_equal(tm.imagine_rollout(given, start, horizon, acts), expected)


def test_imagine_rollout_names_bad_input():
    table = np.ones((3, 2, 3), dtype=int)
    with pytest.raises(ValueError, match="needs actions"):
        tm.imagine_rollout(table, np.array([0]), 2)
    with pytest.raises(ValueError, match="actions must have shape"):
        tm.imagine_rollout(table, np.array([0]), 2, np.zeros((1, 3), dtype=int))
    with pytest.raises(ValueError, match="start frames"):
        tm.imagine_rollout(table, np.array([3]), 2, np.zeros((1, 2), dtype=int))
    with pytest.raises(ValueError, match="horizon"):
        tm.imagine_rollout(np.ones((3, 3), dtype=int), np.array([0]), 0)
    with pytest.raises(ValueError, match="counts must be"):
        tm.imagine_rollout(np.ones(3, dtype=int), np.array([0]), 2)


def test_next_token_table_on_interleaved_stream_matches_the_conditioned_table():
    obs, actions, codebook = tm.tokenised_episodes(2, "random", 30, n_steps=10, width=5)
    k = codebook.size
    table = tm.next_token_table(ps.interleave_tokens(obs, actions, k), context=2)
    conditioned = fit_transition_counts(obs, k, actions)
    for (x1, x2), following in table.items():
        if x1 < k <= x2:
            for token, count in following.items():
                assert conditioned[x1, x2 - k, token] == count
    assert sum(sum(c.values()) for (x1, x2), c in table.items() if x1 < k <= x2) == (
        conditioned.sum()
    )
    bigram = tm.next_token_table(obs, context=1)
    assert sum(bigram[(0,)].values()) == fit_transition_counts(obs, k)[0].sum()


def test_next_token_table_validates():
    with pytest.raises(ValueError, match="context"):
        tm.next_token_table(np.zeros((2, 4), int), context=0)
    with pytest.raises(ValueError, match="longer"):
        tm.next_token_table(np.zeros((2, 2), int), context=2)


def test_policy_experiment_keys_and_ranges():
    result = tm.policy_experiment(
        0, fit_transition_counts, next_frame_accuracy, "expert", n_train=20, n_test=10
    )
    assert set(result) == {
        "passive_same",
        "conditioned_same",
        "passive_steer",
        "conditioned_steer",
        "coverage_steer",
    }
    assert all(0.0 <= value <= 1.0 for value in result.values())


def test_horizon_experiment_shapes():
    result = tm.horizon_experiment(
        0, fit_transition_counts, rollout, horizon=4, slip=0.1, n_train=20, n_test=10
    )
    assert result["passive"].shape == (4,) and result["conditioned"].shape == (4,)


def test_horizon_runs_stack_seeds_and_feed_the_figure(monkeypatch):
    monkeypatch.setattr(plt, "show", lambda: None)
    runs = tm.horizon_runs(fit_transition_counts, rollout, [3, 5], horizon=4, slip=0.1)
    assert runs["passive"].shape == runs["conditioned"].shape == (2, 4)
    assert runs["seeds"].tolist() == [3, 5]
    single = tm.horizon_experiment(5, fit_transition_counts, rollout, horizon=4, slip=0.1)
    assert np.allclose(runs["conditioned"][1], single["conditioned"])
    assert tm.plot_error_vs_horizon(runs=runs, slip=0.1) is None
    assert "2 seeds" in plt.gcf().axes[0].get_title()
    plt.close("all")
    with pytest.raises(ValueError, match="2 seeds"):
        tm.horizon_runs(fit_transition_counts, rollout, [3], horizon=4)
    with pytest.raises(ValueError, match="shape"):
        tm.plot_error_vs_horizon(runs={"passive": np.zeros((2, 4)), "conditioned": np.zeros(4)})
    with pytest.raises(ValueError, match="runs from horizon_runs"):
        tm.plot_error_vs_horizon()


def test_figures_draw(monkeypatch):
    monkeypatch.setattr(plt, "show", lambda: None)
    fit, acc = fit_transition_counts, next_frame_accuracy
    assert tm.plot_policy_accuracy(fit, acc, "expert", epsilon=0.1, n_train=20, n_seeds=2) is None
    assert plt.gcf().axes[0].get_ylabel() == "top-1 next-frame accuracy"
    assert "paired" in plt.gcf().axes[1].get_ylabel()
    assert tm.plot_error_vs_horizon(fit, rollout, slip=0.1, horizon=4, n_seeds=2) is None
    assert "horizon" in plt.gcf().axes[0].get_xlabel()
    rows = tm.intervention_sweep(fit, acc, shares=(0.0, 0.5), seeds=range(2), n_train=10)
    assert tm.plot_intervention_sweep(rows) is None
    assert "interventions" in plt.gcf().axes[1].get_xlabel()
    with pytest.raises(ValueError):
        tm.plot_policy_accuracy(fit, acc, n_seeds=1)
    with pytest.raises(ValueError, match="share"):
        tm.intervention_sweep(fit, acc, shares=(1.5,))
    plt.close("all")


def test_policy_demo_moves_every_control_to_both_ends(monkeypatch):
    from functools import partial

    from ipywidgets import Dropdown, FloatSlider, IntSlider

    monkeypatch.setattr(plt, "show", lambda: None)
    demo = build_demo(
        partial(tm.plot_policy_accuracy, fit_transition_counts, next_frame_accuracy, n_seeds=2),
        train_policy=Dropdown(options=["expert", "random"], value="expert"),
        epsilon=FloatSlider(value=0.0, min=0.0, max=0.5, step=0.05),
        n_train=IntSlider(value=100, min=10, max=300, step=10),
    )
    names = [c.description for c in demo.children[:3]]
    assert names == ["train_policy", "epsilon", "n_train"]
    dropdown, slider, episodes = demo.children[:3]
    for option in dropdown.options:
        dropdown.value = option
    for control in (slider, episodes):
        for value in (control.min, control.max):
            control.value = value
    assert not demo.out.outputs or all(o.get("output_type") != "error" for o in demo.out.outputs)
    plt.close("all")


def test_draw_episode_labels_every_frame():
    episodes = ps.collect_episodes(0, "expert", 1, 4)
    ax = tm.draw_episode(episodes.frames()[0], episodes.actions[0], "expert")
    labels = [label.get_text() for label in ax.get_yticklabels()]
    assert len(labels) == 5 and labels[-1] == "t=4" and labels[0].startswith("t=0, then ")
    with pytest.raises(ValueError, match="one entry per transition"):
        tm.draw_episode(episodes.frames()[0], episodes.actions[0][:2])
    with pytest.raises(ValueError, match="frames"):
        tm.draw_episode(np.zeros((3, 8), dtype=np.uint8))
