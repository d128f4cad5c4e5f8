"""Lesson 12's comparisons and figures: agents through the phases of a changing grid, over seeds."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from worldlab.lifelong.agent import (
    MAX_STEPS,
    no_bonus,
    run_frozen,
    run_lifelong,
    run_memory,
    summarise,
    surprise_bonus,
)
from worldlab.plots import PALETTE, ci_errors
from worldlab.plots.palette import COLORS, colormap
from worldlab.stats import bounded_mean_ci

AGENT_COLORS = {
    "lifelong": PALETTE["blue"],
    "surprise-seeker": PALETTE["vermillion"],
    "no bonus": PALETTE["purple"],
    "refit from base": PALETTE["green"],
    "frozen imitation": PALETTE["black"],
    "frozen + memory": PALETTE["orange"],
}
#: The learner of figure 4 that is told which phase it is in (one model per phase).
CUED = "one model per phase (cue)"
#: Figure 4's learners. The student's rule is the lifelong agent of figure 3 and keeps its blue;
#: the cued learner is the same agent told its phase (blue, open marker); the two fixed rules take
#: colours figure 3 does not use, so no colour changes meaning between the figures.
MEMORY_STYLES = {
    "your step_size": dict(color=PALETTE["blue"], marker="o"),
    CUED: dict(color=PALETTE["blue"], marker="o", markerfacecolor=COLORS["white"]),
    "keep-all 1/(n+1)": dict(color=COLORS["dark grey"], marker="s"),
    "constant 0.3": dict(color=PALETTE["sky"], marker="D"),
}


def compare_agents(
    seeds: Iterable[int], update: Callable, sweep: Callable, bonus: Callable, step_size: Callable
) -> pd.DataFrame:
    """Every agent on every seed, recounted by :func:`summarise`.

    Returns
    -------
    tidy DataFrame, one row per (agent, seed, phase), with the columns of :func:`summarise`.
    """
    parts = dict(update=update, sweep=sweep, step_size=step_size)
    runners = {
        "lifelong": lambda s: run_lifelong(s, bonus=bonus, **parts),
        "surprise-seeker": lambda s: run_lifelong(s, bonus=surprise_bonus, **parts),
        "no bonus": lambda s: run_lifelong(s, bonus=no_bonus, **parts),
        "refit from base": lambda s: run_lifelong(s, bonus=bonus, refit=True, **parts),
        "frozen imitation": lambda s: run_frozen(s),
        "frozen + memory": lambda s: run_memory(s),
    }
    rows = []
    for agent, run in runners.items():
        for seed in seeds:
            table = summarise(run(int(seed)), int(seed))
            rows.append(table.assign(agent=agent, seed=int(seed)))
    return pd.concat(rows, ignore_index=True)


def compare_memories(
    seeds: Iterable[int],
    update: Callable,
    sweep: Callable,
    bonus: Callable,
    step_sizes: dict,
    cued: Callable | None = None,
) -> pd.DataFrame:
    """The lifelong agent with each named ``step_size`` rule; same columns plus ``memory``.

    With ``cued`` (a step-size rule), the agent that is told the phase and keeps one model per
    phase (``run_lifelong(..., cue=True)``) is added under the name :data:`CUED`.
    """
    learners = {name: dict(step_size=rule, cue=False) for name, rule in step_sizes.items()}
    if cued is not None:
        learners[CUED] = dict(step_size=cued, cue=True)
    rows = []
    for name, options in learners.items():
        for seed in seeds:
            run = run_lifelong(int(seed), update=update, sweep=sweep, bonus=bonus, **options)
            rows.append(summarise(run, int(seed)).assign(memory=name, seed=int(seed)))
    return pd.concat(rows, ignore_index=True)


def _by_phase(
    ax,
    table: pd.DataFrame,
    group: str,
    value: str,
    colors: dict,
    ylabel: str,
    bounds: tuple[float, float] = (0.0, 1.0),
    styles: dict | None = None,
) -> None:
    names = list(dict.fromkeys(table[group]))
    width = 0.8 / len(names)
    for i, name in enumerate(names):
        rows = table[(table[group] == name)].dropna(subset=[value])
        if rows.empty:
            continue
        ci = bounded_mean_ci(rows, by="phase", value=value, bounds=bounds)
        x = ci.index.to_numpy() + (i - (len(names) - 1) / 2) * width
        style = (styles or {}).get(name, dict(color=colors.get(name, COLORS["grey"]), marker="o"))
        ax.errorbar(
            x, ci["mean"], yerr=ci_errors(ci), linestyle="none", label=name, capsize=3, **style
        )
    ax.set_xticks(range(3), ["phase 0", "phase 1\n(door moves)", "phase 2\n(N/S swapped)"])
    ax.set_ylabel(ylabel)


def plot_agents(table: pd.DataFrame) -> plt.Figure:
    """Success, steps to goal and time at the TV per phase, one marker per agent (95% intervals
    over worlds that stay inside the range of each quantity: see ``bounded_mean_ci``)."""
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    _by_phase(
        axes[0], table, "agent", "success", AGENT_COLORS, "share of episodes reaching the goal"
    )
    _by_phase(
        axes[1],
        table,
        "agent",
        "steps",
        AGENT_COLORS,
        "steps per episode (failure = 30)",
        bounds=(1.0, float(MAX_STEPS)),
    )
    _by_phase(axes[2], table, "agent", "tv_share", AGENT_COLORS, "share of steps watching the TV")
    axes[0].set_ylim(-0.05, 1.05)
    axes[2].set_ylim(-0.05, 1.05)
    _legend_above(fig, axes[0], ncol=6)
    return fig


def _legend_above(fig: plt.Figure, ax, ncol: int) -> None:
    """One legend for the figure, in a row above the panels, where it can cover no data."""
    handles, labels = ax.get_legend_handles_labels()
    fig.tight_layout(rect=(0, 0, 1, 0.88))
    fig.legend(handles, labels, loc="upper center", ncol=ncol, fontsize=9, frameon=False)


def plot_memories(table: pd.DataFrame) -> plt.Figure:
    """Success in each phase and success on phase 0's task after it, per memory rule (95%
    intervals kept inside [0, 1]: see ``bounded_mean_ci``). Styles from :data:`MEMORY_STYLES`
    (a rule not listed there is drawn in grey)."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
    _by_phase(
        axes[0],
        table,
        "memory",
        "success",
        {},
        "share of episodes reaching the goal",
        styles=MEMORY_STYLES,
    )
    _by_phase(
        axes[1],
        table,
        "memory",
        "forgotten_success",
        {},
        "evaluation on phase 0's task succeeds",
        styles=MEMORY_STYLES,
    )
    for ax in axes:
        ax.set_ylim(-0.05, 1.05)
    _legend_above(fig, axes[0], ncol=4)
    return fig


def draw_grid(world, title: str | None = None) -> plt.Figure:
    """The grid of each phase: walls, doors, start, goal and the TV; ``title`` above them all
    (in its own band, so it cannot overprint a panel's title)."""
    from worldlab.worlds.changing_grid import HEIGHT, START, TV, WIDTH

    fig, axes = plt.subplots(1, 3, figsize=(11, 3.3 if title else 3))
    for phase, ax in enumerate(axes):
        walls = world.blocked(phase).reshape(HEIGHT, WIDTH)
        ax.imshow(np.where(walls, 0.2, 1.0), cmap=colormap("image"), vmin=0, vmax=1)
        for pos, label, color in [
            (START, "S", PALETTE["blue"]),
            (TV, "TV", PALETTE["vermillion"]),
            (world.goals[phase], "G", PALETTE["green"]),
        ]:
            ax.text(
                pos % WIDTH,
                pos // WIDTH,
                label,
                ha="center",
                va="center",
                color=color,
                fontsize=13,
                fontweight="bold",
            )
        if phase == 2:
            ax.add_patch(
                plt.Rectangle((3.5, 1.5), 2, 3, fill=False, ls="--", color=PALETTE["purple"])
            )
        ax.set_title(["phase 0", "phase 1: door moves", "phase 2: N/S swapped in the box"][phase])
        # a light line between cells, so a reader can count positions
        ax.set_xticks(np.arange(-0.5, WIDTH, 1.0), minor=True)
        ax.set_yticks(np.arange(-0.5, HEIGHT, 1.0), minor=True)
        ax.grid(which="minor", color=COLORS["light grey"], linewidth=0.6)
        ax.grid(which="major", visible=False)
        ax.tick_params(which="both", length=0)
        ax.set_xticks([])
        ax.set_yticks([])
    if title:
        fig.suptitle(title, fontsize=11)
        fig.tight_layout(rect=(0, 0, 1, 0.9))
    else:
        fig.tight_layout()
    return fig


def world_demo(world_seed: int) -> None:
    """The demo: the three phases of the world drawn from ``world_seed`` (goals move with it)."""
    from worldlab.worlds.changing_grid import ChangingGrid

    draw_grid(ChangingGrid(int(world_seed)), title=f"world {int(world_seed)}")
    plt.show()
