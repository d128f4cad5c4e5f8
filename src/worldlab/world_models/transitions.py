"""Count-table world models of the pixel strip: data, experiments and figures (lesson 01).

Two models are fitted by counting transitions in episodes of frame tokens: the **passive**
("video") model ``P(o' | o)``, a table of shape (K, K), and the **action-conditioned** model
``P(o' | o, a)``, a table of shape (K, A, K). Both predict the most-counted next frame (top-1); a
context never seen in training has no prediction (``-1``), scored as wrong.

The counting and the scoring are the lesson's exercises, so this module does not define them:
its experiments take them as arguments (``fit_counts``, ``accuracy``), with the signatures of the
lesson's ``fit_transition_counts(obs, n_obs, actions=None, n_actions=3)`` and
``next_frame_accuracy(counts, obs, actions=None)``; the kit's tests load the lesson's reference
answers for them. The rollout, which the lesson shows in its optional "Going further" part, is
:func:`imagine_rollout`; the horizon experiments take it as an argument too (``rollout``).

A next-token model of the interleaved stream ``o a o a …`` (see
:func:`worldlab.worlds.pixel_strip.interleave_tokens`) that looks back two tokens predicts, at
each frame position, from ``(o, a)``: :func:`next_token_table` counts such a stream the way a
language model's training data would be counted, context by context.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from worldlab.plots import PALETTE, paired_marker
from worldlab.plots.palette import COLORS, colormap
from worldlab.stats import paired_difference, t_critical
from worldlab.worlds import pixel_strip

UNSEEN = -1


def _check_episodes(obs: np.ndarray, actions: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    obs = np.asarray(obs)
    if obs.ndim != 2 or obs.shape[1] < 2:
        raise ValueError(
            f"obs must be an int array (n_episodes, T + 1) with T >= 1, got shape {obs.shape}"
        )
    if not np.issubdtype(obs.dtype, np.integer):
        raise TypeError(f"obs must hold integer frame tokens, got dtype {obs.dtype}")
    if actions is not None:
        actions = np.asarray(actions)
        if actions.shape != (obs.shape[0], obs.shape[1] - 1):
            raise ValueError(
                f"actions must have shape (n_episodes, T) = {(obs.shape[0], obs.shape[1] - 1)} "
                f"to match obs {obs.shape}, got {actions.shape}"
            )
        if not np.issubdtype(actions.dtype, np.integer):
            raise TypeError(f"actions must hold integer codes, got dtype {actions.dtype}")
    return obs, actions


def imagine_rollout(
    counts: np.ndarray,
    start: np.ndarray,
    horizon: int,
    actions: np.ndarray | None = None,
) -> np.ndarray:
    """Imagine ``horizon`` frames ahead by feeding a count table its own top-1 predictions.

    Parameters
    ----------
    counts
        (K, K) passive table or (K, A, K) action-conditioned table.
    start
        int array (n,): the real frames the rollouts start from.
    horizon
        Number of steps H to imagine, at least 1.
    actions
        int array (n, H) of planned buttons, needed when ``counts`` has three axes: step ``h``
        uses ``actions[:, h]``.

    Returns
    -------
    int array (n, H): column ``h`` is the frame predicted ``h + 1`` steps ahead; a rollout that
    reaches a context without counts is lost, ``-1`` from there on.
    """
    counts, current = np.asarray(counts), np.asarray(start)
    if counts.ndim not in (2, 3):
        raise ValueError(f"counts must be a (K, K) or (K, A, K) table, got shape {counts.shape}")
    if current.ndim != 1 or not np.issubdtype(current.dtype, np.integer):
        raise ValueError(f"start must be an int array (n,), got {current.dtype} {current.shape}")
    if np.any((current < 0) | (current >= counts.shape[0])):
        raise ValueError(f"start frames must lie in 0 … {counts.shape[0] - 1}")
    if int(horizon) < 1:
        raise ValueError(f"horizon must be at least 1, got {horizon}")
    if (counts.ndim == 3) != (actions is not None):
        raise ValueError("an action-conditioned (K, A, K) table needs actions, a (K, K) one none")
    if actions is not None:
        actions = np.asarray(actions)
        if actions.shape != (len(current), int(horizon)):
            raise ValueError(
                f"actions must have shape (n, horizon) = {(len(current), int(horizon))}, "
                f"got {actions.shape}"
            )
    predicted = np.empty((len(current), int(horizon)), dtype=int)
    for h in range(int(horizon)):
        lost = current < 0
        safe = np.where(lost, 0, current)  # a real row: counts[-1] would be the last one
        rows = counts[safe] if actions is None else counts[safe, actions[:, h]]
        step = np.where(rows.sum(axis=-1) > 0, rows.argmax(axis=-1), UNSEEN)
        current = np.where(lost, UNSEEN, step)
        predicted[:, h] = current
    return predicted


def rollout_error_by_horizon(
    rollout: Callable[..., np.ndarray],
    counts: np.ndarray,
    obs: np.ndarray,
    horizon: int,
    actions: np.ndarray | None = None,
) -> np.ndarray:
    """Fraction of imagined frames that are wrong, ``h`` steps after a real frame.

    Rollouts start from every time ``t = 0 … T - horizon`` of every episode (the same starts for
    every ``h``), using the actions actually taken when the table is action-conditioned.

    Parameters
    ----------
    rollout
        ``rollout(counts, start, horizon, actions=None)`` returning (n, horizon) frame tokens,
        e.g. :func:`imagine_rollout`.
    counts
        (K, K) or (K, A, K) table.
    obs, actions
        Held-out episodes: (n_episodes, T + 1) tokens and (n_episodes, T) actions (or ``None``).
    horizon
        Steps imagined ahead, 1 … T.

    Returns
    -------
    float array (horizon,): entry ``h - 1`` is the error rate ``h`` steps ahead.
    """
    obs, actions = _check_episodes(obs, actions)
    n_steps = obs.shape[1] - 1
    if not 1 <= horizon <= n_steps:
        raise ValueError(f"horizon must lie in 1 … {n_steps} (the episode length)")
    starts = np.arange(n_steps - horizon + 1)
    windows = starts[:, None] + np.arange(horizon + 1)  # (n_starts, horizon + 1)
    truth = obs[:, windows].reshape(-1, horizon + 1)
    planned = None
    if actions is not None:
        planned = actions[:, windows[:, :-1]].reshape(-1, horizon)
    imagined = np.asarray(rollout(counts, truth[:, 0], horizon, planned))
    if imagined.shape != (len(truth), horizon):
        raise ValueError(
            f"rollout returned shape {imagined.shape}, expected {(len(truth), horizon)}"
        )
    return np.mean(imagined != truth[:, 1:], axis=0)


def next_token_table(stream: np.ndarray, context: int = 2) -> dict[tuple[int, ...], Counter]:
    """What a next-token count model learns from token sequences: context → next-token counts.

    Parameters
    ----------
    stream
        int array (n_sequences, L): token sequences (e.g. interleaved ``o a o a …``).
    context
        How many previous tokens the model looks at (>= 1).

    Returns
    -------
    dict from each context seen (a tuple of ``context`` tokens) to a Counter of the tokens that
    followed it.
    """
    stream = np.asarray(stream)
    if stream.ndim != 2 or not np.issubdtype(stream.dtype, np.integer):
        raise ValueError("stream must be an int array (n_sequences, length)")
    if not isinstance(context, int | np.integer) or context < 1:
        raise ValueError(f"context must be a positive integer, got {context!r}")
    if stream.shape[1] <= context:
        raise ValueError(f"sequences must be longer than the context ({context})")
    table: dict[tuple[int, ...], Counter] = defaultdict(Counter)
    for sequence in stream.tolist():
        for t in range(context, len(sequence)):
            table[tuple(sequence[t - context : t])][sequence[t]] += 1
    return dict(table)


# --- experiments -----------------------------------------------------------------------------


def tokenised_episodes(
    seed: int | np.random.Generator,
    policy: str,
    n_episodes: int,
    n_steps: int = 20,
    width: int = 8,
    epsilon: float = 0.0,
    slip: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, pixel_strip.FrameCodebook]:
    """Collect episodes, render them and tokenise every frame with the full codebook.

    Returns
    -------
    (obs, actions, codebook): tokens (n_episodes, n_steps + 1), action codes (n_episodes,
    n_steps), and the lossless codebook of all ``width**2`` frames.
    """
    episodes = pixel_strip.collect_episodes(
        seed, policy, n_episodes, n_steps, width=width, epsilon=epsilon, slip=slip
    )
    codebook = pixel_strip.FrameCodebook(pixel_strip.all_frames(width))
    return codebook.encode(episodes.frames()), episodes.actions, codebook


def policy_experiment(
    seed: int,
    fit_counts: Callable[..., np.ndarray],
    accuracy: Callable[..., float],
    train_policy: str = "random",
    epsilon: float = 0.0,
    n_train: int = 100,
    n_test: int = 100,
    n_steps: int = 20,
    width: int = 8,
) -> dict[str, float]:
    """Fit both tables on one driver's data; test them on that driver and on random steering.

    Parameters
    ----------
    seed
        Seed of the training and test episodes (independent streams).
    fit_counts, accuracy
        The lesson's ``fit_transition_counts`` and ``next_frame_accuracy`` (see the module
        docstring).
    train_policy, epsilon
        Who drove while the data was collected, and the share of steps on which the expert's
        button was replaced by a random one whose effect is logged (an *intervention*); see
        :func:`worldlab.worlds.pixel_strip.choose_actions`.
    n_train, n_test, n_steps, width
        Episodes for training and for each test set, their length, the strip's width.

    Returns
    -------
    dict of top-1 accuracies ``passive_same``, ``conditioned_same`` (held-out data from the same
    driver), ``passive_steer``, ``conditioned_steer`` (held-out data where *you* steer at
    random), and ``coverage_steer``: the fraction of steering (frame, action) pairs ever seen in
    training.
    """
    rng = np.random.default_rng(seed)
    train_seed, same_seed, steer_seed = rng.spawn(3)
    obs, actions, codebook = tokenised_episodes(
        train_seed, train_policy, n_train, n_steps, width, epsilon
    )
    passive = np.asarray(fit_counts(obs, codebook.size))
    conditioned = np.asarray(fit_counts(obs, codebook.size, actions))
    if conditioned.ndim != 3:
        raise ValueError(
            f"fit_counts with actions returned shape {conditioned.shape}, not (K, A, K)"
        )
    result = {}
    for name, test_seed, policy in (
        ("same", same_seed, train_policy),
        ("steer", steer_seed, "random"),
    ):
        test_obs, test_actions, _ = tokenised_episodes(
            test_seed, policy, n_test, n_steps, width, epsilon if name == "same" else 0.0
        )
        result[f"passive_{name}"] = float(accuracy(passive, test_obs))
        result[f"conditioned_{name}"] = float(accuracy(conditioned, test_obs, test_actions))
        if name == "steer":
            seen = conditioned.sum(axis=-1) > 0
            result["coverage_steer"] = float(np.mean(seen[test_obs[:, :-1], test_actions]))
    return result


def intervention_sweep(
    fit_counts: Callable[..., np.ndarray],
    accuracy: Callable[..., float],
    shares: tuple[float, ...] = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5),
    seeds: range = range(10),
    n_train: int = 100,
) -> list[dict[str, float]]:
    """:func:`policy_experiment` on the expert's corpus for several shares of interventions.

    Returns
    -------
    list of dicts, one per (share, seed): ``share``, ``seed`` and the experiment's accuracies.
    """
    for share in shares:
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"each share of interventions must lie in [0, 1], got {share}")
    return [
        {
            "share": float(share),
            "seed": seed,
            **policy_experiment(seed, fit_counts, accuracy, "expert", share, n_train=n_train),
        }
        for share in shares
        for seed in seeds
    ]


def horizon_experiment(
    seed: int,
    fit_counts: Callable[..., np.ndarray],
    rollout: Callable[..., np.ndarray],
    horizon: int = 10,
    slip: float = 0.1,
    n_train: int = 100,
    n_test: int = 50,
    n_steps: int = 20,
    width: int = 8,
) -> dict[str, np.ndarray]:
    """Error of imagined frames against the horizon, in a slippery world with random steering.

    Parameters
    ----------
    fit_counts, rollout
        The lesson's ``fit_transition_counts`` and a rollout, e.g. :func:`imagine_rollout`.

    Returns
    -------
    dict with ``passive`` and ``conditioned``: float arrays (horizon,) of error rates at
    ``h = 1 … horizon``.
    """
    rng = np.random.default_rng(seed)
    train_seed, test_seed = rng.spawn(2)
    obs, actions, codebook = tokenised_episodes(
        train_seed, "random", n_train, n_steps, width, slip=slip
    )
    test_obs, test_actions, _ = tokenised_episodes(
        test_seed, "random", n_test, n_steps, width, slip=slip
    )
    passive = np.asarray(fit_counts(obs, codebook.size))
    conditioned = np.asarray(fit_counts(obs, codebook.size, actions))
    return {
        "passive": rollout_error_by_horizon(rollout, passive, test_obs, horizon),
        "conditioned": rollout_error_by_horizon(
            rollout, conditioned, test_obs, horizon, test_actions
        ),
    }


def _mean_and_half_width(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean over axis 0 and the 95% t half-width (needs at least 2 rows)."""
    values = np.asarray(values, dtype=float)
    n = len(values)
    return values.mean(axis=0), t_critical(n) * values.std(axis=0, ddof=1) / np.sqrt(n)


# --- figures (the lesson's demos call these) --------------------------------------------------


def draw_episode(
    frames: np.ndarray,
    actions: np.ndarray | None = None,
    title: str | None = None,
    ax=None,
):
    """Draw an episode as a film strip read top to bottom: one 2-row frame per time step.

    Parameters
    ----------
    frames
        uint8 array (n, 2, width) of rendered frames.
    actions
        int array (n - 1,) of the buttons pressed after each frame, written beside it.
    title
        Axes title.
    ax
        Axes to draw into (a new figure when ``None``).

    Returns
    -------
    The matplotlib Axes.
    """
    frames = np.asarray(frames)
    if frames.ndim != 3 or frames.shape[1] != 2:
        raise ValueError(f"frames must be (n, 2, width), got shape {frames.shape}")
    n, _, width = frames.shape
    if actions is not None and len(actions) != n - 1:
        raise ValueError(f"actions must have one entry per transition ({n - 1})")
    if ax is None:
        _, ax = plt.subplots(figsize=(3.6, 0.55 * n + 0.6))
    strip = np.full((3 * n - 1, width), np.nan)
    for i in range(n):
        strip[3 * i : 3 * i + 2] = frames[i]
    cmap = colormap("image").with_extremes(bad=COLORS["white"])
    ax.imshow(
        np.ma.masked_invalid(strip),
        cmap=cmap,
        vmin=0,
        vmax=255,
        interpolation="nearest",
        aspect="equal",
    )
    ax.grid(False)
    for i in range(n):  # cell borders and an outline, so a white agent stands out from the gaps
        top = 3 * i - 0.5
        ax.vlines(
            np.arange(width - 1) + 0.5, top, top + 2, color=COLORS["dark grey"], linewidth=0.6
        )
        ax.add_patch(
            Rectangle(
                (-0.5, top), width, 2, fill=False, edgecolor=COLORS["dark grey"], linewidth=1.2
            )
        )
    ax.set_xticks(np.arange(width))
    ax.set_xlabel("cell")
    labels = [f"t={i}" for i in range(n)]
    if actions is not None:
        labels = [
            f"{label}, then {pixel_strip.ACTIONS[int(a)]}"
            for label, a in zip(labels, actions, strict=False)
        ] + labels[len(actions) :]
    ax.set_yticks(3 * np.arange(n) + 0.5, labels)
    ax.tick_params(axis="y", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if title:
        ax.set_title(title)
    return ax


def plot_policy_accuracy(
    fit_counts: Callable[..., np.ndarray],
    accuracy: Callable[..., float],
    train_policy: str = "random",
    epsilon: float = 0.0,
    n_train: int = 100,
    n_seeds: int = 10,
) -> None:
    """Demo: top-1 next-frame accuracy of both models, trained on one driver's data.

    Left: grouped bars (mean over ``n_seeds`` seeds with its 95% t interval) for each model, on
    held-out data of the same driver and when you steer at random. Right: the paired difference
    conditioned − passive over the same seeds, with its 95% interval. Ends with ``plt.show()``.
    """
    if n_seeds < 2:
        raise ValueError(f"n_seeds must be >= 2 (an interval needs two seeds), got {n_seeds}")
    runs = [
        policy_experiment(seed, fit_counts, accuracy, train_policy, epsilon, n_train=n_train)
        for seed in range(n_seeds)
    ]
    keys = ["passive_same", "passive_steer", "conditioned_same", "conditioned_steer"]
    values = np.array([[run[key] for key in keys] for run in runs])  # (n_seeds, 4)
    means, half = _mean_and_half_width(values)
    fig, (ax, right) = plt.subplots(
        1, 2, figsize=(9.5, 3.8), gridspec_kw={"width_ratios": [2.2, 1]}
    )
    x = np.array([0, 1, 2.6, 3.6])
    colors = [PALETTE["vermillion"], PALETTE["vermillion"], PALETTE["blue"], PALETTE["blue"]]
    hatches = ["", "//", "", "//"]
    bars = ax.bar(
        x,
        means,
        width=0.8,
        color=colors,
        hatch=hatches,
        edgecolor=COLORS["white"],
        yerr=half,
        capsize=4,
    )
    for bar, mean in zip(bars, means, strict=True):
        ax.text(
            bar.get_x() + bar.get_width() / 2, mean + 0.05, f"{mean:.2f}", ha="center", fontsize=9
        )
    ax.axhline(1 / 3, color=COLORS["grey"], linestyle=":", linewidth=1)
    ax.text(4.05, 1 / 3, "guess one of\n3 moves", fontsize=8, va="center", color=COLORS["grey"])
    ax.set_xticks(x, ["same driver", "you steer", "same driver", "you steer"])
    ax.set_ylim(0, 1.15)
    ax.set_xlim(-0.6, 4.9)
    ax.set_ylabel("top-1 next-frame accuracy")
    for center, label, color in (
        (0.5, "passive P(o′ | o)", PALETTE["vermillion"]),
        (3.1, "action-conditioned P(o′ | o, a)", PALETTE["blue"]),
    ):
        ax.text(center, -0.22, label, transform=ax.get_xaxis_transform(), ha="center", color=color)
    driver = (
        train_policy
        if train_policy == "random" or epsilon == 0
        else (f"{train_policy}, {epsilon:.0%} interventions")
    )
    ax.set_title(f"Trained on {n_train} episodes ({driver}; {n_seeds} seeds, 95% CI)")
    table = [
        {"seed": seed, "model": model, "test": test, "acc": run[f"{model}_{test}"]}
        for seed, run in enumerate(runs)
        for model in ("passive", "conditioned")
        for test in ("same", "steer")
    ]
    import pandas as pd

    frame = pd.DataFrame(table)
    for i, test in enumerate(("same", "steer")):
        diff = paired_difference(
            frame[frame["test"] == test], by="model", a="conditioned", b="passive", value="acc"
        )
        paired_marker(right, i, diff)
    right.axhline(0, color=COLORS["grey"], linestyle=":", linewidth=1)
    right.set_xticks([0, 1], ["same driver", "you steer"])
    right.set_xlim(-0.5, 1.7)
    right.set_ylim(-0.2, 1.0)
    right.set_ylabel("conditioned − passive (paired)")
    right.set_title("paired difference, 95% CI")
    fig.tight_layout()
    plt.show()


def plot_intervention_sweep(rows: list[dict[str, float]]) -> None:
    """Steering accuracy of both models against the corpus's share of logged interventions.

    Parameters
    ----------
    rows
        From :func:`intervention_sweep` (several seeds per share).

    Draws each model's mean with its 95% t interval and, on a second axis below, the paired
    difference conditioned − passive per share. Ends with ``plt.show()``.
    """
    import pandas as pd

    frame = pd.DataFrame(rows)
    if frame.empty or frame.groupby("share").size().min() < 2:
        raise ValueError("rows need at least two seeds for every share")
    shares = np.array(sorted(frame["share"].unique()))
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(7, 5.6), sharex=True, gridspec_kw={"height_ratios": [1.4, 1]}
    )
    for key, color, marker, label in (
        ("passive_steer", PALETTE["vermillion"], "s", "passive P(o′ | o)"),
        ("conditioned_steer", PALETTE["blue"], "o", "action-conditioned P(o′ | o, a)"),
    ):
        per_share = [frame.loc[frame["share"] == share, key].to_numpy() for share in shares]
        stats = [_mean_and_half_width(values) for values in per_share]
        means = np.array([m for m, _ in stats])
        half = np.array([h for _, h in stats])
        top.errorbar(shares, means, yerr=half, marker=marker, color=color, capsize=4, label=label)
    top.axhline(1 / 3, color=COLORS["grey"], linestyle=":", linewidth=1)
    top.set_ylabel("accuracy when you steer")
    top.set_ylim(0, 1.05)
    top.legend(loc="lower right")
    top.set_title("An expert's corpus with a share of logged interventions (95% CI)")
    diffs = []
    for share in shares:
        long = frame[frame["share"] == share].melt(
            id_vars="seed", value_vars=["passive_steer", "conditioned_steer"], var_name="model"
        )
        diffs.append(paired_difference(long, "model", "conditioned_steer", "passive_steer"))
    means = np.array([d["mean"] for d in diffs])
    errors = np.array([[d["mean"] - d["ci_low"], d["ci_high"] - d["mean"]] for d in diffs]).T
    bottom.errorbar(shares, means, yerr=errors, fmt="D", color=PALETTE["black"], capsize=4)
    bottom.axhline(0, color=COLORS["grey"], linestyle=":", linewidth=1)
    bottom.set_ylabel("conditioned − passive\n(paired)")
    bottom.set_xlabel("share of steps in the corpus that are logged interventions")
    fig.tight_layout()
    plt.show()


def horizon_runs(
    fit_counts: Callable[..., np.ndarray],
    rollout: Callable[..., np.ndarray],
    seeds: range | list[int] = range(10),
    horizon: int = 10,
    slip: float = 0.1,
) -> dict[str, np.ndarray]:
    """:func:`horizon_experiment` on several seeds, stacked.

    Returns
    -------
    dict with ``passive`` and ``conditioned``: float arrays (n_seeds, horizon), row ``i`` the
    error rates of seed ``seeds[i]`` at ``h = 1 … horizon``; and ``seeds``, int array (n_seeds,).
    """
    seeds = [int(seed) for seed in seeds]
    if len(seeds) < 2:
        raise ValueError(f"need at least 2 seeds (an interval needs two), got {seeds}")
    runs = [
        horizon_experiment(seed, fit_counts, rollout, horizon=horizon, slip=slip) for seed in seeds
    ]
    return {
        "passive": np.array([run["passive"] for run in runs]),
        "conditioned": np.array([run["conditioned"] for run in runs]),
        "seeds": np.array(seeds),
    }


def plot_error_vs_horizon(
    fit_counts: Callable[..., np.ndarray] | None = None,
    rollout: Callable[..., np.ndarray] | None = None,
    slip: float = 0.1,
    horizon: int = 10,
    n_seeds: int = 10,
    runs: dict[str, np.ndarray] | None = None,
) -> None:
    """Error of imagined frames h steps ahead, for both models, with paired intervals.

    Left: each model's mean error over the seeds with a 95% t band; the dashed line is
    ``1 - (1 - e1)**h``, what independent one-step errors ``e1`` would give if every slip sent the
    rollout off for good. Right: the paired difference ``error(h) − error(1)`` of the
    action-conditioned model over the same seeds, with its 95% interval (how much the errors
    compound). Ends with ``plt.show()``.

    Parameters
    ----------
    fit_counts, rollout
        The lesson's functions; the experiment runs on seeds ``0 … n_seeds - 1``.
    slip, horizon, n_seeds
        The world's slip probability, the steps imagined, the number of seeds.
    runs
        Results of :func:`horizon_runs` already computed (then ``fit_counts``, ``rollout``,
        ``horizon`` and ``n_seeds`` are not used; ``slip`` only labels the title).
    """
    if runs is None:
        if fit_counts is None or rollout is None:
            raise ValueError("give fit_counts and rollout, or runs from horizon_runs")
        if n_seeds < 2:
            raise ValueError(f"n_seeds must be >= 2 (an interval needs two seeds), got {n_seeds}")
        runs = horizon_runs(fit_counts, rollout, range(n_seeds), horizon=horizon, slip=slip)
    conditioned = np.asarray(runs["conditioned"], dtype=float)
    passive = np.asarray(runs["passive"], dtype=float)
    if conditioned.ndim != 2 or conditioned.shape != passive.shape or len(conditioned) < 2:
        raise ValueError(
            "runs must hold passive and conditioned arrays of shape (n_seeds >= 2, horizon), got "
            f"{passive.shape} and {conditioned.shape}"
        )
    n_seeds, horizon = conditioned.shape
    h = np.arange(1, horizon + 1)
    fig, (ax, right) = plt.subplots(1, 2, figsize=(10, 3.8), gridspec_kw={"width_ratios": [1.5, 1]})
    for errors, color, marker, label in (
        (passive, PALETTE["vermillion"], "s", "passive P(o′ | o)"),
        (conditioned, PALETTE["blue"], "o", "action-conditioned P(o′ | o, a)"),
    ):
        mean, half = _mean_and_half_width(errors)
        ax.plot(h, mean, marker=marker, color=color, label=label)
        ax.fill_between(h, mean - half, mean + half, color=color, alpha=0.2)
    one_step = conditioned[:, 0].mean()
    ax.plot(
        h,
        1 - (1 - one_step) ** h,
        linestyle="--",
        color=PALETTE["black"],
        linewidth=1,
        label="1 − (1 − e₁)ʰ from the one-step error",
    )
    ax.set_xlabel("horizon h (steps imagined ahead)")
    ax.set_ylabel("fraction of wrong frames")
    ax.set_ylim(0, 1)
    ax.set_xticks(h)
    ax.set_title(f"Errors compound (slip = {slip:.2f}, {n_seeds} seeds, 95% CI)")
    ax.legend(loc="center left", bbox_to_anchor=(0.01, 0.45), fontsize=8)
    growth, half = _mean_and_half_width(conditioned - conditioned[:, :1])
    right.errorbar(h, growth, yerr=half, fmt="o", color=PALETTE["blue"], capsize=3)
    right.axhline(0, color=COLORS["grey"], linestyle=":", linewidth=1)
    right.set_xticks(h)
    right.set_xlabel("horizon h")
    right.set_ylabel("error(h) − error(1), paired")
    right.set_title("action-conditioned model")
    fig.tight_layout()
    plt.show()
