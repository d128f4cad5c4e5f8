"""Lesson 13's figures and its demo (the models never draw; this module does)."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from worldlab.long_tasks.agents import expert_policy, no_recovery_policy, rollout
from worldlab.long_tasks.experiments import success_summary
from worldlab.plots import PALETTE
from worldlab.plots.palette import COLORS
from worldlab.stats import wilson_interval
from worldlab.worlds.program_edits import make_edit_world

#: One colour and marker per arm, the same in every figure of the lesson.
ARM_STYLE = {
    "no recovery": (PALETTE["black"], "x", ":"),
    "behaviour cloning": (PALETTE["blue"], "o", "-"),
    "RL (verifier)": (PALETTE["vermillion"], "s", "-"),
    "DART": (PALETTE["green"], "^", "--"),
    "DAgger": (PALETTE["purple"], "D", "--"),
    "clone + your rule": (PALETTE["orange"], "v", "-."),
}


def _errors(centre, low, high) -> np.ndarray:
    """Error-bar lengths below and above, never negative (rounding can put a bound past the mean)."""
    centre, low, high = (np.asarray(x, dtype=float) for x in (centre, low, high))
    return np.vstack([np.maximum(centre - low, 0.0), np.maximum(high - centre, 0.0)])


def compounding_curve(
    eps: float,
    budget_factor: float = 2.0,
    horizons=(1, 2, 4, 8, 16, 32),
    n: int = 300,
    seed: int = 0,
) -> pd.DataFrame:
    """Measured success of the expert without and with undo, per length, with Wilson intervals.

    Returns a DataFrame: ``horizon``, ``agent`` (``"no recovery"``, ``"expert with undo"``),
    ``success``, ``low``, ``high``.
    """
    world = make_edit_world(seed, eps=eps)
    rows = []
    for name, policy in (("no recovery", no_recovery_policy), ("expert with undo", expert_policy)):
        lengths = np.repeat(np.asarray(horizons), n)
        solved = rollout(
            world,
            policy,
            lengths.size,
            lengths,
            np.random.default_rng([seed, 1]),
            budget_factor=budget_factor,
        ).solved
        for h in horizons:
            k = int(solved[lengths == h].sum())
            low, high = wilson_interval(k, n)
            rows.append({"horizon": h, "agent": name, "success": k / n, "low": low, "high": high})
    return pd.DataFrame(rows)


def plot_compounding(eps: float = 0.08, budget_factor: float = 2.0, formula=None) -> None:
    """The demo: (1 - eps)^H against the measured success with and without undo."""
    table = compounding_curve(eps, budget_factor)
    fig, ax = plt.subplots(figsize=(7, 4))
    h = np.arange(1, 33)
    if formula is not None:
        ax.plot(h, formula(eps, h), color=PALETTE["sky"], lw=3, label="your formula (no recovery)")
    for name, color, marker in (
        ("no recovery", PALETTE["black"], "x"),
        ("expert with undo", PALETTE["green"], "^"),
    ):
        part = table[table["agent"] == name]
        ax.errorbar(
            part["horizon"],
            part["success"],
            yerr=_errors(part["success"], part["low"], part["high"]),
            fmt=marker,
            color=color,
            capsize=3,
            label=f"measured: {name}",
        )
    ax.set_xscale("log", base=2)
    ax.set_xticks([1, 2, 4, 8, 16, 32], ["1", "2", "4", "8", "16", "32"])
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("task length H (steps)")
    ax.set_ylabel("share of tasks solved")
    ax.set_title(f"per-call slip ε = {eps:.2f}, budget = {budget_factor:g} × H calls")
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    plt.show()


def plot_arms(results: pd.DataFrame) -> None:
    """Success against length for every arm, one panel per share of irreversible steps."""
    summary = success_summary(results)
    shares = sorted(summary["irreversible"].unique())
    fig, axes = plt.subplots(
        1, len(shares), figsize=(5.2 * len(shares), 4), sharey=True, squeeze=False
    )
    for ax, share in zip(axes[0], shares, strict=True):
        for arm, part in summary[summary["irreversible"] == share].groupby("arm"):
            color, marker, style = ARM_STYLE.get(arm, (PALETTE["sky"], "o", "-"))
            ax.errorbar(
                part["horizon"],
                part["mean"],
                yerr=_errors(part["mean"], part["low"], part["high"]),
                color=color,
                marker=marker,
                linestyle=style,
                capsize=3,
                label=arm,
            )
        ax.set_xscale("log", base=2)
        ticks = sorted(summary["horizon"].unique())
        ax.set_xticks(ticks, [str(t) for t in ticks])
        ax.set_ylim(-0.02, 1.05)
        ax.set_xlabel("task length H (steps)")
        what = "every step can be undone" if share == 0 else f"{share:.0%} of steps irreversible"
        ax.set_title(what)
    axes[0][0].set_ylabel("share of tasks solved\n(mean over worlds, 95% interval)")
    axes[0][-1].legend(loc="lower left", fontsize=8)
    fig.tight_layout()


def plot_differences(
    tables: Mapping[str, pd.DataFrame], xlabel: str, title: str | None = None
) -> None:
    """Paired differences with 95% intervals against a knob, one line per comparison."""
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.axhline(0, color=COLORS["grey"], lw=1)
    colors = [PALETTE["vermillion"], PALETTE["green"], PALETTE["purple"], PALETTE["blue"]]
    markers = ["s", "^", "D", "o"]
    for i, (label, table) in enumerate(tables.items()):
        x = np.arange(len(table)) + (i - (len(tables) - 1) / 2) * 0.08
        ax.errorbar(
            x,
            table["estimate"],
            yerr=_errors(table["estimate"], table["low"], table["high"]),
            color=colors[i % 4],
            marker=markers[i % 4],
            capsize=4,
            label=label,
        )
    first = next(iter(tables.values()))
    ax.set_xticks(np.arange(len(first)), [f"{k:g}" for k in first["knob"]])
    ax.set_xlabel(xlabel)
    ax.set_ylabel("paired difference in success\n(95% interval over worlds)")
    if title:
        ax.set_title(title)
    ax.legend(loc="best", fontsize=8)
    fig.tight_layout()


def plot_rule(results: pd.DataFrame) -> None:
    """The clone with and without a recovery rule, against length (means with intervals)."""
    keep = results[results["arm"].isin(["no recovery", "behaviour cloning", "clone + your rule"])]
    plot_arms(keep)


def plot_knobs(temperature: pd.DataFrame, feedback: pd.DataFrame) -> None:
    """Two panels: RL's gain against its sampling temperature; what hearing the count is worth."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.5, 4))
    for ax, table, color, marker, xlabel, title in (
        (
            left,
            temperature,
            PALETTE["vermillion"],
            "s",
            "sampling temperature of RL's rollouts",
            "RL minus behaviour cloning, H = 16",
        ),
        (
            right,
            feedback,
            PALETTE["green"],
            "^",
            "share of silent mistakes",
            "copier hearing the count minus alarms only, H = 16",
        ),
    ):
        ax.axhline(0, color=COLORS["grey"], lw=1)
        x = np.arange(len(table))
        ax.errorbar(
            x,
            table["estimate"],
            yerr=_errors(table["estimate"], table["low"], table["high"]),
            color=color,
            marker=marker,
            capsize=5,
            linestyle="none",
        )
        ax.set_xticks(x, [f"{k:g}" for k in table["knob"]])
        ax.set_xlim(-0.5, len(table) - 0.5)
        ax.set_xlabel(xlabel)
        ax.set_title(title, fontsize=10)
    left.set_ylabel("paired difference in success\n(95% interval over worlds)")
    fig.tight_layout()


__all__ = [
    "ARM_STYLE",
    "compounding_curve",
    "plot_arms",
    "plot_compounding",
    "plot_differences",
    "plot_knobs",
    "plot_rule",
]
