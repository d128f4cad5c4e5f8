"""A deployed model that adapts *in context*: fixed weights, conditioned on recent trials.

A deployed language model does not change its weights, but what it predicts depends on its
context window, and within a window it can pick up a rule it was never trained on ("in-context
learning"; Garg et al. 2022 and von Oswald et al. 2023 show transformers trained on regression
tasks doing close to least squares on the examples in their context). This module gives the
puck world of :mod:`worldlab.prediction_error.online` such a model, in its *idealised* form: the best
thing a fixed algorithm can do with the last ``window`` transitions it sees. Nothing is written
after deployment: the prior weights ``W0`` (the frozen fit), the window and the shrinkage are
fixed, and the prediction at step ``t`` is a fixed function of the context and ``phi[t]``::

    W_t = argmin_W  sum over the context of |x[s + 1] - W phi[s]|^2  +  shrinkage * |W - W0|^2

(ridge regression towards the prior; with an empty context it *is* the frozen model). When the
context is emptied — a new session, a new conversation — the model starts again from ``W0``.

Functions: :func:`in_context_predictions`, :func:`in_context_surprise`, and
:func:`deployment_summary`, which compares it with the online learner (whose rule the caller
passes, ``update=``) and the frozen model in the same telling windows of one stream.
"""

from __future__ import annotations

import numpy as np

from worldlab.prediction_error.online import (
    N_FEATURES,
    N_OBSERVED,
    Update,
    features,
    fit_frozen,
    frozen_surprise,
    learn_online,
    make_stream,
    surprise,
)
from worldlab.prediction_error.online import Stream as Stream


def _check_setting(window: int, shrinkage: float, reset_at: int | None, n_steps: int) -> None:
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise ValueError(f"window must be an integer >= 1, got {window!r}")
    if not (np.isfinite(shrinkage) and shrinkage > 0):
        raise ValueError(f"shrinkage must be a positive number, got {shrinkage!r}")
    if reset_at is not None and not 0 <= reset_at <= n_steps:
        raise ValueError(f"reset_at must be in 0 … {n_steps}, got {reset_at!r}")


def in_context_predictions(
    stream: Stream,
    prior: np.ndarray,
    window: int = 50,
    shrinkage: float = 1.0,
    reset_at: int | None = None,
) -> np.ndarray:
    """What the fixed-weight, in-context model predicts at each step.

    Parameters
    ----------
    stream
        the puck world's experience.
    prior
        shape (2, 4): the weights it was deployed with (e.g. :func:`fit_frozen`).
    window
        how many of the most recent transitions the context holds.
    shrinkage
        how strongly the prediction is pulled towards the prior (> 0).
    reset_at
        the step at which a new session starts with an empty context (None: never).

    Returns
    -------
    float array of shape (n_steps, 2): the prediction of ``x[t + 1]``, made from ``phi[t]`` and
    only the transitions ``s < t`` inside the context.
    """
    prior = np.asarray(prior, dtype=float)
    if prior.shape != (N_OBSERVED, N_FEATURES):
        raise ValueError(f"prior must have shape (2, 4), got {prior.shape}")
    _check_setting(window, shrinkage, reset_at, stream.n_steps)
    phis = features(stream.observations, stream.actions)
    targets = stream.observations[1:]
    predictions = np.zeros((stream.n_steps, N_OBSERVED))
    ridge = shrinkage * np.eye(N_FEATURES)
    for t in range(stream.n_steps):
        first = max(0, t - window)
        if reset_at is not None and t >= reset_at:
            first = max(first, reset_at)
        context_phi, context_target = phis[first:t], targets[first:t]
        gram = context_phi.T @ context_phi + ridge
        weights_t = np.linalg.solve(gram, context_phi.T @ context_target + shrinkage * prior.T)
        predictions[t] = phis[t] @ weights_t
    return predictions


def in_context_surprise(stream: Stream, prior: np.ndarray, **setting) -> np.ndarray:
    """Surprise of :func:`in_context_predictions` at every step: shape (n_steps,)."""
    return surprise(in_context_predictions(stream, prior, **setting), stream.observations[1:])


def deployment_summary(
    seed: int,
    update: Update,
    learning_rate: float = 0.05,
    window: int = 50,
    shrinkage: float = 1.0,
    n_steps: int = 600,
    change_at: int = 300,
    reset_at: int = 500,
    noise: float = 0.1,
    span: int = 25,
    fresh: int = 10,
) -> dict[str, float]:
    """Three deployed models on one stream, in the same windows of steps (so pairs share seeds).

    * ``online``: starts from zeros at step 0 and learns with ``update`` at every step;
    * ``frozen``: fitted by least squares on the steps before the change, never changed;
    * ``in_context``: the frozen fit as its prior, conditioned on the last ``window``
      transitions; its context is emptied at ``reset_at`` (a new session).

    Returns
    -------
    dict with, for each model ``m``: ``m_after`` (mean surprise in the ``span`` steps after the
    change), ``m_settled`` (the ``span`` steps before ``reset_at``), ``m_fresh`` (the first
    ``fresh`` steps of the new session), and ``noise_floor``.
    """
    if not change_at + span <= reset_at - span and reset_at + fresh <= n_steps:
        raise ValueError("need change_at + span <= reset_at - span and reset_at + fresh <= n_steps")
    stream = make_stream(seed, n_steps, change_at, noise)
    prior = fit_frozen(stream)
    curves = {
        "online": learn_online(stream, learning_rate, update).surprise,
        "frozen": frozen_surprise(stream, prior),
        "in_context": in_context_surprise(
            stream, prior, window=window, shrinkage=shrinkage, reset_at=reset_at
        ),
    }
    windows = {
        "after": slice(change_at, change_at + span),
        "settled": slice(reset_at - span, reset_at),
        "fresh": slice(reset_at, reset_at + fresh),
    }
    result = {
        f"{model}_{name}": float(values[steps].mean())
        for model, values in curves.items()
        for name, steps in windows.items()
    }
    result["noise_floor"] = stream.noise_floor
    return result
