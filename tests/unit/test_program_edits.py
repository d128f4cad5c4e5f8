"""The program-editing world and lesson 13's agents: the rules of a step, inputs, recording."""

import numpy as np
import pandas as pd
import pytest

from worldlab.course.references import load_reference
from worldlab.debate import judge
from worldlab.long_tasks.agents import (
    expert_actions,
    features,
    fit,
    linear_policy,
    n_features,
    no_recovery_policy,
    rollout,
    success_by_horizon,
    with_recovery_rule,
)
from worldlab.long_tasks.experiments import DEMO_BUDGET, arm_settings, check_plan, paired_table
from worldlab.long_tasks.verdict import RULES
from worldlab.worlds.program_edits import feedback, make_edit_world, new_episodes, slip, step

LESSON = "13-long-tasks-and-recovery"


def _one(world, horizon=3, irreversible=0.0):
    return new_episodes(world, 1, horizon, np.random.default_rng(0), irreversible)


def test_a_right_edit_fixes_a_test_and_undo_reverts_it():
    world = make_edit_world(0, eps=0.0)
    e = _one(world)
    right = world.rule[e.cues[0, 0]]
    step(world, e, np.array([right]))
    assert e.failing[0] == 2 and e.depth[0] == 1 and e.delta[0] == 0 and e.previous[0] == 3
    step(world, e, np.array([world.undo]))
    assert e.failing[0] == 3 and e.depth[0] == 0 and e.delta[0] == 2 and e.last_undo[0]


def test_a_wrong_edit_is_silent_or_breaks_a_test_and_undo_repairs_both():
    for silent, expected in ((1.0, 1), (0.0, 2)):
        world = make_edit_world(0, eps=0.0, silent_share=silent)
        e = _one(world)
        wrong = (world.rule[e.cues[0, 0]] + 1) % world.n_edits
        step(world, e, np.array([wrong]))
        assert e.delta[0] == expected and e.failing[0] == 3 + (expected == 2)
        step(world, e, np.array([world.undo]))
        assert e.failing[0] == 3 and e.depth[0] == 0


def test_an_irreversible_step_cannot_be_undone():
    world = make_edit_world(0, eps=0.0, silent_share=0.0)
    e = _one(world, irreversible=1.0)
    wrong = (world.rule[e.cues[0, 0]] + 1) % world.n_edits
    step(world, e, np.array([wrong]))
    step(world, e, np.array([world.undo]))
    assert e.depth[0] == 1 and e.failing[0] == 4 and e.delta[0] == 1


def test_success_ends_the_episode_and_the_budget_stops_it():
    world = make_edit_world(1, eps=0.0)
    runs = rollout(world, no_recovery_policy, 50, 5, np.random.default_rng(0))
    assert runs.solved.all() and (runs.calls == 5).all()
    runs = rollout(
        world,
        linear_policy(np.zeros((n_features(world), world.n_actions))),
        50,
        5,
        np.random.default_rng(0),
        budget_factor=1.5,
    )
    assert (runs.calls[~runs.solved] == 8).all()


def test_slips_are_common_random_numbers():
    world = make_edit_world(2, eps=0.3)
    e = new_episodes(world, 400, 4, np.random.default_rng(5))
    chosen = np.full(400, 1)
    first, again = slip(world, e, chosen), slip(world, e, chosen)
    assert np.array_equal(first, again)
    assert 0.2 < np.mean(first != 1) < 0.4
    assert np.all(slip(world, e, np.full(400, world.undo)) == world.undo)  # undo never slips


def test_alarm_only_feedback_hides_silent_mistakes():
    world = make_edit_world(0, reports="alarm")
    e = _one(world)
    e.delta[:] = 1
    assert feedback(world, e)[0] == 0
    e.delta[:] = 2
    assert feedback(world, e)[0] == 2


def test_features_are_one_hot_blocks_and_the_expert_undoes_what_it_can():
    world = make_edit_world(0, eps=0.0, silent_share=1.0)
    e = new_episodes(world, 2, 3, np.random.default_rng(1))
    f = features(world, e)
    assert f.shape == (2, n_features(world)) and np.all(
        f.sum(axis=1) == 3
    )  # cue, feedback, constant
    wrong = (world.rule[e.cues[:, 0]] + 1) % world.n_edits
    step(world, e, wrong)
    assert np.all(expert_actions(world, e) == world.undo)


def test_fit_copies_a_consistent_labelling():
    world = make_edit_world(3)
    runs = rollout(world, no_recovery_policy, 40, 8, np.random.default_rng(0), eps=0.0, record=True)
    weights = fit(world, runs.features, runs.labels)
    greedy = linear_policy(weights, greedy=True)
    assert success_by_horizon(world, greedy, [8], 1)[8] == pytest.approx(
        success_by_horizon(world, no_recovery_policy, [8], 1)[8]
    )


def test_the_recovery_rule_is_taken_as_an_argument_and_checked():
    world = make_edit_world(0)
    rule = load_reference(LESSON, "recovery_action")
    ruled = with_recovery_rule(no_recovery_policy, rule)
    assert success_by_horizon(world, ruled, [16], 0)[16] > 0.9
    with pytest.raises(TypeError, match="rule must be a function"):
        with_recovery_rule(no_recovery_policy, None)
    bad = with_recovery_rule(no_recovery_policy, lambda p, b, a, u, undo: p[:1])
    with pytest.raises(ValueError, match="shape"):
        rollout(world, bad, 3, 2, np.random.default_rng(0))


def test_bad_inputs_are_refused_with_a_reason():
    with pytest.raises(ValueError, match="eps"):
        make_edit_world(0, eps=1.0)
    with pytest.raises(ValueError, match="reports"):
        make_edit_world(0, reports="loud")
    world = make_edit_world(0)
    with pytest.raises(ValueError, match="budget_factor"):
        new_episodes(world, 2, 3, np.random.default_rng(0), budget_factor=0.5)
    with pytest.raises(ValueError, match="one action per episode"):
        step(world, _one(world), np.array([0, 1]))
    with pytest.raises(ValueError, match="keys"):
        check_plan({"expert": 10}, 80)
    with pytest.raises(ValueError, match="budget"):
        check_plan({"expert": 50, "perturbed": 50, "aggregated": 0, "noise": 0.1}, 80)
    with pytest.raises(ValueError, match="noise"):
        check_plan({"expert": 0, "perturbed": 50, "aggregated": 0, "noise": 1.0}, 80)


def test_the_rules_judge_paired_tables():
    flat = pd.DataFrame(
        {
            "knob": [4, 8],
            "estimate": [0.0, 0.0],
            "low": [-0.01, -0.02],
            "high": [0.01, 0.02],
            "n": [10, 10],
        }
    )
    assert (
        judge(RULES["C04"], flat).status == "supported"
    )  # the skeptic's "no effect", within the margin
    assert judge(RULES["C09"], flat).status == "contradicted"
    flips = flat.assign(low=[-0.01, 0.2], high=[0.01, 0.3], estimate=[0.0, 0.25])
    assert judge(RULES["C11"], flips).status == "mixed"
    results = pd.DataFrame(
        {"seed": [0, 0, 1, 1], "arm": ["a", "b"] * 2, "h": [4] * 4, "success": [1.0, 0.5, 0.8, 0.5]}
    )
    table = paired_table(results, "a", "b", knob="h")
    assert table.loc[0, "estimate"] == pytest.approx(0.4) and table.loc[0, "n"] == 2


def test_arm_settings_are_the_ones_the_arms_train_with():
    settings = arm_settings()
    assert settings["labelled steps"] == DEMO_BUDGET
    assert settings["DAgger steps per round"] * settings["DAgger rounds"] == DEMO_BUDGET
    assert 0 < settings["DART perturbed share"] < 1 and settings["RL temperature"] > 1
