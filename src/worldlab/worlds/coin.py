"""A coin-like source of flips, and two learners that predict the next flip.

The smallest world in the course. Each seed draws one *source* of 0/1 flips:

* ``"biased"``: independent flips of a coin whose chance of heads ``q`` is drawn from
  ``(0.5, 0.9)``;
* ``"sticky"``: a fair first flip, then each flip repeats the previous one with probability ``s``
  drawn from ``(0.5, 0.9)`` (a two-state Markov chain: heads and tails are equally common in the
  long run, but runs are long).

Both learners are sequence predictors, next-token models of the smallest kind; they differ only in
what they assume about the source (their *inductive bias*):

* **repeat** predicts that the next flip repeats the last one (it bets that the source is sticky);
* **count** predicts the side seen most often so far (it bets that the flips are independent
  draws of one coin: it is a unigram frequency model).

Which one wins is decided by the source, and can be derived. On a biased coin, ``count`` is right
with probability about ``q`` and ``repeat`` with ``q² + (1 − q)²``, so ``count`` wins by about
``(2q − 1)(1 − q)``. On a sticky source, ``repeat`` is right with probability exactly ``s``, while
``count`` stays near 0.5, so ``repeat`` wins by about ``s − 0.5``.
"""

from __future__ import annotations

import numpy as np

LEARNERS = ("repeat", "count")
SOURCES = ("biased", "sticky")


def flip_coin(
    seed: int,
    n_flips: int,
    source: str = "biased",
    bias_range: tuple[float, float] = (0.5, 0.9),
) -> np.ndarray:
    """Flips of one seeded source.

    Parameters
    ----------
    seed
        Seeds both the source's parameter and its flips.
    n_flips
        Number of flips (at least 1).
    source
        ``"biased"`` (independent flips, chance of heads drawn from ``bias_range``) or
        ``"sticky"`` (each flip repeats the last with a probability drawn from ``bias_range``).
    bias_range
        ``(low, high)`` with ``0 <= low <= high <= 1``.

    Returns
    -------
    int array of shape (n_flips,), 1 for heads and 0 for tails.
    """
    if n_flips < 1:
        raise ValueError(f"n_flips must be at least 1, got {n_flips}")
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}, got {source!r}")
    low, high = bias_range
    if not 0.0 <= low <= high <= 1.0:
        raise ValueError(f"bias_range must satisfy 0 <= low <= high <= 1, got {bias_range}")
    rng = np.random.default_rng(seed)
    parameter = rng.uniform(low, high)
    draws = rng.random(n_flips)
    if source == "biased":
        return (draws < parameter).astype(int)
    # sticky: flip t differs from flip t-1 with probability 1 - s
    switches = (draws[1:] >= parameter).astype(int)
    first = int(draws[0] < 0.5)
    return (first + np.concatenate([[0], np.cumsum(switches)])) % 2


def source_parameter(seed: int, bias_range: tuple[float, float] = (0.5, 0.9)) -> float:
    """The chance of heads (biased) or of repeating (sticky) that ``seed`` draws."""
    return float(np.random.default_rng(seed).uniform(*bias_range))


def predict_next(flips: np.ndarray, learner: str) -> np.ndarray:
    """Each learner's guess for flip ``t`` from flips ``0 … t-1``, for every ``t >= 1``.

    Parameters
    ----------
    flips
        0/1 array of shape (n,).
    learner
        ``"repeat"`` (repeat the last flip) or ``"count"`` (majority so far, ties → heads).

    Returns
    -------
    int array of shape (n - 1,): the guesses for flips ``1 … n-1``.
    """
    flips = np.asarray(flips)
    if flips.ndim != 1 or not np.isin(flips, (0, 1)).all():
        raise ValueError("flips must be a 1-D array of 0s and 1s")
    if learner == "repeat":
        return flips[:-1].copy()
    if learner == "count":
        heads_so_far = np.cumsum(flips)[:-1]
        seen = np.arange(1, len(flips))
        return (2 * heads_so_far >= seen).astype(int)
    raise ValueError(f"learner must be one of {LEARNERS}, got {learner!r}")


def prediction_accuracy(
    seed: int,
    learner: str,
    source: str = "biased",
    n_flips: int = 200,
    parameter: float | None = None,
) -> float:
    """Fraction of flips ``1 … n_flips-1`` the learner predicted right, on the seed's source.

    ``parameter`` fixes the source's chance of heads (biased) or of repeating (sticky); by
    default each seed draws it from (0.5, 0.9).
    """
    bias_range = (0.5, 0.9) if parameter is None else (parameter, parameter)
    flips = flip_coin(seed, n_flips, source, bias_range)
    return float(np.mean(predict_next(flips, learner) == flips[1:]))
