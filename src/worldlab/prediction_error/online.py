"""Learning a world model online from prediction errors, in a world that changes mid-stream.

The world is a small puck on a table. Its observation ``x`` (position, 2 numbers) evolves with the
agent's push ``u`` (2 numbers)::

    x[t + 1] = A @ x[t] + B @ u[t] + noise

At step ``change_at`` the world changes: the table tilts the other way and the pushes act at a
right angle (``A`` and ``B`` change). The agent's world model predicts the next observation from
the features ``phi = [x, u]`` with a weight matrix ``W`` of shape (2, 4), and learns online with
a learning rule the caller passes in, ``update(weights, phi, target, learning_rate) -> weights``
(lesson 05's exercise is the delta rule, Widrow & Hoff's LMS; the kit carries none of its own)::

    prediction = W @ phi
    W          = update(W, phi, x[t + 1], learning_rate)

Interfaces that take the step as an argument: :func:`learn_online` (``update=``),
:func:`surprise_summary` (``update=``) and :func:`worldlab.prediction_error.plots.surprise_demo` (``update=``, optional: without
it, or while it raises ``NotImplementedError``, the demo draws the other models only).

Its *surprise* is the squared size of the error. Surprise falls as the model learns, spikes when
the world changes, and falls again: learning never stopped. A model fitted once on the data before
the change and then frozen ("deployed") stays surprised for ever.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

N_OBSERVED = 2
N_FEATURES = 4


def _rotation(angle: float) -> np.ndarray:
    return np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])


#: The world's dynamics before and after the change: ``(A, B)`` for each regime.
BEFORE = (0.9 * _rotation(0.3), 0.5 * np.eye(2))
AFTER = (0.9 * _rotation(-0.3), 0.5 * _rotation(np.pi / 2))


@dataclass(frozen=True, eq=False)
class Stream:
    """What the agent experiences, step by step.

    Attributes
    ----------
    observations
        float array of shape (n_steps + 1, 2): ``x[0] … x[n_steps]``.
    actions
        float array of shape (n_steps, 2): the push ``u[t]`` applied between ``x[t]`` and
        ``x[t + 1]``.
    change_at
        the first step ``t`` whose transition follows the new dynamics.
    noise
        standard deviation of the observation noise (so ``2 * noise**2`` is the best possible
        mean surprise).
    """

    observations: np.ndarray
    actions: np.ndarray
    change_at: int
    noise: float

    @property
    def n_steps(self) -> int:
        return int(self.actions.shape[0])

    @property
    def noise_floor(self) -> float:
        """The mean surprise of a perfect model: the noise cannot be predicted."""
        return N_OBSERVED * self.noise**2


def make_stream(seed: int, n_steps: int = 600, change_at: int = 300, noise: float = 0.1) -> Stream:
    """Simulate the puck for ``n_steps`` random pushes; the dynamics change at ``change_at``.

    Pushes are drawn from a standard normal distribution (the agent explores by pushing at
    random); ``noise`` is the standard deviation of the Gaussian noise on each observation.
    """
    if isinstance(n_steps, bool) or not isinstance(n_steps, (int, np.integer)) or n_steps < 2:
        raise ValueError(f"n_steps must be an integer >= 2, got {n_steps!r}")
    if not 0 < change_at <= n_steps:
        raise ValueError(f"change_at must be in 1 … n_steps = {n_steps}, got {change_at!r}")
    if not noise >= 0:
        raise ValueError(f"noise must be >= 0, got {noise!r}")
    rng = np.random.default_rng(seed)
    actions = rng.standard_normal((n_steps, 2))
    shocks = noise * rng.standard_normal((n_steps, 2))
    observations = np.zeros((n_steps + 1, 2))
    observations[0] = rng.standard_normal(2)
    for t in range(n_steps):
        a, b = BEFORE if t < change_at else AFTER
        observations[t + 1] = a @ observations[t] + b @ actions[t] + shocks[t]
    return Stream(observations, actions, int(change_at), float(noise))


def features(observations: np.ndarray, actions: np.ndarray) -> np.ndarray:
    """The model's inputs ``phi[t] = [x[t], u[t]]``.

    Parameters
    ----------
    observations
        shape (n, 2) or (n + 1, 2); the first ``n`` rows are used.
    actions
        shape (n, 2).

    Returns
    -------
    float array of shape (n, 4).
    """
    observations = np.asarray(observations, dtype=float)
    actions = np.asarray(actions, dtype=float)
    if actions.ndim != 2 or actions.shape[1] != 2:
        raise ValueError(f"actions must have shape (n, 2), got {actions.shape}")
    n = actions.shape[0]
    if observations.ndim != 2 or observations.shape[1] != 2 or observations.shape[0] < n:
        raise ValueError(f"observations must have shape (>= {n}, 2), got {observations.shape}")
    return np.hstack([observations[:n], actions])


def surprise(prediction: np.ndarray, observation: np.ndarray) -> np.ndarray | float:
    """Squared prediction error summed over the last axis.

    ``prediction`` and ``observation`` have the same shape, (d,) or (n, d); the result is a float
    or an array of shape (n,).
    """
    prediction = np.asarray(prediction, dtype=float)
    observation = np.asarray(observation, dtype=float)
    if prediction.shape != observation.shape or prediction.ndim == 0:
        raise ValueError(
            f"prediction and observation must have the same shape (d,) or (n, d), got "
            f"{prediction.shape} and {observation.shape}"
        )
    squared = np.sum((observation - prediction) ** 2, axis=-1)
    return float(squared) if squared.ndim == 0 else squared


@dataclass(frozen=True, eq=False)
class OnlineRun:
    """What the online learner did.

    Attributes
    ----------
    predictions
        shape (n_steps, 2): the prediction of ``x[t + 1]`` made *before* seeing it.
    surprise
        shape (n_steps,): squared error of each prediction.
    weights
        shape (n_steps + 1, 2, 4): the model before step 0, after step 0, …
    """

    predictions: np.ndarray
    surprise: np.ndarray
    weights: np.ndarray


#: A learning rule as :func:`learn_online` calls it: ``update(weights, phi, target, rate)``
#: returns the new weights, shape (n_out, n_in).
Update = Callable[[np.ndarray, np.ndarray, np.ndarray, float], np.ndarray]


def learn_online(
    stream: Stream,
    learning_rate: float,
    update: Update,
    initial: np.ndarray | None = None,
) -> OnlineRun:
    """Predict, observe, be surprised, update — once per step.

    Parameters
    ----------
    stream
        what the agent experiences.
    learning_rate
        passed to ``update`` (> 0).
    update
        the learning rule, ``update(weights (2, 4), phi (4,), target (2,), learning_rate)`` ->
        new weights (2, 4); e.g. lesson 05's ``delta_rule_update``.
    initial
        the model before step 0, shape (2, 4); zeros (knowing nothing) by default.

    Returns
    -------
    OnlineRun; each prediction is made *before* the update that sees its target.
    """
    if not learning_rate > 0:
        raise ValueError(f"learning_rate must be > 0, got {learning_rate!r}")
    if not callable(update):
        raise TypeError(f"update must be a function (weights, phi, target, rate), got {update!r}")
    phis = features(stream.observations, stream.actions)
    targets = stream.observations[1:]
    weights = np.zeros((stream.n_steps + 1, N_OBSERVED, N_FEATURES))
    if initial is not None:
        weights[0] = _check_weights(initial)
    predictions = np.zeros((stream.n_steps, N_OBSERVED))
    for t in range(stream.n_steps):
        predictions[t] = weights[t] @ phis[t]
        new = np.asarray(
            update(weights[t].copy(), phis[t].copy(), targets[t].copy(), learning_rate)
        )
        if new.shape != (N_OBSERVED, N_FEATURES):
            raise ValueError(f"update returned weights of shape {new.shape}, expected (2, 4)")
        weights[t + 1] = new
    return OnlineRun(predictions, surprise(predictions, targets), weights)


def _check_weights(weights) -> np.ndarray:
    weights = np.asarray(weights, dtype=float)
    if weights.shape != (N_OBSERVED, N_FEATURES):
        raise ValueError(f"weights must have shape (2, 4), got {weights.shape}")
    return weights


def online_weights(
    seed: int,
    update: Update,
    learning_rate: float = 0.05,
    n_steps: int = 600,
    change_at: int = 300,
    noise: float = 0.1,
) -> np.ndarray:
    """The online learner's weights on the stream ``make_stream(seed, n_steps, change_at, noise)``.

    A data-only runner (numbers in, an array out) for checks that run the learner on the
    student's side: the checker rebuilds the stream from the seed and recomputes predictions and
    surprise from these weights itself.

    Returns
    -------
    float array of shape (n_steps + 1, 2, 4): the model before step 0, after step 0, …
    """
    stream = make_stream(seed, n_steps, change_at, noise)
    return learn_online(stream, learning_rate, update).weights


def fit_frozen(stream: Stream, n_fit: int | None = None) -> np.ndarray:
    """Least-squares model fitted once on the first ``n_fit`` steps (default: up to the change).

    Returns
    -------
    weights of shape (2, 4), the best linear model of that fixed data set.
    """
    n_fit = stream.change_at if n_fit is None else n_fit
    if not N_FEATURES <= n_fit <= stream.n_steps:
        raise ValueError(f"n_fit must be in {N_FEATURES} … {stream.n_steps}, got {n_fit!r}")
    phis = features(stream.observations[:n_fit], stream.actions[:n_fit])
    solution, *_ = np.linalg.lstsq(phis, stream.observations[1 : n_fit + 1], rcond=None)
    return solution.T


def frozen_surprise(stream: Stream, weights: np.ndarray) -> np.ndarray:
    """Surprise of a fixed model at every step: shape (n_steps,)."""
    weights = _check_weights(weights)
    predictions = features(stream.observations, stream.actions) @ weights.T
    return surprise(predictions, stream.observations[1:])


def moving_average(values: np.ndarray, window: int = 10) -> np.ndarray:
    """Trailing mean over ``window`` steps (shorter at the start); same shape (n,) as ``values``."""
    values = np.asarray(values, dtype=float)
    if values.ndim != 1:
        raise ValueError(f"values must be 1-D, got shape {values.shape}")
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise ValueError(f"window must be an integer >= 1, got {window!r}")
    sums = np.cumsum(np.concatenate([[0.0], values]))
    ends = np.arange(1, len(values) + 1)
    starts = np.maximum(ends - window, 0)
    return (sums[ends] - sums[starts]) / (ends - starts)


def surprise_summary(
    seed: int,
    update: Update,
    learning_rate: float = 0.05,
    n_steps: int = 600,
    change_at: int = 300,
    noise: float = 0.1,
    window: int = 25,
) -> dict[str, float]:
    """Mean surprise in telling windows of one run, for the online and the frozen model.

    ``update`` is the online model's learning rule (see :func:`learn_online`).

    Returns
    -------
    dict with ``online_start`` (first ``window`` steps), ``online_before`` (last ``window``
    steps before the change), ``online_after`` (first ``window`` steps after it), ``online_end``
    (last ``window`` steps), ``frozen_before`` and ``frozen_end`` (the frozen model, fitted on
    the steps before the change), and ``noise_floor``.
    """
    if not 2 * window <= change_at <= n_steps - 2 * window:
        raise ValueError("need at least two windows before and after the change")
    stream = make_stream(seed, n_steps, change_at, noise)
    online = learn_online(stream, learning_rate, update).surprise
    frozen = frozen_surprise(stream, fit_frozen(stream))
    before = slice(change_at - window, change_at)
    return {
        "online_start": float(online[:window].mean()),
        "online_before": float(online[before].mean()),
        "online_after": float(online[change_at : change_at + window].mean()),
        "online_end": float(online[-window:].mean()),
        "frozen_before": float(frozen[before].mean()),
        "frozen_end": float(frozen[-window:].mean()),
        "noise_floor": stream.noise_floor,
    }
