"""The figures of lesson 08: the task stream, accuracy matrices, sweeps and costs."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from scipy import stats as _scipy_stats

from worldlab.continual.results import (
    METHOD_COLORS,
    METHOD_LABELS,
    METHOD_MARKERS,
    METHODS,
    ContinualResult,
    Measure,
    apply_measure,
    check_accuracy_matrix,
    check_stream,
)
from worldlab.continual.runners import run_method
from worldlab.plots import PALETTE
from worldlab.plots.palette import COLORS, colormap
from worldlab.worlds.task_stream import TaskStream, make_task_stream


def _interval(values: np.ndarray) -> tuple[float, float, float]:
    """Mean and the ends of its 95% Student-t interval over the rows of ``values`` (n,)."""
    values = np.asarray(values, dtype=float)
    mean = float(values.mean())
    if values.size < 2:
        return mean, mean, mean
    half = _scipy_stats.t.ppf(0.975, values.size - 1) * values.std(ddof=1) / np.sqrt(values.size)
    return mean, mean - half, mean + half


def _paired_to(table: pd.DataFrame, by: str, reference, column: str) -> pd.DataFrame:
    """For each level of ``by``: mean of (column - column at ``reference``) over shared seeds
    and its 95% interval. Returns a DataFrame indexed by level with mean, low, high."""
    wide = table.pivot(index="seed", columns=by, values=column)
    rows = {level: _interval(wide[level] - wide[reference]) for level in wide.columns}
    return pd.DataFrame(rows, index=["mean", "low", "high"]).T.sort_index()


def plot_task_stream(stream: TaskStream, ax: Axes | None = None, n_points: int = 150) -> Axes:
    """The tasks' boundaries in the ``(x1, x2)`` plane, each with an arrow to its class-1 side."""
    check_stream(stream)
    if ax is None:
        _, ax = plt.subplots(figsize=(4.6, 4.4))
    points = stream.tasks[0].X_train[:n_points, :2]
    ax.scatter(
        points[:, 0], points[:, 1], s=8, color=COLORS["light grey"], alpha=0.6, label="inputs"
    )
    colors = colormap("sequence")(np.linspace(0.0, 0.9, stream.n_tasks))
    for task, color in zip(stream.tasks, colors, strict=True):
        normal = np.array([np.cos(task.angle), np.sin(task.angle)])
        along = np.array([-normal[1], normal[0]])
        ends = np.outer([-3.2, 3.2], along)
        ax.plot(ends[:, 0], ends[:, 1], color=color, linewidth=2, label=f"task {task.index + 1}")
        ax.annotate(
            "",
            xy=2.4 * along + 0.8 * normal,
            xytext=2.4 * along,
            arrowprops={"arrowstyle": "-|>", "color": color, "linewidth": 1.5},
        )
    ax.set_xlim(-3.2, 3.2)
    ax.set_ylim(-3.2, 3.2)
    ax.set_aspect("equal")
    ax.set_xlabel("feature x1 (standard units)")
    ax.set_ylabel("feature x2 (standard units)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=9)
    return ax


def plot_accuracy_matrix(
    R: np.ndarray,
    ax: Axes | None = None,
    title: str | None = None,
    measure: Measure | None = None,
) -> Axes:
    """Heat map of ``R`` (T, T) with each cell's accuracy in %; with ``measure`` (``acc_bwt``),
    ACC and BWT in the title."""
    R = check_accuracy_matrix(R)
    if ax is None:
        _, ax = plt.subplots(figsize=(3.6, 3.4))
    T = len(R)
    ax.imshow(R, vmin=0.4, vmax=1.0, cmap=colormap("score"), origin="upper")
    ax.grid(False)
    if T <= 6:
        for t in range(T):
            for i in range(T):
                ax.text(
                    i,
                    t,
                    f"{100 * R[t, i]:.0f}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color=COLORS["black"] if R[t, i] > 0.75 else COLORS["white"],
                )
    ticks = np.arange(T)
    ax.set_xticks(ticks, [str(i + 1) for i in ticks])
    ax.set_yticks(ticks, [str(i + 1) for i in ticks])
    ax.set_xlabel("tested on task")
    ax.set_ylabel("after training task")
    if measure is None:
        ax.set_title(title or "", fontsize=10)
        return ax
    acc, bwt = apply_measure(measure, R)
    bwt = round(bwt, 2) + 0.0  # no "-0.00"
    heading = f"{title}\n" if title else ""
    ax.set_title(f"{heading}ACC {acc:.2f}, BWT {bwt:+.2f}", fontsize=10)
    return ax


def continual_demo(
    measure: Measure,
    reservoir,
    penalty_grad,
    n_tasks: int = 8,
    buffer_size: int = 100,
    ewc_lambda: float = 100.0,
    seed: int = 0,
) -> plt.Figure:
    """Widget callback: accuracy matrices of all five methods on one stream, side by side.

    Bind ``measure``, ``reservoir`` and ``penalty_grad`` with ``functools.partial``.

    Parameters
    ----------
    n_tasks
        Tasks in the stream (2–8).
    buffer_size
        Replay buffer capacity (examples, >= 0).
    ewc_lambda
        EWC penalty strength (>= 0).
    seed
        Which stream and which base.
    """
    if not 2 <= n_tasks <= 8:
        raise ValueError(f"n_tasks must lie in [2, 8] for this demo, got {n_tasks}")
    stream = make_task_stream(seed, n_tasks=n_tasks)
    fig, axes = plt.subplots(1, len(METHODS), figsize=(15, 3.7), constrained_layout=True)
    for ax, method in zip(axes, METHODS, strict=True):
        result = run_method(
            method, stream, seed, reservoir=reservoir, penalty_grad=penalty_grad,
            buffer_size=int(buffer_size), ewc_lambda=float(ewc_lambda),
        )  # fmt: skip
        name = METHOD_LABELS[method]
        if method == "replay":
            name = f"replay, buffer {int(buffer_size)}"
        elif method == "ewc":
            name = f"EWC, λ = {ewc_lambda:g}"
        plot_accuracy_matrix(result.R, ax=ax, title=name, measure=measure)
        if method != METHODS[0]:
            ax.set_ylabel("")
    colorbar = fig.colorbar(axes[-1].images[0], ax=axes, shrink=0.85, extend="min", pad=0.01)
    colorbar.set_label("accuracy on the task")
    fig.suptitle(
        f"Accuracy (%) on each task as {n_tasks} tasks arrive one after another (seed {seed})",
        fontsize=12,
    )
    plt.show()
    return fig


def continual_demo_controls() -> dict:
    """The demo's three controls: tasks (2 … 8), buffer (0 … 300 examples), EWC λ (1 … 10⁴)."""
    from ipywidgets import FloatLogSlider, IntSlider

    return {
        "n_tasks": IntSlider(value=8, min=2, max=8, description="tasks"),
        "buffer_size": IntSlider(value=100, min=0, max=300, step=10, description="buffer"),
        "ewc_lambda": FloatLogSlider(
            value=100.0, base=10, min=0, max=4, step=0.5, description="EWC λ"
        ),
    }


def _spread(values: Sequence[float], gap: float) -> np.ndarray:
    """Label positions near ``values`` (in their order), at least ``gap`` apart."""
    order = np.argsort(values)
    placed = np.asarray(values, dtype=float)[order].copy()
    for i in range(1, len(placed)):
        placed[i] = max(placed[i], placed[i - 1] + gap)
    placed -= (placed - np.asarray(values, dtype=float)[order]).mean()  # centre the block
    out = np.empty_like(placed)
    out[order] = placed
    return out


def plot_cost_benefit(table: pd.DataFrame) -> plt.Figure:
    """ACC and BWT (mean and 95% interval over seeds) against fine-tuning compute and storage.

    One marker and colour per method; EWC's points (one per lambda) share one cost and are
    labelled, in a column to their right, with their lambda.

    Parameters
    ----------
    table
        Output of :func:`worldlab.continual.compare_methods`.
    """
    needed = {"method", "label", "acc", "bwt", "train_macs", "memory_floats", "seed"}
    if not isinstance(table, pd.DataFrame) or not needed <= set(table.columns):
        raise ValueError(f"table must be a DataFrame from compare_methods with columns {needed}")
    fig, axes = plt.subplots(2, 2, figsize=(10, 7), sharey="row", constrained_layout=True)
    costs = {
        "train_macs": (1e6, "fine-tuning compute (millions of multiply-adds)"),
        "memory_floats": (1e3, "numbers stored at the end (thousands)"),
    }
    scores = {"acc": "ACC (final mean accuracy)", "bwt": "BWT (backward transfer)"}
    for row, (score, score_label) in enumerate(scores.items()):
        for col, (cost, (unit, cost_label)) in enumerate(costs.items()):
            ax = axes[row, col]
            right = table[cost].max() / unit
            labelled = []
            for method in METHODS:
                rows = table[table["method"] == method]
                if rows.empty:
                    continue
                groups = list(rows.groupby("label", sort=False))
                points = [
                    (_interval(g[score]), g[cost].mean() / unit, label) for label, g in groups
                ]
                x = np.array([p[1] for p in points])
                mean = np.array([p[0][0] for p in points])
                error = np.array([[p[0][0] - p[0][1], p[0][2] - p[0][0]] for p in points]).T
                name = METHOD_LABELS[method] + {"ewc": ", one point per λ",
                                                "replay": ", one point per buffer size"}.get(method, "")  # fmt: skip
                ax.errorbar(x, mean, yerr=error, fmt=METHOD_MARKERS[method], markersize=8,
                            color=METHOD_COLORS[method], capsize=3, label=name,
                            linestyle="none")  # fmt: skip
                if method in ("ewc", "replay") and len(points) > 1:
                    labelled.append((method, points, x, mean))
            low, high = ax.get_ylim()
            for method, points, x, mean in labelled:
                ys = _spread(mean, 0.075 * (high - low))
                # replay costs more compute and less storage than EWC: label away from each other
                side = (1 if method == "ewc" else -1) * (1 if col == 1 else -1)
                for (_, _, label), x_point, y_point, y_text in zip(
                    points, x, mean, ys, strict=True
                ):
                    text = label.replace("EWC ", "") if method == "ewc" else label.split()[-1]
                    ax.annotate(text, (x_point, y_point),
                                xytext=(x_point + side * 0.07 * right, y_text), fontsize=8,
                                va="center", ha="left" if side > 0 else "right",
                                color=METHOD_COLORS[method],
                                arrowprops={"arrowstyle": "-", "color": METHOD_COLORS[method],
                                            "linewidth": 0.6})  # fmt: skip
            ax.set_xlim(-0.08 * right, 1.08 * right)  # no point on the spine
            ax.set_xlabel(cost_label)
            if col == 0:
                ax.set_ylabel(score_label)
            if score == "bwt":
                ax.axhline(0.0, color=COLORS["grey"], linewidth=1, linestyle=":")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=3, fontsize=9)
    n_seeds = table["seed"].nunique()
    fig.suptitle(
        f"What each method buys and what it costs (mean and 95% interval, {n_seeds} seeds)"
    )
    return fig


def plot_lambda_sweep(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """EWC's stability–plasticity trade-off as paired differences from naive fine-tuning.

    For each lambda: the change, against naive fine-tuning on the same seeds, of BWT, of the
    accuracy on each task right after learning it, and of ACC, with 95% paired intervals.

    Parameters
    ----------
    table
        Output of :func:`worldlab.continual.compare_methods` with the ``naive`` method and EWC
        at two or more lambdas (naive fine-tuning is EWC at lambda 0).
    """
    ewc = table[table["method"] == "ewc"]
    naive = table[table["method"] == "naive"]
    if naive.empty or ewc["lam"].nunique() < 2:
        raise ValueError("plot_lambda_sweep needs naive rows and EWC at two or more lambdas")
    both = pd.concat([naive.assign(lam=0.0), ewc], ignore_index=True)
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 4))
    lams = np.sort(both["lam"].unique())
    lams = lams[lams > 0]
    series = {
        "bwt": ("BWT (stability)", PALETTE["green"], "D", -0.06),
        "learning_acc": ("accuracy on each new task (plasticity)", PALETTE["blue"], "o", 0.0),
        "acc": ("ACC (final mean accuracy)", PALETTE["black"], "s", 0.06),
    }
    for column, (label, color, marker, shift) in series.items():
        paired = _paired_to(both, "lam", 0.0, column).loc[lams]
        x = lams * 10**shift  # side by side on the log axis
        ax.errorbar(x, paired["mean"], yerr=[paired["mean"] - paired["low"],
                    paired["high"] - paired["mean"]], fmt=marker + "-", color=color,
                    capsize=3, label=label)  # fmt: skip
    ax.axhline(0.0, color=COLORS["grey"], linewidth=1, linestyle=":")
    ax.set_xscale("log")
    ax.set_xticks(lams, [f"{lam:g}" for lam in lams])
    ax.minorticks_off()
    ax.set_xlabel("EWC strength λ (log scale)")
    ax.set_ylabel("change from naive fine-tuning\n(paired over seeds, 95% interval)")
    ax.legend(fontsize=9, loc="best")
    return ax


def plot_buffer_sweep(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Replay's BWT and ACC against the buffer's size, as paired differences from buffer 0.

    Parameters
    ----------
    table
        Output of :func:`worldlab.continual.compare_methods` with ``replay`` at several buffer
        sizes including 0 (replay with an empty buffer is naive fine-tuning).
    """
    replay = table[table["method"] == "replay"]
    if replay.empty or 0 not in set(replay["buffer"]) or replay["buffer"].nunique() < 2:
        raise ValueError("plot_buffer_sweep needs replay rows at buffer 0 and at other sizes")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 4))
    for column, label, color, marker in (
        ("bwt", "BWT (stability)", PALETTE["green"], "D"),
        ("acc", "ACC (final mean accuracy)", PALETTE["black"], "s"),
    ):
        paired = _paired_to(replay, "buffer", 0, column)
        ax.errorbar(paired.index, paired["mean"], yerr=[paired["mean"] - paired["low"],
                    paired["high"] - paired["mean"]], fmt=marker + "-", color=color,
                    capsize=3, label=label)  # fmt: skip
    ax.axhline(0.0, color=COLORS["grey"], linewidth=1, linestyle=":")
    sizes = np.sort(replay["buffer"].unique())
    ax.set_xticks(sizes, [f"{int(s)}" for s in sizes])
    ax.set_xlabel("replay buffer (examples kept; each task brings 200)")
    ax.set_ylabel("change from no buffer\n(paired over seeds, 95% interval)")
    ax.legend(fontsize=9, loc="lower right")
    return ax


def plot_cost_growth(results: Sequence[ContinualResult]) -> plt.Figure:
    """How each method's costs grow as tasks arrive: cumulative training compute, numbers
    stored, and multiply-adds per answer, against the number of tasks learnt so far.

    Linear axes, so that a cost growing like the square of the number of tasks curves upward
    while one growing in proportion stays a straight line.

    Parameters
    ----------
    results
        One :class:`ContinualResult` per method, all on the same stream.
    """
    if not results or not all(isinstance(r, ContinualResult) for r in results):
        raise TypeError("results must be a non-empty sequence of ContinualResult")
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.9), constrained_layout=True)
    panels = [
        (lambda r: np.cumsum(r.train_macs) / 1e6, "fine-tuning compute so far",
         "millions of multiply-adds"),
        (lambda r: r.memory_floats / 1e3, "storage", "thousands of numbers stored"),
        (lambda r: r.inference_macs / 1e3, "cost of one answer", "thousands of multiply-adds"),
    ]  # fmt: skip
    for ax, (values, title, ylabel) in zip(axes, panels, strict=True):
        for result in results:
            tasks = np.arange(1, len(result.R) + 1)
            ax.plot(tasks, values(result), marker=METHOD_MARKERS[result.method],
                    label=METHOD_LABELS[result.method], color=METHOD_COLORS[result.method],
                    alpha=0.85)  # fmt: skip
        ax.set_title(title)
        ax.set_xlabel("tasks learnt so far")
        ax.set_ylabel(ylabel)
        ax.set_xticks(np.arange(1, len(results[0].R) + 1))
        ax.set_ylim(bottom=0)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=len(labels), fontsize=9)
    return fig


def plot_forgetting_vs_agreement(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Final accuracy of each earlier task against how much its rule agrees with the last one.

    Parameters
    ----------
    table
        From :func:`forgetting_vs_agreement`.
    """
    if not isinstance(table, pd.DataFrame) or not {"agreement", "final", "learnt"} <= set(
        table.columns
    ):
        raise ValueError("table needs columns agreement, learnt and final")
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 4.2))
    ax.plot(
        [0, 1],
        [0, 1],
        color=COLORS["grey"],
        linestyle=":",
        linewidth=1.2,
        label="follows the last task's rule exactly",
    )
    # The agreements are shared by all seeds: shift the two series apart so both stay visible.
    ax.scatter(
        table["agreement"] - 0.012,
        table["learnt"],
        s=18,
        color=PALETTE["blue"],
        alpha=0.7,
        marker="s",
        label="right after learning the task",
    )
    ax.scatter(
        table["agreement"] + 0.012,
        table["final"],
        s=22,
        color=PALETTE["vermillion"],
        alpha=0.8,
        label="after the last task",
    )
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("agreement of the task's rule with the last task's rule")
    ax.set_ylabel("accuracy on the earlier task")
    ax.legend(fontsize=9, loc="lower right")
    return ax


def plot_skill_vs_memory(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Test accuracy of the trained network and of the look-up memory against the number of
    distractor features (mean and 95% CI over seeds).

    Parameters
    ----------
    table
        From ``run_over_seeds(skill_vs_memory, seeds, n_distractors=[...])``.
    """
    if not isinstance(table, pd.DataFrame) or not {"n_distractors", "network", "memory"} <= set(
        table.columns
    ):
        raise ValueError("table needs columns n_distractors, network and memory")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 4))
    for column, label in (
        ("network", "network trained on the examples (a skill)"),
        ("memory", "nearest-neighbour look-up of the same examples"),
    ):
        method = "retrain" if column == "network" else "memory"
        summary = pd.DataFrame(
            {level: _interval(group[column]) for level, group in table.groupby("n_distractors")},
            index=["mean", "ci_low", "ci_high"],
        ).T
        x = summary.index.to_numpy()
        ax.plot(
            x,
            summary["mean"],
            marker=METHOD_MARKERS[method],
            color=METHOD_COLORS[method],
            label=label,
        )
        ax.fill_between(
            x, summary["ci_low"], summary["ci_high"], color=METHOD_COLORS[method], alpha=0.2
        )
    ax.set_xticks(x)
    ax.set_xlabel("distractor features (inputs the label ignores)")
    ax.set_ylabel("test accuracy on fresh inputs")
    ax.legend(fontsize=9, loc="lower left")
    return ax
