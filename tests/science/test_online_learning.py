"""Science: an online learner's surprise falls, spikes when the world changes, falls again; a
model fitted once and frozen stays surprised; a model with the same frozen weights that
conditions on its recent context recovers from the change but not from a new session (20 seeds,
paired over seeds). The delta rule is lesson 05's reference, loaded from the lesson source."""

import pandas as pd
import pytest

from worldlab.course.references import load_reference
from worldlab.prediction_error import in_context as ic
from worldlab.prediction_error import online as ol
from worldlab.stats import paired_difference

SEEDS = range(20)


@pytest.fixture(scope="module")
def update():
    return load_reference("05-learning-from-surprise", "delta_rule_update")


def _table(update, learning_rate: float = 0.05) -> pd.DataFrame:
    return pd.DataFrame([ol.surprise_summary(seed, update, learning_rate) for seed in SEEDS])


def test_surprise_falls_spikes_at_the_change_and_falls_again(update):
    table = _table(update).mean()
    floor = table["noise_floor"]
    assert table["online_before"] < 0.1 * table["online_start"], table
    assert table["online_before"] < 1.5 * floor, table
    assert table["online_after"] > 10 * table["online_before"], table
    assert table["online_end"] < 1.5 * floor, table


def test_frozen_model_stays_surprised_after_the_change(update):
    table = _table(update)
    # Before the change the frozen fit is as good as the online learner (it saw the same data).
    assert table["frozen_before"].mean() < 1.5 * table["noise_floor"].mean()
    assert (table["frozen_end"] > 10 * table["online_end"]).all()
    assert table["frozen_end"].mean() > 20 * table["online_end"].mean()


def test_learning_rate_trades_recovery_speed_for_steadiness(update):
    """Paired over seeds. Could fail either way: a larger step might not recover sooner, or might
    settle as close to the floor. (At 0.15 one stream in 20 nearly diverges; 0.1 stays stable.)"""
    slow, fast = _table(update, 0.01), _table(update, 0.1)
    slow["rate"], fast["rate"] = "slow", "fast"
    both = pd.concat([slow.assign(seed=list(SEEDS)), fast.assign(seed=list(SEEDS))])
    # A large step recovers from the change sooner...
    after = paired_difference(both, "rate", "slow", "fast", value="online_after")
    assert after["ci_low"] > 0, after
    # ...but every noisy observation shakes the model more, so it settles less close to the floor.
    end = paired_difference(both, "rate", "fast", "slow", value="online_end")
    assert end["ci_low"] > 0, end


@pytest.fixture(scope="module")
def deployed(update):
    return pd.DataFrame([{"seed": s, **ic.deployment_summary(s, update)} for s in SEEDS])


def _paired(table, a, b):
    long = table.melt(id_vars="seed", value_vars=[a, b], var_name="model")
    return paired_difference(long, "model", a, b)


def test_in_context_model_recovers_from_the_change(deployed):
    """The optimist's prediction, where it holds: frozen weights + context follow the new world.
    Could fail: had the in-context model stayed as surprised as the frozen one after the change,
    or settled above the online learner."""
    assert _paired(deployed, "frozen_after", "in_context_after")["ci_low"] > 0
    settled = _paired(deployed, "in_context_settled", "online_settled")
    assert abs(settled["mean"]) < 0.25 * deployed["noise_floor"].mean(), settled
    assert deployed["in_context_settled"].mean() < 1.5 * deployed["noise_floor"].mean()


def test_verdict_rows_hold_where_each_camp_predicts(deployed):
    """Lesson 05's verdict: right after the change the in-context model is worse than the
    learner (the skeptic's side of C21), once settled within the row's margin of it, a quarter of
    the noise floor (the optimist's side), and better than the frozen model in both windows (C22,
    within a session). Could fail: a window of 50 that never emptied of the old world would keep
    the settled difference above the margin."""
    margin = 0.25 * deployed["noise_floor"].mean()
    assert _paired(deployed, "in_context_after", "online_after")["ci_low"] > 0
    settled = _paired(deployed, "in_context_settled", "online_settled")
    assert -margin < settled["ci_low"] and settled["ci_high"] < margin, (settled, margin)
    for window in ("after", "settled"):
        assert _paired(deployed, f"frozen_{window}", f"in_context_{window}")["ci_low"] > 0


def test_in_context_adaptation_is_lost_with_the_context(deployed):
    """The skeptic's prediction, where it holds: a new session restarts from the old prior.
    Could fail: had the in-context model kept what it adapted (fresh close to settled)."""
    fresh = _paired(deployed, "in_context_fresh", "online_fresh")
    assert fresh["ci_low"] > 10 * deployed["noise_floor"].mean(), fresh


def test_context_window_trades_recovery_speed_for_steadiness(update):
    """Like the learning rate: a short window recovers sooner but settles noisier."""
    rows = [
        {"seed": s, "window": w, **ic.deployment_summary(s, update, window=w)}
        for w in (10, 100)
        for s in range(10)
    ]
    means = pd.DataFrame(rows).groupby("window").mean()
    assert means.loc[10, "in_context_after"] < 0.6 * means.loc[100, "in_context_after"]
    assert means.loc[10, "in_context_settled"] > 1.5 * means.loc[100, "in_context_settled"]


def test_reference_change_detector_is_reliable_at_every_noise_level(update):
    """The design task's reference is graded as "at most one late alarm and at most one false
    alarm in 16 worlds" on every grading seed. With a window of 5 steps it raised a false alarm in
    about 2% of quiet streams and failed that check on 4 of 100 grading seeds; over a window of
    15 it must raise none here, and every alarm within 25 steps of the change (40 streams at the
    two ends of the noise range)."""
    detect = load_reference("05-learning-from-surprise", "detect_change")
    for seed in range(10):
        for noise in (0.05, 0.25):
            for change_at in (600, 250 + 20 * seed):
                stream = ol.make_stream(1000 + seed, 600, change_at, noise)
                surprise = ol.learn_online(stream, 0.05, update).surprise[100:]
                alarm = detect(surprise, stream.noise_floor)
                if change_at == 600:
                    assert alarm == -1, (seed, noise, alarm)
                else:
                    assert change_at - 100 <= alarm <= change_at - 75, (seed, noise, alarm)
