"""Unit tests for the count-table world models."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from worldlab import transition_models as tm
from worldlab.worlds import pixel_strip as ps


def test_fit_transition_counts_passive_and_conditioned():
    obs = np.array([[0, 1, 1], [1, 0, 2]])
    actions = np.array([[2, 1], [0, 2]])
    passive = tm.fit_transition_counts(obs, 3)
    assert passive.shape == (3, 3)
    assert passive[0, 1] == 1 and passive[1, 1] == 1 and passive[1, 0] == 1 and passive[0, 2] == 1
    assert passive.sum() == 4
    conditioned = tm.fit_transition_counts(obs, 3, actions)
    assert conditioned.shape == (3, 3, 3)
    assert conditioned[0, 2, 1] == 1 and conditioned[1, 0, 0] == 1 and conditioned.sum() == 4


def test_fit_transition_counts_does_not_cross_episodes():
    obs = np.array([[0, 0], [1, 1]])
    assert tm.fit_transition_counts(obs, 2)[0, 1] == 0


@pytest.mark.parametrize(
    ("obs", "actions", "error"),
    [
        (np.array([0, 1, 2]), None, ValueError),
        (np.array([[0, 5]]), None, ValueError),
        (np.array([[0, 1, 2]]), np.array([[0]]), ValueError),
        (np.array([[0.0, 1.0]]), None, TypeError),
        (np.array([[0, 1]]), np.array([[4]]), ValueError),
    ],
)
def test_fit_transition_counts_validates(obs, actions, error):
    with pytest.raises(error):
        tm.fit_transition_counts(obs, 3, actions)


def test_predict_next_marks_unseen_contexts():
    counts = np.array([[0, 3, 1], [0, 0, 0], [2, 2, 0]])
    assert tm.predict_next(counts, np.array([0, 1, 2])).tolist() == [1, tm.UNSEEN, 0]
    with pytest.raises(ValueError, match="takes no actions"):
        tm.predict_next(counts, np.array([0]), np.array([0]))
    with pytest.raises(ValueError, match="needs the actions"):
        tm.predict_next(np.zeros((3, 3, 3)), np.array([0]))


def test_next_frame_accuracy_counts_unseen_as_miss():
    obs = np.array([[0, 1, 2]])
    counts = tm.fit_transition_counts(obs, 3)
    assert tm.next_frame_accuracy(counts, obs) == 1.0
    assert tm.next_frame_accuracy(counts, np.array([[2, 0, 1]])) == 0.5


def test_rollout_follows_model_and_gets_lost_when_unseen():
    counts = np.zeros((3, 3), dtype=int)
    counts[0, 1] = counts[1, 0] = 1
    assert tm.rollout(counts, np.array([0, 2]), 3).tolist() == [[1, 0, 1], [-1, -1, -1]]
    conditioned = np.zeros((2, 2, 2), dtype=int)
    conditioned[0, 1, 1] = conditioned[1, 0, 1] = conditioned[1, 1, 0] = 1
    out = tm.rollout(conditioned, np.array([0]), 3, actions=np.array([[1, 0, 1]]))
    assert out.tolist() == [[1, 1, 0]]
    with pytest.raises(ValueError, match="horizon"):
        tm.rollout(counts, np.array([0]), 0)


def test_rollout_error_by_horizon_zero_for_deterministic_world():
    obs, actions, codebook = tm.tokenised_episodes(0, "random", 80, n_steps=12, width=5)
    conditioned = tm.fit_transition_counts(obs, codebook.size, actions)
    errors = tm.rollout_error_by_horizon(conditioned, obs, 6, actions)
    assert errors.shape == (6,)
    assert np.allclose(errors, 0.0), "a fully covered deterministic world is predicted exactly"
    with pytest.raises(ValueError, match="horizon"):
        tm.rollout_error_by_horizon(conditioned, obs, 13, actions)


def test_next_token_counts_on_interleaved_stream_equal_conditioned_table():
    obs, actions, codebook = tm.tokenised_episodes(2, "random", 30, n_steps=10, width=5)
    k = codebook.size
    stream = ps.interleave_tokens(obs, actions, k)
    next_token = tm.fit_next_token_counts(stream, k + 3, context=2)
    conditioned = tm.fit_transition_counts(obs, k, actions)
    assert np.array_equal(next_token[:k, k:, :k], conditioned)
    bigram = tm.fit_next_token_counts(obs, k, context=1)
    assert np.array_equal(bigram, tm.fit_transition_counts(obs, k))


def test_fit_next_token_counts_validates():
    with pytest.raises(ValueError, match="context"):
        tm.fit_next_token_counts(np.zeros((2, 4), int), 3, context=3)
    with pytest.raises(ValueError, match="longer"):
        tm.fit_next_token_counts(np.zeros((2, 2), int), 3, context=2)


def test_policy_experiment_keys_and_ranges():
    result = tm.policy_experiment(0, "expert", n_train=20, n_test=10)
    assert set(result) == {
        "passive_same",
        "conditioned_same",
        "passive_steer",
        "conditioned_steer",
        "coverage_steer",
    }
    assert all(0.0 <= value <= 1.0 for value in result.values())


def test_horizon_experiment_shapes():
    result = tm.horizon_experiment(0, horizon=4, slip=0.1, n_train=20, n_test=10)
    assert result["passive"].shape == (4,) and result["conditioned"].shape == (4,)


def test_figures_draw():
    assert tm.plot_policy_accuracy("expert", epsilon=0.1, n_train=20, n_seeds=2) is None
    assert plt.gcf().axes[0].get_ylabel() == "top-1 next-frame accuracy"
    assert tm.plot_error_vs_horizon(slip=0.1, horizon=4, n_seeds=2) is None
    assert "horizon" in plt.gcf().axes[0].get_xlabel()
    with pytest.raises(ValueError):
        tm.plot_policy_accuracy(n_seeds=0)


def test_draw_episode_labels_every_frame():
    episodes = ps.collect_episodes(0, "expert", 1, 4)
    ax = tm.draw_episode(episodes.frames()[0], episodes.actions[0], "expert")
    labels = [label.get_text() for label in ax.get_yticklabels()]
    assert len(labels) == 5 and labels[-1] == "t=4" and labels[0].startswith("t=0, then ")
    with pytest.raises(ValueError, match="one entry per transition"):
        tm.draw_episode(episodes.frames()[0], episodes.actions[0][:2])
    with pytest.raises(ValueError, match="frames"):
        tm.draw_episode(np.zeros((3, 8), dtype=np.uint8))
