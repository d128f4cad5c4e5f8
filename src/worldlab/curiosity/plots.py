"""Figures of lesson 09 (curiosity and the noisy TV), in the course's palette.

Colours keep one meaning: random black, prediction error (surprise) vermillion, count bonus
orange, learning progress green, noise-aware (information gain) blue.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from worldlab.curiosity.agents import AGENTS
from worldlab.plots import PALETTE, ci_errors
from worldlab.plots.palette import COLORS, colormap
from worldlab.stats import mean_ci
from worldlab.worlds.noisy_tv import NoisyTVWorld

AGENT_COLORS = {
    "random": PALETTE["black"],
    "surprise": PALETTE["vermillion"],
    "count": PALETTE["orange"],
    "progress": PALETTE["green"],
    "noise-aware": PALETTE["blue"],
}


def plot_world(
    world: NoisyTVWorld, visits: np.ndarray | None = None, ax: Axes | None = None, title: str = ""
) -> Axes:
    """The grid: walls dark, floor light (or shaded by ``visits``, shape (n_cells,)), the TV marked."""
    ax = ax or plt.subplots(figsize=(7, 2.8))[1]
    grid = np.full((len(world.layout), len(world.layout[0])), np.nan)
    for i, (r, c) in enumerate(world.cells):
        grid[r, c] = 0.0 if visits is None else np.log1p(visits[i])
    ax.imshow(np.isnan(grid), cmap=colormap("mask"), vmin=0, vmax=1.6)
    ax.imshow(
        np.ma.masked_invalid(grid),
        cmap=colormap("visits"),
        vmin=0,
        vmax=None if visits is not None else 1,
    )
    tv_r, tv_c = world.cells[world.tv]
    ax.text(
        tv_c, tv_r, "TV", ha="center", va="center", color=PALETTE["vermillion"], fontweight="bold"
    )
    s_r, s_c = world.cells[world.start]
    ax.text(s_c, s_r, "S", ha="center", va="center", color=COLORS["black"], fontweight="bold")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    if title:
        ax.set_title(title)
    return ax


def plot_coverage(table: pd.DataFrame, channels: int, ax: Axes | None = None) -> Axes:
    """Mean coverage against steps for each agent, with a 95% band over seeds, at one noise level."""
    ax = ax or plt.subplots(figsize=(7, 4))[1]
    rows = table[table["channels"] == channels]
    for agent in [a for a in AGENTS if a in set(rows["agent"])]:
        curves = np.vstack(rows.loc[rows["agent"] == agent, "curve"].to_numpy())
        mean = curves.mean(axis=0)
        half = (
            2.0 * curves.std(axis=0, ddof=1) / np.sqrt(len(curves)) if len(curves) > 1 else 0 * mean
        )
        steps = np.arange(len(mean))
        ax.plot(steps, mean, color=AGENT_COLORS[agent], label=agent, linewidth=2)
        ax.fill_between(
            steps, mean - half, mean + half, color=AGENT_COLORS[agent], alpha=0.15, linewidth=0
        )
    ax.set_xlabel("steps")
    ax.set_ylabel("share of cells visited")
    ax.set_ylim(0, 1.02)
    ax.set_title(f"TV with {channels} channel(s)")
    ax.legend(loc="lower right")
    return ax


def plot_tv_share(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Share of steps spent watching the TV per agent, for each TV noise level (95% CI dots)."""
    ax = ax or plt.subplots(figsize=(7.5, 4))[1]
    agents = [a for a in AGENTS if a in set(table["agent"])]
    levels = sorted(table["channels"].unique())
    for j, channels in enumerate(levels):
        summary = mean_ci(table[table["channels"] == channels], by="agent", value="tv_share").loc[
            agents
        ]
        x = np.arange(len(agents)) + (j - (len(levels) - 1) / 2) * 0.25
        errors = ci_errors(summary)
        ax.errorbar(
            x,
            summary["mean"],
            yerr=errors,
            fmt="os^"[j % 3],
            capsize=4,
            markersize=8,
            color=[PALETTE["purple"], PALETTE["sky"], PALETTE["black"]][j % 3],
            label=f"{channels} channel(s)",
        )
    ax.set_xticks(np.arange(len(agents)), agents)
    ax.set_ylabel("share of steps watching the TV")
    ax.set_ylim(bottom=-0.03)
    ax.legend(title="TV noise")
    return ax


def curiosity_demo(channels: int, agent: str, surprise_fn, progress_fn, steps: int = 400) -> None:
    """The demo: where one agent spent its steps (left) and how much it covered (title)."""
    from worldlab.curiosity.agents import explore

    world = NoisyTVWorld(channels=int(channels))
    run = explore(world, agent, steps, np.random.default_rng(0), surprise_fn, progress_fn)
    visits = np.bincount(run["cells"], minlength=world.n_cells)
    covered = (visits > 0).mean()
    plot_world(
        world,
        visits,
        title=f"{agent}, {channels} channel(s): covered {covered:.0%}, "
        f"{run['at_tv'].mean():.0%} of steps at the TV (colour: log visits)",
    )
    plt.show()
