"""Lesson 06's verdict as code: each row's rule, and the tables of intervals it judges.

:data:`RULES` holds, per row, a :class:`worldlab.debate.VerdictRule`: what is measured, the sign
each camp predicts, and the knob the row covers. :func:`verdict_tables` turns the lesson's two
experiments (the moved goal, :func:`~worldlab.planning.goal_change_experiment`, and the
partial-model sweep, :func:`~worldlab.planning.exploration_sweep`) into one table per row with
the columns ``knob``, ``estimate``, ``low``, ``high`` and ``n``, which
:func:`worldlab.debate.judge` turns into a status and a finding.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from worldlab.debate import VerdictRule
from worldlab.stats import paired_difference, wilson_interval

#: The Q-learner that is told where the new goal is (a row of the goal-change table).
TOLD = "q-learning, told the goal"
#: Steps within which a run counts as reaching the goal, in the partial-model row.
WITHIN = 200

RULES = {
    "C07 told": VerdictRule(
        "C07",
        "steps to the moved goal, Q-learner told the goal − planner",
        {"S": "+", "O": "0"},
        knob="random exploration steps of the planner",
        fmt="+.0f",
        note="Both were told where the goal is; the planner's shortest route on a complete "
        "model is a derivation (Bellman's principle of optimality), so the finding is the "
        "model-free learner's gap to it.",
        cannot_show="Partially observed, stochastic, large worlds, where learned models are "
        "wrong somewhere and errors compound over a plan.",
    ),
    "C07 partial": VerdictRule(
        "C07",
        "share reaching the goal within two hundred steps, planner on a partial model − "
        "Q-learner told the goal",
        {"S": "+", "O": "0"},
        knob="random exploration steps",
        bounds=(-1.0, 1.0),
        note="The planner does not re-plan when a move surprises it.",
        cannot_show="A re-planning agent, or exploration guided by what the model does not "
        "know yet.",
    ),
    "C04": VerdictRule(
        "C04",
        "reaching a moved goal by copying an expert's actions",
        untestable=True,
        note="A clone of state-action pairs never reached the moved goal (figure 4): copying "
        "actions without a model of what they do does not transfer to a new goal, but a "
        "clone is a caricature of an LLM.",
        cannot_show="Whether LLMs are such copiers: this toy has no language model in it.",
    ),
}


def share_difference(k1: int, n1: int, k2: int, n2: int) -> tuple[float, float, float]:
    """``k1/n1 − k2/n2`` with Newcombe's 95% interval, built from the two Wilson intervals.

    Returns
    -------
    ``(difference, low, high)``; the interval stays within [−1, 1].
    """
    if min(n1, n2) < 1 or not (0 <= k1 <= n1 and 0 <= k2 <= n2):
        raise ValueError(f"need 0 <= k <= n and n >= 1, got {k1}/{n1} and {k2}/{n2}")
    p1, p2 = k1 / n1, k2 / n2
    (l1, u1), (l2, u2) = wilson_interval(k1, n1), wilson_interval(k2, n2)
    d = p1 - p2
    return d, d - float(np.hypot(p1 - l1, u2 - p2)), d + float(np.hypot(u1 - p1, p2 - l2))


def verdict_tables(moved: pd.DataFrame, sweep: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The interval tables of the rows of :data:`RULES` that are measured.

    Parameters
    ----------
    moved : the goal-change table (columns ``agent``, ``seed``, ``steps``; the planner explored
        1000 random steps).
    sweep : the partial-model sweep (columns ``explorer``, ``n_exploration``, ``reached``); the
        rows with ``explorer == "random walk"`` are judged.

    Returns
    -------
    ``{"C07 told": table, "C07 partial": table}``, each with the columns ``knob``, ``estimate``,
    ``low``, ``high`` and ``n`` (C04 is untestable here and has no table).
    """
    gap = paired_difference(moved, "agent", TOLD, "planner", value="steps")
    told = moved.loc[moved["agent"] == TOLD, "steps"] <= WITHIN
    partial = []
    for budget, part in sweep[sweep["explorer"] == "random walk"].groupby("n_exploration"):
        d, low, high = share_difference(
            int(part["reached"].sum()), len(part), int(told.sum()), len(told)
        )
        partial.append({"knob": budget, "estimate": d, "low": low, "high": high, "n": len(part)})
    told_row = {
        "knob": 1000,
        "estimate": gap["mean"],
        "low": gap["ci_low"],
        "high": gap["ci_high"],
        "n": gap["n"],
    }
    return {"C07 told": pd.DataFrame([told_row]), "C07 partial": pd.DataFrame(partial)}
