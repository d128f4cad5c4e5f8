"""Lesson 14's figures and its demo (the world never draws; these do)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from worldlab.plots import PALETTE
from worldlab.plots.palette import colormap
from worldlab.representations.experiments import ARMS
from worldlab.representations.models import Predictor
from worldlab.stats import t_critical, wilson_interval
from worldlab.worlds import distracted_strip as world

__all__ = ["ARM_STYLES", "plot_collapse", "plot_sweep", "show_world"]

#: One colour and marker per arm, kept across the lesson's figures.
ARM_STYLES = {
    "pixels": {"color": PALETTE["vermillion"], "marker": "s"},
    "latent": {"color": PALETTE["blue"], "marker": "o"},
    "latent, no anti-collapse": {"color": PALETTE["sky"], "marker": "v", "linestyle": "--"},
    "image tokens": {"color": PALETTE["orange"], "marker": "D", "linestyle": ":"},
}


def show_world(strength: float = 1.0, seed: int = 0, n_frames: int = 6) -> None:
    """Demo callback: one episode's frames at a distractor strength, and the pixels' variance.

    Left, ``n_frames`` consecutive frames (agent bar plus distractor); right, the share of the
    pixels' variance that belongs to the agent and to the distractor. Ends with ``plt.show()``.
    """
    episodes = world.collect(seed, strength, n_episodes=1, n_steps=n_frames - 1)
    frames = episodes.frames[0]
    fig = plt.figure(figsize=(9, 3.2))
    grid = fig.add_gridspec(n_frames, 2, width_ratios=[2.2, 1], hspace=0.4)
    limit = max(1.0, float(np.abs(frames).max()))
    for t in range(n_frames):
        ax = fig.add_subplot(grid[t, 0])
        ax.imshow(frames[t], cmap=colormap("image"), vmin=-limit, vmax=limit, aspect="auto")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_ylabel(f"t={t}", rotation=0, ha="right", va="center", fontsize=8)
        ax.plot(episodes.positions[0, t], 1, marker="^", color=PALETTE["yellow"], markersize=5)
    share = strength**2 / (1.0 + strength**2)
    ax = fig.add_subplot(grid[:, 1])
    ax.bar(["agent", "distractor"], [1 - share, share], color=[PALETTE["blue"], PALETTE["orange"]])
    ax.set_ylim(0, 1)
    ax.set_ylabel("share of pixel variance")
    ax.set_title(f"distractor strength {strength:g}")
    fig.suptitle("Frames of one episode (yellow marker: the agent's cell)", fontsize=10)
    plt.show()


def _interval(rows: pd.DataFrame, value: str) -> tuple[float, float, float]:
    """Mean and 95% interval of one arm at one strength.

    The read-out's interval is a t interval over the worlds; planning's is a Wilson interval on
    the episodes pooled over the worlds (it stays inside [0, 1]).
    """
    if value == "planning":
        reached, episodes = int(rows["reached"].sum()), int(rows["episodes"].sum())
        low, high = wilson_interval(reached, episodes)
        return reached / episodes, float(low), float(high)
    values = rows[value].to_numpy(dtype=float)
    half = t_critical(len(values)) * values.std(ddof=1) / np.sqrt(len(values))
    return float(values.mean()), float(values.mean() - half), float(values.mean() + half)


def plot_sweep(results: pd.DataFrame) -> None:
    """Read-out R² and planning success against distractor strength, one line per arm."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for ax, value, label in zip(
        axes,
        ["readout", "planning"],
        ["position read-out R² (held out)", "share of episodes reaching the goal"],
        strict=True,
    ):
        for arm in ARMS:
            rows = results[results["arm"] == arm]
            strengths = sorted(rows["strength"].unique())
            stats = [_interval(rows[rows["strength"] == s], value) for s in strengths]
            means, lows, highs = np.array(stats).T
            errors = np.vstack([means - lows, highs - means])
            ax.errorbar(strengths, means, yerr=errors, capsize=3, label=arm, **ARM_STYLES[arm])
        ax.set_xlabel("distractor strength (distractor / agent pixel std)")
        ax.set_ylabel(label)
        ax.set_ylim(-0.6 if value == "readout" else 0.0, 1.05)
    axes[0].legend(loc="lower left", fontsize=8)
    fig.tight_layout()


def plot_collapse(with_penalty: Predictor, without_penalty: Predictor) -> None:
    """Training curves: prediction loss and the embeddings' spread, with and without the term."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    for predictor, arm in [(with_penalty, "latent"), (without_penalty, "latent, no anti-collapse")]:
        style = {k: v for k, v in ARM_STYLES[arm].items() if k != "marker"}
        steps = np.arange(1, len(predictor.history["loss"]) + 1)
        axes[0].plot(steps, predictor.history["loss"], label=arm, **style)
        axes[1].plot(steps, predictor.history["spread"], label=arm, **style)
    axes[0].set_yscale("log")
    axes[1].set_yscale("log")
    axes[0].set_ylabel("prediction loss (embedding units²)")
    axes[1].set_ylabel("spread of the embeddings (std)")
    for ax in axes:
        ax.set_xlabel("training step")
    axes[0].legend(fontsize=8)
    fig.tight_layout()
