"""Lesson 07's figures: each takes the tables the lesson computed and draws one figure.

The lesson's cells compute the experiments (with the student's ``grpo_update`` and
``pass_at_k``) and pass the tables here; these functions only draw, so a reader of the lesson
reads the experiment, not the matplotlib. Paired differences use
:func:`worldlab.stats.paired_ci` (lesson 00's method).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from worldlab.plots import PALETTE
from worldlab.plots.palette import ROLE, colormap
from worldlab.rlvr.pass_at_k import DEFAULT_KS
from worldlab.rlvr.training import (
    Update,
    action_probabilities,
    base_chain_policy,
    chain_step_accuracy,
    train_rl_on_chains,
)
from worldlab.stats import paired_ci
from worldlab.worlds.strategy_tasks import StrategyWorld, make_chain_world, problem_features

#: One colour per policy, the same in every figure of the lesson.
POLICY_COLORS = {"base": PALETTE["blue"], "RL": PALETTE["vermillion"], "SFT": PALETTE["green"]}


def _log_k_axis(ax, ks: Sequence[int]) -> None:
    ax.set_xscale("log", base=2)
    ax.set_xticks(ks, [str(k) for k in ks])
    ax.set_xlabel("k (tries per problem)")


def plot_base_policy(base: np.ndarray, world: StrategyWorld, problem_type: int = 0) -> Figure:
    """Two stacked bar charts over the strategies, sorted by the base's probability on one type:
    its probability of trying each, and each one's chance of working (green: works sometimes)."""
    features = problem_features(np.array([problem_type]), world.n_types)
    probabilities = action_probabilities(base, features)[0]
    chance = world.success_chance[problem_type]
    order = np.argsort(-probabilities)
    colors = [PALETTE["green"] if chance[s] > 0 else PALETTE["sky"] for s in order]
    n = len(order)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 4.6), sharex=True)
    top.bar(np.arange(n), probabilities[order], color=colors)
    top.set_ylabel("base's probability\nof trying it")
    top.set_title(
        f"Type {problem_type}: green strategies work on some problems, light blue never do"
    )
    bottom.bar(np.arange(n), chance[order], color=colors)
    bottom.set_ylabel(f"chance it works\non a type-{problem_type} problem")
    bottom.set_ylim(0, 1)
    bottom.set_xticks(np.arange(n), [str(s) for s in order], fontsize=8)
    bottom.set_xlabel("strategy (sorted by the base's probability)")
    fig.tight_layout()
    return fig


def plot_pass_at_k(results: pd.DataFrame, ks: Sequence[int] = DEFAULT_KS) -> Figure:
    """Left: mean pass@k of the base and of RL against k, with the ceiling. Right: the paired
    difference RL − base at each k with its 95% interval.

    ``results`` has one row per seed and the columns ``base_pass@k``, ``rl_pass@k`` for each k
    and ``solvable`` (from :func:`worldlab.rlvr.experiments.strategy_experiment`).
    """
    base_curve = results[[f"base_pass@{k}" for k in ks]].to_numpy()
    rl_curve = results[[f"rl_pass@{k}" for k in ks]].to_numpy()
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    for curve, label, key, marker in (
        (base_curve, "base (imitation only)", "base", "o"),
        (rl_curve, "after 400 RL steps", "RL", "s"),
    ):
        left.plot(ks, curve.mean(axis=0), marker=marker, color=POLICY_COLORS[key], label=label)
    left.axhline(
        results["solvable"].mean(),
        color=ROLE["guide"],
        linestyle=":",
        label="ceiling (some strategy works)",
    )
    _log_k_axis(left, ks)
    left.set_ylabel("pass@k (fraction of problems solved)")
    left.set_ylim(0, 1.02)
    left.legend(loc="lower right")
    left.set_title(f"Mean of {len(results)} seeds")
    cis = np.array([paired_ci(rl_curve[:, j], base_curve[:, j]) for j in range(len(ks))])
    right.axhline(0, color=ROLE["guide"], linewidth=1)
    right.errorbar(
        ks,
        cis[:, 0],
        yerr=[cis[:, 0] - cis[:, 1], cis[:, 2] - cis[:, 0]],
        fmt="s-",
        capsize=4,
        color=POLICY_COLORS["RL"],
    )
    _log_k_axis(right, ks)
    right.set_ylabel("RL − base, pass@k\n(paired over seeds, 95% interval)")
    right.set_title("Paired difference")
    fig.tight_layout()
    return fig


def plot_checkpoints(progress: pd.DataFrame) -> Figure:
    """Left: pass@1 and pass@256 against RL steps. Right: distinct strategies in 256 tries.

    ``progress`` has the columns ``rl_steps``, ``pass@1``, ``pass@256`` and ``coverage``, one
    row per seed and checkpoint (from :func:`worldlab.rlvr.experiments.rl_checkpoints`); the
    figure shows the mean over seeds.
    """
    by_steps = progress.groupby("rl_steps").mean()
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    steps_label = "RL steps (32 problems × 8 tries each)"
    left.plot(by_steps.index, by_steps["pass@1"], "o-", color=PALETTE["vermillion"], label="pass@1")
    left.plot(by_steps.index, by_steps["pass@256"], "s--", color=PALETTE["blue"], label="pass@256")
    left.set_xlabel(steps_label)
    left.set_ylabel("fraction of problems solved")
    left.set_ylim(0, 1)
    left.legend(loc="center right")
    left.set_title("Reliability up, reach down")
    right.plot(by_steps.index, by_steps["coverage"], "D-", color=PALETTE["green"])
    right.set_xlabel(steps_label)
    right.set_ylabel("distinct strategies in 256 tries")
    right.set_ylim(0, 25)
    right.set_title("Coverage narrows")
    fig.tight_layout()
    return fig


def plot_reach_sweep(sweep: pd.DataFrame) -> Figure:
    """A heat map of RL − base at k = 256 over the base's correct fraction and temperature.

    ``sweep`` has one row per base: ``correct fraction``, ``temperature``, ``estimate``,
    ``low``, ``high`` and ``n`` (seeds); each cell is annotated with its interval.
    """
    grid = sweep.pivot(index="correct fraction", columns="temperature", values="estimate")
    fractions, temperatures = list(grid.index), list(grid.columns)
    limit = float(np.abs(sweep[["low", "high"]].to_numpy()).max())
    fig, ax = plt.subplots(figsize=(7, 3.4))
    image = ax.imshow(
        grid.to_numpy(), cmap=colormap("difference"), vmin=-limit, vmax=limit, aspect="auto"
    )
    for cell in sweep.to_dict("records"):
        i = fractions.index(cell["correct fraction"])
        j = temperatures.index(cell["temperature"])
        text = (
            f"{cell['estimate']:+.3f}\n[{cell['low']:+.3f}, {cell['high']:+.3f}]\n{cell['n']} seeds"
        )
        ax.text(j, i, text, ha="center", va="center", fontsize=8)
    ax.set_xticks(range(len(temperatures)), [f"{t:g}" for t in temperatures])
    ax.set_yticks(range(len(fractions)), [f"{f:g}" for f in fractions])
    ax.set_xlabel("temperature of the base")
    ax.set_ylabel("correct fraction\nof the corpus")
    ax.set_title("RL − base, pass@256 (paired, 95% interval)")
    fig.colorbar(image, ax=ax, label="RL − base, pass@256")
    fig.tight_layout()
    return fig


def plot_chains(schedule: np.ndarray, update: Update, steps: int = 300) -> Figure:
    """Seed 0 of the chain puzzles: RL with ``schedule`` against RL on length 10 only.

    Left: the mean batch reward during training (moving average of 10 steps). Right: the chance
    to solve a puzzle in one try against its length, for the base, both runs, and the base's
    pass@256 (dotted).
    """
    world = make_chain_world(seed=0)
    base = base_chain_policy(world, np.random.default_rng([0, 1]))
    direct, direct_reward = train_rl_on_chains(world, base, np.full(steps, 10), 2, update)
    taught, taught_reward = train_rl_on_chains(world, base, schedule, 2, update)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    window = np.ones(10) / 10
    left.plot(
        np.convolve(taught_reward, window, "valid"),
        color=PALETTE["green"],
        label="your curriculum",
    )
    left.plot(
        np.convolve(direct_reward, window, "valid"),
        color=PALETTE["vermillion"],
        label="length 10 only",
    )
    left.set_xlabel("RL step")
    left.set_ylabel("mean reward of the batch\n(moving average of 10 steps)")
    left.set_title("What each run sees during training")
    left.legend(loc="center right")
    lengths = np.arange(1, 11)
    for weights, label, color, marker, size in (
        (base, "base", PALETTE["blue"], "o", 11),
        (direct, "RL on length 10 only", PALETTE["vermillion"], "s", 5),
        (taught, "your curriculum", PALETTE["green"], "^", 6),
    ):
        accuracy = chain_step_accuracy(weights, world).mean()
        right.semilogy(
            lengths,
            accuracy**lengths,
            marker=marker,
            markersize=size,
            color=color,
            markerfacecolor="none" if label == "base" else color,
            label=label,
        )
    base_accuracy = chain_step_accuracy(base, world).mean()
    right.semilogy(
        lengths,
        1 - (1 - base_accuracy**lengths) ** 256,
        ":",
        color=PALETTE["blue"],
        label="base, pass@256",
    )
    right.set_xlabel("puzzle length (steps)")
    right.set_ylabel("chance to solve in one try (log)")
    right.set_title(f"Seed 0 after {steps} RL steps")
    right.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    return fig


def plot_transfer(settings: Sequence[tuple[str, pd.DataFrame]]) -> Figure:
    """Paired differences of out-of-domain pass@1 (SFT − RL, RL − base, SFT − base) with 95%
    intervals, one panel per setting of the general strategies.

    Each table has one row per seed and the columns ``{policy}_ood_pass@1`` for policy ``base``,
    ``rl`` and ``sft`` (from :func:`worldlab.rlvr.experiments.transfer_experiment`).
    """
    fig, axes = plt.subplots(1, len(settings), figsize=(10, 3.8), sharey=True, squeeze=False)
    for ax, (title, df) in zip(axes[0], settings, strict=True):
        pairs = (
            ("SFT − RL", df["sft_ood_pass@1"], df["rl_ood_pass@1"], POLICY_COLORS["SFT"]),
            ("RL − base", df["rl_ood_pass@1"], df["base_ood_pass@1"], POLICY_COLORS["RL"]),
            ("SFT − base", df["sft_ood_pass@1"], df["base_ood_pass@1"], POLICY_COLORS["SFT"]),
        )
        ax.axhline(0, color=ROLE["guide"], linewidth=1)
        for x, (_label, a, b, color) in enumerate(pairs):
            mean, low, high = paired_ci(a, b)
            ax.errorbar(
                [x], [mean], yerr=[[mean - low], [high - mean]], fmt="o", capsize=6, color=color
            )
        ax.set_xticks(range(3), [label for label, *_ in pairs])
        ax.set_xlim(-0.6, 2.6)
        ax.set_title(f"out-of-domain pass@1, {title}", fontsize=10)
    n_seeds = len(settings[0][1])
    axes[0][0].set_ylabel(f"paired difference\n({n_seeds} seeds, 95% interval)")
    fig.tight_layout()
    return fig
