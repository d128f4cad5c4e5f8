"""Unit tests for worldlab.prediction_error.online and worldlab.prediction_error.in_context: the world stream, the
runners that take a learning rule, surprise, the in-context model, and the lesson's demo.

The delta rule itself is lesson 05's exercise: it is loaded from the lesson source."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from ipywidgets import FloatSlider, IntSlider

from worldlab.course.references import load_reference
from worldlab.prediction_error import in_context as ic
from worldlab.prediction_error import online as ol
from worldlab.prediction_error import plots as pe_plots
from worldlab.prediction_error import rescorla_wagner as rw
from worldlab.widgets import build_demo

LESSON = "05-learning-from-surprise"


@pytest.fixture(scope="module")
def delta_rule_update():
    return load_reference(LESSON, "delta_rule_update")


@pytest.fixture(scope="module")
def rescorla_wagner():
    return load_reference(LESSON, "rescorla_wagner")


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


def test_reference_delta_rule_formula_and_no_mutation(delta_rule_update):
    weights = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    phi = np.array([1.0, 2.0, -1.0])
    target = np.array([0.0, 4.0])
    new = delta_rule_update(weights, phi, target, 0.1)
    error = target - weights @ phi  # [-1, 2]
    np.testing.assert_allclose(new, weights + 0.1 * np.outer(error, phi))
    np.testing.assert_array_equal(weights, [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    # A small step always shrinks the error on the example it learned from.
    assert np.sum((target - new @ phi) ** 2) < np.sum(error**2)


def test_rescorla_wagner_is_the_delta_rule(rescorla_wagner, delta_rule_update):
    # Cues are the features, lam * food the target, alpha * beta the learning rate.
    schedule = rw.omit_food(rw.blocking(15, 15), 0.2, seed=1)
    strengths = rescorla_wagner(schedule.cues, schedule.food, alpha=0.3, beta=0.5, lam=1.0)
    weights = np.zeros((1, 2))
    for t in range(schedule.n_trials):
        weights = delta_rule_update(weights, schedule.cues[t], schedule.food[t : t + 1], 0.15)
        np.testing.assert_allclose(weights[0], strengths[t + 1])


def test_surprise_is_squared_error():
    assert ol.surprise(np.array([1.0, 2.0]), np.array([0.0, 0.0])) == pytest.approx(5.0)
    np.testing.assert_allclose(ol.surprise(np.zeros((3, 2)), np.ones((3, 2))), [2, 2, 2])
    with pytest.raises(ValueError, match="same shape"):
        ol.surprise(np.zeros(2), np.zeros(3))


def test_learn_online_predicts_before_it_updates_and_uses_the_given_rule(delta_rule_update):
    stream = ol.make_stream(0, n_steps=50, change_at=25)
    run = ol.learn_online(stream, 0.05, delta_rule_update)
    assert run.predictions.shape == (50, 2) and run.surprise.shape == (50,)
    assert run.weights.shape == (51, 2, 4)
    np.testing.assert_array_equal(run.predictions[0], [0.0, 0.0])
    np.testing.assert_allclose(
        run.surprise, np.sum((stream.observations[1:] - run.predictions) ** 2, 1)
    )
    frozen = ol.learn_online(stream, 0.05, update=lambda w, phi, target, lr: w)
    np.testing.assert_array_equal(frozen.weights, 0.0)
    start = ol.learn_online(stream, 0.05, lambda w, phi, target, lr: w, initial=np.ones((2, 4)))
    np.testing.assert_array_equal(start.weights, 1.0)
    np.testing.assert_array_equal(
        ol.online_weights(0, delta_rule_update, 0.05, 50, 25, 0.1), run.weights
    )
    with pytest.raises(TypeError, match="update"):
        ol.learn_online(stream, 0.05, None)
    with pytest.raises(ValueError, match="shape"):
        ol.learn_online(stream, 0.05, lambda w, phi, target, lr: w[0])


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


def test_surprise_summary(delta_rule_update):
    summary = ol.surprise_summary(0, delta_rule_update, n_steps=200, change_at=100, window=20)
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
        ol.surprise_summary(0, delta_rule_update, n_steps=200, change_at=190, window=20)


def test_in_context_model_is_the_prior_with_an_empty_context_and_fits_its_window():
    stream = ol.make_stream(2, n_steps=120, change_at=60, noise=0.0)
    prior = ol.fit_frozen(stream)
    predictions = ic.in_context_predictions(stream, prior, window=20, reset_at=100)
    phis = ol.features(stream.observations, stream.actions)
    # Step 0 and the first step of the new session see no context: the frozen prediction.
    np.testing.assert_allclose(predictions[[0, 100]], phis[[0, 100]] @ prior.T)
    # Without noise and with a full window of the new world, ridge towards the old prior still
    # predicts the new world closely (the context outweighs the prior).
    late = ic.in_context_surprise(stream, prior, window=20)[90:100]
    assert late.max() < 0.05 * ol.frozen_surprise(stream, prior)[90:100].mean()
    with pytest.raises(ValueError, match="window"):
        ic.in_context_predictions(stream, prior, window=0)
    with pytest.raises(ValueError, match="prior"):
        ic.in_context_predictions(stream, np.zeros((4, 2)))
    with pytest.raises(ValueError, match="reset_at"):
        ic.in_context_predictions(stream, prior, reset_at=500)


def test_deployment_summary_has_every_model_and_window(delta_rule_update):
    summary = ic.deployment_summary(0, delta_rule_update)
    models, windows = ("online", "frozen", "in_context"), ("after", "settled", "fresh")
    assert set(summary) == {f"{m}_{w}" for m in models for w in windows} | {"noise_floor"}
    # The reset touches only the in-context model.
    assert summary["in_context_fresh"] > 5 * summary["in_context_settled"]
    with pytest.raises(ValueError, match="reset_at"):
        ic.deployment_summary(0, delta_rule_update, reset_at=310)


SURPRISE_CONTROLS = {
    "learning_rate": FloatSlider(value=0.02, min=0.005, max=0.15, step=0.005),
    "change_at": IntSlider(value=300, min=100, max=500, step=50),
    "noise": FloatSlider(value=0.1, min=0.02, max=0.5, step=0.02),
    "window": IntSlider(value=50, min=5, max=200, step=5),
}


@pytest.mark.parametrize("end", ["min", "max"])
def test_surprise_demo_draws_at_both_ends_of_every_control(delta_rule_update, end):
    from functools import partial

    demo = build_demo(
        partial(pe_plots.surprise_demo, update=delta_rule_update), **SURPRISE_CONTROLS
    )
    assert sorted(w.description for w in demo.kwargs_widgets) == sorted(SURPRISE_CONTROLS)
    for name, control in SURPRISE_CONTROLS.items():
        values = {key: widget.value for key, widget in SURPRISE_CONTROLS.items()}
        values[name] = getattr(control, end)
        pe_plots.surprise_demo(update=delta_rule_update, **values)
        assert plt.gcf().axes and plt.gcf().axes[0].get_yscale() == "log"
        plt.close("all")


def test_surprise_demo_without_a_rule_draws_the_other_models():
    def unfinished(*args):
        raise NotImplementedError

    pe_plots.surprise_demo(update=unfinished, change_at=200)
    ax = plt.gcf().axes[0]
    assert "exercise 2" in ax.get_title()
    assert len(ax.get_lines()) >= 3  # frozen, in-context, the floor (and the change marker)
    plt.close("all")
