"""Lesson 07's verdict as code: each row's rule, and the table of paired intervals it judges.

:data:`RULES` holds, per row, a :class:`worldlab.debate.VerdictRule`: what is measured, the sign
each camp predicts, and the knob the row covers. :func:`verdict_tables` turns the lesson's
experiment tables into, per row, a table with one line per knob value and the columns ``knob``,
``estimate``, ``low``, ``high`` (the mean of a paired difference over seeds and its 95% Student-t
interval, :func:`worldlab.stats.paired_ci`) and ``n``, which
:func:`worldlab.debate.judge` turns into a status and a finding.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from worldlab.debate import VerdictRule
from worldlab.stats import interval_row as _interval_row

RULES = {
    "C10 pass@1": VerdictRule(
        "C10",
        "pass@1 on held-out problems, RL − base",
        {"O": "+", "S": "+"},
        note="Both camps expect this rise; what it does to reach is the C11 row.",
        cannot_show="Whether a large model's gains come the same way; the toy's policy is a "
        "softmax over a few dozen strategies.",
    ),
    "C10 curriculum": VerdictRule(
        "C10",
        "chance one try solves a ten-step puzzle, your curriculum − RL on ten-step puzzles only",
        {"O": "+", "S": "0"},
        note="RL on long puzzles alone gets no reward and never moves (figure 4).",
        cannot_show="Whether a large model's gains come the same way; real compositional tasks "
        "share less than one exact step skill.",
    ),
    "C11": VerdictRule(
        "C11",
        "pass@256, RL − base",
        {"S": "-", "O": "+"},
        knob="base (correct fraction, temperature)",
        note="RL reaches further only from a sharp base trained on a poor corpus (figure 3).",
        cannot_show="Whether real base models already reach the problems they are asked (that "
        "decides which case applies).",
    ),
    "C12": VerdictRule(
        "C12",
        "out-of-domain pass@1, RL − base",
        {"S": "-", "O": "+"},
        knob="general strategies work",
        unit="seeds",
        note="RL carries over what it sharpens only when the sharpened skill is shared (figure 5).",
        cannot_show="Which skills real models share across domains: the toy's only shared skill "
        "is a strategy that works everywhere.",
    ),
    "C14": VerdictRule(
        "C14",
        "distinct strategies in 256 tries, RL after 400 steps − base",
        {"S": "-", "O": "0"},
        knob="setting",
        note="Every step skill the curriculum sharpened was already in the base's support; "
        "whether composing sharpened skills counts as new capability is a matter of "
        "definition, not of measurement.",
        cannot_show="Whether scale turns steering into something more.",
    ),
    "C09": VerdictRule(
        "C09",
        "long agentic tasks after RL",
        untestable=True,
        note="The toy has one-step problems and short chains; rows C10 and C11 measure what it "
        "can.",
        cannot_show="Agents that act for hundreds of tool calls and recover from their own "
        "mistakes; the toy has no tools and no long episodes.",
    ),
    "C13": VerdictRule(
        "C13",
        "whether reasoning failures are like optical illusions",
        untestable=True,
        note="The toy has no proofs and no riddles.",
        cannot_show="Whether real reasoning failures resemble optical illusions, or what open "
        "mathematics needs.",
    ),
}


def interval_row(knob: str, a: Sequence[float], b: Sequence[float]) -> dict:
    """One knob value: the mean of ``a - b``, paired over seeds, with its 95% interval."""
    return _interval_row(knob, np.asarray(a, dtype=float) - np.asarray(b, dtype=float))


def verdict_tables(
    results: pd.DataFrame,
    sweep: pd.DataFrame,
    shared: pd.DataFrame,
    progress: pd.DataFrame,
    chains: pd.DataFrame,
) -> dict[str, pd.DataFrame]:
    """The interval table each testable row of :data:`RULES` judges, by row key.

    Parameters
    ----------
    results : one row per seed, from ``strategy_experiment`` (the default base).
    sweep : one row per narrow base: ``correct fraction``, ``temperature``, ``estimate``,
        ``low``, ``high``, ``n`` (RL − base at k = 256).
    shared : one row per seed, from ``transfer_experiment`` with general strategies at 70%.
    progress : one row per seed and checkpoint, from ``rl_checkpoints``.
    chains : one row per seed and schedule (``"your curriculum"``, ``"length 10 only"``), from
        ``chain_experiment``.
    """
    by_schedule = {name: rows.sort_values("seed") for name, rows in chains.groupby("schedule")}
    steps = {n: rows.sort_values("seed") for n, rows in progress.groupby("rl_steps")}
    reach = [interval_row("default (0.5, 1)", results["rl_pass@256"], results["base_pass@256"])]
    reach += [
        {**cell, "knob": f"({cell['correct fraction']:g}, {cell['temperature']:g})"}
        for cell in sweep.to_dict("records")
    ]
    curriculum = by_schedule["your curriculum"]["rl_pass@1"].to_numpy()
    direct = by_schedule["length 10 only"]["rl_pass@1"].to_numpy()
    return {
        "C10 pass@1": pd.DataFrame(
            [interval_row("default base", results["rl_pass@1"], results["base_pass@1"])]
        ),
        "C10 curriculum": pd.DataFrame([interval_row("ten-step puzzles", curriculum, direct)]),
        "C11": pd.DataFrame(reach)[["knob", "estimate", "low", "high", "n"]],
        "C12": pd.DataFrame(
            [
                interval_row(
                    "25% of the time", results["rl_ood_pass@1"], results["base_ood_pass@1"]
                ),
                interval_row("70% of the time", shared["rl_ood_pass@1"], shared["base_ood_pass@1"]),
            ]
        ),
        "C14": pd.DataFrame(
            [
                interval_row(
                    "default base",
                    steps[400]["coverage"].to_numpy(),
                    steps[0]["coverage"].to_numpy(),
                )
            ]
        ),
    }
