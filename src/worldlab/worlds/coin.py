"""A biased coin, and two ways of predicting its next flip.

The smallest world in the course: each seed draws a coin whose chance of heads ``q`` lies between
0.5 and 0.9, then flips it. Two predictors see the flips one at a time:

* **copy** predicts that the next flip repeats the last one (a pure copying heuristic);
* **count** predicts the side seen most often so far (it learns a model of the coin).

On average ``count`` is right with probability about ``q`` and ``copy`` with ``q² + (1 − q)²``,
so ``count`` wins by ``(2q − 1)(1 − q)`` — a small effect next to how much ``q`` varies between
seeds. That is what makes it a good first example for paired comparisons.
"""

from __future__ import annotations

import numpy as np

LEARNERS = ("copy", "count")


def flip_coin(seed: int, n_flips: int, bias_range: tuple[float, float] = (0.5, 0.9)) -> np.ndarray:
    """Flips of one seeded coin.

    Returns
    -------
    int array of shape (n_flips,), 1 for heads and 0 for tails. The coin's chance of heads is
    drawn uniformly from ``bias_range`` with the same seed.
    """
    if n_flips < 1:
        raise ValueError(f"n_flips must be at least 1, got {n_flips}")
    low, high = bias_range
    if not 0.0 <= low <= high <= 1.0:
        raise ValueError(f"bias_range must satisfy 0 <= low <= high <= 1, got {bias_range}")
    rng = np.random.default_rng(seed)
    heads_probability = rng.uniform(low, high)
    return (rng.random(n_flips) < heads_probability).astype(int)


def predict_next(flips: np.ndarray, learner: str) -> np.ndarray:
    """Each predictor's guess for flip ``t`` from flips ``0 … t-1``, for every ``t >= 1``.

    Parameters
    ----------
    flips
        0/1 array of shape (n,).
    learner
        ``"copy"`` (repeat the last flip) or ``"count"`` (majority so far, ties → heads).

    Returns
    -------
    int array of shape (n - 1,): the guesses for flips ``1 … n-1``.
    """
    flips = np.asarray(flips)
    if flips.ndim != 1 or not np.isin(flips, (0, 1)).all():
        raise ValueError("flips must be a 1-D array of 0s and 1s")
    if learner == "copy":
        return flips[:-1].copy()
    if learner == "count":
        heads_so_far = np.cumsum(flips)[:-1]
        seen = np.arange(1, len(flips))
        return (2 * heads_so_far >= seen).astype(int)
    raise ValueError(f"learner must be one of {LEARNERS}, got {learner!r}")


def prediction_accuracy(seed: int, learner: str, n_flips: int = 200) -> float:
    """Fraction of flips ``1 … n_flips-1`` the learner predicted right, on the seed's coin."""
    flips = flip_coin(seed, n_flips)
    return float(np.mean(predict_next(flips, learner) == flips[1:]))
