"""Unit tests for worldlab.rescorla_wagner: the rule, the schedules, the copying learner."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from worldlab import rescorla_wagner as rw


def test_acquisition_follows_the_closed_form():
    schedule = rw.acquisition(20)
    strengths = rw.rescorla_wagner(schedule.cues, schedule.food, alpha=0.3, beta=0.5, lam=1.0)
    assert strengths.shape == (21, 1)
    t = np.arange(21)
    np.testing.assert_allclose(strengths[:, 0], 1.0 - (1.0 - 0.15) ** t)


def test_first_trial_moves_by_alpha_beta_lambda():
    strengths = rw.rescorla_wagner([[1, 0]], [1], alpha=[0.2, 0.4], beta=0.5, lam=2.0)
    np.testing.assert_allclose(strengths, [[0, 0], [0.2, 0.0]])


def test_extinction_decays_geometrically():
    schedule = rw.extinction(10, 15)
    strengths = rw.rescorla_wagner(schedule.cues, schedule.food, alpha=0.25)
    peak = strengths[10, 0]
    np.testing.assert_allclose(strengths[10:, 0], peak * 0.75 ** np.arange(16))


def test_compound_shares_one_error():
    # Both cues present: each moves by its own alpha times the same error.
    strengths = rw.rescorla_wagner([[1, 1]], [1], alpha=[0.1, 0.3])
    np.testing.assert_allclose(strengths[1], [0.1, 0.3])
    second = rw.rescorla_wagner([[1, 1], [1, 1]], [1, 1], alpha=[0.1, 0.3])
    np.testing.assert_allclose(second[2], [0.1 + 0.1 * 0.6, 0.3 + 0.3 * 0.6])


def test_prediction_errors_drive_the_changes():
    rng = np.random.default_rng(0)
    cues = (rng.random((40, 3)) < 0.5).astype(float)
    food = (rng.random(40) < 0.6).astype(float)
    alpha = np.array([0.1, 0.2, 0.3])
    strengths = rw.rescorla_wagner(cues, food, alpha=alpha, beta=0.8, lam=1.0)
    errors = rw.prediction_errors(cues, food, strengths)
    assert errors.shape == (40,)
    np.testing.assert_allclose(np.diff(strengths, axis=0), 0.8 * alpha * errors[:, None] * cues)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"cues": [1, 0], "food": [1, 0]}, "2-D"),
        ({"cues": [[1], [0]], "food": [1]}, "shape"),
        ({"cues": [[2]], "food": [1]}, "0s and 1s"),
        ({"cues": [[1]], "food": [1], "alpha": 0.0}, "alpha"),
        ({"cues": [[1]], "food": [1], "alpha": [0.1, 0.2]}, "alpha"),
        ({"cues": [[1]], "food": [1], "beta": 1.5}, "beta"),
        ({"cues": [[1]], "food": [1], "lam": -1.0}, "lam"),
    ],
)
def test_rescorla_wagner_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        rw.rescorla_wagner(**kwargs)


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


def test_learn_dispatches_and_blocking_experiment_reports_both_groups():
    schedule = rw.blocking(10, 10)
    np.testing.assert_allclose(
        rw.learn(schedule, "copying"), rw.cooccurrence_learner(schedule.cues, schedule.food)
    )
    with pytest.raises(ValueError, match="learner"):
        rw.learn(schedule, "imitation")
    result = rw.blocking_experiment(seed=0)
    assert set(result) == {"A_blocking", "B_blocking", "A_control", "B_control"}
    assert result == rw.blocking_experiment(seed=0)


def test_conditioning_demo_draws_both_learners():
    assert rw.conditioning_demo("blocking", alpha_a=0.3, alpha_b=0.2, n_per_phase=10) is None
    ax = plt.gcf().axes[0]
    assert len(ax.get_lines()) == 4  # two cues × (error-driven, copying)
    assert ax.get_xlabel() == "trial"
    plt.close("all")
    rw.conditioning_demo("extinction", n_per_phase=5)
    assert len(plt.gcf().axes[0].get_lines()) == 2


def test_plot_prediction_errors_checks_shape():
    schedule = rw.extinction(5, 5)
    errors = rw.prediction_errors(
        schedule.cues, schedule.food, rw.rescorla_wagner(schedule.cues, schedule.food)
    )
    ax = rw.plot_prediction_errors(schedule, errors)
    assert len(ax.containers[0]) == 10
    with pytest.raises(ValueError, match="errors"):
        rw.plot_prediction_errors(schedule, errors[:3])
