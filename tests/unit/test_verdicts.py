"""Verdicts as code: the declared rule, its generated finding, fresh seeds, proportion intervals."""

import numpy as np
import pandas as pd
import pytest

from worldlab.debate import (
    NO_DIFFERENCE,
    SEEDS_ENV,
    VERDICT_MIME,
    VERDICT_STATUSES,
    VerdictRule,
    judge,
    show_verdict,
    verdict_seeds,
)
from worldlab.stats import paired_difference_table, run_over_seeds, wilson_interval

# C22 is an optimists' claim (memory lets a frozen model keep up), C24 the skeptic's.
MEMORY = VerdictRule(
    "C22",
    "success, memory − frozen",
    predictions={"O": "+", "S": "0"},
    knob="distractors",
    cannot_show="real models",
)


def _table(*intervals):
    return pd.DataFrame(
        [
            {"knob": k, "estimate": (lo + hi) / 2, "low": lo, "high": hi, "n": 10}
            for k, (lo, hi) in enumerate(intervals)
        ]
    )


def test_each_status_is_reachable_and_the_rule_can_fail():
    assert judge(MEMORY, _table((0.1, 0.3), (0.05, 0.2))).status == "supported"
    assert judge(MEMORY, _table((-0.3, -0.1), (-0.2, -0.01))).status == "contradicted"
    assert judge(MEMORY, _table((0.1, 0.3), (-0.1, 0.1))).status == "mixed"
    assert judge(MEMORY, _table((-0.1, 0.1), (-0.2, 0.3))).status == NO_DIFFERENCE
    derivation = VerdictRule("C22", "success", predictions={"O": "+", "S": "0"}, derivation=True)
    assert judge(derivation, _table((0.1, 0.3))).status == "derivation"
    untestable = VerdictRule("C22", "memory in real models", untestable=True)
    assert judge(untestable).status == "untestable"
    reached = {"supported", "contradicted", "mixed", NO_DIFFERENCE, "derivation", "untestable"}
    assert reached == set(VERDICT_STATUSES)


def test_the_claims_camp_decides_the_direction():
    # The same intervals support the skeptic's C24 when the skeptic predicted the sign.
    forgetting = VerdictRule("C24", "old-task success, after − before", predictions={"S": "-"})
    assert judge(forgetting, _table((-0.5, -0.2))).status == "supported"
    assert judge(forgetting, _table((0.2, 0.5))).status == "contradicted"
    with pytest.raises(ValueError, match="camp 'S'"):
        judge(VerdictRule("C24", "x", predictions={"O": "+"}), _table((0.1, 0.2)))


def test_a_margin_lets_no_effect_be_observed():
    rule = VerdictRule("C24", "forgetting", predictions={"S": "0", "O": "+"}, margin=0.05)
    assert judge(rule, _table((-0.02, 0.03))).status == "supported"
    assert judge(rule, _table((-0.02, 0.2))).status == NO_DIFFERENCE
    plus = VerdictRule("C22", "gain", predictions={"O": "+", "S": "0"}, margin=0.05)
    assert judge(plus, _table((-0.02, 0.03))).status == "contradicted"
    # inside the margin counts as no effect even when the interval excludes the reference
    assert judge(plus, _table((0.01, 0.04))).status == "contradicted"
    assert judge(plus, _table((0.01, 0.2))).status == "supported"


def test_a_reference_other_than_zero():
    rule = VerdictRule("C22", "accuracy", predictions={"O": "+", "S": "-"}, reference=0.5)
    assert judge(rule, _table((0.4, 0.45))).status == "contradicted"
    assert judge(rule, _table((0.45, 0.55))).status == NO_DIFFERENCE


def test_the_finding_is_generated_from_the_numbers():
    row = judge(MEMORY, _table((0.1, 0.3), (-0.1, 0.1)))
    assert "+0.20 [+0.10, +0.30] at distractors = 0" in row.finding
    assert "+0.00 [-0.10, +0.10] at distractors = 1" in row.finding
    assert "above 0 at distractors = 0" in row.finding
    assert "including 0 at distractors = 1" in row.finding, "a mixed row says where it flips"
    assert row.values_text() == "0: +0.20 [+0.10, +0.30] (n=10); 1: +0.00 [-0.10, +0.10] (n=10)"
    record = row.record("99-x")
    assert record["predictions"] == "O+ S0" and record["status"] == "mixed"


def test_bad_tables_and_rules_are_refused():
    with pytest.raises(KeyError, match="missing"):
        judge(MEMORY, pd.DataFrame({"knob": [0], "estimate": [0.1]}))
    with pytest.raises(ValueError, match="outside its interval"):
        judge(MEMORY, pd.DataFrame({"knob": [0], "estimate": [0.5], "low": [0.1], "high": [0.2]}))
    with pytest.raises(ValueError, match="no rows"):
        judge(MEMORY, _table().reindex(columns=["knob", "estimate", "low", "high"]))
    proportion = VerdictRule("C22", "success", predictions={"O": "+", "S": "0"}, bounds=(0, 1))
    with pytest.raises(ValueError, match="Wilson interval"):
        judge(proportion, _table((-0.07, 0.39)))
    with pytest.raises(ValueError, match="types the number"):
        VerdictRule("C22", "success", predictions={"O": "+"}, note="it reached 0.27 of goals")
    with pytest.raises(ValueError, match="predicted sign"):
        VerdictRule("C22", "success", predictions={"O": "up"})
    with pytest.raises(ValueError, match="claim must be"):
        VerdictRule("22", "success", predictions={"O": "+"})


def test_verdict_seeds_are_the_lessons_unless_fresh(monkeypatch):
    monkeypatch.delenv(SEEDS_ENV, raising=False)
    assert verdict_seeds(range(3)) == [0, 1, 2] and verdict_seeds(4) == [0, 1, 2, 3]
    monkeypatch.setenv(SEEDS_ENV, "1000:30")
    fresh = verdict_seeds(range(10))
    assert fresh == list(range(1000, 1030))
    monkeypatch.setenv(SEEDS_ENV, "1000")
    with pytest.raises(ValueError, match="START:COUNT"):
        verdict_seeds(range(10))


def test_show_verdict_emits_the_rows_as_data(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: shown.append(obj))
    monkeypatch.delenv(SEEDS_ENV, raising=False)
    row = judge(MEMORY, _table((0.1, 0.3)))
    show_verdict("99-x", [row])
    (output,) = shown
    payload = output[VERDICT_MIME]
    assert payload["lesson"] == "99-x" and payload["fresh"] is False
    assert payload["rows"][0]["status"] == "supported"
    assert "| C22 |" in output["text/markdown"]
    with pytest.raises(TypeError, match="VerdictRow"):
        show_verdict("99-x", ["supported"])


def test_tooling_repeats_the_sciences_names_exactly():
    from worldlab.course import execution, verdicts
    from worldlab.debate import COMPUTED_COLUMNS, VERDICT_COLUMNS

    assert verdicts.VERDICT_MIME == VERDICT_MIME
    assert verdicts.SEEDS_ENV == SEEDS_ENV == execution.VERDICT_SEEDS_ENV
    assert verdicts.CSV_COLUMNS == VERDICT_COLUMNS + COMPUTED_COLUMNS


# ---- proportions ------------------------------------------------------------------------------


def test_wilson_interval_stays_in_unit_range_and_matches_the_formula():
    low, high = wilson_interval(0, 10)
    assert low == 0.0 and high == pytest.approx(0.2775, abs=1e-4)
    low, high = wilson_interval(5, 10)
    assert (low, high) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    k = np.arange(0, 31)
    lows, highs = wilson_interval(k, 30)
    assert np.all(lows >= 0) and np.all(highs <= 1) and np.all(lows <= k / 30 + 1e-12)
    assert np.all(highs >= k / 30 - 1e-12)
    with pytest.raises(ValueError, match="trials"):
        wilson_interval(11, 10)


def test_the_kit_carries_no_bootstrap():
    """Lesson 00's exercise is the bootstrap interval: the kit must not answer it."""
    import worldlab.stats

    assert not hasattr(worldlab.stats, "bootstrap_ci")


def test_paired_difference_table_is_what_judge_takes():
    df = run_over_seeds(
        lambda seed, arm, gap: seed + (gap if arm == "a" else 0.0) + 0.01 * (seed % 2),
        seeds=range(6),
        arm=["a", "b"],
        gap=[0.0, 1.0],
    )
    table = paired_difference_table(df, knob="gap", by="arm", a="a", b="b")
    assert list(table.columns) == ["knob", "estimate", "low", "high", "n"]
    assert table["estimate"].tolist() == pytest.approx([0.0, 1.0])
    row = judge(MEMORY, table)
    assert row.status == "mixed"


def test_bounded_mean_ci_never_leaves_the_range():
    from worldlab.stats import bounded_mean_ci, mean_ci

    df = pd.DataFrame(
        {
            "g": ["binary"] * 10 + ["share"] * 10,
            "v": [1.0] * 9 + [0.0] + [1.0] * 9 + [0.5],
        }
    )
    t = mean_ci(df, by="g", value="v")
    assert t.loc["share", "ci_high"] > 1, "the t interval crosses 1 here"
    ci = bounded_mean_ci(df, by="g", value="v")
    assert (ci["ci_low"] >= 0).all() and (ci["ci_high"] <= 1).all()
    assert (ci.loc["binary", "ci_low"], ci.loc["binary", "ci_high"]) == pytest.approx(
        wilson_interval(9, 10)
    )
    assert ci.loc["share", "ci_low"] == pytest.approx(t.loc["share", "ci_low"])
    with pytest.raises(ValueError, match="outside"):
        bounded_mean_ci(df.assign(v=df["v"] * 2), by="g", value="v")
    gaps = run_over_seeds(
        lambda seed, arm: 1.0 if arm == "a" else float(seed == 0), seeds=range(8), arm=["a", "b"]
    ).assign(k=1)
    cut = paired_difference_table(gaps, knob="k", by="arm", a="a", b="b", bounds=(-1, 1))
    assert cut["high"].iloc[0] <= 1
