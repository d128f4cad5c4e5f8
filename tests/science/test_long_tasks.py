"""Lesson 13's findings over 10 worlds (seeds the lesson did not use), with paired intervals.

Each could have failed: RL on its own rollouts might not have found undo (it did not, sampled
sharper than the clone), the copier of perturbed demonstrations might have lagged RL, hearing the
failing count might have been worth nothing. Each finding is shown beside the setting in which the
other camp's prediction holds: irreversible steps (no recovery helps), no exploration (RL adds
nothing), no silent mistakes (alarms suffice).
"""

import numpy as np
import pandas as pd
import pytest

from worldlab.debate import judge, load_verdicts
from worldlab.long_tasks.experiments import paired_table, run_arms
from worldlab.long_tasks.verdict import (
    RULES,
    feedback_experiment,
    hidden_mistakes_experiment,
    verdict_tables,
)

SEEDS = range(100, 110)
LESSON = "13-long-tasks-and-recovery"


@pytest.fixture(scope="module")
def arms():
    return run_arms(SEEDS, irreversible_shares=(0.0, 1.0))


@pytest.fixture(scope="module")
def tables(arms):
    return verdict_tables(SEEDS, arms=arms)


def test_the_clone_falls_like_an_agent_that_cannot_recover(arms):
    eps = 0.08  # the world's default slip
    for h in (4, 8, 16, 32):
        d = paired_table(arms, "behaviour cloning", "no recovery", where={"irreversible": 0.0})
        row = d[d["knob"] == h].iloc[0]
        assert -0.03 <= row["low"] and row["high"] <= 0.03
        clone = arms[
            (arms["arm"] == "behaviour cloning")
            & (arms["horizon"] == h)
            & (arms["irreversible"] == 0)
        ]
        assert abs(clone["success"].mean() - (1 - eps) ** h) < 0.05


def test_rl_on_its_own_rollouts_learns_to_recover(tables):
    c09 = tables["C09"]
    assert (c09["low"] > 0.2).all() and c09.set_index("knob").loc[32, "low"] > 0.8


def test_a_copier_of_corrected_demonstrations_recovers_as_well_as_rl(tables):
    c04 = tables["C04"]
    counted = c04[c04["knob"].str.contains("failing count")]
    assert len(counted) == 4
    assert (counted["low"] >= -0.05).all() and (counted["high"] <= 0.05).all()
    # with alarms only, the copier is not worse than RL (on these seeds it is better)
    alarms = c04[c04["knob"].str.contains("alarms only")].iloc[0]
    assert alarms["low"] > -0.05


def test_with_alarms_only_neither_arm_sits_at_the_ceiling():
    """C04's hard setting can come out either way: both arms miss silent mistakes."""
    hidden = pd.concat([hidden_mistakes_experiment(s) for s in SEEDS], ignore_index=True)
    means = hidden.groupby("arm")["success"].mean()
    assert set(means.index) == {"DART", "RL (verifier)"}
    assert (means < 0.8).all() and (means > 0.2).all(), means.to_dict()
    per_seed = hidden.pivot(index="seed", columns="arm", values="success")
    difference = per_seed["DART"] - per_seed["RL (verifier)"]
    assert difference.std() > 0.02, "the paired difference is pinned: a ceiling or a floor"


def test_no_arm_recovers_when_every_step_is_irreversible(arms):
    where = {"irreversible": 1.0}
    for other in ("behaviour cloning", "DART", "DAgger"):
        d = paired_table(arms, "RL (verifier)", other, where=where)
        assert (d["low"] >= -0.05).all() and (d["high"] <= 0.05).all(), other


def test_rl_needs_to_explore(tables):
    c11 = tables["C11"].set_index("knob")
    assert -0.05 <= c11.loc[0.5, "low"] and c11.loc[0.5, "high"] <= 0.05
    assert c11.loc[1.5, "low"] > 0.5


def test_hearing_the_failing_count_matters_only_for_silent_mistakes(tables):
    c06 = tables["C06"]
    assert (c06["low"] > 0.1).all()
    assert c06["estimate"].is_monotonic_increasing
    loud = pd.concat([feedback_experiment(s, silent_shares=(0.0,)) for s in SEEDS])
    d = paired_table(loud, "count", "alarm", knob="silent")
    assert -0.05 <= d.loc[0, "low"] and d.loc[0, "high"] <= 0.05


def test_the_committed_verdict_holds_on_these_seeds(tables):
    committed = load_verdicts()
    committed = committed[committed["lesson"] == LESSON].set_index("claim")["status"]
    fresh = {claim: judge(RULES[claim], tables[claim]).status for claim in RULES}
    assert fresh == committed.to_dict()
    assert np.isfinite(np.concatenate([t["estimate"] for t in tables.values()])).all()
