"""Lesson 12's verdict quantities: paired differences over worlds, one table per verdict row.

Every table has the columns :func:`worldlab.debate.judge` takes (``knob``, ``estimate``,
``low``, ``high``, ``n``): 95% percentile-bootstrap intervals over worlds (each world is one
unit), which stay inside [-1, 1] for differences of shares.
"""

from __future__ import annotations

import pandas as pd

from worldlab.lifelong.plots import CUED
from worldlab.stats import bootstrap_ci, paired_difference_table


def after_changes(table: pd.DataFrame, group: str = "agent") -> pd.DataFrame:
    """Per (``group``, seed): the mean over phases 1 and 2 (after the world changed)."""
    later = table[table["phase"] > 0]
    return later.groupby([group, "seed"], as_index=False).mean(numeric_only=True)


def difference(
    table: pd.DataFrame, a: str, b: str, value: str = "success", group: str = "agent"
) -> pd.DataFrame:
    """One-row table: ``value`` after the changes, ``a − b``, paired over worlds."""
    later = after_changes(table, group).assign(setting="after the changes")
    return paired_difference_table(
        later, knob="setting", by=group, a=a, b=b, value=value, interval="bootstrap"
    )


def curiosity_table(agents: pd.DataFrame) -> pd.DataFrame:
    """Success after the changes, curious agent − the same agent without a bonus, per bonus."""
    parts = []
    for bonus, agent in (("prediction error", "surprise-seeker"), ("fading count", "lifelong")):
        parts.append(difference(agents, agent, "no bonus").assign(knob=bonus))
    return pd.concat(parts, ignore_index=True)


def forgetting(memories: pd.DataFrame) -> pd.DataFrame:
    """Per (memory, seed): phase 0's task solved after phase 0 minus after phase 2 (in {-1, 0, 1})."""
    wide = memories.pivot_table(
        index=["memory", "seed"], columns="phase", values="forgotten_success"
    )
    return (wide[0] - wide[2]).rename("forgetting").reset_index()


def forgetting_table(memories: pd.DataFrame) -> pd.DataFrame:
    """Forgetting of phase 0's task, one row per learner (bootstrap over worlds)."""
    per_world = forgetting(memories)
    rows = []
    for name, group in per_world.groupby("memory", sort=False):
        mean, low, high = bootstrap_ci(group["forgetting"].to_numpy())
        rows.append({"knob": name, "estimate": mean, "low": low, "high": high, "n": len(group)})
    table = pd.DataFrame(rows)
    order = [n for n in dict.fromkeys(memories["memory"]) if n != CUED] + [CUED]
    table["knob"] = pd.Categorical(table["knob"], categories=order, ordered=True)
    return table.sort_values("knob").assign(knob=lambda t: t["knob"].astype(str))


def success_by_phase(agents: pd.DataFrame, agent: str = "lifelong") -> pd.DataFrame:
    """The agent's share of episodes reaching the goal in phases 1 and 2 (bootstrap over worlds)."""
    rows = []
    for phase in (1, 2):
        values = agents[(agents["agent"] == agent) & (agents["phase"] == phase)]["success"]
        mean, low, high = bootstrap_ci(values.to_numpy())
        rows.append({"knob": phase, "estimate": mean, "low": low, "high": high, "n": len(values)})
    return pd.DataFrame(rows)
