"""The steps lesson 06 writes, as the runners call them, and the checks of what they get.

The runners of :mod:`worldlab.planning` take each step as an argument (see the package's
docstring for the four interfaces). These checks give a student a clear error that names the
problem: a wrong type or range of an argument, or a step that returned the wrong shape.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

#: Sutton & Barto's settings for the Dyna maze.
ALPHA = 0.1
GAMMA = 0.95
EPSILON = 0.1

#: One Dyna-Q step, as the runners call it (see the package docstring).
DynaUpdate = Callable[..., np.ndarray]
#: ``learn_model(states, actions, next_states, n_states, n_actions) -> (model, known)``.
ModelLearner = Callable[..., tuple[np.ndarray, np.ndarray]]
#: ``planner(model, reward, terminal, gamma) -> (v, q)``.
Planner = Callable[..., tuple[np.ndarray, np.ndarray]]
#: ``choose(state, tried, rng) -> action``.
Chooser = Callable[[int, np.ndarray, np.random.Generator], int]


def check_index(name: str, value, size: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if not 0 <= value < size:
        raise ValueError(f"{name} must be in 0 … {size - 1}, got {value}")
    return int(value)


def check_rates(alpha: float, gamma: float) -> None:
    if not 0 < alpha <= 1:
        raise ValueError(f"alpha must be in (0, 1], got {alpha!r}")
    if not 0 <= gamma <= 1:
        raise ValueError(f"gamma must be in [0, 1], got {gamma!r}")


def check_count(name: str, value, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def check_step(name: str, step) -> None:
    if not callable(step):
        raise TypeError(
            f"{name} must be a function (see worldlab.planning's docstring), got {step!r}"
        )


def checked_model(result, n_states: int, n_actions: int) -> tuple[np.ndarray, np.ndarray]:
    if not (isinstance(result, tuple | list) and len(result) == 2):
        raise ValueError("learn_model must return a pair (model, known)")
    model, known = np.asarray(result[0]), np.asarray(result[1], dtype=bool)
    if model.shape != (n_states, n_actions) or known.shape != (n_states, n_actions):
        raise ValueError(
            f"learn_model must return two arrays of shape ({n_states}, {n_actions}), got "
            f"{model.shape} and {known.shape}"
        )
    if not np.issubdtype(model.dtype, np.integer) or model.min() < 0 or model.max() >= n_states:
        raise ValueError("the learned model must hold state numbers 0 … n_states - 1")
    return model, known


def checked_plan(result, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    if not (isinstance(result, tuple | list) and len(result) == 2):
        raise ValueError("planner must return a pair (v, q)")
    v, q = np.asarray(result[0], dtype=float), np.asarray(result[1], dtype=float)
    if v.shape != (shape[0],) or q.shape != shape:
        raise ValueError(
            f"planner must return v of shape ({shape[0]},) and q of shape {shape}, got "
            f"{v.shape} and {q.shape}"
        )
    return v, q
