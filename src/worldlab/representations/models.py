"""Linear predictors of the next observation: in pixels, or in a learned embedding (lesson 14).

Every predictor here has the same encoder, a linear map from a frame to ``size`` numbers, and
the same optimiser (full-batch gradient descent from the same random start, on PCA-whitened
frames so that the step size suits every arm). What differs is the loss:

* **pixels** (:func:`train_pixel_predictor`): decode the next frame from the embedding and the
  action, ``x̂′ = D_a z``, and score it against the real next frame, pixel by pixel;
* **latent** (:func:`train_latent_predictor`): predict the next *embedding*, ``ẑ′ = P_a z``,
  and score it against the encoder's own embedding of the next frame, plus ``weight`` times an
  anti-collapse penalty on the embeddings (``weight = 0`` leaves it out).

The losses are not in the kit: both trainers take them as arguments, as functions
``loss(predicted, target) -> (value, gradient with respect to predicted)`` and
``penalty(z) -> (value, gradient with respect to z)``. The latent trainer uses the gradient with
respect to the target as minus the gradient with respect to the prediction (true of any loss of
their difference) and lets it flow into the encoder, as in VICReg (no stop-gradient).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "LossFunction",
    "Predictor",
    "train_latent_predictor",
    "train_pixel_predictor",
    "whitening",
]

LossFunction = Callable[[np.ndarray, np.ndarray], tuple[float, np.ndarray]]
PenaltyFunction = Callable[[np.ndarray], tuple[float, np.ndarray]]
N_ACTIONS = 3


def whitening(frames: np.ndarray, tolerance: float = 1e-6) -> tuple[np.ndarray, np.ndarray]:
    """PCA-whitening of flat frames: ``(frames - mean) @ matrix`` has identity covariance.

    Parameters
    ----------
    frames : float array (n, n_pixels).
    tolerance : directions with variance below ``tolerance`` times the largest are dropped.

    Returns
    -------
    mean (n_pixels,) and matrix (n_pixels, r), r the number of kept directions.
    """
    frames = _frames(frames, "frames")
    mean = frames.mean(axis=0)
    variances, vectors = np.linalg.eigh(np.cov(frames.T))
    keep = variances > tolerance * variances.max()
    return mean, vectors[:, keep] / np.sqrt(variances[keep])


@dataclass
class Predictor:
    """A trained predictor: its encoder, its action-conditioned step, and its training history.

    Attributes
    ----------
    kind : ``"pixels"`` or ``"latent"``.
    mean, whiten : the input whitening (n_pixels,), (n_pixels, r).
    encoder : float array (size, r); the embedding of flat frames x is
        ``(x - mean) @ whiten @ encoder.T``.
    step : float array (3, size, size) for ``"latent"`` (``ẑ′ = step[a] @ z``), or
        (3, n_pixels, size) for ``"pixels"`` (``x̂′ = step[a] @ z + next_mean``).
    next_mean : mean next frame (n_pixels,), used by ``"pixels"``.
    history : per training step, ``loss`` and ``spread`` (mean standard deviation of an
        embedding coordinate over the training frames).
    """

    kind: str
    mean: np.ndarray
    whiten: np.ndarray
    encoder: np.ndarray
    step: np.ndarray
    next_mean: np.ndarray
    history: dict[str, list[float]] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return int(self.encoder.shape[0])

    def embed(self, frames: np.ndarray) -> np.ndarray:
        """Embeddings of frames: (n, n_pixels) or (n, HEIGHT, WIDTH) → (n, size)."""
        frames = np.asarray(frames, dtype=float)
        flat = frames.reshape(len(frames), -1)
        if flat.shape[1] != self.mean.shape[0]:
            raise ValueError(f"frames must have {self.mean.shape[0]} pixels, got {flat.shape[1]}")
        return (flat - self.mean) @ self.whiten @ self.encoder.T

    def decode(self, z: np.ndarray, actions: np.ndarray) -> np.ndarray:
        """A pixel predictor's predicted next frames, flat (n, n_pixels), from (n, size), (n,)."""
        if self.kind != "pixels":
            raise ValueError("only a pixel predictor decodes frames")
        z, actions = np.asarray(z, dtype=float), np.asarray(actions)
        return np.einsum("nij,nj->ni", self.step[actions], z) + self.next_mean

    def predict_embedding(self, z: np.ndarray, actions: np.ndarray) -> np.ndarray:
        """The embedding the model expects after each action: (n, size), (n,) → (n, size).

        A pixel predictor decodes the next frame and embeds its prediction again.
        """
        z, actions = np.asarray(z, dtype=float), np.asarray(actions)
        if z.ndim != 2 or z.shape[1] != self.size or actions.shape != (len(z),):
            raise ValueError(
                f"need z of shape (n, {self.size}) and actions of shape (n,), got "
                f"{z.shape} and {actions.shape}"
            )
        following = np.einsum("nij,nj->ni", self.step[actions], z)
        if self.kind == "pixels":
            following = self.embed(following + self.next_mean)
        return following


def _frames(frames: np.ndarray, name: str) -> np.ndarray:
    frames = np.asarray(frames, dtype=float)
    if frames.ndim != 2 or not np.isfinite(frames).all():
        raise ValueError(f"{name} must be a finite 2-D array (n, n_pixels), got {frames.shape}")
    return frames


def _prepare(frames, actions, next_frames, size, steps):
    frames, next_frames = _frames(frames, "frames"), _frames(next_frames, "next_frames")
    actions = np.asarray(actions)
    if next_frames.shape != frames.shape or actions.shape != (len(frames),):
        raise ValueError(
            "frames and next_frames must share a shape (n, n_pixels) and actions have shape "
            f"(n,); got {frames.shape}, {next_frames.shape}, {actions.shape}"
        )
    if actions.size and (actions.min() < 0 or actions.max() >= N_ACTIONS):
        raise ValueError("actions must be codes 0 (left), 1 (stay), 2 (right)")
    if int(size) < 1 or int(steps) < 1:
        raise ValueError(f"size and steps must be >= 1, got {size}, {steps}")
    mean, whiten = whitening(frames)
    groups = [np.flatnonzero(actions == a) for a in range(N_ACTIONS)]
    return frames, actions, next_frames, mean, whiten, groups


def _checked(result, shape: tuple[int, ...], name: str) -> tuple[float, np.ndarray]:
    value, gradient = result
    gradient = np.asarray(gradient, dtype=float)
    if gradient.shape != shape:
        raise ValueError(f"{name} returned a gradient of shape {gradient.shape}, expected {shape}")
    return float(value), gradient


def train_pixel_predictor(
    frames: np.ndarray,
    actions: np.ndarray,
    next_frames: np.ndarray,
    size: int,
    loss: LossFunction,
    steps: int = 100,
    learning_rate: float = 0.2,
    seed: int = 0,
) -> Predictor:
    """Train encoder and per-action decoders to predict the next frame's pixels.

    Parameters
    ----------
    frames, next_frames : float arrays (n, n_pixels); actions : int array (n,).
    size : number of embedding coordinates.
    loss : ``loss(predicted, target) -> (value, d value / d predicted)`` on (n, n_pixels) arrays.
    steps, learning_rate, seed : the optimiser (the same for every arm).

    Returns
    -------
    :class:`Predictor` of kind ``"pixels"``.
    """
    frames, actions, next_frames, mean, whiten, groups = _prepare(
        frames, actions, next_frames, size, steps
    )
    rng = np.random.default_rng([seed, 7])
    white = (frames - mean) @ whiten
    next_mean = next_frames.mean(axis=0)
    target = next_frames - next_mean
    encoder = rng.normal(0.0, 1.0 / np.sqrt(white.shape[1]), (size, white.shape[1]))
    decoder = rng.normal(0.0, 0.1 / np.sqrt(size), (N_ACTIONS, frames.shape[1], size))
    history: dict[str, list[float]] = {"loss": [], "spread": []}
    for _ in range(steps):
        z = white @ encoder.T
        predicted = np.empty_like(target)
        for a, rows in enumerate(groups):
            predicted[rows] = z[rows] @ decoder[a].T
        value, gradient = _checked(loss(predicted, target), target.shape, "loss")
        grad_z = np.empty_like(z)
        grad_decoder = np.empty_like(decoder)
        for a, rows in enumerate(groups):
            grad_decoder[a] = gradient[rows].T @ z[rows]
            grad_z[rows] = gradient[rows] @ decoder[a]
        encoder -= learning_rate * (grad_z.T @ white)
        decoder -= learning_rate * grad_decoder
        history["loss"].append(value)
        history["spread"].append(float(z.std(axis=0).mean()))
    return Predictor("pixels", mean, whiten, encoder, decoder, next_mean, history)


def train_latent_predictor(
    frames: np.ndarray,
    actions: np.ndarray,
    next_frames: np.ndarray,
    size: int,
    loss: LossFunction,
    penalty: PenaltyFunction | None = None,
    weight: float = 0.0,
    steps: int = 100,
    learning_rate: float = 0.2,
    seed: int = 0,
) -> Predictor:
    """Train encoder and per-action predictors to predict the next frame's *embedding*.

    The objective is ``loss(P_a z, z′) + weight · penalty(z)`` with ``z`` the embeddings of the
    frames and ``z′`` those of the next frames (the same encoder). The step size is divided by
    ``1 + weight`` so that a heavy penalty does not make gradient descent diverge.

    Parameters
    ----------
    frames, next_frames : float arrays (n, n_pixels); actions : int array (n,).
    size : number of embedding coordinates.
    loss : ``loss(predicted, target) -> (value, d value / d predicted)`` on (n, size) arrays.
    penalty : ``penalty(z) -> (value, d value / d z)`` on (n, size) arrays, or None.
    weight : the penalty's weight (>= 0; 0 trains without it).
    steps, learning_rate, seed : the optimiser (the same for every arm).

    Returns
    -------
    :class:`Predictor` of kind ``"latent"``.
    """
    frames, actions, next_frames, mean, whiten, groups = _prepare(
        frames, actions, next_frames, size, steps
    )
    weight = float(weight)
    if not np.isfinite(weight) or weight < 0:
        raise ValueError(f"weight must be a finite number >= 0, got {weight!r}")
    if weight > 0 and penalty is None:
        raise ValueError("a positive weight needs a penalty function")
    rng = np.random.default_rng([seed, 7])
    white, white_next = (frames - mean) @ whiten, (next_frames - mean) @ whiten
    encoder = rng.normal(0.0, 1.0 / np.sqrt(white.shape[1]), (size, white.shape[1]))
    predictor = np.repeat(np.eye(size)[None], N_ACTIONS, axis=0)
    rate = learning_rate / (1.0 + weight)
    history: dict[str, list[float]] = {"loss": [], "spread": []}
    for _ in range(steps):
        z, z_next = white @ encoder.T, white_next @ encoder.T
        predicted = np.empty_like(z)
        for a, rows in enumerate(groups):
            predicted[rows] = z[rows] @ predictor[a].T
        value, gradient = _checked(loss(predicted, z_next), z.shape, "loss")
        grad_z = np.empty_like(z)
        grad_predictor = np.empty_like(predictor)
        for a, rows in enumerate(groups):
            grad_predictor[a] = gradient[rows].T @ z[rows]
            grad_z[rows] = gradient[rows] @ predictor[a]
        if weight > 0:
            _, grad_penalty = _checked(penalty(z), z.shape, "penalty")
            grad_z += weight * grad_penalty
        # the target z′ = encoder(x′) gets minus the prediction's gradient (no stop-gradient)
        encoder -= rate * (grad_z.T @ white - gradient.T @ white_next)
        predictor -= rate * grad_predictor
        history["loss"].append(value)
        history["spread"].append(float(z.std(axis=0).mean()))
    return Predictor("latent", mean, whiten, encoder, predictor, np.zeros(0), history)
