"""Lesson 12's findings over 10 worlds, with paired intervals.

Each of these could have failed: the lifelong learner might not beat the frozen policy after the
changes (if its model or planning could not follow a moved door), the count bonus might be caught
by the TV like the surprise bonus, and re-fitting from the base might have cost no more compute.
"""

import numpy as np
import pandas as pd
import pytest

from worldlab.course.references import load_reference
from worldlab.lifelong.plots import compare_agents
from worldlab.stats import paired_difference

LESSON = "12-a-lifelong-agent"


@pytest.fixture(scope="module")
def agents():
    names = ["update_model", "planning_sweep", "exploration_bonus", "step_size"]
    return compare_agents(range(100, 110), *(load_reference(LESSON, n) for n in names))


def later(table: pd.DataFrame) -> pd.DataFrame:
    return (
        table[table["phase"] > 0].groupby(["agent", "seed"], as_index=False).mean(numeric_only=True)
    )


def test_lifelong_beats_frozen_after_changes_but_not_before(agents):
    d = paired_difference(
        later(agents), by="agent", a="lifelong", b="frozen imitation", value="success"
    )
    assert d["ci_low"] > 0.5
    # the other camp's setting: in the world it was trained on, the frozen policy is at least as good
    first = agents[agents["phase"] == 0]
    d0 = paired_difference(first, by="agent", a="frozen imitation", b="lifelong", value="success")
    assert d0["ci_low"] >= 0.0


def test_surprise_seeker_is_trapped_and_count_bonus_is_not(agents):
    tv = agents.groupby("agent")["tv_share"].mean()
    assert tv["surprise-seeker"] > 0.3
    assert tv["lifelong"] < 0.05


def test_refit_costs_more_compute(agents):
    d = paired_difference(
        later(agents), by="agent", a="refit from base", b="lifelong", value="compute"
    )
    assert d["ci_low"] > 0
    assert np.isfinite(d["mean"])
