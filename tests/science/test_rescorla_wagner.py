"""Science: blocking is the fingerprint of learning from prediction errors (20 seeds each).

Each seed draws the cues' saliences and which food deliveries fail, so the runs differ; the
blocking and control groups of one seed share both, so the blocking effect is a paired
difference. The Rescorla–Wagner rule is lesson 05's reference, loaded from the lesson source.
"""

import numpy as np
import pandas as pd
import pytest

from worldlab.course.references import load_reference
from worldlab.prediction_error import rescorla_wagner as rw
from worldlab.stats import paired_difference

SEEDS = range(20)


@pytest.fixture(scope="module")
def rescorla_wagner():
    return load_reference("05-learning-from-surprise", "rescorla_wagner")


def _table(rule, n_pretraining: int = 30) -> pd.DataFrame:
    return pd.DataFrame(
        [{"seed": s, **rw.blocking_experiment(s, rule, n_pretraining=n_pretraining)} for s in SEEDS]
    )


def _effect(table: pd.DataFrame) -> dict:
    long = table.melt(id_vars="seed", value_vars=["B_control", "B_blocking"], var_name="group")
    return paired_difference(long, "group", "B_control", "B_blocking")


def test_pretrained_cue_blocks_learning_about_the_added_cue(rescorla_wagner):
    """Could fail: an error-driven learner whose B learned in the blocking group as in the control
    (the effect's interval would then reach down to 0)."""
    table = _table(rescorla_wagner)
    assert table["B_blocking"].mean() < 0.1, table["B_blocking"].mean()
    assert table["A_blocking"].mean() > 0.7  # food is omitted on 10% of trials
    assert table["B_control"].mean() > 0.35
    assert _effect(table)["ci_low"] > 0.25


def test_blocking_goes_below_zero_on_some_seeds(rescorla_wagner):
    """What the lesson says: omitted food in the compound phase is a negative error that B shares,
    so B can end below 0. Could fail if no seed (of 20) had such an omission late enough."""
    table = _table(rescorla_wagner)
    assert (table["B_blocking"] < 0).sum() >= 2
    assert table["B_blocking"].min() > -0.5


def test_short_pretraining_makes_blocking_partial(rescorla_wagner):
    """The setting where B does learn in the blocking group: A has not reached λ. Could fail if
    blocking were all-or-nothing (the effect would not grow with pre-training)."""
    short, long = _effect(_table(rescorla_wagner, 1)), _effect(_table(rescorla_wagner, 30))
    assert short["ci_high"] < long["ci_low"], (short, long)
    assert short["mean"] < 0.6 * long["mean"]


def test_copying_learner_is_not_blocked():
    """True by construction (B's trials are identical in both groups): a derivation, pinned."""
    table = _table(rw.cooccurrence_learner)
    assert table["B_blocking"].mean() > 0.8
    np.testing.assert_array_equal(table["blocking_effect"], 0.0)


def test_extinction_erases_the_error_driven_strength_but_not_the_counts(rescorla_wagner):
    rw_final, copy_final, acquired = [], [], []
    for seed in SEEDS:
        schedule = rw.omit_food(rw.extinction(30, 30), 0.1, seed)
        strengths = rescorla_wagner(schedule.cues, schedule.food, alpha=0.3)
        acquired.append(strengths[30, 0])
        rw_final.append(strengths[-1, 0])
        copy_final.append(rw.cooccurrence_learner(schedule.cues, schedule.food)[-1, 0])
    assert np.mean(acquired) > 0.8
    assert np.mean(rw_final) < 0.05
    # Counting keeps half its association after as many unrewarded trials as rewarded ones.
    assert np.mean(copy_final) > 0.35
