"""Lesson 12's verdict quantities, one table per verdict row, with each world as one unit.

Every table has the columns :func:`worldlab.debate.judge` takes (``knob``, ``estimate``,
``low``, ``high``, ``n``) and a 95% interval that stays inside the quantity's range: paired
Student-t intervals over worlds cut to [-1, 1] for differences of shares, and Wilson intervals
for shares of worlds (one outcome per world).
"""

from __future__ import annotations

import pandas as pd

from worldlab.lifelong.plots import CUED
from worldlab.stats import paired_difference_table, wilson_interval


def after_changes(table: pd.DataFrame, group: str = "agent") -> pd.DataFrame:
    """Per (``group``, seed): the mean over phases 1 and 2 (after the world changed)."""
    later = table[table["phase"] > 0]
    return later.groupby([group, "seed"], as_index=False).mean(numeric_only=True)


def difference(
    table: pd.DataFrame, a: str, b: str, value: str = "success", group: str = "agent"
) -> pd.DataFrame:
    """One-row table: ``value`` after the changes, ``a − b``, paired over worlds.

    A share (``success``, ``tv_share``) gets its interval cut to [-1, 1]; other values are not cut.
    """
    later = after_changes(table, group).assign(setting="after the changes")
    bounds = (-1.0, 1.0) if value in ("success", "tv_share") else None
    return paired_difference_table(
        later, knob="setting", by=group, a=a, b=b, value=value, bounds=bounds
    )


def curiosity_table(agents: pd.DataFrame) -> pd.DataFrame:
    """Success after the changes, curious agent − the same agent without a bonus, per bonus."""
    parts = []
    for bonus, agent in (("prediction error", "surprise-seeker"), ("fading count", "lifelong")):
        parts.append(difference(agents, agent, "no bonus").assign(knob=bonus))
    return pd.concat(parts, ignore_index=True)


def _share_of_worlds(rows: list[tuple[object, pd.Series]]) -> pd.DataFrame:
    out = []
    for knob, outcome in rows:
        k, n = int(outcome.sum()), len(outcome)
        low, high = wilson_interval(k, n)
        out.append({"knob": knob, "estimate": k / n, "low": low, "high": high, "n": n})
    return pd.DataFrame(out)


def forgetting_table(memories: pd.DataFrame) -> pd.DataFrame:
    """Per learner: the share of worlds that solved phase 0's task after phase 0 and fail it
    after phase 2 (Wilson interval over those worlds)."""
    wide = memories.pivot_table(
        index=["memory", "seed"], columns="phase", values="forgotten_success"
    )
    solved = wide[wide[0] == 1.0]
    order = [n for n in dict.fromkeys(memories["memory"]) if n != CUED]
    order += [CUED] if CUED in set(memories["memory"]) else []
    return _share_of_worlds(
        [(name, solved.loc[name][2] == 0.0) for name in order if name in solved.index]
    )


def success_by_phase(agents: pd.DataFrame, agent: str = "lifelong") -> pd.DataFrame:
    """Per later phase: the share of worlds in which ``agent`` reaches the goal in more than half
    of the phase's episodes (Wilson interval over worlds)."""
    rows = agents[agents["agent"] == agent]
    return _share_of_worlds(
        [(phase, rows[rows["phase"] == phase]["success"] > 0.5) for phase in (1, 2)]
    )
