"""Figures of lesson 11 (searching a research landscape), in the course's palette.

Colours keep one meaning: random search black, keep-if-better hill climbing orange, evolution
green, idea generator + judge sky blue; "naive" estimates vermillion, replicated ones blue.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from worldlab.plots import PALETTE, ci_errors
from worldlab.plots.palette import COLORS
from worldlab.research.experiments import SEARCHERS, budget_curves
from worldlab.research.search import Mutate
from worldlab.stats import mean_ci, paired_difference, wilson_interval
from worldlab.worlds.research_landscape import ResearchLandscape

SEARCHER_COLORS = {
    "random": PALETTE["black"],
    "hill climb": PALETTE["orange"],
    "evolution": PALETTE["green"],
    "judge": PALETTE["sky"],
}
SEARCHER_MARKERS = {"random": "o", "hill climb": "s", "evolution": "^", "judge": "D"}


def plot_landscape(landscape: ResearchLandscape, ax: Axes | None = None) -> Axes:
    """Histogram of the known quality of every configuration, with the optimum and the spikes."""
    ax = ax or plt.subplots(figsize=(8.6, 3.6), layout="constrained")[1]
    known = landscape.known_quality(landscape.all_configs())
    ax.hist(known, bins=60, color=PALETTE["sky"], edgecolor=COLORS["white"])
    ax.axvline(
        landscape.gap_filling_optimum,
        color=PALETTE["green"],
        linewidth=2,
        label="best combination of known pieces",
    )
    spike = landscape.gap_filling_optimum + landscape.spike_gap
    ax.axvline(
        spike,
        color=PALETTE["vermillion"],
        linewidth=2,
        linestyle="--",
        label=f"{landscape.n_spikes} spikes",
    )
    ax.set_xlabel("true quality of a configuration (units: spread of ideas)")
    ax.set_ylabel("configurations")
    ax.set_title(f"{landscape.n_configs:,} configurations of {landscape.n_knobs} knobs")
    # Outside the axes: inside, the legend hid bars of the histogram.
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), borderaxespad=0)
    return ax


def _log2_axis(ax: Axes, values) -> None:
    """A log-2 x axis labelled with the plain numbers (16, 32, …) rather than powers."""
    ax.set_xscale("log", base=2)
    ax.set_xticks(list(values), [str(int(v)) for v in values])
    ax.minorticks_off()


def _errorbar(
    ax: Axes, x, summary: pd.DataFrame, color: str, marker: str, label: str, offset: float = 0.0
) -> None:
    errors = ci_errors(summary)
    ax.errorbar(
        np.asarray(x, dtype=float) * (1 + offset),
        summary["mean"],
        yerr=errors,
        color=color,
        marker=marker,
        capsize=4,
        label=label,
    )


def plot_budget_curves(
    curves: pd.DataFrame, axes: tuple[Axes, Axes] | None = None
) -> tuple[Axes, Axes]:
    """Left: shortfall of each searcher's pick against budget. Right: paired gain over random."""
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(12, 4.2), layout="constrained")
    left, right = axes
    budgets = sorted(curves["budget"].unique())
    for i, name in enumerate(s for s in SEARCHERS if s in set(curves["searcher"])):
        rows = curves[curves["searcher"] == name]
        summary = mean_ci(rows, by="budget", value="shortfall").loc[budgets]
        _errorbar(
            left,
            budgets,
            summary,
            SEARCHER_COLORS[name],
            SEARCHER_MARKERS[name],
            name,
            offset=0.03 * (i - 1.5),
        )
        if name == "random":
            continue
        diffs = []
        for budget in budgets:
            at = curves[curves["budget"] == budget]
            d = paired_difference(at, by="searcher", a="random", b=name, value="shortfall")
            diffs.append(d)
        summary = pd.DataFrame(diffs, index=budgets)
        _errorbar(
            right,
            budgets,
            summary,
            SEARCHER_COLORS[name],
            SEARCHER_MARKERS[name],
            name,
            offset=0.03 * (i - 2),
        )
    _log2_axis(left, budgets)
    left.set_xlabel("budget (experiments)")
    left.set_ylabel(
        "shortfall of the pick\n(0 = best known combination;\nbelow 0 only via a spike)"
    )
    left.set_title("lower is better")
    left.legend()
    right.axhline(0.0, color=COLORS["grey"], linestyle=":")
    _log2_axis(right, budgets)
    right.set_xlabel("budget (experiments)")
    right.set_ylabel("gain over random search\n(paired, 95% CI)")
    right.set_title("above 0: better than random on the same seeds")
    return left, right


def plot_levers(gains: pd.DataFrame, axes: list[Axes] | None = None) -> list[Axes]:
    """One panel per noise level: the gain of each lever against the judge's correlation ρ."""
    noises = sorted(gains["noise"].unique())
    if axes is None:
        _, axes = plt.subplots(
            1, len(noises), figsize=(5.5 * len(noises), 4), sharey=True, layout="constrained"
        )
        axes = list(np.atleast_1d(axes))
    styles = {"10x ideas": (PALETTE["sky"], "D", "-"), "2x compute": (PALETTE["black"], "o", "--")}
    for ax, noise in zip(axes, noises, strict=True):
        for lever, (color, marker, line) in styles.items():
            rows = gains[(gains["noise"] == noise) & (gains["lever"] == lever)]
            summary = mean_ci(rows, by="rho", value="gain")
            errors = ci_errors(summary)
            ax.errorbar(
                summary.index,
                summary["mean"],
                yerr=errors,
                color=color,
                marker=marker,
                linestyle=line,
                capsize=4,
                label=lever,
            )
        ax.axhline(0.0, color=COLORS["grey"], linestyle=":")
        ax.set_xlabel("judge's correlation ρ with the known quality")
        ax.set_title(f"experiment noise {noise:g}")
    axes[0].set_ylabel("gain over testing random ideas (95% CI)")
    axes[0].legend()
    return axes


def plot_false_discoveries(rates: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """False-discovery rate against noise, per number of replicates and claim rule.

    A colour per number of replicates; a solid line for "any measured gain is a claim", dashed
    for a claim threshold in standard errors (column ``threshold``, if present). Intervals are
    Student-t intervals over landscapes cut to [0, 1] (each value is a rate over hundreds of
    steps, not a 0/1 outcome: where every landscape's rate is 0, the interval is the point).
    """
    ax = ax or plt.subplots(figsize=(7, 4))[1]
    colors = [PALETTE["vermillion"], PALETTE["blue"], PALETTE["green"]]
    if "threshold" not in rates.columns:
        rates = rates.assign(threshold=0.0)
    thresholds = sorted(rates["threshold"].unique())
    for i, (r, by_replicates) in enumerate(rates.groupby("replicates")):
        for j, threshold in enumerate(thresholds):
            rows = by_replicates[by_replicates["threshold"] == threshold]
            summary = mean_ci(rows, by="noise", value="fdr")
            summary[["ci_low", "ci_high"]] = summary[["ci_low", "ci_high"]].clip(0.0, 1.0)
            rule = "any gain" if threshold == 0 else f"gain > {threshold:g} SE"
            ax.errorbar(
                summary.index + 0.02 * (2 * i + j - 1.5),
                summary["mean"],
                yerr=ci_errors(summary),
                color=colors[i % 3],
                marker="os^"[i % 3],
                linestyle=["-", "--", ":"][j % 3],
                markerfacecolor=colors[i % 3] if j == 0 else COLORS["white"],
                capsize=4,
                label=f"{r} replicate(s), claim: {rule}",
            )
    ax.set_xlabel("experiment noise (units: spread of ideas)")
    ax.set_ylabel("share of claimed improvements that are not")
    ax.set_ylim(bottom=-0.02)
    ax.legend(loc="upper left", fontsize=8)
    return ax


def plot_gain_by_interaction(curves: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Each searcher's paired gain over random search against the share of interacting knob pairs.

    ``curves`` is :func:`budget_curves` output for one budget and several ``interaction_share``
    values (concatenated).
    """
    ax = ax or plt.subplots(figsize=(7, 4))[1]
    shares = sorted(curves["interaction_share"].unique())
    names = [s for s in SEARCHERS if s != "random" and s in set(curves["searcher"])]
    for i, name in enumerate(names):
        diffs = [
            paired_difference(
                curves[curves["interaction_share"] == share],
                by="searcher",
                a="random",
                b=name,
                value="shortfall",
            )
            for share in shares
        ]
        summary = pd.DataFrame(diffs, index=shares)
        ax.errorbar(
            np.asarray(shares) + 0.015 * (i - 1),
            summary["mean"],
            yerr=ci_errors(summary),
            color=SEARCHER_COLORS[name],
            marker=SEARCHER_MARKERS[name],
            capsize=4,
            label=name,
        )
    ax.axhline(0.0, color=COLORS["grey"], linestyle=":")
    ax.set_xticks(shares, [f"{s:g}" for s in shares])
    ax.set_xlabel("share of knob pairs that interact (0.3 = the lesson's landscapes)")
    ax.set_ylabel("gain over random search\n(paired, 95% CI)")
    ax.set_title(f"budget {int(curves['budget'].iloc[0])}: above 0 = better than random")
    ax.legend(loc="upper right")
    return ax


def plot_winners_curse(curse: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """How much the reported quality of the pick overstates its truth, by number of candidates."""
    ax = ax or plt.subplots(figsize=(7, 4))[1]
    for method, color, marker in (
        ("naive", PALETTE["vermillion"], "o"),
        ("replicated", PALETTE["blue"], "s"),
    ):
        rows = curse[curse["method"] == method]
        summary = mean_ci(rows, by="candidates", value="overstatement")
        _errorbar(ax, summary.index, summary, color, marker, method, offset=0)
    ax.axhline(0.0, color=COLORS["grey"], linestyle=":")
    _log2_axis(ax, sorted(curse["candidates"].unique()))
    ax.set_xlabel("candidate ideas tested")
    ax.set_ylabel("reported − true quality of the pick")
    ax.legend()
    return ax


def plot_gap_or_spike(outcomes: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Share of runs that fill the gap (reach the best known combination) or find a spike.

    The share pools every run of a searcher (``gap_or_spike``'s ``runs`` per landscape) and
    gets a Wilson interval, which stays in [0, 1].
    """
    ax = ax or plt.subplots(figsize=(7, 4))[1]
    names = [s for s in SEARCHERS if s in set(outcomes["searcher"])]
    x = np.arange(len(names))
    for column, color, marker, shift, label in (
        ("gap_filled", PALETTE["green"], "o", -0.12, "reached the best known combination"),
        ("spike", PALETTE["vermillion"], "D", 0.12, "found a spike"),
    ):
        summary = pooled_share(outcomes, column).loc[names]
        errors = ci_errors(summary)
        ax.errorbar(
            x + shift,
            summary["mean"],
            yerr=errors,
            fmt=marker,
            color=color,
            capsize=4,
            label=label,
            markersize=8,
        )
    ax.set_xticks(x, names)
    ax.set_ylim(-0.05, 1.0)
    ax.set_ylabel("share of runs (95% Wilson interval)")
    ax.legend(loc="upper left")
    return ax


def pooled_share(outcomes: pd.DataFrame, column: str) -> pd.DataFrame:
    """Per searcher, the share of all runs with ``column`` true, and its Wilson interval.

    Returns a DataFrame indexed by searcher with ``mean``, ``ci_low``, ``ci_high``, ``n``
    (runs) and ``successes``.
    """
    runs = outcomes["runs"] if "runs" in outcomes.columns else pd.Series(1, index=outcomes.index)
    counts = (outcomes[column] * runs).round().astype(int)
    table = (
        pd.DataFrame({"searcher": outcomes["searcher"], "successes": counts, "n": runs})
        .groupby("searcher")
        .sum()
    )
    low, high = wilson_interval(table["successes"].to_numpy(), table["n"].to_numpy())
    return table.assign(mean=table["successes"] / table["n"], ci_low=low, ci_high=high)


def search_demo(
    budget: int, noise: float, rho: float, mutate: Mutate | None, seeds: range = range(10)
) -> None:
    """The demo: every searcher's shortfall on 10 landscapes at one budget, noise and ρ.

    With ``mutate=None`` (the lesson's variation step is unfinished) only the searchers that
    need no variation step are drawn (random search and the judge), and the title says so.
    """
    names = list(SEARCHERS) if mutate is not None else ["random", "judge"]
    curves = budget_curves(seeds, [int(budget)], noise, mutate, rho=rho, searchers=names)
    _, ax = plt.subplots(figsize=(7, 4), layout="constrained")
    for i, name in enumerate(names):
        rows = curves[curves["searcher"] == name]
        jitter = np.linspace(-0.15, 0.15, len(rows))
        ax.scatter(
            i + jitter,
            rows["shortfall"],
            color=SEARCHER_COLORS[name],
            marker=SEARCHER_MARKERS[name],
            alpha=0.7,
        )
        ax.hlines(
            rows["shortfall"].mean(), i - 0.25, i + 0.25, color=SEARCHER_COLORS[name], linewidth=3
        )
    ax.axhline(0.0, color=COLORS["grey"], linestyle=":")
    ax.set_xticks(range(len(names)), names)
    ax.set_ylabel("shortfall of the pick\n(0 = best known combination;\nbelow 0 only via a spike)")
    title = f"budget {int(budget)}, noise {noise:g}, judge ρ = {rho:g} (bars: means)"
    if mutate is None:
        title += "\nfinish exercise 1 (mutate) to add hill climbing and evolution"
    ax.set_title(title)
    plt.show()
