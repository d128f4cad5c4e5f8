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
from worldlab.stats import bounded_mean_ci, mean_ci, paired_difference_table
from worldlab.worlds.noisy_tv import NoisyTVWorld

AGENT_COLORS = {
    "random": PALETTE["black"],
    "surprise": PALETTE["vermillion"],
    "count": PALETTE["orange"],
    "progress": PALETTE["green"],
    "noise-aware": PALETTE["blue"],
}


#: What the prediction-error agent rewards under each definition of surprise (the sweep).
KIND_STYLES = {
    "after": (PALETTE["vermillion"], "o", "surprise still left after the update"),
    "before": (PALETTE["purple"], "s", "surprise when it happened"),
    "recent": (PALETTE["sky"], "^", "mean of the recent surprises"),
}


def plot_world(
    world: NoisyTVWorld, visits: np.ndarray | None = None, ax: Axes | None = None, title: str = ""
) -> Axes:
    """The grid: walls dark, floor light (or shaded by ``visits``, shape (n_cells,)), the TV marked.

    With ``visits``, cells are coloured by visit count on a log scale with a colour bar; a cell
    never visited is white (so a cell visited once is visibly coloured), and thin lines mark the
    cell grid.
    """
    ax = ax or plt.subplots(figsize=(7, 2.8))[1]
    grid = np.full((len(world.layout), len(world.layout[0])), np.nan)
    for i, (r, c) in enumerate(world.cells):
        grid[r, c] = 0.0 if visits is None else visits[i]
    ax.imshow(np.isnan(grid), cmap=colormap("mask"), vmin=0, vmax=1.6)
    if visits is None:
        ax.imshow(np.ma.masked_invalid(grid), cmap=colormap("visits"), vmin=0, vmax=1)
    else:
        from matplotlib.colors import LogNorm

        # unvisited floor stays white (the mask's floor colour); a visit of one is already coloured
        visited = np.ma.masked_where(~(grid > 0), grid)
        image = ax.imshow(
            visited,
            cmap=colormap("visits"),
            norm=LogNorm(vmin=0.3, vmax=max(2.0, float(np.nanmax(grid)))),
        )
        ax.figure.colorbar(image, ax=ax, label="visits (log scale)", shrink=0.9, pad=0.02)
    rows, cols = grid.shape
    ax.set_xticks(np.arange(-0.5, cols, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, rows, 1), minor=True)
    ax.grid(True, which="minor", color=COLORS["white"], linewidth=0.6)
    ax.tick_params(which="both", length=0)
    tv_r, tv_c = world.cells[world.tv]
    ax.text(
        tv_c, tv_r, "TV", ha="center", va="center", color=PALETTE["vermillion"], fontweight="bold"
    )
    s_r, s_c = world.cells[world.start]
    ax.text(s_c, s_r, "S", ha="center", va="center", color=COLORS["black"], fontweight="bold")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False, which="major")
    if title:
        ax.set_title(title, fontsize=10)
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
        f"{run['at_tv'].mean():.0%} of steps at the TV",
    )
    plt.show()


def plot_surprise_sweep(sweep: pd.DataFrame, axes: list[Axes] | None = None) -> list[Axes]:
    """The trap across definitions of surprise and TV noise (a :func:`surprise_sweep` table).

    Left: final coverage, prediction-error agent − random walk (paired over seeds, 95% interval).
    Right: share of steps watching the TV (95% interval, kept inside [0, 1]), the random walk in
    black for reference.
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(12, 4), layout="constrained")
    levels = sorted(sweep["channels"].unique())
    x = np.arange(len(levels))
    kinds = [k for k in KIND_STYLES if k in set(sweep["agent"])]
    for j, kind in enumerate(kinds):
        color, marker, label = KIND_STYLES[kind]
        shift = (j - (len(kinds) - 1) / 2) * 0.12
        gain = paired_difference_table(
            sweep, "channels", "agent", kind, "random", value="coverage", bounds=(-1, 1)
        )
        axes[0].errorbar(
            x + shift,
            gain["estimate"],
            yerr=[gain["estimate"] - gain["low"], gain["high"] - gain["estimate"]],
            color=color,
            marker=marker,
            capsize=4,
            label=label,
        )
        share = bounded_mean_ci(sweep[sweep["agent"] == kind], "channels", value="tv_share")
        axes[1].errorbar(
            x + shift, share["mean"], yerr=ci_errors(share), color=color, marker=marker, capsize=4
        )
    walk = bounded_mean_ci(sweep[sweep["agent"] == "random"], "channels", value="tv_share")
    axes[1].errorbar(
        x,
        walk["mean"],
        yerr=ci_errors(walk),
        color=PALETTE["black"],
        marker="x",
        capsize=4,
        linestyle=":",
        label="random walk",
    )
    axes[0].axhline(0, color=COLORS["grey"], linestyle=":")
    axes[0].set_ylabel("coverage, prediction error − random walk")
    axes[1].set_ylabel("share of steps watching the TV")
    for ax in axes:
        ax.set_xticks(x, [str(level) for level in levels])
        ax.set_xlabel("TV channels (1 = no noise)")
    axes[0].legend(title="surprise rewarded", loc="lower left", fontsize=8)
    axes[1].legend(loc="upper left", fontsize=8)
    return list(axes)
