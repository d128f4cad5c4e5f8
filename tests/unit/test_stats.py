import numpy as np
import pandas as pd
import pytest
from scipy import stats

from worldlab.stats import mean_ci, paired_difference, run_over_seeds, t_critical


def test_run_over_seeds_is_tidy_and_crosses_conditions():
    df = run_over_seeds(lambda seed, a, b: seed + a * b, seeds=[3, 4], a=[1, 2], b=[10])
    assert list(df.columns) == ["seed", "a", "b", "value"]
    assert len(df) == 4
    assert df.loc[(df.seed == 4) & (df.a == 2), "value"].item() == 24


def test_run_over_seeds_accepts_named_results():
    df = run_over_seeds(lambda seed, k: {"x": seed, "y": k}, seeds=range(2), k=["p"])
    assert list(df.columns) == ["seed", "k", "x", "y"]


@pytest.mark.parametrize("bad", [[], "abc", 3])
def test_run_over_seeds_rejects_bad_conditions(bad):
    with pytest.raises(ValueError, match="condition 'k'"):
        run_over_seeds(lambda seed, k: 0.0, seeds=[0], k=bad)


def test_mean_ci_matches_the_t_formula():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"g": np.repeat(["a", "b"], [3, 8]), "v": rng.normal(size=11)})
    got = mean_ci(df, by="g", value="v")
    for name, n in (("a", 3), ("b", 8)):
        v = df.loc[df.g == name, "v"]
        half = stats.t.ppf(0.975, n - 1) * v.std(ddof=1) / np.sqrt(n)
        assert np.isclose(got.loc[name, "ci_high"], v.mean() + half)
        assert got.loc[name, "n"] == n


def test_mean_ci_explains_missing_columns_and_tiny_groups():
    df = pd.DataFrame({"g": ["a", "b", "b"], "v": [1.0, 2.0, 3.0]})
    with pytest.raises(KeyError, match="columns \\['w'\\] not in the table"):
        mean_ci(df, by="g", value="w")
    with pytest.raises(ValueError, match="fewer than 2 observations"):
        mean_ci(df, by="g", value="v")


def test_paired_difference_aligns_on_seed():
    df = pd.DataFrame(
        {"seed": [1, 0, 0, 1, 2], "c": ["x", "x", "y", "y", "x"], "v": [5.0, 3.0, 1.0, 2.0, 9.0]}
    )
    got = paired_difference(df, by="c", a="x", b="y", value="v")
    assert got["n"] == 2 and np.isclose(got["mean"], 2.5)


def test_t_critical_needs_two_observations():
    assert np.isclose(t_critical(3), 4.302652729911275)
    with pytest.raises(ValueError):
        t_critical(1)


def test_one_interval_serves_arrays_pairs_and_judge_rows():
    from worldlab.stats import interval_row, mean_interval, paired_ci, paired_difference

    mean, low, high = mean_interval([1.0, 2.0, 3.0])
    assert mean == 2.0 and np.isclose(high - mean, 4.302653 / np.sqrt(3))
    assert paired_ci([2.0, 3.0, 4.0], [1.0, 1.0, 1.0]) == (mean, low, high)
    row = interval_row("k", np.array([1.0, 2.0, 3.0]))
    assert row == {"knob": "k", "estimate": mean, "low": low, "high": high, "n": 3}
    df = pd.DataFrame(
        {"seed": [0, 1, 2] * 2, "arm": ["a"] * 3 + ["b"] * 3, "value": [2, 3, 4, 1, 1, 1]}
    )
    d = paired_difference(df, "arm", "a", "b")
    assert (d["mean"], d["ci_low"], d["ci_high"]) == (mean, low, high)
    with pytest.raises(ValueError, match="at least 2 values"):
        mean_interval([1.0])
