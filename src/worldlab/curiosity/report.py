"""The numbers lesson 09's captions quote, printed: paired intervals over seeds.

:func:`print_trap` prints, for figures 2 and 3, each curious agent's coverage gain over the
random walk (lesson 00's paired 95% Student-t interval) and every agent's share of steps at the
TV and of the far room visited (intervals that stay inside [0, 1]); :func:`print_sweep` prints, for figure 4, the gain and
the TV share of each definition of surprise against the random walk, per number of channels.
"""

from __future__ import annotations

import pandas as pd

from worldlab.stats import bounded_mean_ci, paired_difference, paired_difference_table


def print_trap(table: pd.DataFrame, agents: tuple[str, ...] = ("surprise", "count", "progress")):
    """Print coverage − random walk per agent and TV setting, then TV and far-room shares.

    ``table`` has the columns of :func:`~worldlab.curiosity.agents.exploration_table`.
    """
    for channels in sorted(table["channels"].unique(), reverse=True):
        at = table[table["channels"] == channels]
        for agent in agents:
            d = paired_difference(at, by="agent", a=agent, b="random", value="coverage")
            print(
                f"{channels:>2} channel(s): coverage of {agent:<9} − random {d['mean']:+.2f} "
                f"[{d['ci_low']:+.2f}, {d['ci_high']:+.2f}]"
            )
    # shares of cells and of steps live in [0, 1]: intervals that stay inside it
    for column, label in (("tv_share", "steps at the TV"), ("far_room", "the far room visited")):
        print(f"\nshare of {label} (mean [95% interval]):")
        summary = bounded_mean_ci(table, by=["channels", "agent"], value=column)
        for (channels, agent), row in summary.iterrows():
            print(
                f"  {channels:>2} channel(s), {agent:<11} {row['mean']:.2f} "
                f"[{row['ci_low']:.2f}, {row['ci_high']:.2f}]"
            )


def print_sweep(sweep: pd.DataFrame, kinds: tuple[str, ...] = ("after", "before", "recent")):
    """Print, per definition of surprise and TV setting, coverage and TV share − random walk.

    ``sweep`` has one ``agent`` per definition of surprise and ``"random"`` (figure 4's runs).
    """
    for kind in kinds:
        pair = sweep[sweep["agent"].isin([kind, "random"])]
        cut = {"value": "coverage", "bounds": (-1, 1)}
        gain = paired_difference_table(pair, "channels", "agent", kind, "random", **cut)
        cut["value"] = "tv_share"
        tv = paired_difference_table(pair, "channels", "agent", kind, "random", **cut)
        for g, t in zip(gain.itertuples(), tv.itertuples(), strict=True):
            print(
                f"{kind:<6} {g.knob:>2} channel(s): coverage − random {g.estimate:+.2f} "
                f"[{g.low:+.2f}, {g.high:+.2f}]; TV share − random {t.estimate:+.3f} "
                f"[{t.low:+.3f}, {t.high:+.3f}]"
            )
