"""Lesson 03's figures: the routes out of the closure, and the reversal curse.

The experiments are in :mod:`worldlab.language.ngram_lm` and :mod:`worldlab.language.reversal`;
these functions only draw the tables the lesson computes from them.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from worldlab.plots import PALETTE
from worldlab.plots.palette import ROLE
from worldlab.stats import mean_ci


def plot_routes(routes: pd.DataFrame, order: Sequence[str]) -> None:
    """Grammatical share outside the closure minus among new sentences inside, per route.

    Parameters
    ----------
    routes
        One row per (route, seed) with columns ``route``, ``seed`` and ``outside − inside``
        (NaN where a run wrote no sentence of one kind).
    order
        The routes, top to bottom; a route whose name starts with ``add-k`` is drawn in the
        smoothing colour, the others in the word-class colour.

    Ends with ``plt.show()``.
    """
    summary = mean_ci(
        routes.dropna(subset=["outside − inside"]), by="route", value="outside − inside"
    ).loc[list(order)]
    fig, ax = plt.subplots(figsize=(8, 3.6), layout="constrained")
    positions = np.arange(len(summary))[::-1]
    for y, (route, row) in zip(positions, summary.iterrows(), strict=True):
        color = PALETTE["orange"] if str(route).startswith("add-k") else PALETTE["blue"]
        ax.errorbar(
            row["mean"], y, capsize=5, marker="o", color=color,
            xerr=[[row["mean"] - max(row["ci_low"], -1)], [min(row["ci_high"], 1) - row["mean"]]],
        )  # fmt: skip
    ax.axvline(0, color=ROLE["guide"], linestyle="--")
    ax.set_yticks(positions, summary.index)
    ax.set_xlabel("grammatical share: outside the closure − new inside (95% CI)")
    ax.set_title(f"Two routes out of the closure (mean of {routes['seed'].nunique()} seeds)")
    plt.show()


def plot_reversal(reversal: pd.DataFrame, fractions: Sequence[float]) -> None:
    """Held-out reverse accuracy and rank against the fraction of reverse facts trained.

    Parameters
    ----------
    reversal
        One row per (model, reverse fraction, seed) with columns ``model`` (``"untied"`` or
        ``"tied + weight decay"``), ``reverse_fraction``, ``heldout_reverse`` (fraction of
        held-out reverse questions answered) and ``heldout_rank`` (rank of the right name among
        the held-out names, 0 = first, 0.5 = a random guess).
    fractions
        The reverse fractions, in order.

    Ends with ``plt.show()``.
    """
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.4), layout="constrained")
    colors = {"untied": PALETTE["orange"], "tied + weight decay": PALETTE["blue"]}
    for model, color in colors.items():
        rows = reversal[reversal.model == model]
        for ax, value in ((left, "heldout_reverse"), (right, "heldout_rank")):
            summary = mean_ci(rows, by="reverse_fraction", value=value).loc[list(fractions)]
            low, high = summary["ci_low"].clip(lower=0), summary["ci_high"].clip(upper=1)
            ax.errorbar(
                fractions, summary["mean"], capsize=5, marker="o", color=color, label=model,
                yerr=[summary["mean"] - low, high - summary["mean"]],
            )  # fmt: skip
    left.axhline(1 / 40, color=PALETTE["vermillion"], linestyle="--", label="chance (1 name in 40)")
    right.axhline(0.5, color=ROLE["guide"], linestyle=":", label="random guess")
    left.set_ylabel("held-out reverse accuracy (fraction right)")
    right.set_ylabel("rank of the right name\n(0 = first, 0.5 = random)")
    for ax in (left, right):
        ax.set_xlabel("fraction of reverse facts in training")
        ax.set_xticks(fractions)
        ax.set_ylim(-0.05, 1.05)
        ax.legend(loc="upper left", fontsize=8)
    left.set_title("Does the model say the held-out reverse?")
    right.set_title("Does it rank it first?")
    plt.show()
