"""Science: blocking is the fingerprint of learning from prediction errors (10 seeds each).

Each seed draws the cues' saliences and which food deliveries fail, so the runs differ.
"""

import numpy as np
import pandas as pd

from worldlab import rescorla_wagner as rw
from worldlab.stats import paired_difference

SEEDS = range(10)


def _table(learner: str) -> pd.DataFrame:
    return pd.DataFrame([{"seed": s, **rw.blocking_experiment(s, learner)} for s in SEEDS])


def test_pretrained_cue_blocks_learning_about_the_added_cue():
    table = _table("rescorla-wagner")
    assert table["B_blocking"].mean() < 0.1, table["B_blocking"].mean()
    assert table["A_blocking"].mean() > 0.7  # food is omitted on 10% of trials
    # Without pre-training the two cues share the strength: B learns a lot.
    assert table["B_control"].mean() > 0.35
    long = table.melt(id_vars="seed", value_vars=["B_control", "B_blocking"], var_name="group")
    difference = paired_difference(long, "group", "B_control", "B_blocking")
    assert difference["ci_low"] > 0.25, difference


def test_copying_learner_is_not_blocked():
    table = _table("copying")
    assert table["B_blocking"].mean() > 0.8
    assert abs(table["B_blocking"].mean() - table["B_control"].mean()) < 0.05


def test_extinction_erases_the_error_driven_strength_but_not_the_counts():
    rw_final, copy_final, acquired = [], [], []
    for seed in SEEDS:
        schedule = rw.omit_food(rw.extinction(30, 30), 0.1, seed)
        strengths = rw.rescorla_wagner(schedule.cues, schedule.food, alpha=0.3)
        acquired.append(strengths[30, 0])
        rw_final.append(strengths[-1, 0])
        copy_final.append(rw.cooccurrence_learner(schedule.cues, schedule.food)[-1, 0])
    assert np.mean(acquired) > 0.8
    assert np.mean(rw_final) < 0.05
    # Counting keeps half its association after as many unrewarded trials as rewarded ones.
    assert np.mean(copy_final) > 0.35
