"""Lesson 01's headline effects, on 10 seeds with margins (the lesson's reference answers)."""

import numpy as np
import pandas as pd
import pytest

from worldlab.course.references import load_reference
from worldlab.stats import paired_difference
from worldlab.world_models import transitions as tm

SEEDS = range(10)
LESSON = "01-predicting-the-next-state"
FIT = load_reference(LESSON, "fit_transition_counts")
ACC = load_reference(LESSON, "next_frame_accuracy")
ROLLOUT = tm.imagine_rollout


def _policy(seed, driver, **kwargs):
    return tm.policy_experiment(seed, FIT, ACC, driver, **kwargs)


@pytest.fixture(scope="module")
def random_driver():
    return pd.DataFrame([_policy(seed, "random") for seed in SEEDS])


@pytest.fixture(scope="module")
def expert_driver():
    return pd.DataFrame([_policy(seed, "expert") for seed in SEEDS])


def test_random_data_conditioned_near_perfect_passive_near_chance(random_driver):
    means = random_driver.mean()
    assert means["conditioned_same"] > 0.97
    assert means["passive_same"] < 0.5
    assert (random_driver["conditioned_same"] - random_driver["passive_same"]).min() > 0.4


def test_expert_data_passive_perfect_while_expert_drives_poor_when_steering(expert_driver):
    means = expert_driver.mean()
    assert means["passive_same"] > 0.98
    assert means["passive_steer"] < 0.6
    assert (expert_driver["passive_same"] - expert_driver["passive_steer"]).min() > 0.3


def test_expert_data_conditioned_fails_on_actions_never_seen(expert_driver):
    means = expert_driver.mean()
    assert means["conditioned_same"] > 0.98
    assert means["coverage_steer"] < 0.5, "the expert only ever shows one action per frame"
    assert means["conditioned_steer"] < 0.6
    # every miss is an unseen (frame, action) pair: the table is right wherever it has data
    assert np.allclose(expert_driver["conditioned_steer"], expert_driver["coverage_steer"])


def _steer_difference(share):
    rows = pd.DataFrame(tm.intervention_sweep(FIT, ACC, shares=(share,), seeds=SEEDS))
    long = rows.melt(
        id_vars="seed", value_vars=["passive_steer", "conditioned_steer"], var_name="model"
    )
    return paired_difference(long, "model", "conditioned_steer", "passive_steer")


def test_without_interventions_the_skeptic_is_right():
    """Could fail if an expert-only corpus let the conditioned model predict your steering."""
    diff = _steer_difference(0.0)
    assert diff["ci_high"] < 0.05, diff


@pytest.mark.parametrize(("share", "at_least"), [(0.2, 0.2), (0.5, 0.4)])
def test_with_logged_interventions_the_optimist_is_right(share, at_least):
    """The other camp's setting: could fail if logged interventions taught the model nothing."""
    diff = _steer_difference(share)
    assert diff["ci_low"] > at_least, diff


def test_steering_accuracy_rises_with_the_share_of_interventions():
    rows = pd.DataFrame(tm.intervention_sweep(FIT, ACC, shares=(0.0, 0.1, 0.3, 0.5, 1.0)))
    means = rows.groupby("share")["conditioned_steer"].mean().to_numpy()
    assert np.all(np.diff(means) > 0.03), means
    passive = rows.groupby("share")["passive_steer"].mean()
    assert passive.max() < 0.5, "the passive model cannot use interventions it cannot see"


def test_steering_accuracy_is_the_coverage_at_every_share():
    """The verdict's derivation row: without slips a (frame, button) pair seen once is always
    predicted right and an unseen one never, so steering accuracy equals coverage."""
    rows = pd.DataFrame(tm.intervention_sweep(FIT, ACC, shares=(0.1, 0.5), seeds=SEEDS))
    assert np.allclose(rows["conditioned_steer"], rows["coverage_steer"])
    assert rows.groupby("share")["coverage_steer"].mean().diff().iloc[-1] > 0.2


def test_the_design_task_reference_meets_its_goal():
    """The reference share (0.5) reaches 0.8 on fresh seeds and 0.35 does not."""
    fresh = range(500, 520)
    at = pd.DataFrame(tm.intervention_sweep(FIT, ACC, shares=(0.5, 0.35), seeds=fresh))
    means = at.groupby("share")["conditioned_steer"].mean()
    assert means[0.5] >= 0.82 and means[0.35] < 0.79, means


def test_rollout_errors_compound_with_horizon():
    runs = [tm.horizon_experiment(seed, FIT, ROLLOUT, horizon=10, slip=0.1) for seed in SEEDS]
    conditioned = np.mean([run["conditioned"] for run in runs], axis=0)
    passive = np.mean([run["passive"] for run in runs], axis=0)
    assert conditioned[0] < 0.12
    assert conditioned[-1] > 3 * conditioned[0]
    assert np.all(np.diff(conditioned) > 0), "the error grows with every extra step imagined"
    assert passive[-1] > passive[0] + 0.1
    assert np.all(passive > conditioned + 0.3), "the actions are worth knowing at every horizon"


def test_deterministic_world_has_no_compounding():
    runs = [tm.horizon_experiment(seed, FIT, ROLLOUT, horizon=10, slip=0.0) for seed in SEEDS]
    conditioned = np.mean([run["conditioned"] for run in runs], axis=0)
    assert conditioned[-1] < 0.05
