"""Science: an online learner's surprise falls, spikes when the world changes, falls again;
a model fitted once and frozen stays surprised (10 seeds)."""

import pandas as pd

from worldlab import online_learning as ol

SEEDS = range(10)


def _table(learning_rate: float = 0.05) -> pd.DataFrame:
    return pd.DataFrame([ol.surprise_summary(seed, learning_rate) for seed in SEEDS])


def test_surprise_falls_spikes_at_the_change_and_falls_again():
    table = _table().mean()
    floor = table["noise_floor"]
    assert table["online_before"] < 0.1 * table["online_start"], table
    assert table["online_before"] < 1.5 * floor, table
    assert table["online_after"] > 10 * table["online_before"], table
    assert table["online_end"] < 1.5 * floor, table


def test_frozen_model_stays_surprised_after_the_change():
    table = _table()
    # Before the change the frozen fit is as good as the online learner (it saw the same data).
    assert table["frozen_before"].mean() < 1.5 * table["noise_floor"].mean()
    assert (table["frozen_end"] > 10 * table["online_end"]).all()
    assert table["frozen_end"].mean() > 20 * table["online_end"].mean()


def test_learning_rate_trades_recovery_speed_for_steadiness():
    slow, fast = _table(0.01), _table(0.15)
    # A large step recovers from the change sooner...
    assert fast["online_after"].mean() < 0.6 * slow["online_after"].mean()
    # ...but every noisy observation shakes the model more, so it settles less close to the floor.
    assert fast["online_end"].mean() > 1.3 * slow["online_end"].mean()
