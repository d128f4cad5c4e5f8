"""Figures of lesson 02's experiments: walks, k-gram tests, probe controls, the network sweep.

The experiments are in :mod:`worldlab.world_models.evaluation`; the demo callbacks here take the
lesson's exercise functions as arguments in the same way (``score``, ``oracle``).
"""

from __future__ import annotations

from collections.abc import Callable

import matplotlib.pyplot as plt
import numpy as np

from worldlab.plots import PALETTE, paired_marker
from worldlab.plots.palette import COLORS, ROLE, colormap
from worldlab.stats import paired_difference
from worldlab.world_models.evaluation import kgram_experiment
from worldlab.worlds import grid_walks

SCORE_STYLE = {
    "legality": (PALETTE["black"], "o", "-"),
    "compression": (PALETTE["blue"], "s", "--"),
    "distinction": (PALETTE["vermillion"], "^", ":"),
}


def draw_walk(walks: grid_walks.GridWalks, index: int = 0, n_moves: int | None = None, ax=None):
    """Draw one walk on its grid: the path, the start (circle) and the end (square).

    Parameters
    ----------
    walks
        The walks; ``index`` chooses one.
    n_moves
        Draw only the first ``n_moves`` moves (all by default).
    ax
        Axes to draw into (a new figure when ``None``).

    Returns
    -------
    The matplotlib Axes.
    """
    if not 0 <= index < walks.n_walks:
        raise ValueError(f"index must lie in 0 … {walks.n_walks - 1}")
    n_moves = walks.length if n_moves is None else n_moves
    if not 0 <= n_moves <= walks.length:
        raise ValueError(f"n_moves must lie in 0 … {walks.length}")
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 4))
    path = walks.positions[index, : n_moves + 1]
    size = walks.size
    ax.set_xlim(-0.5, size - 0.5)
    ax.set_ylim(size - 0.5, -0.5)  # row 0 at the top: N is up
    ax.set_xticks(np.arange(size))
    ax.set_yticks(np.arange(size))
    ax.set_xticks(np.arange(size + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(size + 1) - 0.5, minor=True)
    ax.grid(False)
    ax.grid(True, which="minor", color=COLORS["light grey"], linewidth=0.8, alpha=1.0)
    ax.tick_params(which="minor", length=0)
    ax.set_aspect("equal")
    # a small diagonal drift per step keeps back-and-forth moves visible as separate segments
    drift = np.linspace(-0.2, 0.2, len(path))
    ax.plot(
        path[:, 1] + drift,
        path[:, 0] + drift,
        color=PALETTE["sky"],
        linewidth=1.5,
        marker=".",
        markersize=5,
        label="path",
    )
    ax.plot(path[0, 1], path[0, 0], "o", color=PALETTE["green"], markersize=12, label="start")
    ax.plot(path[-1, 1], path[-1, 0], "s", color=PALETTE["vermillion"], markersize=11, label="now")
    moves = "".join(grid_walks.MOVES[m] for m in walks.moves[index, :n_moves])
    ax.set_title(f"moves: {moves}" if len(moves) <= 24 else f"{n_moves} moves", fontsize=9)
    ax.set_xlabel("column (E →)")
    ax.set_ylabel("row (S ↓)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=3)
    return ax


def plot_kgram_tests(
    score: Callable[..., tuple[float, float]],
    oracle: Callable[[np.ndarray, int], np.ndarray],
    k: int = 2,
    threshold: float = 0.05,
    n_seeds: int = 5,
) -> None:
    """Demo: legality, compression and distinction of k-grams, highlighting one ``k``.

    Left: the three scores against k (mean over ``n_seeds`` seeds), the oracle's as stars on the
    right edge. Right: the scores of the chosen ``k`` next to the oracle's. Ends with
    ``plt.show()``.
    """
    k_values = tuple(range(7))
    if k not in k_values:
        raise ValueError(f"k must lie in 0 … 6, got {k!r}")
    if n_seeds < 1:
        raise ValueError(f"n_seeds must be >= 1, got {n_seeds}")
    rows = [
        row
        for seed in range(n_seeds)
        for row in kgram_experiment(seed, score, oracle, k_values, threshold=threshold)
    ]
    scores = list(SCORE_STYLE)
    table = {
        model: np.mean([[row[s] for s in scores] for row in rows if row["model"] == model], axis=0)
        for model in [f"k={j}" for j in k_values] + ["oracle"]
    }
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(9.5, 3.8), gridspec_kw={"width_ratios": [1.6, 1]}
    )
    curve = np.array([table[f"k={j}"] for j in k_values])
    for i, name in enumerate(scores):
        color, marker, style = SCORE_STYLE[name]
        left.plot(k_values, curve[:, i], marker=marker, linestyle=style, color=color, label=name)
        left.plot(
            7, table["oracle"][i], marker="*", color=color, markersize=13 - 3 * i, linestyle=""
        )
    left.axvline(k, color=COLORS["grey"], linewidth=6, alpha=0.25)
    left.set_xticks([*k_values, 7], [*map(str, k_values), "oracle"])
    left.set_xlabel("k (moves of context)")
    left.set_ylabel("score (fraction)")
    left.set_ylim(-0.03, 1.05)
    left.legend(loc="center left")
    left.set_title(f"k-gram predictors ({n_seeds} seeds, threshold {threshold:.2f})")
    x = np.arange(len(scores))
    colors = [SCORE_STYLE[s][0] for s in scores]
    right.bar(x - 0.2, table[f"k={k}"], width=0.38, color=colors, label=f"k = {k}")
    right.bar(
        x + 0.2,
        table["oracle"],
        width=0.38,
        color=colors,
        alpha=0.35,
        hatch="//",
        edgecolor=COLORS["white"],
        label="oracle",
    )
    for xi, value in zip(x - 0.2, table[f"k={k}"], strict=True):
        right.text(xi, value + 0.02, f"{value:.2f}", ha="center", fontsize=8)
    right.set_xticks(x, scores)
    right.set_ylim(0, 1.12)
    right.set_ylabel("score (fraction)")
    right.set_title(f"k = {k} (solid) vs the oracle (hatched)")
    fig.tight_layout()
    plt.show()


def plot_probe_controls(results: list[dict[str, float]]) -> None:
    """Probe accuracy on the trained network and the controls, and the paired differences.

    Parameters
    ----------
    results
        Dicts from :func:`probe_experiment`, one per seed (with a control task).

    Left: probe accuracy (exact cell) on each feature set, mean over seeds (dots: seeds), for the
    real cell (solid) and the control task (hatched). Right: paired differences over the seeds
    with 95% intervals — trained − random init, and each feature set's *selectivity* (real −
    control). Ends with ``plt.show()``.
    """
    import pandas as pd

    if len(results) < 2:
        raise ValueError("results must hold at least two seeds (paired intervals)")
    names = ["raw_input", "random_init", "trained"]
    labels = ["raw input", "network at\nrandom init", "trained\nnetwork"]
    colors = [PALETTE["orange"], PALETTE["sky"], PALETTE["blue"]]
    frame = pd.DataFrame([{"seed": i, **r} for i, r in enumerate(results)])
    fig, (ax, right) = plt.subplots(
        1, 2, figsize=(10.5, 3.9), gridspec_kw={"width_ratios": [1.4, 1]}
    )
    x = np.arange(len(names))
    for offset, prefix, hatch, alpha in ((-0.2, "", "", 0.9), (0.2, "control_", "//", 0.45)):
        values = frame[[prefix + name for name in names]].to_numpy()
        ax.bar(
            x + offset,
            values.mean(axis=0),
            width=0.38,
            color=colors,
            alpha=alpha,
            hatch=hatch,
            edgecolor=COLORS["white"],
        )
        spread = np.linspace(-0.08, 0.08, len(values))
        for i in range(len(names)):
            ax.plot(x[i] + offset + spread, values[:, i], "o", color=PALETTE["black"], markersize=3)
            ax.text(
                x[i] + offset,
                values[:, i].max() + 0.03,
                f"{values[:, i].mean():.2f}",
                ha="center",
                fontsize=8,
            )
    ax.set_xticks(x, labels)
    ax.set_ylim(0, 1.15)
    ax.set_ylabel("probe accuracy (exact cell)")
    ax.set_title(f"Real cell (solid) vs control task (hatched), {len(results)} seeds")
    long = frame.melt(id_vars="seed", var_name="features", value_name="accuracy")
    comparisons = [
        ("trained", "random_init", "trained −\nrandom init"),
        ("raw_input", "control_raw_input", "selectivity\nraw input"),
        ("random_init", "control_random_init", "selectivity\nrandom init"),
        ("trained", "control_trained", "selectivity\ntrained"),
    ]
    for i, (a, b, _) in enumerate(comparisons):
        diff = paired_difference(long, by="features", a=a, b=b, value="accuracy")
        paired_marker(right, i, diff, fontsize=8, label_offset=0.1, capsize=5)
    right.axhline(0, color=COLORS["grey"], linestyle=":", linewidth=1)
    right.set_xticks(range(len(comparisons)), [c[2] for c in comparisons], fontsize=8)
    right.set_xlim(-0.5, len(comparisons) - 0.3)
    right.set_ylim(-0.1, 1.05)
    right.set_ylabel("paired difference (accuracy)")
    right.set_title("paired differences, 95% CI")
    fig.tight_layout()
    plt.show()


def plot_network_sweep(rows: list[dict[str, float]]) -> None:
    """Heat maps of the network's compression and distinction over training length × threshold.

    Parameters
    ----------
    rows
        From :func:`network_sweep` (one or more seeds); cells show the mean over seeds.

    Ends with ``plt.show()``.
    """
    import pandas as pd

    frame = pd.DataFrame(rows)
    if frame.empty:
        raise ValueError("rows must not be empty")
    epochs = sorted(frame["epochs"].unique())
    thresholds = sorted(frame["threshold"].unique())
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
    for ax, name in zip(axes, ("compression", "distinction"), strict=True):
        table = frame.pivot_table(index="epochs", columns="threshold", values=name, aggfunc="mean")
        grid = table.loc[epochs, thresholds].to_numpy()
        image = ax.imshow(
            grid, cmap=colormap("score"), vmin=0, vmax=1, aspect="auto", origin="lower"
        )
        for i in range(len(epochs)):
            for j in range(len(thresholds)):
                ax.text(
                    j,
                    i,
                    f"{grid[i, j]:.2f}",
                    ha="center",
                    va="center",
                    fontsize=9,
                    color=COLORS["white"] if grid[i, j] < 0.55 else COLORS["black"],
                )
        ax.set_xticks(range(len(thresholds)), [f"{t:g}" for t in thresholds])
        ax.set_yticks(range(len(epochs)), [str(e) for e in epochs])
        ax.set_xlabel("acceptance threshold (probability)")
        ax.set_title(f"{name} (mean of {frame['seed'].nunique()} seeds)")
        ax.grid(False)
    axes[0].set_ylabel("training length (epochs)")
    fig.colorbar(image, ax=axes, fraction=0.03, label="score (fraction of pairs)")
    plt.show()


def plot_two_meanings(means, gap) -> None:
    """The two meanings of "world model" on the same networks, against training length.

    Parameters
    ----------
    means
        DataFrame indexed by training length (epochs) with columns ``probe`` (the probe's
        exact-cell accuracy) and ``behaviour`` (the best ``min(compression, distinction)`` over
        the thresholds), means over seeds.
    gap
        The paired ``probe − behaviour`` difference per training length, as
        :func:`worldlab.stats.paired_difference_table` returns it (``knob``, ``estimate``,
        ``low``, ``high``).

    Ends with ``plt.show()``.
    """
    epochs = means.index.to_numpy()
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.2), layout="constrained")
    left.plot(
        epochs, means["probe"], "o-", color=PALETTE["blue"],
        label="probe accuracy (representation)",
    )  # fmt: skip
    left.plot(
        epochs, means["behaviour"], "s-", color=PALETTE["vermillion"],
        label="best min(compression, distinction) (behaviour)",
    )  # fmt: skip
    left.axhline(1, color=ROLE["guide"], linestyle=":", label="the oracle's behaviour")
    left.set_ylabel("score (fraction)")
    left.set_ylim(0, 1.05)
    left.set_title("The two meanings on the same networks")
    gap = gap.set_index("knob").loc[epochs]
    right.errorbar(
        epochs, gap["estimate"], capsize=5, marker="o", color=PALETTE["black"],
        yerr=[gap["estimate"] - gap["low"], gap["high"] - gap["estimate"]],
    )  # fmt: skip
    right.axhline(0, color=ROLE["guide"], linestyle="--")
    right.set_ylabel("probe − behaviour (paired, 95% CI)")
    right.set_ylim(-0.1, 1.0)
    right.set_title("Where they would agree: 0")
    for ax in (left, right):
        ax.set_xscale("log")
        ax.set_xticks(epochs, [str(e) for e in epochs])
        ax.minorticks_off()
        ax.set_xlabel("training length (epochs)")
    left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), fontsize=8)
    plt.show()
