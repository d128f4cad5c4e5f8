"""Science: planning with a model speeds learning; a learned model lets an agent plan to a goal
it was never trained on, while a model-free learner and a copier of experts fail (10 seeds)."""

import numpy as np
import pytest

from worldlab import planning as pl
from worldlab.stats import paired_difference
from worldlab.worlds.maze import dyna_maze

SEEDS = range(10)


@pytest.fixture(scope="module")
def curves():
    return pl.learning_curves(dyna_maze(), (0, 5, 50), n_episodes=30, seeds=SEEDS)


def test_planning_makes_learning_several_times_faster(curves):
    # Episode 1 is a random walk for everyone (no reward seen yet): compare episodes 2-30.
    later = curves[curves["episode"] >= 2].groupby(["n_planning", "seed"], as_index=False)
    per_seed = later["steps"].mean()
    mean = per_seed.groupby("n_planning")["steps"].mean()
    assert mean[0] > 3 * mean[5], mean
    assert mean[0] > 4 * mean[50], mean
    more = paired_difference(per_seed, "n_planning", 5, 50, value="steps")
    assert more["ci_low"] > 0, more


def test_with_much_planning_the_agent_is_soon_near_optimal(curves):
    optimal = dyna_maze().optimal_steps()
    episodes_5_to_10 = curves[curves["episode"].between(5, 10)]
    mean = episodes_5_to_10.groupby("n_planning")["steps"].mean()
    assert mean[50] < 1.5 * optimal, mean
    assert mean[0] > 4 * optimal, mean


@pytest.fixture(scope="module")
def moved():
    return pl.goal_change_experiment(dyna_maze(), new_goal=(5, 5), seeds=SEEDS)


def test_planner_on_a_learned_model_reaches_a_new_goal_at_once(moved):
    planner = moved[moved["agent"] == "planner"]
    assert planner["reached"].all()
    assert planner["steps"].mean() <= 1.2 * planner["optimal"].iloc[0]


def test_model_free_learner_needs_far_more_steps(moved):
    steps = moved.groupby("agent")["steps"].mean()
    assert steps["q-learning"] > 20 * steps["planner"], steps


def test_behaviour_cloning_keeps_walking_to_the_old_goal(moved):
    cloning = moved[moved["agent"] == "behaviour cloning"]
    assert cloning["reached"].mean() <= 0.1
    # It spends most of its time at the old goal...
    assert cloning["old_goal_visits"].mean() > 0.5 * cloning["steps"].mean()
    # ...though it imitates the expert perfectly well on the task it was shown.
    old = dyna_maze()
    steps = []
    for seed in SEEDS:
        policy = pl.behaviour_cloning(*pl.expert_demonstrations(old, 30, seed), old.n_states)
        steps.append(pl.steps_to_goal(old, pl.rollout(old, policy, 200, seed), 200))
    assert np.mean(steps) <= 1.2 * old.optimal_steps()
