"""Unit tests for worldlab.online_learning: the world stream, the delta rule, surprise."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from worldlab import online_learning as ol
from worldlab import rescorla_wagner as rw


def test_stream_is_seeded_and_follows_both_regimes_without_noise():
    stream = ol.make_stream(3, n_steps=40, change_at=25, noise=0.0)
    assert stream.observations.shape == (41, 2) and stream.actions.shape == (40, 2)
    again = ol.make_stream(3, n_steps=40, change_at=25, noise=0.0)
    np.testing.assert_array_equal(stream.observations, again.observations)
    x, u = stream.observations, stream.actions
    for t in (0, 24, 25, 39):
        a, b = ol.BEFORE if t < 25 else ol.AFTER
        np.testing.assert_allclose(x[t + 1], a @ x[t] + b @ u[t])
    assert stream.noise_floor == 0.0
    assert ol.make_stream(0, noise=0.1).noise_floor == pytest.approx(0.02)


@pytest.mark.parametrize(
    "kwargs, message",
    [({"n_steps": 1}, "n_steps"), ({"change_at": 0}, "change_at"), ({"noise": -1}, "noise")],
)
def test_stream_rejects_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ol.make_stream(0, **kwargs)


def test_features_stack_observation_and_action():
    phi = ol.features(np.arange(8.0).reshape(4, 2), np.ones((3, 2)))
    np.testing.assert_array_equal(phi, [[0, 1, 1, 1], [2, 3, 1, 1], [4, 5, 1, 1]])
    with pytest.raises(ValueError, match="actions"):
        ol.features(np.zeros((4, 2)), np.zeros(3))


def test_delta_rule_update_formula_and_no_mutation():
    weights = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    phi = np.array([1.0, 2.0, -1.0])
    target = np.array([0.0, 4.0])
    new = ol.delta_rule_update(weights, phi, target, 0.1)
    error = target - weights @ phi  # [-1, 2]
    np.testing.assert_allclose(new, weights + 0.1 * np.outer(error, phi))
    np.testing.assert_array_equal(weights, [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    # A small step always shrinks the error on the example it learned from.
    assert np.sum((target - new @ phi) ** 2) < np.sum(error**2)


@pytest.mark.parametrize(
    "args, message",
    [
        ((np.zeros(3), np.zeros(3), np.zeros(1), 0.1), "2-D"),
        ((np.zeros((2, 3)), np.zeros(2), np.zeros(2), 0.1), "phi"),
        ((np.zeros((2, 3)), np.zeros(3), np.zeros(3), 0.1), "target"),
        ((np.zeros((2, 3)), np.zeros(3), np.zeros(2), 0.0), "learning_rate"),
    ],
)
def test_delta_rule_update_rejects_bad_shapes(args, message):
    with pytest.raises(ValueError, match=message):
        ol.delta_rule_update(*args)


def test_rescorla_wagner_is_the_delta_rule():
    # Cues are the features, lam * food the target, alpha * beta the learning rate.
    schedule = rw.omit_food(rw.blocking(15, 15), 0.2, seed=1)
    strengths = rw.rescorla_wagner(schedule.cues, schedule.food, alpha=0.3, beta=0.5, lam=1.0)
    weights = np.zeros((1, 2))
    for t in range(schedule.n_trials):
        weights = ol.delta_rule_update(weights, schedule.cues[t], schedule.food[t : t + 1], 0.15)
        np.testing.assert_allclose(weights[0], strengths[t + 1])


def test_surprise_is_squared_error():
    assert ol.surprise(np.array([1.0, 2.0]), np.array([0.0, 0.0])) == pytest.approx(5.0)
    np.testing.assert_allclose(ol.surprise(np.zeros((3, 2)), np.ones((3, 2))), [2, 2, 2])
    with pytest.raises(ValueError, match="same shape"):
        ol.surprise(np.zeros(2), np.zeros(3))


def test_learn_online_predicts_before_it_updates_and_uses_the_given_rule():
    stream = ol.make_stream(0, n_steps=50, change_at=25)
    run = ol.learn_online(stream, 0.05)
    assert run.predictions.shape == (50, 2) and run.surprise.shape == (50,)
    assert run.weights.shape == (51, 2, 4)
    np.testing.assert_array_equal(run.predictions[0], [0.0, 0.0])
    np.testing.assert_allclose(
        run.surprise, np.sum((stream.observations[1:] - run.predictions) ** 2, 1)
    )
    frozen = ol.learn_online(stream, 0.05, update=lambda w, phi, target, lr: w)
    np.testing.assert_array_equal(frozen.weights, 0.0)


def test_fit_frozen_recovers_the_dynamics_before_the_change():
    stream = ol.make_stream(1, n_steps=100, change_at=60, noise=0.0)
    weights = ol.fit_frozen(stream)
    np.testing.assert_allclose(weights, np.hstack(ol.BEFORE), atol=1e-10)
    surprise = ol.frozen_surprise(stream, weights)
    assert surprise[:60].max() < 1e-18 and surprise[60:].mean() > 0.1
    with pytest.raises(ValueError, match="n_fit"):
        ol.fit_frozen(stream, n_fit=2)
    with pytest.raises(ValueError, match="weights"):
        ol.frozen_surprise(stream, np.zeros((4, 2)))


def test_moving_average():
    np.testing.assert_allclose(ol.moving_average(np.array([2.0, 4, 6, 8]), 2), [2, 3, 5, 7])
    with pytest.raises(ValueError, match="window"):
        ol.moving_average(np.ones(3), 0)


def test_surprise_summary_and_demo():
    summary = ol.surprise_summary(seed=0, n_steps=200, change_at=100, window=20)
    assert set(summary) == {
        "online_start",
        "online_before",
        "online_after",
        "online_end",
        "frozen_before",
        "frozen_end",
        "noise_floor",
    }
    with pytest.raises(ValueError, match="windows"):
        ol.surprise_summary(seed=0, n_steps=200, change_at=190, window=20)
    assert ol.surprise_demo(learning_rate=0.05, change_at=200) is None
    ax = plt.gcf().axes[0]
    assert len(ax.get_lines()) >= 3 and ax.get_yscale() == "log"
    plt.close("all")
