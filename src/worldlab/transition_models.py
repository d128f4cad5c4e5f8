"""Count-table world models: predict the next frame token, with or without the action.

Two models are fitted by counting transitions in episodes of frame tokens:

* the **passive** ("video") model ``P(o' | o)``: a table of shape (K, K) whose row ``o`` counts
  which frame followed frame ``o``;
* the **action-conditioned** model ``P(o' | o, a)``: a table of shape (K, A, K) that also knows
  which button was pressed.

Both predict the most-counted next frame (top-1). A context that never occurred in training has
no counts at all; the model then has no prediction and returns ``-1``, which is scored as wrong.

A next-token count model on the interleaved stream ``o a o a …`` (see
:func:`worldlab.worlds.pixel_strip.interleave_tokens`) that looks back two tokens *is* the
action-conditioned table: :func:`fit_next_token_counts` makes that concrete.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from worldlab.plots import PALETTE
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


def fit_transition_counts(
    obs: np.ndarray, n_obs: int, actions: np.ndarray | None = None, n_actions: int = 3
) -> np.ndarray:
    """Count the transitions ``o_t → o_{t+1}`` inside each episode.

    Parameters
    ----------
    obs
        int array (n_episodes, T + 1): frame tokens in 0 … n_obs - 1.
    n_obs
        Number of frame tokens K.
    actions
        int array (n_episodes, T) of action codes in 0 … n_actions - 1, or ``None`` for the
        passive model.
    n_actions
        Number of actions A.

    Returns
    -------
    int array (K, K) with ``counts[o, o2]`` = number of times o2 followed o (passive), or
    (K, A, K) with ``counts[o, a, o2]`` = number of times o2 followed o after action a.
    """
    obs, actions = _check_episodes(obs, actions)
    if obs.min() < 0 or obs.max() >= n_obs:
        raise ValueError(f"frame tokens must lie in 0 … {n_obs - 1} (n_obs={n_obs})")
    current, following = obs[:, :-1].ravel(), obs[:, 1:].ravel()
    if actions is None:
        counts = np.zeros((n_obs, n_obs), dtype=int)
        np.add.at(counts, (current, following), 1)
        return counts
    if actions.min() < 0 or actions.max() >= n_actions:
        raise ValueError(f"action codes must lie in 0 … {n_actions - 1}")
    counts = np.zeros((n_obs, n_actions, n_obs), dtype=int)
    np.add.at(counts, (current, actions.ravel(), following), 1)
    return counts


def predict_next(
    counts: np.ndarray, obs: np.ndarray, actions: np.ndarray | None = None
) -> np.ndarray:
    """Top-1 next frame for each context (``-1`` where the context was never seen).

    Parameters
    ----------
    counts
        Table from :func:`fit_transition_counts`: (K, K) or (K, A, K).
    obs
        int array of any shape: current frame tokens.
    actions
        int array of the same shape (action-conditioned table) or ``None`` (passive table).

    Returns
    -------
    int array, same shape as ``obs``. Ties go to the lowest token.
    """
    counts = np.asarray(counts)
    obs = np.asarray(obs)
    if counts.ndim == 2:
        if actions is not None:
            raise ValueError("a passive (K, K) table takes no actions; pass actions=None")
        rows = counts[obs]
    elif counts.ndim == 3:
        if actions is None:
            raise ValueError("an action-conditioned (K, A, K) table needs the actions")
        actions = np.asarray(actions)
        if actions.shape != obs.shape:
            raise ValueError(f"actions must have the shape of obs {obs.shape}")
        rows = counts[obs, actions]
    else:
        raise ValueError(f"counts must be (K, K) or (K, A, K), got shape {counts.shape}")
    best = rows.argmax(axis=-1)
    return np.where(rows.sum(axis=-1) > 0, best, UNSEEN)


def next_frame_accuracy(
    counts: np.ndarray, obs: np.ndarray, actions: np.ndarray | None = None
) -> float:
    """Fraction of transitions in ``obs`` whose next frame the table predicts top-1.

    Parameters
    ----------
    counts
        (K, K) or (K, A, K) table.
    obs, actions
        Held-out episodes: (n_episodes, T + 1) tokens and (n_episodes, T) actions (or ``None``).

    Returns
    -------
    float in [0, 1]; an unseen context counts as a miss.
    """
    obs, actions = _check_episodes(obs, actions)
    predicted = predict_next(counts, obs[:, :-1], actions)
    return float(np.mean(predicted == obs[:, 1:]))


def rollout(
    counts: np.ndarray,
    start: np.ndarray,
    horizon: int,
    actions: np.ndarray | None = None,
) -> np.ndarray:
    """Imagine ``horizon`` frames ahead by feeding the model its own predictions.

    Parameters
    ----------
    counts
        (K, K) or (K, A, K) table.
    start
        int array (n,): the real frames the rollouts start from.
    horizon
        Number of steps H to imagine.
    actions
        int array (n, H): the planned actions (action-conditioned table) or ``None``.

    Returns
    -------
    int array (n, H): predicted frames at steps 1 … H. Once a rollout reaches a context the model
    has never seen it stays lost (``-1``).
    """
    start = np.asarray(start)
    if start.ndim != 1:
        raise ValueError(f"start must be a 1-D array of frame tokens, got shape {start.shape}")
    if horizon < 1:
        raise ValueError(f"horizon must be >= 1, got {horizon}")
    if actions is not None:
        actions = np.asarray(actions)
        if actions.shape != (len(start), horizon):
            raise ValueError(f"actions must have shape (n, horizon) = {(len(start), horizon)}")
    predicted = np.empty((len(start), horizon), dtype=int)
    current = start.copy()
    for h in range(horizon):
        lost = current == UNSEEN
        safe = np.where(lost, 0, current)
        step = predict_next(counts, safe, None if actions is None else actions[:, h])
        current = np.where(lost, UNSEEN, step)
        predicted[:, h] = current
    return predicted


def rollout_error_by_horizon(
    counts: np.ndarray, obs: np.ndarray, horizon: int, actions: np.ndarray | None = None
) -> np.ndarray:
    """Fraction of imagined frames that are wrong, ``h`` steps after a real frame.

    Rollouts start from every time ``t = 0 … T - horizon`` of every episode (the same starts for
    every ``h``), using the actions actually taken when the table is action-conditioned.

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
    imagined = rollout(counts, truth[:, 0], horizon, planned)
    return np.mean(imagined != truth[:, 1:], axis=0)


def fit_next_token_counts(stream: np.ndarray, n_tokens: int, context: int = 2) -> np.ndarray:
    """A next-token count model: which token follows each run of ``context`` tokens.

    Parameters
    ----------
    stream
        int array (n_sequences, L): token sequences (e.g. interleaved ``o a o a …``).
    n_tokens
        Vocabulary size V.
    context
        How many previous tokens the model looks at (1 or 2).

    Returns
    -------
    int array with ``context + 1`` axes of length V: ``counts[x1, …, xc, y]``.
    """
    stream = np.asarray(stream)
    if stream.ndim != 2 or not np.issubdtype(stream.dtype, np.integer):
        raise ValueError("stream must be an int array (n_sequences, length)")
    if context not in (1, 2):
        raise ValueError(f"context must be 1 or 2, got {context}")
    if stream.shape[1] <= context:
        raise ValueError(f"sequences must be longer than the context ({context})")
    if stream.min() < 0 or stream.max() >= n_tokens:
        raise ValueError(f"tokens must lie in 0 … {n_tokens - 1}")
    length = stream.shape[1]
    columns = tuple(stream[:, i : length - context + i].ravel() for i in range(context + 1))
    counts = np.zeros((n_tokens,) * (context + 1), dtype=int)
    np.add.at(counts, columns, 1)
    return counts


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
    train_policy: str = "random",
    epsilon: float = 0.0,
    n_train: int = 100,
    n_test: int = 100,
    n_steps: int = 20,
    width: int = 8,
) -> dict[str, float]:
    """Fit both tables on one policy's data; test them on that policy and on random steering.

    Parameters
    ----------
    seed
        Seed of the training and test episodes (independent streams).
    train_policy, epsilon
        Who drove while the data was collected (see :func:`pixel_strip.choose_actions`).
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
    passive = fit_transition_counts(obs, codebook.size)
    conditioned = fit_transition_counts(obs, codebook.size, actions)
    result = {}
    for name, test_seed, policy in (
        ("same", same_seed, train_policy),
        ("steer", steer_seed, "random"),
    ):
        test_obs, test_actions, _ = tokenised_episodes(
            test_seed, policy, n_test, n_steps, width, epsilon if name == "same" else 0.0
        )
        result[f"passive_{name}"] = next_frame_accuracy(passive, test_obs)
        result[f"conditioned_{name}"] = next_frame_accuracy(conditioned, test_obs, test_actions)
        if name == "steer":
            seen = conditioned.sum(axis=-1) > 0
            result["coverage_steer"] = float(np.mean(seen[test_obs[:, :-1], test_actions]))
    return result


def horizon_experiment(
    seed: int,
    horizon: int = 10,
    slip: float = 0.1,
    n_train: int = 100,
    n_test: int = 50,
    n_steps: int = 20,
    width: int = 8,
) -> dict[str, np.ndarray]:
    """Error of imagined frames against the horizon, in a slippery world with random steering.

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
    passive = fit_transition_counts(obs, codebook.size)
    conditioned = fit_transition_counts(obs, codebook.size, actions)
    return {
        "passive": rollout_error_by_horizon(passive, test_obs, horizon),
        "conditioned": rollout_error_by_horizon(conditioned, test_obs, horizon, test_actions),
    }


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
    cmap = plt.get_cmap("gray").with_extremes(bad="white")
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
        ax.vlines(np.arange(width - 1) + 0.5, top, top + 2, color="#555555", linewidth=0.6)
        ax.add_patch(
            Rectangle((-0.5, top), width, 2, fill=False, edgecolor="#333333", linewidth=1.2)
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
    train_policy: str = "random", epsilon: float = 0.0, n_train: int = 100, n_seeds: int = 10
) -> None:
    """Demo: top-1 next-frame accuracy of both models, trained on one driver's data.

    Draws grouped bars (mean over ``n_seeds`` seeds, with the seed-to-seed range as error bars):
    for each model, accuracy on held-out data of the same driver and when you steer at random.
    Ends with ``plt.show()``.
    """
    if n_seeds < 1:
        raise ValueError(f"n_seeds must be >= 1, got {n_seeds}")
    runs = [
        policy_experiment(seed, train_policy, epsilon, n_train=n_train) for seed in range(n_seeds)
    ]
    keys = ["passive_same", "passive_steer", "conditioned_same", "conditioned_steer"]
    values = np.array([[run[key] for key in keys] for run in runs])  # (n_seeds, 4)
    means = values.mean(axis=0)
    fig, ax = plt.subplots(figsize=(7, 3.6))
    x = np.array([0, 1, 2.6, 3.6])
    colors = [PALETTE["vermillion"], PALETTE["vermillion"], PALETTE["blue"], PALETTE["blue"]]
    hatches = ["", "//", "", "//"]
    errors = np.vstack([means - values.min(axis=0), values.max(axis=0) - means])
    bars = ax.bar(
        x, means, width=0.8, color=colors, hatch=hatches, edgecolor="white", yerr=errors, capsize=4
    )
    for bar, mean in zip(bars, means, strict=True):
        ax.text(
            bar.get_x() + bar.get_width() / 2, mean + 0.04, f"{mean:.2f}", ha="center", fontsize=9
        )
    ax.axhline(1 / 3, color="grey", linestyle=":", linewidth=1)
    ax.text(4.05, 1 / 3, "guess one of\n3 moves", fontsize=8, va="center", color="grey")
    ax.set_xticks(x, ["same driver", "you steer", "same driver", "you steer"])
    ax.set_ylim(0, 1.12)
    ax.set_xlim(-0.6, 4.9)
    ax.set_ylabel("top-1 next-frame accuracy")
    ax.text(
        0.5,
        -0.22,
        "passive P(o′ | o)",
        transform=ax.get_xaxis_transform(),
        ha="center",
        color=PALETTE["vermillion"],
        fontsize=10,
    )
    ax.text(
        3.1,
        -0.22,
        "action-conditioned P(o′ | o, a)",
        transform=ax.get_xaxis_transform(),
        ha="center",
        color=PALETTE["blue"],
        fontsize=10,
    )
    driver = (
        train_policy
        if train_policy == "random" or epsilon == 0
        else (f"{train_policy} (ε = {epsilon:.2f})")
    )
    ax.set_title(f"Trained on {n_train} episodes of the {driver} driver ({n_seeds} seeds)")
    fig.tight_layout()
    plt.show()


def plot_error_vs_horizon(slip: float = 0.1, horizon: int = 10, n_seeds: int = 10) -> None:
    """Demo: error of imagined frames h steps ahead, mean over seeds, for both models.

    The dashed line is ``1 - (1 - e1)**h``: what independent one-step errors ``e1`` would give
    if every slip sent the rollout off for good. Ends with ``plt.show()`` and returns nothing.
    """
    if n_seeds < 1:
        raise ValueError(f"n_seeds must be >= 1, got {n_seeds}")
    runs = [horizon_experiment(seed, horizon=horizon, slip=slip) for seed in range(n_seeds)]
    h = np.arange(1, horizon + 1)
    fig, ax = plt.subplots(figsize=(7, 3.8))
    for key, color, marker, label in (
        ("passive", PALETTE["vermillion"], "s", "passive P(o′ | o)"),
        ("conditioned", PALETTE["blue"], "o", "action-conditioned P(o′ | o, a)"),
    ):
        errors = np.array([run[key] for run in runs])
        ax.plot(h, errors.mean(axis=0), marker=marker, color=color, label=label)
        ax.fill_between(h, errors.min(axis=0), errors.max(axis=0), color=color, alpha=0.15)
    one_step = np.mean([run["conditioned"][0] for run in runs])
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
    ax.set_title(f"Errors compound in rollouts (slip = {slip:.2f}, {n_seeds} seeds)")
    ax.legend(loc="center left", bbox_to_anchor=(0.01, 0.47))
    fig.tight_layout()
    plt.show()
