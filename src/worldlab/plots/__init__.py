"""The course's look: one palette, one style, and the plots several lessons share.

Colours come from :mod:`worldlab.plots.palette`, the one place a colour is named and given its
meaning (camps, verdict statuses, method families); where two things must be told apart, line
style or marker differs too.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch

from worldlab.plots.palette import CAMP, COLORS, NO_VERDICT, OKABE_ITO, ROLE, VERDICT

#: Okabe & Ito (2008), colour-blind safe, in the order lessons use them (see
#: :mod:`worldlab.plots.palette` for what each colour means).
PALETTE = OKABE_ITO
CAMP_COLORS = CAMP
CAMP_NAMES = {"O": "optimists", "S": "skeptic", "E": "side thread"}


def use_course_style() -> None:
    """Apply the course's matplotlib style (call once at the top of a lesson).

    In a kernel, it also makes each figure a cell shows carry that cell's alt text where
    JupyterLab reads it (:func:`worldlab.plots.alt_text.install_alt_text`), and, when the course
    tooling executes the notebook, adds a style report to each figure with a problem
    (:mod:`worldlab.plots.figure_style`).
    """
    mpl.rcParams.update(
        {
            "figure.figsize": (7.0, 4.0),
            "figure.dpi": 100,
            "axes.prop_cycle": mpl.cycler(color=list(PALETTE.values())),
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.titlesize": 12,
            "axes.labelsize": 11,
            "legend.frameon": False,
            "font.size": 10,
        }
    )
    from worldlab.plots.alt_text import install_alt_text
    from worldlab.plots.figure_style import install_figure_check

    install_alt_text()
    install_figure_check()  # under the course tooling only: a style report on every figure


def _axes(ax: Axes | None, figsize: tuple[float, float] | None = None) -> Axes:
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=figsize)
    return ax


def ci_errors(summary: pd.DataFrame) -> np.ndarray:
    """Error-bar lengths below and above each mean, for ``Axes.errorbar(yerr=...)``.

    ``summary`` is a table like :func:`worldlab.stats.mean_ci` returns (n rows with columns
    ``mean``, ``ci_low``, ``ci_high``); the result has shape (2, n).
    """
    return np.vstack([summary["mean"] - summary["ci_low"], summary["ci_high"] - summary["mean"]])


def plot_means_with_ci(
    summary: pd.DataFrame,
    ax: Axes | None = None,
    ylabel: str = "value",
    title: str | None = None,
    color: str = PALETTE["blue"],
) -> Axes:
    """Means as dots with their confidence intervals as error bars, one per condition.

    Parameters
    ----------
    summary
        A table like :func:`worldlab.stats.mean_ci` returns: indexed by condition, with columns
        ``mean``, ``ci_low``, ``ci_high``.
    """
    ax = _axes(ax)
    labels = [str(label) for label in summary.index]
    x = np.arange(len(labels))
    ax.errorbar(
        x, summary["mean"], yerr=ci_errors(summary), fmt="o", capsize=6, color=color, markersize=7
    )
    ax.set_xticks(x, labels)
    ax.set_xlim(-0.6, len(labels) - 0.4)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return ax


def plot_paired_difference(
    difference: dict,
    ax: Axes | None = None,
    label: str = "a − b",
    title: str | None = None,
) -> Axes:
    """One paired difference (from :func:`worldlab.stats.paired_difference`) against zero."""
    ax = _axes(ax)
    mean = difference["mean"]
    error = [[mean - difference["ci_low"]], [difference["ci_high"] - mean]]
    ax.axhline(0.0, color=COLORS["grey"], linewidth=1, linestyle=":")
    ax.errorbar([0], [mean], yerr=error, fmt="s", capsize=6, color=PALETTE["vermillion"])
    ax.set_xticks([0], [label])
    ax.set_xlim(-1, 1)
    ax.set_ylabel("paired difference")
    if title:
        ax.set_title(title)
    return ax


def paired_marker(
    ax: Axes, x: float, difference: dict, fontsize: int = 9, label_offset: float = 0.12, **style
) -> None:
    """One paired difference (``mean``, ``ci_low``, ``ci_high``) as a square with its interval
    at ``x``, labelled with its mean."""
    mean = difference["mean"]
    error = [[mean - difference["ci_low"]], [difference["ci_high"] - mean]]
    ax.errorbar(x, mean, yerr=error, fmt="s", color=ROLE["reference"], **{"capsize": 6, **style})
    ax.text(x + label_offset, mean, f"{mean:+.2f}", va="center", fontsize=fontsize)


def argument_map_layout(claims: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """Positions for drawing the map: one column per topic (in order of appearance), claims
    stacked top to bottom in id order."""
    positions = {}
    topics = list(dict.fromkeys(claims["topic"]))
    for column, topic in enumerate(topics):
        ids = sorted(claims.loc[claims["topic"] == topic, "id"])
        for row, claim_id in enumerate(ids):
            positions[claim_id] = (float(column), -float(row))
    return positions


def draw_argument_map(
    claims: pd.DataFrame,
    edges: pd.DataFrame,
    ax: Axes | None = None,
    title: str | None = None,
    node_style: dict[str, tuple[str, str, str]] | None = None,
) -> Axes:
    """Draw the claims as coloured nodes by topic column, and the replies as arrows.

    ``supports`` arrows are solid, ``rebuts`` arrows dashed, so the map reads without colour.

    Parameters
    ----------
    claims, edges
        Tables from :func:`worldlab.debate.load_claims` and :func:`~worldlab.debate.load_edges`.
    node_style
        Optional ``{claim id: (fill colour, marker, text colour)}``; by default every claim is a
        circle in its camp's colour (:data:`CAMP_COLORS`) and the camp legend is drawn.
    """
    ax = _axes(ax, figsize=(10, 5.5))
    positions = argument_map_layout(claims)
    for edge in edges.itertuples(index=False):
        if edge.source not in positions or edge.target not in positions:
            continue
        (x0, y0), (x1, y1) = positions[edge.source], positions[edge.target]
        same_column = x0 == x1
        arrow = FancyArrowPatch(
            (x0, y0),
            (x1, y1),
            arrowstyle="-|>",
            mutation_scale=11,
            shrinkA=13,
            shrinkB=13,
            linewidth=1.1,
            linestyle="--" if edge.relation == "rebuts" else "-",
            color=COLORS["dark grey"],
            connectionstyle=f"arc3,rad={0.45 if same_column else 0.12}",
            zorder=1,
        )
        ax.add_patch(arrow)
    for claim in claims.itertuples(index=False):
        x, y = positions[claim.id]
        if node_style is None:
            fill, marker, ink = CAMP_COLORS.get(claim.camp, COLORS["grey"]), "o", COLORS["white"]
            ax.scatter(x, y, s=520, color=fill, zorder=2)
        else:
            fill, marker, ink = node_style[claim.id]
            ring = CAMP_COLORS.get(claim.camp, COLORS["grey"])
            ax.scatter(
                x, y, s=560, color=fill, marker=marker, edgecolors=ring, linewidths=2.5, zorder=2
            )
        ax.text(
            x,
            y,
            claim.id[1:],
            ha="center",
            va="center",
            color=ink,
            fontsize=8,
            zorder=3,
            fontweight="bold",
        )
    topics = list(dict.fromkeys(claims["topic"]))
    titles = dict(zip(claims["topic"], claims.get("topic_title", claims["topic"]), strict=False))
    top = max((y for _, y in positions.values()), default=0.0)
    for column, topic in enumerate(topics):
        ax.text(
            column, top + 0.9, _wrap(titles.get(topic, topic)), ha="center", va="bottom", fontsize=9
        )
    handles = [
        Line2D([], [], marker="o", linestyle="", markersize=10, color=color, label=CAMP_NAMES[camp])
        for camp, color in CAMP_COLORS.items()
        if camp in set(claims["camp"]) and node_style is None
    ]
    handles += [
        Line2D([], [], color=COLORS["dark grey"], linestyle="-", label="supports"),
        Line2D([], [], color=COLORS["dark grey"], linestyle="--", label="rebuts"),
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=len(handles))
    bottom = min((y for _, y in positions.values()), default=0.0)
    ax.set_xlim(-0.6, max(len(topics) - 0.4, 0.6))
    ax.set_ylim(bottom - 0.7, top + 2.0)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


def _wrap(text: str, width: int = 18) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)


def show_argument_map(
    claims: pd.DataFrame, edges: pd.DataFrame, camp: str | None = None, topic: str | None = None
) -> None:
    """Demo callback: draw the part of the map for one camp and/or topic.

    ``None`` or ``"all"`` keeps every camp (topic); a dropdown uses ``"all"``, since a ``None``
    option value can render blank in JupyterLab.
    """
    from worldlab.debate import CAMPS, filter_map

    camp = None if camp == "all" else camp
    topic = None if topic == "all" else topic

    chosen, links = filter_map(claims, edges, camp=camp, topic=topic)
    who = CAMPS[camp] if camp else "all camps"
    where = topic if topic else "all topics"
    if chosen.empty:
        _, ax = plt.subplots(figsize=(7, 2))
        ax.text(0.5, 0.5, f"No claim of the {who} in this topic.", ha="center", va="center")
        ax.set_axis_off()
    else:
        draw_argument_map(
            chosen, links, title=f"{len(chosen)} claims, {len(links)} replies ({who}, {where})"
        )
    plt.show()


def plot_paired_comparison(
    df: pd.DataFrame,
    by: str,
    a,
    b,
    value: str = "value",
    ylabel: str = "value",
    n_seeds: int | None = None,
) -> np.ndarray:
    """Three panels comparing conditions ``a`` and ``b`` measured on the same seeds.

    Left: each condition's mean with its 95% CI (as if the seeds were unrelated). Middle: one line
    per seed from ``a`` to ``b`` — the seeds' shared ups and downs. Right: the paired difference
    ``a − b`` with its 95% CI. ``n_seeds`` keeps only the first seeds (in sorted order).

    Returns
    -------
    The array of the three Axes.
    """
    from worldlab.stats import mean_ci, paired_difference

    data = df[df[by].isin([a, b])]
    if n_seeds is not None:
        keep = sorted(data["seed"].unique())[:n_seeds]
        data = data[data["seed"].isin(keep)]
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.8), gridspec_kw={"width_ratios": [1, 1.3, 0.8]})
    summary = mean_ci(data, by=by, value=value).loc[[a, b]]
    plot_means_with_ci(summary, ax=axes[0], ylabel=ylabel, title="means ± 95% CI")
    wide = data.pivot(index="seed", columns=by, values=value)[[a, b]]
    for _, row in wide.iterrows():
        axes[1].plot([0, 1], row.to_numpy(), color=ROLE["runs"], marker="o", alpha=0.8)
    axes[1].set_xticks([0, 1], [str(a), str(b)])
    axes[1].set_xlim(-0.3, 1.3)
    axes[1].set_ylabel(ylabel)
    axes[1].set_title(f"each seed ({len(wide)} seeds)")
    difference = paired_difference(data, by=by, a=a, b=b, value=value)
    plot_paired_difference(difference, ax=axes[2], label=f"{a} − {b}", title="paired difference")
    fig.tight_layout()
    return axes


#: Fill colour, marker and text colour of each verdict status on the course-wide map (the ring
#: keeps the camp's colour): :data:`worldlab.plots.palette.VERDICT`.
VERDICT_STYLE = VERDICT
NO_VERDICT_STYLE = NO_VERDICT


def draw_verdict_map(
    claims: pd.DataFrame,
    edges: pd.DataFrame,
    verdicts: pd.DataFrame,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """The argument map with each claim coloured by what the lessons found about it.

    Parameters
    ----------
    claims, edges
        The map, from :mod:`worldlab.debate`.
    verdicts
        Verdict rows (columns ``lesson``, ``claim``, ``status``, …), e.g. from
        :func:`worldlab.debate.load_verdicts`; several lessons may judge one claim (see
        :func:`worldlab.debate.claim_statuses`). Claims without a row are drawn grey.

    Returns
    -------
    The matplotlib Axes. The fill shows the status, the ring the camp, the marker the status again.
    """
    from worldlab.debate import claim_statuses

    status = claim_statuses(verdicts)
    unknown = sorted(set(status.index) - set(claims["id"]))
    if unknown:
        raise ValueError(f"verdicts name claims that are not on the map: {unknown}")
    style = {
        claim_id: VERDICT_STYLE[status[claim_id]] if claim_id in status.index else NO_VERDICT_STYLE
        for claim_id in claims["id"]
    }
    ax = draw_argument_map(claims, edges, ax=ax, title=title, node_style=style)
    counts = status.value_counts()
    handles = [
        Line2D(
            [],
            [],
            marker=marker,
            linestyle="",
            markersize=10,
            color=fill,
            markeredgecolor=COLORS["dark grey"],
            label=f"{name} ({counts.get(name, 0)})",
        )
        for name, (fill, marker, _) in VERDICT_STYLE.items()
    ]
    handles.append(
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=10,
            color=NO_VERDICT_STYLE[0],
            markeredgecolor=COLORS["dark grey"],
            label=f"no verdict yet ({len(claims) - len(status)})",
        )
    )
    handles += [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=10,
            color=COLORS["white"],
            markeredgecolor=color,
            markeredgewidth=2.5,
            label=f"ring: {CAMP_NAMES[camp]}",
        )
        for camp, color in CAMP_COLORS.items()
        if camp in set(claims["camp"])
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=4)
    return ax


def plot_seed_comparison(n_seeds: int = 5, source: str = "biased", max_seeds: int = 30) -> None:
    """Demo: compare the two learners on the first ``n_seeds`` seeds of one source.

    Draws :func:`plot_paired_comparison` of ``count`` against ``repeat`` (three
    panels: means with 95% CIs, one line per seed, the paired difference with its 95% CI) and
    ends with ``plt.show()``.
    """
    from worldlab.stats import run_over_seeds
    from worldlab.worlds.coin import SOURCES, prediction_accuracy

    if not 3 <= n_seeds <= max_seeds:
        raise ValueError(f"n_seeds must lie in 3 … {max_seeds}, got {n_seeds}")
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}, got {source!r}")
    results = run_over_seeds(
        prediction_accuracy, seeds=range(n_seeds), learner=["count", "repeat"], source=[source]
    )
    axes = plot_paired_comparison(
        results, by="learner", a="count", b="repeat", value="value", ylabel="prediction accuracy"
    )
    axes[0].figure.suptitle(f"{source} source, {n_seeds} seeds", y=1.02)
    plt.show()
