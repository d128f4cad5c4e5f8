"""Lesson 09's verdict as code: each row's rule, and the table of paired intervals it judges.

:data:`RULES` holds, per verdict row, a :class:`worldlab.debate.VerdictRule`: what is measured,
the sign each camp predicts, and the knob values the row covers. :func:`verdict_tables` turns
the lesson's runs over seeds (``table`` from :func:`~worldlab.curiosity.agents.exploration_table`,
``sweep`` from :func:`~worldlab.curiosity.agents.surprise_sweep` with figure 2's runs) into one
table per row with the columns ``knob``, ``estimate``, ``low``, ``high`` and ``n``: a paired
difference over seeds with lesson 00's 95% Student-t interval, cut to the range a difference of
shares can take, which :func:`worldlab.debate.judge` turns into a status and a finding.
"""

from __future__ import annotations

import pandas as pd

from worldlab.debate import VerdictRule
from worldlab.stats import paired_difference_table

#: A difference of shares lies in [-1, 1]; its interval is cut to that range.
SHARE_BOUNDS = (-1, 1)

RULES: dict[str, VerdictRule] = {
    "C27 explore": VerdictRule(
        "C27", "final coverage, curious agent − random walk", {"S": "+", "O": "0"},
        knob="agent, TV channels", bounds=SHARE_BOUNDS,
        note="Curiosity that plans toward interest explores, with or without noise, when the "
             "signal is novelty or learning progress (figure 2).",
        cannot_show="Creativity, or surprise in worlds where noise and structure are hard to tell "
                    "apart; the toy's model is a table."),
    "C27 trap": VerdictRule(
        "C27", "final coverage with little or no TV noise, prediction-error agent − random walk",
        {"S": "+", "O": "0"}, knob="surprise definition, TV channels", bounds=SHARE_BOUNDS,
        note="With a 30-channel TV the gain shrinks by an amount that depends on the definition "
             "and varies a lot from seed to seed (figure 4 and its printed intervals), so whether "
             "it reaches zero is not robust: this row judges the low-noise settings, the next row "
             "the trap itself.",
        cannot_show="Which definition of surprise a brain or a large model uses."),
    "C27 hooked": VerdictRule(
        "C27", "share of steps at a 30-channel TV, prediction-error agent − random walk",
        {"S": "0", "O": "+"}, knob="surprise definition", bounds=SHARE_BOUNDS, fmt="+.3f",
        margin=0.05,
        note="The noisy-TV trap, measured as time spent watching noise; an interval within a "
             "twentieth of the steps of zero counts as not hooked.",
        cannot_show="Noise at every scale, as real worlds have; here there is one TV."),
    "C20": VerdictRule(
        "C20", "curiosity retrofitted onto a language model", untestable=True,
        note="A curiosity signal can be added to any predictor with a forward model, and which "
             "signal is added matters (figures 3 and 4); the toy has no language model.",
        cannot_show="Whether such a retrofit works on a language model, which predicts text rather "
                    "than the outcomes of its actions."),
}  # fmt: skip

#: The curious agents the "C27 explore" row covers, and the definitions of surprise of the others.
EXPLORERS = ("count", "progress")
SURPRISE_DEFINITIONS = ("after", "before", "recent")
#: The TV's channels at which the trap is judged (figure 2's noisy TV).
NOISY_CHANNELS = 30


def _against_random(
    runs: pd.DataFrame, agent: str, value: str, label: str | None = None
) -> pd.DataFrame:
    """``value`` of ``agent`` − the random walk's, paired over seeds, one row per TV setting."""
    pair = runs[runs["agent"].isin([agent, "random"])]
    gain = paired_difference_table(
        pair, "channels", "agent", agent, "random", value=value, bounds=SHARE_BOUNDS
    )
    gain["knob"] = label if label is not None else [f"{agent}, {c}" for c in gain["knob"]]
    return gain


def verdict_tables(table: pd.DataFrame, sweep: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Per verdict row of :data:`RULES` (C20 has none: untestable), the table it judges.

    Parameters
    ----------
    table : figure 2's runs (columns ``seed``, ``channels``, ``agent``, ``coverage``,
        ``tv_share``), the random walk among the agents.
    sweep : figure 4's runs, one ``agent`` per definition of surprise and ``"random"``.

    Returns
    -------
    dict of row key to a DataFrame with columns ``knob``, ``estimate``, ``low``, ``high``, ``n``.
    """
    quiet = sweep[sweep["channels"] < NOISY_CHANNELS]
    noisy = sweep[sweep["channels"] == NOISY_CHANNELS]
    return {
        "C27 explore": pd.concat(
            [_against_random(table, agent, "coverage") for agent in EXPLORERS], ignore_index=True
        ),
        "C27 trap": pd.concat(
            [_against_random(quiet, kind, "coverage") for kind in SURPRISE_DEFINITIONS],
            ignore_index=True,
        ),
        "C27 hooked": pd.concat(
            [_against_random(noisy, kind, "tv_share", label=kind) for kind in SURPRISE_DEFINITIONS],
            ignore_index=True,
        ),
    }
