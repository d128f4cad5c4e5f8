"""Unit tests for worldlab.prediction_error.rescorla_wagner: the schedules, the copying learner, the runners that
take a rule, and the demo. The Rescorla–Wagner rule itself is lesson 05's exercise: its
reference is loaded from the lesson source (and these tests pin its arithmetic)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from ipywidgets import Dropdown, FloatSlider, IntSlider

from worldlab.course.references import load_reference
from worldlab.prediction_error import plots as pe_plots
from worldlab.prediction_error import rescorla_wagner as rw
from worldlab.widgets import build_demo


class _Reference:
    rule = None

    def __call__(self, *args, **kwargs):
        if _Reference.rule is None:
            _Reference.rule = load_reference("05-learning-from-surprise", "rescorla_wagner")
        return _Reference.rule(*args, **kwargs)


class _Kit:
    rescorla_wagner = _Reference()


rules = _Kit()


def test_acquisition_follows_the_closed_form():
    schedule = rw.acquisition(20)
    strengths = rules.rescorla_wagner(schedule.cues, schedule.food, alpha=0.3, beta=0.5, lam=1.0)
    assert strengths.shape == (21, 1)
    t = np.arange(21)
    np.testing.assert_allclose(strengths[:, 0], 1.0 - (1.0 - 0.15) ** t)


def test_first_trial_moves_by_alpha_beta_lambda():
    strengths = rules.rescorla_wagner([[1, 0]], [1], alpha=np.array([0.2, 0.4]), beta=0.5, lam=2.0)
    np.testing.assert_allclose(strengths, [[0, 0], [0.2, 0.0]])


def test_extinction_decays_geometrically():
    schedule = rw.extinction(10, 15)
    strengths = rules.rescorla_wagner(schedule.cues, schedule.food, alpha=0.25)
    peak = strengths[10, 0]
    np.testing.assert_allclose(strengths[10:, 0], peak * 0.75 ** np.arange(16))


def test_compound_shares_one_error():
    # Both cues present: each moves by its own alpha times the same error.
    strengths = rules.rescorla_wagner([[1, 1]], [1], alpha=np.array([0.1, 0.3]))
    np.testing.assert_allclose(strengths[1], [0.1, 0.3])
    second = rules.rescorla_wagner([[1, 1], [1, 1]], [1, 1], alpha=np.array([0.1, 0.3]))
    np.testing.assert_allclose(second[2], [0.1 + 0.1 * 0.6, 0.3 + 0.3 * 0.6])


def test_prediction_errors_drive_the_changes():
    rng = np.random.default_rng(0)
    cues = (rng.random((40, 3)) < 0.5).astype(float)
    food = (rng.random(40) < 0.6).astype(float)
    alpha = np.array([0.1, 0.2, 0.3])
    strengths = rules.rescorla_wagner(cues, food, alpha=alpha, beta=0.8, lam=1.0)
    errors = rw.prediction_errors(cues, food, strengths)
    assert errors.shape == (40,)
    np.testing.assert_allclose(np.diff(strengths, axis=0), 0.8 * alpha * errors[:, None] * cues)


def test_prediction_errors_check_the_strengths_shape():
    with pytest.raises(ValueError, match="n_trials \\+ 1"):
        rw.prediction_errors([[1]], [1], np.zeros((1, 1)))


def test_copying_learner_counts_cooccurrence():
    cues = np.array([[1, 0], [1, 1], [1, 1], [0, 0]])
    food = np.array([1, 0, 1, 1])
    counts = rw.cooccurrence_learner(cues, food, lam=1.0)
    assert counts.shape == (5, 2)
    np.testing.assert_allclose(counts[:, 0], [0, 1, 1 / 2, 2 / 3, 2 / 3])
    np.testing.assert_allclose(counts[:, 1], [0, 0, 0, 1 / 2, 1 / 2])


def test_schedules_have_consistent_phases():
    for name in rw.SCHEDULES:
        schedule = rw.make_schedule(name, 12)
        assert schedule.cues.shape == (schedule.n_trials, len(schedule.cue_names))
        assert schedule.food.shape == (schedule.n_trials,)
        assert schedule.phases[0][1] == 0 and schedule.phases[-1][2] == schedule.n_trials
        for (_, _, end), (_, start, _) in zip(schedule.phases, schedule.phases[1:], strict=False):
            assert end == start
    blocking = rw.blocking(5, 7)
    assert blocking.n_trials == 12
    assert blocking.cues[:5, 1].sum() == 0 and blocking.cues[5:].min() == 1
    assert rw.blocking_control(5, 7).cues[:5].sum() == 0
    with pytest.raises(ValueError, match="schedule must be one of"):
        rw.make_schedule("sensitisation")
    with pytest.raises(ValueError, match="n_trials"):
        rw.acquisition(0)


def test_omit_food_only_removes_food_and_is_seeded():
    schedule = rw.extinction(50, 10)
    noisy = rw.omit_food(schedule, 0.3, seed=4)
    assert np.all(noisy.food <= schedule.food)
    assert 0 < noisy.food[:50].sum() < 50
    np.testing.assert_array_equal(noisy.food, rw.omit_food(schedule, 0.3, seed=4).food)
    with pytest.raises(ValueError, match="probability"):
        rw.omit_food(schedule, 1.0, seed=0)


def test_blocking_experiment_runs_the_given_rule_and_pairs_the_groups():
    result = rw.blocking_experiment(0, rules.rescorla_wagner)
    assert set(result) == {
        "A_blocking",
        "B_blocking",
        "A_control",
        "B_control",
        "blocking_effect",
    }
    assert result == rw.blocking_experiment(0, rules.rescorla_wagner)
    assert result["blocking_effect"] == result["B_control"] - result["B_blocking"]
    # The copying learner's effect is zero by construction: B's trials are the same in both groups.
    assert rw.blocking_experiment(3, rw.cooccurrence_learner)["blocking_effect"] == 0.0
    with pytest.raises(TypeError, match="rule"):
        rw.blocking_experiment(0, "rescorla-wagner")
    with pytest.raises(ValueError, match="shape"):
        rw.blocking_experiment(0, lambda cues, food, alpha: np.zeros(3))


CONDITIONING_CONTROLS = {
    "schedule": Dropdown(options=list(rw.SCHEDULES), value="blocking"),
    "alpha_a": FloatSlider(value=0.3, min=0.02, max=1.0, step=0.02),
    "alpha_b": FloatSlider(value=0.3, min=0.02, max=1.0, step=0.02),
    "beta": FloatSlider(value=1.0, min=0.1, max=1.0, step=0.05),
    "n_per_phase": IntSlider(value=30, min=2, max=60),
}


def test_conditioning_demo_draws_both_learners():
    pe_plots.conditioning_demo(
        rules.rescorla_wagner, "blocking", alpha_a=0.3, alpha_b=0.2, n_per_phase=10
    )
    ax = plt.gcf().axes[0]
    assert len(ax.get_lines()) == 4  # two cues × (error-driven, copying)
    assert ax.get_xlabel() == "trial"
    plt.close("all")
    pe_plots.conditioning_demo(rules.rescorla_wagner, "extinction", n_per_phase=5)
    assert len(plt.gcf().axes[0].get_lines()) == 2
    plt.close("all")


@pytest.mark.parametrize("end", ["min", "max"])
def test_conditioning_demo_draws_at_both_ends_of_every_control(end):
    from functools import partial

    callback = partial(pe_plots.conditioning_demo, rule=rules.rescorla_wagner)
    demo = build_demo(callback, **CONDITIONING_CONTROLS)
    assert sorted(w.description for w in demo.kwargs_widgets) == sorted(CONDITIONING_CONTROLS)
    defaults = {name: widget.value for name, widget in CONDITIONING_CONTROLS.items()}
    for name, control in CONDITIONING_CONTROLS.items():
        if name == "schedule":
            ends = {"min": control.options[0], "max": control.options[-1]}
            value = ends[end]
        else:
            value = getattr(control, end)
        callback(**{**defaults, name: value})
        assert plt.gcf().axes[0].get_xlabel() == "trial"
        plt.close("all")


def test_conditioning_demo_without_a_rule_shows_the_copying_learner():
    def unfinished(*args, **kwargs):
        raise NotImplementedError

    pe_plots.conditioning_demo(unfinished, "blocking", n_per_phase=5)
    assert "exercise 1" in plt.gcf().axes[0].get_title()
    plt.close("all")


def test_plot_prediction_errors_checks_shape():
    schedule = rw.extinction(5, 5)
    errors = rw.prediction_errors(
        schedule.cues, schedule.food, rules.rescorla_wagner(schedule.cues, schedule.food)
    )
    ax = pe_plots.plot_prediction_errors(schedule, errors)
    assert len(ax.containers[0]) == 10
    with pytest.raises(ValueError, match="errors"):
        pe_plots.plot_prediction_errors(schedule, errors[:3])
