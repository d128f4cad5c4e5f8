"""Lesson 05's figures and demos: conditioning curves, prediction errors, surprise over time.

The models live beside this file (:mod:`.rescorla_wagner`, :mod:`.online`, :mod:`.in_context`);
this module only draws them, so the models never import matplotlib.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from worldlab.plots import PALETTE
from worldlab.plots.palette import COLORS, ROLE
from worldlab.prediction_error.in_context import in_context_surprise
from worldlab.prediction_error.online import (
    Stream,
    Update,
    fit_frozen,
    frozen_surprise,
    learn_online,
    make_stream,
    moving_average,
)
from worldlab.prediction_error.rescorla_wagner import (
    Rule,
    Schedule,
    cooccurrence_learner,
    make_schedule,
    run_rule,
)


def plot_strengths(
    schedule: Schedule,
    strengths: np.ndarray,
    ax: Axes | None = None,
    copying: np.ndarray | None = None,
    title: str | None = None,
    legend: bool = True,
) -> Axes:
    """Strength of each cue against trial, phases shaded; the copying learner dashed if given.

    ``strengths`` (and ``copying``) have shape (n_trials + 1, n_cues), as
    a rule returns.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 3.8))
    colors = [PALETTE["blue"], PALETTE["vermillion"], PALETTE["green"]]
    trials = np.arange(strengths.shape[0])
    for start_index, (name, start, end) in enumerate(schedule.phases):
        if start_index % 2:
            ax.axvspan(start, end, color=COLORS["pale grey"], zorder=0)
        ax.text((start + end) / 2, 1.08, name, ha="center", va="bottom", fontsize=9)
    for i, cue in enumerate(schedule.cue_names):
        color = colors[i % len(colors)]
        ax.plot(trials, strengths[:, i], color=color, linewidth=2.2, label=f"{cue} (error-driven)")
        if copying is not None:
            ax.plot(
                trials,
                copying[:, i],
                color=color,
                linewidth=max(2.6 - 1.2 * i, 1.2),
                linestyle="--",
                label=f"{cue} (copying)",
            )
    ax.set_xlim(0, schedule.n_trials)
    ax.set_ylim(-0.05, 1.2)
    ax.set_xlabel("trial")
    ax.set_ylabel("associative strength V (λ = 1)")
    if legend:
        ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5))
    if title:
        ax.set_title(title, pad=22)
    return ax


def plot_prediction_errors(
    schedule: Schedule, errors: np.ndarray, ax: Axes | None = None, label_phases: bool = True
) -> Axes:
    """The prediction error of each trial as bars (positive: better than expected).

    ``errors`` has shape (n_trials,), as :func:`prediction_errors` returns.
    """
    errors = np.asarray(errors, dtype=float)
    if errors.shape != (schedule.n_trials,):
        raise ValueError(f"errors must have shape ({schedule.n_trials},), got {errors.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 3.0))
    colors = np.where(errors >= 0, PALETTE["green"], PALETTE["purple"])
    ax.bar(np.arange(schedule.n_trials) + 0.5, errors, width=0.8, color=colors)
    for index, (name, start, end) in enumerate(schedule.phases):
        if index % 2:
            ax.axvspan(start, end, color=COLORS["pale grey"], zorder=0)
        if label_phases:
            ax.text((start + end) / 2, 1.08, name, ha="center", va="bottom", fontsize=9)
    ax.axhline(0, color=COLORS["grey"], linewidth=0.8)
    ax.set_xlim(0, schedule.n_trials)
    ax.set_ylim(-1.1, 1.25)
    ax.set_xlabel("trial")
    ax.set_ylabel("prediction error\n(food − expected)")
    return ax


def conditioning_demo(
    rule: Rule | None = None,
    schedule: str = "blocking",
    alpha_a: float = 0.3,
    alpha_b: float = 0.3,
    beta: float = 1.0,
    n_per_phase: int = 30,
) -> None:
    """The widget's figure: ``rule`` and the copying learner on one schedule, then shown.

    ``rule(cues, food, alpha=..., beta=...)`` is the error-driven learner (the lesson passes its
    own exercise). While it is missing or unfinished (raises ``NotImplementedError``) only the
    copying learner is drawn, with a note.
    """
    chosen = make_schedule(schedule, n_per_phase)
    alpha = np.array([alpha_a, alpha_b])[: len(chosen.cue_names)]
    copying = cooccurrence_learner(chosen.cues, chosen.food)
    # the settings in the title: every control visibly redraws the figure, even where (as for
    # salience B under blocking) the learner's curves do not move
    title = (
        f"schedule: {schedule}; salience A {alpha_a:.2f}, B {alpha_b:.2f}; beta {beta:.2f}; "
        f"{n_per_phase} trials/phase"
    )
    try:
        if rule is None:
            raise NotImplementedError
        strengths = run_rule(rule, chosen, alpha=alpha, beta=beta)
    except NotImplementedError:
        strengths = np.full_like(copying, np.nan)
        title += "\n(finish exercise 1 to see the error-driven learner)"
    plot_strengths(chosen, strengths, copying=copying, title=title)
    plt.tight_layout()
    plt.show()


def plot_surprise(
    stream: Stream,
    online: np.ndarray | None,
    frozen: np.ndarray | None = None,
    window: int = 10,
    ax: Axes | None = None,
    in_context: np.ndarray | None = None,
    reset_at: int | None = None,
) -> Axes:
    """Surprise per step (trailing mean over ``window``), log scale, the change marked.

    ``online``, ``frozen`` and ``in_context`` are per-step surprises, shape (n_steps,); any of
    them may be None (not drawn). ``reset_at`` marks where the in-context model's context was
    emptied (a new session).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 3.8))
    steps = np.arange(stream.n_steps)
    series = (
        (online, PALETTE["blue"], "-", "online model (keeps learning)"),
        (frozen, PALETTE["vermillion"], "--", "model fitted once, then frozen"),
        (in_context, PALETTE["green"], "-.", "frozen weights + recent context"),
    )
    for values, color, style, label in series:
        if values is None:
            continue
        ax.plot(
            steps,
            moving_average(values, window),
            color=color,
            linewidth=1.8,
            linestyle=style,
            label=label,
        )
    ax.axhline(
        stream.noise_floor,
        color=COLORS["grey"],
        linestyle=":",
        linewidth=1.2,
        label="noise floor (unpredictable)",
    )
    ax.axvline(stream.change_at, color=PALETTE["black"], linewidth=1)
    ax.text(
        stream.change_at - 6,
        0.6,
        "the world changes →",
        transform=ax.get_xaxis_transform(),
        ha="right",
        va="center",
        fontsize=9,
    )
    if reset_at is not None:
        ax.axvline(reset_at, color=PALETTE["green"], linewidth=1, linestyle=":")
        ax.text(
            reset_at + 4,
            0.45,
            "new session:\ncontext emptied",
            transform=ax.get_xaxis_transform(),
            ha="left",
            va="top",
            fontsize=8,
            color=PALETTE["green"],
        )
    ax.set_yscale("log")
    ax.set_xlim(0, stream.n_steps)
    ax.set_xlabel("time step")
    ax.set_ylabel(f"surprise: squared error\n(mean of last {window} steps)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=9)
    return ax


def surprise_demo(
    update: Update | None = None,
    learning_rate: float = 0.05,
    change_at: int = 300,
    noise: float = 0.1,
    seed: int = 0,
    window: int = 50,
) -> None:
    """The widget's figure: online, frozen and in-context surprise on one stream, then shown.

    ``update`` is the online model's rule (lesson 05 passes its exercise); while it is missing
    or raises ``NotImplementedError``, the online model is left out, with a note in the title.
    ``window`` is the in-context model's context length (:mod:`worldlab.prediction_error.in_context`).
    """
    stream = make_stream(seed, n_steps=600, change_at=change_at, noise=noise)
    prior = fit_frozen(stream)
    try:
        if update is None:
            raise NotImplementedError
        online = learn_online(stream, learning_rate, update).surprise
        note = ""
    except NotImplementedError:
        online, note = None, "\n(finish exercise 2 to see the online model)"
    frozen = frozen_surprise(stream, prior)
    in_context = in_context_surprise(stream, prior, window=window)
    ax = plot_surprise(stream, online, frozen, in_context=in_context)
    ax.set_title(f"learning rate {learning_rate:g}, noise {noise:g}, context {window}" + note)
    plt.tight_layout()
    plt.show()


def plot_blocking_over_seeds(
    animals: pd.DataFrame | None, effects: pd.DataFrame | None, copying: pd.DataFrame | None
) -> None:
    """Blocking over noisy animals: each seed's B in both groups, and the effect per pre-training.

    Parameters
    ----------
    animals : one row per (seed, n_pretraining) for the error-driven learner, with columns
        ``B_control`` and ``B_blocking`` (the final strength of B in each group).
    effects, copying : the paired blocking effect ``B_control − B_blocking`` of the error-driven
        and the copying learner, one row per pre-training length: columns ``knob`` (the length),
        ``estimate``, ``low`` and ``high`` (as ``stats.paired_difference_table`` returns).

    Left, the seeds at the longest pre-training; right, each learner's mean effect with its 95%
    interval against the pre-training length (log axis). ``None`` (the lesson's value while
    exercise 1 is unfinished) raises ``NotImplementedError``.
    """
    if animals is None or effects is None or copying is None:
        raise NotImplementedError("finish exercise 1 first")
    longest = int(animals["n_pretraining"].max())
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4), width_ratios=[0.8, 1.2])
    full = animals[animals["n_pretraining"] == longest]
    for _, row in full.iterrows():
        left.plot(
            [0, 1],
            [row["B_control"], row["B_blocking"]],
            color=PALETTE["sky"],
            marker="o",
            alpha=0.8,
        )
    left.axhline(0, color=ROLE["guide"], linewidth=1, linestyle=":")
    left.set_xticks([0, 1], ["control", "blocking"])
    left.set_xlim(-0.3, 1.3)
    left.set_ylabel("final strength of B (λ = 1)")
    left.set_title(f"error-driven learner, each seed ({len(full)})")
    for learner, table, color in (
        ("error-driven", effects, PALETTE["blue"]),
        ("copying", copying, PALETTE["purple"]),
    ):
        right.errorbar(
            table["knob"],
            table["estimate"],
            yerr=[table["estimate"] - table["low"], table["high"] - table["estimate"]],
            marker="o",
            capsize=4,
            color=color,
            label=learner,
        )
    right.axhline(0, color=ROLE["guide"], linewidth=1, linestyle=":")
    right.set_xscale("log")
    right.set_xticks(effects["knob"], [str(n) for n in effects["knob"]])
    right.set_xlabel("pre-training trials of A alone")
    right.set_ylabel("blocking effect: B_control − B_blocking")
    right.set_title(f"paired difference, mean ± 95% CI over {len(full)} seeds")
    right.legend()
    plt.tight_layout()


def plot_deployment_differences(differences: pd.DataFrame | None) -> None:
    """Paired differences in mean surprise between deployed models, in three windows of steps.

    Parameters
    ----------
    differences : one row per (window, difference) with columns ``window`` (``"after"``,
        ``"settled"``, ``"fresh"``), ``difference`` (``"in_context − online"`` or
        ``"frozen − in_context"``), ``mean``, ``ci_low``, ``ci_high`` and ``n``.

    Drawn on a symmetric log axis (linear within ±0.01), so that differences of either sign and
    of very different sizes fit on one axis with 0 on it. ``None`` (the lesson's value while
    exercise 2 is unfinished) raises ``NotImplementedError``.
    """
    if differences is None:
        raise NotImplementedError("finish exercise 2 first")
    fig, ax = plt.subplots(figsize=(8, 3.8))
    colors = {"in_context − online": PALETTE["green"], "frozen − in_context": PALETTE["vermillion"]}
    for i, window in enumerate(("after", "settled", "fresh")):
        for j, (name, color) in enumerate(colors.items()):
            row = differences[
                (differences["window"] == window) & (differences["difference"] == name)
            ]
            mean, low, high = row[["mean", "ci_low", "ci_high"]].iloc[0]
            ax.errorbar(
                [i + 0.15 * (2 * j - 1)],
                [mean],
                yerr=[[mean - low], [high - mean]],
                fmt="s",
                capsize=5,
                color=color,
                label=name if i == 0 else None,
            )
    ax.axhline(0, color=ROLE["guide"], linewidth=1, linestyle=":")
    ax.set_yscale("symlog", linthresh=0.01)
    ax.set_xticks(
        [0, 1, 2],
        ["after the change\n(25 steps)", "settled\n(25 steps)", "fresh session\n(10 steps)"],
    )
    ax.set_ylabel("paired difference in\nmean surprise (symlog)")
    ax.set_title(f"{int(differences['n'].iloc[0])} seeds, mean ± 95% CI")
    ax.legend()
    plt.tight_layout()
