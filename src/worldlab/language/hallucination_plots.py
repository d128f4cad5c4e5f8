"""Lesson 04's figures: hallucination against the monofact rate, and the grounding trade-off.

The lesson computes every number it shows; these functions only draw tables it already has.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from worldlab.plots import PALETTE
from worldlab.plots.palette import ROLE
from worldlab.stats import mean_ci

#: The model families of lesson 04, section 3: column of the runs table -> (label, colour, marker).
FAMILIES = {
    "smoothed": ("calibrated smoothing", PALETTE["blue"], "o"),
    "backoff": ("calibrated back-off", PALETTE["green"], "s"),
    "day_prior": ("calibrated birthday-prior back-off", PALETTE["purple"], "^"),
    "abstain": ("abstaining model", PALETTE["vermillion"], "D"),
}


def plot_bound(runs: pd.DataFrame) -> None:
    """Hallucination rate minus monofact rate, per run and as a mean with its 95% interval.

    Parameters
    ----------
    runs : one row per (seed, zipf_exponent) with columns ``seed``, ``zipf_exponent``,
        ``monofact_rate`` and one hallucination rate per family of :data:`FAMILIES`
        (the table of ``run_over_seeds(hallucination_experiment, ...)``).
    """
    fig, ax = plt.subplots(figsize=(8, 4.5))
    exponents = np.sort(runs["zipf_exponent"].unique())
    offsets = (-0.075, -0.025, 0.025, 0.075)
    for offset, (column, (label, color, marker)) in zip(offsets, FAMILIES.items(), strict=True):
        gap = runs.assign(gap=runs[column] - runs["monofact_rate"])
        ax.scatter(gap["zipf_exponent"] + offset, gap["gap"], color=color, s=10, alpha=0.4)
        summary = mean_ci(gap, by="zipf_exponent", value="gap")
        ax.errorbar(
            exponents + offset,
            summary["mean"],
            capsize=4,
            color=color,
            marker=marker,
            label=label,
            yerr=[summary["mean"] - summary["ci_low"], summary["ci_high"] - summary["mean"]],
        )
    ax.axhline(0, color=ROLE["guide"], linestyle=":", label="hallucination = monofact rate")
    ax.set_xlabel("Zipf exponent s of the text")
    ax.set_ylabel("hallucination rate − monofact rate\n(per run; mean and 95% interval)")
    n_seeds = runs["seed"].nunique()
    ax.set_title(f"Four model families against the monofact rate ({n_seeds} seeds per exponent)")
    ax.legend(fontsize=8, loc="lower right")


def plot_tradeoff(curves: pd.DataFrame) -> None:
    """Hallucination rate against look-ups per statement, one dot per checking threshold.

    Parameters
    ----------
    curves : one row per (seed, threshold) with columns ``seed``, ``threshold``, ``queries``
        and ``hallucination`` (``grounding_tradeoff`` over seeds); thresholds above 10 are
        drawn as one point, "check all".
    """
    n_seeds = curves["seed"].nunique()
    curves = curves.copy()
    curves["threshold"] = curves["threshold"].where(curves["threshold"] <= 10, 99)  # 99: all
    curve = curves.groupby("threshold")[["queries", "hallucination"]].mean()
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(curve["queries"], curve["hallucination"], "o-", color=PALETTE["blue"])
    names = {-1: "never check", 0: "t = 0", 1: "t = 1", 2: "t = 2", 99: "check all"}
    for threshold, row in curve.iterrows():
        if threshold in names:
            ax.annotate(
                names[threshold],
                (row["queries"], row["hallucination"]),
                textcoords="offset points",
                xytext=(8, 6),
                fontsize=9,
            )
    ax.set_xlabel("look-ups in the world per statement said")
    ax.set_ylabel("hallucination rate (fraction false)")
    ax.set_title(f"Grounding trade-off (Zipf s = 1, 10% wrong statements, {n_seeds} seeds)")
    ax.set_xlim(-0.03, 1.1)
    ax.set_ylim(-0.01, 0.34)
