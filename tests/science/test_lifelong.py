"""Lesson 12's findings over 16 worlds the lesson never uses, with margins.

Each could have failed, and each is checked in the setting where a camp's prediction holds: the
best memory helps a frozen policy (the optimists' C22) but learning helps far more (the skeptic's
C23); re-fitting from the base matches the learner (C25) at a higher compute; a single model forgets
the old door while a learner told its phase does not (C24 both ways); prediction-error curiosity
is trapped by the TV and does worse than no bonus, while a fading count bonus does far better
(C27 both ways).
"""

import pytest

from worldlab.course.references import load_reference
from worldlab.lifelong.agent import planning_sweep
from worldlab.lifelong.plots import CUED, compare_agents, compare_memories
from worldlab.lifelong.verdict import curiosity_table, difference, forgetting_table

LESSON = "12-a-lifelong-agent"
WORLDS = range(100, 116)


@pytest.fixture(scope="module")
def parts():
    names = ["update_model", "planning_sweep", "exploration_bonus", "step_size"]
    return [planning_sweep if n == "planning_sweep" else load_reference(LESSON, n) for n in names]


@pytest.fixture(scope="module")
def agents(parts):
    return compare_agents(WORLDS, *parts)


def estimate(table) -> float:
    return float(table["estimate"].iloc[0])


def test_lifelong_beats_frozen_after_changes_but_not_before(agents):
    assert difference(agents, "lifelong", "frozen imitation")["low"].iloc[0] > 0.5
    first = agents[agents["phase"] == 0].groupby("agent")["success"].mean()
    assert first["frozen imitation"] >= first["lifelong"]


def test_the_best_memory_helps_a_frozen_policy_but_less_than_learning(agents):
    memory = difference(agents, "frozen + memory", "frozen imitation")
    assert memory["low"].iloc[0] > 0.0 and estimate(memory) > 0.1  # C22: 0.27 and 0.32 measured
    learning = difference(agents, "lifelong", "frozen + memory")
    assert learning["low"].iloc[0] > 0.0 and estimate(learning) > 0.25  # C23: 0.59 and 0.49


def test_refit_matches_the_learner_at_a_higher_compute(agents):
    success = difference(agents, "refit from base", "lifelong")
    assert abs(estimate(success)) < 0.1
    assert difference(agents, "refit from base", "lifelong", value="compute")["low"].iloc[0] > 0


def test_surprise_is_trapped_and_a_fading_count_is_not(agents):
    tv = agents.groupby("agent")["tv_share"].mean()
    assert tv["surprise-seeker"] > 0.3
    assert tv["lifelong"] < 0.05
    table = curiosity_table(agents).set_index("knob")
    assert table.loc["prediction error", "estimate"] < -0.03
    assert table.loc["fading count", "low"] > 0.3


def test_one_model_forgets_and_a_cued_one_does_not(parts):
    update, sweep, bonus, step_size = parts
    rules = {"keep-all": lambda n: 1.0 / (n + 1), "constant 0.3": lambda n: 0.3}
    memories = compare_memories(WORLDS, update, sweep, bonus, rules, cued=step_size)
    table = forgetting_table(memories).set_index("knob")
    assert (table.loc[["keep-all", "constant 0.3"], "low"] > 0.3).all()
    assert table.loc[CUED, "estimate"] == 0.0
    assert ((table["low"] >= 0) & (table["high"] <= 1)).all()
