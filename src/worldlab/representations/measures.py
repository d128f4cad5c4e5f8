"""What a representation is good for: a linear read-out, and planning to a goal (lesson 14).

* :func:`probe_r2` — how much of the agent's position a linear read-out recovers from an
  embedding (a linear probe with a little weight decay, as self-supervised papers train them);
* :class:`TokenModel` — C02's arm: a lossy image tokeniser (k-means codebook, like a VQ
  tokeniser) and a count model of the next token given token and action (lesson 01's model);
* :func:`planning_success` — drive the agent to a goal shown as an image, choosing each action
  with a model's imagination; the share of episodes that end on the goal.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from worldlab.representations.models import Predictor
from worldlab.worlds import distracted_strip as world

__all__ = [
    "EPISODE_STEPS",
    "PROBE_DECAY",
    "TokenModel",
    "latent_chooser",
    "planning_success",
    "probe_r2",
]

#: The probe's weight decay (per coordinate, in squared embedding units).
PROBE_DECAY = 1e-3
#: Steps an episode of :func:`planning_success` allows the agent to reach its goal.
EPISODE_STEPS = 12


def probe_r2(
    train_z: np.ndarray,
    train_positions: np.ndarray,
    test_z: np.ndarray,
    test_positions: np.ndarray,
    decay: float = PROBE_DECAY,
) -> float:
    """Held-out R² of a ridge-regularised linear read-out of position from embeddings.

    Parameters
    ----------
    train_z, test_z : float arrays (n, size) and (m, size).
    train_positions, test_positions : arrays (n,) and (m,) of cells.
    decay : weight decay of the read-out: it minimises mean squared error + decay · |w|².

    Returns
    -------
    float, 1 - mean squared error / variance of the test positions (1 is perfect, 0 no better
    than the mean; it can be negative).
    """
    train_z, test_z = np.asarray(train_z, dtype=float), np.asarray(test_z, dtype=float)
    y, y_test = np.asarray(train_positions, dtype=float), np.asarray(test_positions, dtype=float)
    if train_z.ndim != 2 or test_z.ndim != 2 or train_z.shape[1] != test_z.shape[1]:
        raise ValueError(
            f"embeddings must be (n, size) arrays, got {train_z.shape}, {test_z.shape}"
        )
    if len(y) != len(train_z) or len(y_test) != len(test_z):
        raise ValueError("one position per embedding is needed")
    mean = train_z.mean(axis=0)
    centred = train_z - mean
    gram = centred.T @ centred / len(centred) + decay * np.eye(centred.shape[1])
    w = np.linalg.solve(gram, centred.T @ (y - y.mean()) / len(centred))
    predicted = (test_z - mean) @ w + y.mean()
    return float(1.0 - np.mean((predicted - y_test) ** 2) / np.var(y_test))


class TokenModel:
    """A lossy image tokeniser plus a count model of the next token (C02's arm).

    Parameters
    ----------
    frames, next_frames : float arrays (n, n_pixels); actions : int array (n,).
    n_tokens : size of the codebook (k-means on the raw frames, ``iterations`` Lloyd steps).
    seed : picks the initial codes.
    """

    def __init__(
        self,
        frames: np.ndarray,
        actions: np.ndarray,
        next_frames: np.ndarray,
        n_tokens: int = 20,
        seed: int = 0,
        iterations: int = 10,
    ) -> None:
        frames = np.asarray(frames, dtype=float)
        rng = np.random.default_rng([seed, 21])
        self.codes = frames[rng.choice(len(frames), n_tokens, replace=False)].copy()
        for _ in range(iterations):
            tokens = self.encode(frames)
            for k in range(n_tokens):
                members = frames[tokens == k]
                if len(members):
                    self.codes[k] = members.mean(axis=0)
        counts = np.zeros((n_tokens, 3, n_tokens), dtype=int)
        np.add.at(counts, (self.encode(frames), np.asarray(actions), self.encode(next_frames)), 1)
        self.counts = counts
        seen = counts.sum(axis=2) > 0
        self.next_token = np.where(seen, counts.argmax(axis=2), -1)
        self.distance = self._distances()

    @property
    def n_tokens(self) -> int:
        return len(self.codes)

    def encode(self, frames: np.ndarray) -> np.ndarray:
        """Token of each frame (its nearest code): (n, n_pixels) or (n, H, W) → int (n,)."""
        flat = np.asarray(frames, dtype=float).reshape(len(frames), -1)
        squared = (flat**2).sum(1)[:, None] - 2 * flat @ self.codes.T + (self.codes**2).sum(1)
        return squared.argmin(axis=1)

    def embed(self, frames: np.ndarray) -> np.ndarray:
        """One-hot tokens, float (n, n_tokens): the token model's representation."""
        return np.eye(self.n_tokens)[self.encode(frames)]

    def _distances(self) -> np.ndarray:
        """Steps from token i to token j along the model's predicted transitions (inf: never)."""
        k = self.n_tokens
        distance = np.full((k, k), np.inf)
        np.fill_diagonal(distance, 0.0)
        for _ in range(k):
            following = np.where(self.next_token >= 0, self.next_token, np.arange(k)[:, None])
            distance = np.minimum(distance, 1.0 + distance[following].min(axis=1))
        return distance

    def choose(self, frames: np.ndarray, goal_frames: np.ndarray, rng: np.random.Generator):
        """Actions that bring the predicted token closest to the goal's token (random if lost)."""
        now, goal = self.encode(frames), self.encode(goal_frames)
        following = np.where(self.next_token[now] >= 0, self.next_token[now], now[:, None])
        steps_left = self.distance[following, goal[:, None]]  # (n, 3)
        best = steps_left.min(axis=1, keepdims=True)
        ties = (steps_left == best) & np.isfinite(best)
        noise = rng.random(steps_left.shape)
        return np.where(ties.any(axis=1), np.argmax(ties + noise * 0.5, axis=1), noise.argmax(1))


def latent_chooser(predictor: Predictor, horizon: int = world.WIDTH - 1) -> Callable:
    """A planner on a predictor's imagination (a tiny shooting planner).

    For each button it imagines holding that button for ``horizon`` steps, rolling the model
    forward in its own embedding, and takes the button whose imagined path passes closest to the
    goal (closest after the fewest steps on a tie). A latent predictor compares embeddings with
    the goal's embedding; a pixel predictor compares the frames it predicts with the goal frame,
    as a model of pixels would.
    """

    def choose(frames, goal_frames, rng):
        z = predictor.embed(frames)
        n = len(z)
        pixels = predictor.kind == "pixels"
        goal = np.asarray(goal_frames, dtype=float).reshape(n, -1)
        goal = goal if pixels else predictor.embed(goal)
        imagined = np.repeat(z, 3, axis=0)
        buttons = np.tile(np.arange(3), n)
        closest = np.full((n, 3), np.inf)
        for h in range(horizon):
            seen = predictor.decode(imagined, buttons) if pixels else None
            imagined = predictor.predict_embedding(imagined, buttons)
            seen = imagined if seen is None else seen
            distance = ((seen.reshape(n, 3, -1) - goal[:, None]) ** 2).sum(axis=2)
            closest = np.minimum(closest, distance * (1.0 + 1e-3 * h))
        closest += 1e-9 * rng.random(closest.shape) * (1.0 + np.abs(closest).max())
        return closest.argmin(axis=1)

    return choose


def planning_success(
    choose: Callable,
    seed: int,
    strength: float,
    world_seed: int,
    n_episodes: int = 40,
    n_steps: int = EPISODE_STEPS,
) -> float:
    """Share of episodes whose agent reaches the goal cell within ``n_steps`` steps.

    Each episode starts on a random cell with a goal cell at least 3 cells away; the goal is
    shown as a frame of the agent standing there (with its own distractor). At every step
    ``choose(frames, goal_frames, rng)`` (arrays (n, HEIGHT, WIDTH)) returns one action per episode;
    the world moves the agent and the distractor flickers on.
    """
    rng = np.random.default_rng([seed, 99])
    start = rng.integers(0, world.WIDTH, n_episodes)
    offset = rng.integers(3, world.WIDTH, n_episodes)
    goal = (start + offset) % world.WIDTH
    far = np.abs(goal - start) >= 3
    goal = np.where(far, goal, np.where(start < world.WIDTH / 2, world.WIDTH - 1, 0))
    goal_frames = world.render(
        goal, rng.normal(0.0, 1.0, (n_episodes, world.N_TEXTURES)), strength, world_seed
    )
    position, weights = start, rng.normal(0.0, 1.0, (n_episodes, world.N_TEXTURES))
    reached = np.zeros(n_episodes, dtype=bool)
    for _ in range(n_steps):
        frames = world.render(position, weights, strength, world_seed)
        actions = np.asarray(choose(frames, goal_frames, rng))
        position = np.clip(position + world.ACTION_STEPS[actions], 0, world.WIDTH - 1)
        weights = world.step_weights(weights, rng)
        reached |= position == goal
    return float(np.mean(reached))
