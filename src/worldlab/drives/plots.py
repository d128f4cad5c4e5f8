"""Figures of lesson 10 (drives, homeostasis and evolution), in the course's palette.

Colours keep one meaning: far-sighted planner blue, myopic planner vermillion, evolved fixed
policy ("instinct") purple, re-planning drive green; winter is shaded light blue.
"""

from __future__ import annotations

from collections.abc import Callable

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from worldlab.drives.homeostasis import Backup, RewardFn, plan_lifetime, simulate
from worldlab.plots import PALETTE, ci_errors
from worldlab.plots.palette import COLORS, ROLE
from worldlab.stats import mean_ci
from worldlab.worlds.seasons import Ecology

ROLE_COLORS = {
    "far-sighted": PALETTE["blue"],
    "myopic": PALETTE["vermillion"],
    "instinct": PALETTE["purple"],
    "re-planning drive": PALETTE["green"],
}


def plot_drive(
    reward_fn: Callable, setpoint: float = 10.0, capacity: int = 20, ax: Axes | None = None
) -> Axes:
    """The reward of one step from each energy level: eating (+3) and going hungry (−1).

    Energy cannot exceed ``capacity``: from ``capacity − 1`` on, a meal is cut short (the animal
    ends at ``capacity`` whatever it started with), so the meal's curve turns there (the shaded
    band).
    """
    ax = ax or plt.subplots(figsize=(7, 3.8))[1]
    h = np.arange(1, capacity + 1, dtype=float)
    ate = np.minimum(capacity, h - 1 + 3)
    full = capacity - 1  # the first energy from which a meal of 3 (minus 1 spent) passes the cap
    ax.axvspan(
        full - 0.5,
        capacity + 0.5,
        color=PALETTE["sky"],
        alpha=0.2,
        linewidth=0,
        label=f"meal cut at the capacity ({capacity})",
    )
    ax.plot(
        h,
        reward_fn(h, ate, setpoint),
        color=PALETTE["green"],
        marker="o",
        label="a meal (+3, −1 spent)",
    )
    ax.plot(
        h,
        reward_fn(h, h - 1, setpoint),
        color=PALETTE["vermillion"],
        marker="s",
        label="no meal (−1 spent)",
    )
    ax.axhline(0.0, color=COLORS["grey"], linestyle=":")
    ax.axvline(
        setpoint,
        color=COLORS["black"],
        linestyle="--",
        linewidth=1,
        label=f"set-point {setpoint:g}",
    )
    ax.set_xlabel("energy before the step")
    ax.set_ylabel("reward = drive reduction")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    return ax


def energy_profile(
    ecology: Ecology, genome: dict, reward_fn: RewardFn, backup: Backup, rng, n_episodes: int = 200
) -> np.ndarray:
    """Mean energy of the living animals at every step of life, shape ``(lifetime,)``."""
    lives = simulate(ecology, plan_lifetime(ecology, genome, reward_fn, backup), n_episodes, rng)
    states = lives["states"][:, :-1]
    alive = states != ecology.dead
    total = np.where(alive, ecology.energy_of(states), 0).sum(axis=0)
    count = alive.sum(axis=0)
    return np.divide(
        total, count, out=np.full(len(count), np.nan), where=count > 0
    )  # nan: none alive


def _shade_winters(ax: Axes, ecology: Ecology, steps: int) -> None:
    for t in range(steps):
        if ecology.is_winter(t) and not ecology.is_winter(t - 1):
            ax.axvspan(t, t + ecology.winter_length, color=PALETTE["sky"], alpha=0.2, linewidth=0)


def plot_energy_profiles(
    profiles: dict[str, np.ndarray],
    ecology: Ecology,
    setpoint: float,
    ax: Axes | None = None,
    title: str = "",
) -> Axes:
    """Mean energy over the lifetime for each named agent, winters shaded."""
    ax = ax or plt.subplots(figsize=(7, 3.8))[1]
    steps = len(next(iter(profiles.values())))
    _shade_winters(ax, ecology, steps)
    for name, profile in profiles.items():
        ax.plot(profile, color=ROLE_COLORS.get(name, PALETTE["black"]), label=name, linewidth=2)
    ax.axhline(setpoint, color=COLORS["black"], linestyle="--", linewidth=1, label="set-point")
    ax.set_xlabel("step of life (shaded: winter)")
    ax.set_ylabel("mean energy of the living")
    ax.set_ylim(0, ecology.capacity + 0.5)
    if title:
        ax.set_title(title)
    ax.legend(loc="lower left", fontsize=8)
    return ax


def plot_paired_bars(
    summary: pd.DataFrame, ylabel: str, ax: Axes | None = None, colors: dict | None = None
) -> Axes:
    """Means with 95% intervals (dots, so a zero is never an invisible bar), one per row."""
    ax = ax or plt.subplots(figsize=(6, 3.8))[1]
    x = np.arange(len(summary))
    errors = ci_errors(summary)
    for i, (name, row) in enumerate(summary.iterrows()):
        color = (colors or {}).get(name, PALETTE["blue"])
        ax.errorbar(
            [i],
            [row["mean"]],
            yerr=errors[:, i : i + 1],
            fmt="o",
            color=color,
            capsize=5,
            markersize=8,
        )
    ax.set_xticks(x, [str(name) for name in summary.index])
    ax.set_ylabel(ylabel)
    return ax


def plot_ecologies(table: pd.DataFrame, axes: list[Axes] | None = None) -> list[Axes]:
    """Behaviour of one drive in three ecologies: foraging, meals, energy (means with 95% CI)."""
    measures = [
        ("foraging", "share of steps foraging"),
        ("meals", "meals per step"),
        ("mean_energy", "mean energy"),
    ]
    if axes is None:
        _, axes = plt.subplots(1, 3, figsize=(12, 3.6), layout="constrained")
    for ax, (column, label) in zip(axes, measures, strict=True):
        summary = mean_ci(table, by="ecology", value=column)
        summary = summary.loc[[e for e in dict.fromkeys(table["ecology"])]]
        plot_paired_bars(summary, label, ax=ax)
        ax.set_ylim(bottom=0)
    return list(axes)


def plot_genomes(evolved: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Evolved set-point against evolved pleasure of eating, one dot per GA run, by ecology."""
    ax = ax or plt.subplots(figsize=(6.5, 4))[1]
    colors = [PALETTE["blue"], PALETTE["orange"], PALETTE["green"]]
    markers = ["o", "s", "^"]
    for i, (ecology, rows) in enumerate(evolved.groupby("ecology", sort=False)):
        ax.scatter(
            rows["setpoint"],
            rows["eat_bonus"],
            color=colors[i % 3],
            marker=markers[i % 3],
            s=70,
            label=ecology,
        )
    ax.set_xlabel("evolved set-point (energy the drive wants)")
    ax.set_ylabel("evolved pleasure of eating (reward units)")
    ax.legend()
    return ax


def drives_demo(
    winter_length: int, meal_size: int, predation: float, reward_fn: RewardFn, backup: Backup
) -> None:
    """The demo: mean energy over life of a far-sighted and a myopic planner in one ecology."""
    ecology = Ecology(
        winter_length=int(winter_length), meal_size=int(meal_size), predation=float(predation)
    )
    profiles = {
        name: energy_profile(
            ecology,
            {"setpoint": 10, "gamma": gamma, "eat_bonus": 0.0},
            reward_fn,
            backup,
            np.random.default_rng(0),
        )
        for name, gamma in (("far-sighted", 0.99), ("myopic", 0.6))
    }
    plot_energy_profiles(
        profiles,
        ecology,
        10,
        title=f"winter {winter_length} of 24 steps, meals of {meal_size}, predation {predation:g}",
    )
    plt.show()


def plot_instinct(rows: pd.DataFrame, setpoint: float = 10.0, ax: Axes | None = None) -> Axes:
    """Mean energy of the instinct and of the re-planning drive in each world, with 95% intervals.

    Parameters
    ----------
    rows : one row per seed, world and agent, with columns ``world``, ``agent`` (``"instinct"`` or
        ``"re-planning drive"``) and ``mean_energy``.
    setpoint : drawn as a dashed line.
    """
    table = rows.assign(condition=rows["agent"] + "\n(" + rows["world"] + ")")
    summary = mean_ci(table, by="condition", value="mean_energy")
    colors = {
        c: ROLE_COLORS["instinct" if c.startswith("instinct") else "re-planning drive"]
        for c in summary.index
    }
    ax = plot_paired_bars(summary, "mean energy of the living", ax=ax, colors=colors)
    ax.axhline(setpoint, color=ROLE["guide"], linestyle="--", linewidth=1, label="set-point")
    ax.set_ylim(0, 21)
    ax.legend()
    return ax
