"""An agent on a strip, seen as small grey images over distractors that flicker (lesson 14).

The agent stands on one of ``width`` cells and moves with its actions, ``left``, ``stay`` or
``right``, stopping at the walls (the dynamics of :mod:`worldlab.worlds.pixel_strip`). What a
learner sees is a frame of shape ``(HEIGHT, width)`` of float pixels: the agent is a soft vertical
bar (a Gaussian bump over the columns, the same in every row) and on top of it lies a
**distractor**: a mix of ``N_TEXTURES`` fixed random textures whose weights change at every step,
partly unpredictably. Each weight follows ``d[t + 1] = RHO · d[t] + sqrt(1 - RHO²) · noise``:
it keeps part of the last frame (a drifting flicker) and draws the rest afresh.

``strength`` sets how much the distractor dominates: the standard deviation of a distractor pixel
is ``strength`` times that of an agent pixel, so the distractors hold a share
``strength² / (1 + strength²)`` of the pixels' variance (0 at strength 0, 94% at strength 4).
The textures depend on the world's seed. Worlds never draw: figures are in
:mod:`worldlab.representations.plots`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from worldlab.worlds.pixel_strip import ACTION_STEPS, ACTIONS

__all__ = ["ACTIONS", "HEIGHT", "N_TEXTURES", "RHO", "WIDTH", "Episodes", "collect", "render"]

#: Rows and columns of a frame, and the strip's number of cells.
HEIGHT, WIDTH = 3, 10
#: Number of distractor textures and how much of its weight each keeps from one step to the next.
N_TEXTURES, RHO = 4, 0.8
#: Width (in cells) of the agent's Gaussian bar.
BAR_WIDTH = 2.0


@dataclass(frozen=True)
class Episodes:
    """Episodes of the world, with everything needed to draw and to grade them.

    Attributes
    ----------
    positions : int array (n_episodes, n_steps + 1), the agent's cell.
    actions : int array (n_episodes, n_steps), codes 0 left, 1 stay, 2 right.
    weights : float array (n_episodes, n_steps + 1, N_TEXTURES), the distractor's weights.
    frames : float array (n_episodes, n_steps + 1, HEIGHT, WIDTH), what a learner sees.
    strength : the distractor's strength.
    """

    positions: np.ndarray
    actions: np.ndarray
    weights: np.ndarray
    frames: np.ndarray
    strength: float

    def transitions(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Flattened steps: ``(frames_now, actions, frames_next, positions_now)``.

        Frames come flat, shape (n, HEIGHT · WIDTH); actions and positions have shape (n,).
        """
        flat = self.frames.reshape(*self.frames.shape[:2], -1)
        return (
            flat[:, :-1].reshape(-1, flat.shape[-1]),
            self.actions.ravel(),
            flat[:, 1:].reshape(-1, flat.shape[-1]),
            self.positions[:, :-1].ravel(),
        )


def _check_strength(strength: float) -> float:
    strength = float(strength)
    if not np.isfinite(strength) or strength < 0:
        raise ValueError(f"strength must be a finite number >= 0, got {strength!r}")
    return strength


def textures(world_seed: int) -> np.ndarray:
    """The world's distractor textures, float array (N_TEXTURES, HEIGHT, WIDTH), unit pixel std."""
    rng = np.random.default_rng([world_seed, 14])
    raw = rng.normal(0.0, 1.0, (N_TEXTURES, HEIGHT, WIDTH))
    return raw / raw.std(axis=(1, 2), keepdims=True)


def _agent_pixel_std() -> float:
    bars = np.exp(-0.5 * ((np.arange(WIDTH) - np.arange(WIDTH)[:, None]) / BAR_WIDTH) ** 2)
    return float(bars.std(axis=0).mean())


def render(
    positions: np.ndarray, weights: np.ndarray, strength: float, world_seed: int
) -> np.ndarray:
    """Frames for agent cells and distractor weights.

    Parameters
    ----------
    positions : int array of any shape S, cells in 0 … WIDTH - 1.
    weights : float array of shape S + (N_TEXTURES,).
    strength : the distractor's strength (>= 0).
    world_seed : picks the textures.

    Returns
    -------
    float array of shape S + (HEIGHT, WIDTH).
    """
    strength = _check_strength(strength)
    positions = np.asarray(positions)
    if not np.issubdtype(positions.dtype, np.integer):
        raise TypeError(f"positions must be integer cells, got dtype {positions.dtype}")
    if positions.size and (positions.min() < 0 or positions.max() >= WIDTH):
        raise ValueError(f"positions must lie in 0 … {WIDTH - 1}")
    weights = np.asarray(weights, dtype=float)
    if weights.shape != positions.shape + (N_TEXTURES,):
        raise ValueError(
            f"weights must have shape {positions.shape + (N_TEXTURES,)}, got {weights.shape}"
        )
    bar = np.exp(-0.5 * ((np.arange(WIDTH) - positions[..., None]) / BAR_WIDTH) ** 2)
    agent = np.repeat(bar[..., None, :], HEIGHT, axis=-2)
    scale = strength * _agent_pixel_std() / np.sqrt(N_TEXTURES)
    distractor = scale * np.einsum("...m,mhw->...hw", weights, textures(world_seed))
    return agent + distractor


def step_weights(weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The distractor's next weights: ``RHO · weights + sqrt(1 - RHO²) · noise``."""
    weights = np.asarray(weights, dtype=float)
    return RHO * weights + np.sqrt(1.0 - RHO**2) * rng.normal(0.0, 1.0, weights.shape)


def collect(
    seed: int,
    strength: float,
    n_episodes: int = 30,
    n_steps: int = 40,
    world_seed: int | None = None,
) -> Episodes:
    """Episodes driven by random button presses.

    Parameters
    ----------
    seed : seeds the starts, actions and distractor weights.
    strength : the distractor's strength (>= 0).
    n_episodes, n_steps : how many episodes, of how many steps.
    world_seed : picks the textures; defaults to ``seed``.

    Returns
    -------
    :class:`Episodes`.
    """
    strength = _check_strength(strength)
    if n_episodes < 1 or n_steps < 1:
        raise ValueError(f"need n_episodes >= 1 and n_steps >= 1, got {n_episodes}, {n_steps}")
    world_seed = seed if world_seed is None else world_seed
    rng = np.random.default_rng([seed, 1414])
    positions = np.empty((n_episodes, n_steps + 1), dtype=int)
    positions[:, 0] = rng.integers(0, WIDTH, n_episodes)
    actions = rng.integers(0, len(ACTIONS), (n_episodes, n_steps))
    weights = np.empty((n_episodes, n_steps + 1, N_TEXTURES))
    weights[:, 0] = rng.normal(0.0, 1.0, (n_episodes, N_TEXTURES))
    for t in range(n_steps):
        positions[:, t + 1] = np.clip(positions[:, t] + ACTION_STEPS[actions[:, t]], 0, WIDTH - 1)
        weights[:, t + 1] = step_weights(weights[:, t], rng)
    frames = render(positions, weights, strength, world_seed)
    return Episodes(positions, actions, weights, frames, strength)
