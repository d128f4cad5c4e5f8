"""Lesson 01's headline effects, on the mean over 10 seeds with margins."""

import numpy as np
import pandas as pd
import pytest

from worldlab import transition_models as tm

SEEDS = range(10)


@pytest.fixture(scope="module")
def random_driver():
    return pd.DataFrame([tm.policy_experiment(seed, "random") for seed in SEEDS])


@pytest.fixture(scope="module")
def expert_driver():
    return pd.DataFrame([tm.policy_experiment(seed, "expert") for seed in SEEDS])


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


def test_exploration_buys_coverage():
    greedy = np.mean([tm.policy_experiment(s, "expert")["conditioned_steer"] for s in SEEDS])
    noisy = np.mean(
        [tm.policy_experiment(s, "expert", epsilon=0.3)["conditioned_steer"] for s in SEEDS]
    )
    assert noisy > greedy + 0.25


def test_rollout_errors_compound_with_horizon():
    runs = [tm.horizon_experiment(seed, horizon=10, slip=0.1) for seed in SEEDS]
    conditioned = np.mean([run["conditioned"] for run in runs], axis=0)
    passive = np.mean([run["passive"] for run in runs], axis=0)
    assert conditioned[0] < 0.12
    assert conditioned[-1] > 3 * conditioned[0]
    assert np.all(np.diff(conditioned) > 0), "the error grows with every extra step imagined"
    assert passive[-1] > passive[0] + 0.1
    assert np.all(passive > conditioned + 0.3), "the actions are worth knowing at every horizon"


def test_deterministic_world_has_no_compounding():
    runs = [tm.horizon_experiment(seed, horizon=10, slip=0.0) for seed in SEEDS]
    conditioned = np.mean([run["conditioned"] for run in runs], axis=0)
    assert conditioned[-1] < 0.05
