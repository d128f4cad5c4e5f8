"""pass@k: the chance that at least one of k tries is correct, estimated without bias.

Draw ``n`` answers to a problem and let a verifier mark ``c`` of them correct. The obvious
estimate of pass@k, ``1 - (1 - c/n)**k``, is biased (it treats the n draws as if they were the
true success rate). Chen et al. (2021) instead ask: if we pick ``k`` of the ``n`` answers without
replacement, how likely is it that at least one is correct? That is

    pass@k = 1 - C(n - c, k) / C(n, k),

an unbiased estimate of ``1 - (1 - p)**k`` for a problem solved with probability ``p`` per try.
Writing that estimator is lesson 07's first exercise, so this module holds none: the curves take
it as the argument ``estimator``. It also holds :func:`expected_distinct`, the *coverage* of k tries
(how many different strategies they use, on average).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from worldlab.plots import PALETTE

#: The k of the lesson's curves: powers of two from 1 to 256.
DEFAULT_KS = (1, 2, 4, 8, 16, 32, 64, 128, 256)


#: A pass@k estimator: ``estimator(n, c, k) -> float`` (lesson 07's exercise ``pass_at_k``).
Estimator = Callable[[int, int, int], float]


def pass_at_k_curve(
    n: int, correct_counts: np.ndarray, ks: Sequence[int], estimator: Estimator
) -> np.ndarray:
    """Mean pass@k over problems, for each k, with the estimator you pass.

    Parameters
    ----------
    n
        Samples drawn per problem (the same for every problem).
    correct_counts
        int array (n_problems,): how many of the n samples the verifier accepted.
    ks
        The k values, each in ``[1, n]``.
    estimator
        ``estimator(n, c, k) -> float``; it is called once per distinct count and k.

    Returns
    -------
    float array (len(ks),).
    """
    if not callable(estimator):
        raise TypeError(f"estimator must be a function estimator(n, c, k), got {estimator!r}")
    counts = np.asarray(correct_counts)
    if counts.ndim != 1 or counts.size == 0 or not np.issubdtype(counts.dtype, np.integer):
        raise ValueError(f"correct_counts must be a non-empty 1-D integer array, got {counts!r}")
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n (samples per problem) must be a positive integer, got {n!r}")
    ks = [int(k) for k in ks]
    if not ks or min(ks) < 1 or max(ks) > n:
        raise ValueError(f"every k must lie in [1, n={n}], got {ks}")
    if counts.min() < 0 or counts.max() > n:
        raise ValueError(f"correct_counts must lie in [0, n={n}]")
    values, multiplicity = np.unique(counts, return_counts=True)
    curve = np.empty(len(ks))
    for j, k in enumerate(ks):
        estimates = np.array([float(estimator(int(n), int(c), k)) for c in values])
        if not np.all(np.isfinite(estimates)):
            raise ValueError(f"the estimator returned a non-finite value for k={k}")
        curve[j] = float(np.sum(estimates * multiplicity) / counts.size)
    return curve


def pass_at_k_from_probabilities(
    success_probabilities: np.ndarray, ks: Sequence[int] = DEFAULT_KS
) -> np.ndarray:
    """The quantity pass@k estimates: mean over problems of ``1 - (1 - p)**k``.

    Parameters
    ----------
    success_probabilities
        float array (n_problems,): each problem's chance of being solved in one try.

    Returns
    -------
    float array (len(ks),).
    """
    p = np.asarray(success_probabilities, dtype=float)
    if p.ndim != 1 or p.size == 0 or np.any((p < 0) | (p > 1)):
        raise ValueError("success_probabilities must be a non-empty 1-D array of probabilities")
    ks_array = np.asarray(list(ks), dtype=float)
    if ks_array.ndim != 1 or np.any(ks_array < 1):
        raise ValueError(f"ks must be positive integers, got {ks}")
    return np.mean(1.0 - (1.0 - p[:, None]) ** ks_array[None, :], axis=0)


def plot_pass_at_k_curves(
    ks: Sequence[int],
    curves: Mapping[str, np.ndarray],
    ax: Axes | None = None,
    colors: Mapping[str, str] | None = None,
    title: str | None = None,
) -> Axes:
    """pass@k against k (log scale), one line per policy, with a band over seeds if given.

    Parameters
    ----------
    ks
        The k values, shape (n_k,).
    curves
        label -> array (n_k,) for one curve, or (n_seeds, n_k): the mean over seeds is drawn
        (for differences between curves over shared seeds, plot the paired difference).
    """
    if ax is None:
        _, ax = plt.subplots()
    ks = np.asarray(list(ks))
    palette = list(PALETTE.values())
    markers = ["o", "s", "^", "D", "v", "P"]
    for index, (label, values) in enumerate(curves.items()):
        values = np.atleast_2d(np.asarray(values, dtype=float))
        if values.shape[1] != ks.size:
            raise ValueError(f"curve {label!r} has {values.shape[1]} points for {ks.size} ks")
        color = (colors or {}).get(label, palette[index % len(palette)])
        ax.plot(
            ks, values.mean(axis=0), marker=markers[index % len(markers)], color=color, label=label
        )
    ax.set_xscale("log", base=2)
    ax.set_xticks(ks, [str(k) for k in ks])
    ax.set_xlabel("k (tries per problem)")
    ax.set_ylabel("pass@k (fraction of problems solved)")
    ax.set_ylim(0, 1.02)
    ax.legend(loc="lower right")
    if title:
        ax.set_title(title)
    return ax


def expected_distinct(probabilities: np.ndarray, k: int) -> float | np.ndarray:
    """Expected number of distinct strategies among ``k`` independent draws.

    The count is a sum over strategies of "drawn at least once", so by linearity of expectation
    it is ``sum_s 1 - (1 - p_s) ** k``.

    Parameters
    ----------
    probabilities
        float array (S,) or (n, S), each row a distribution over the S strategies.
    k
        Number of draws (k >= 1).

    Returns
    -------
    float for shape (S,), float array (n,) for shape (n, S).
    """
    probabilities = np.asarray(probabilities, dtype=float)
    if probabilities.ndim not in (1, 2) or probabilities.shape[-1] == 0:
        raise ValueError(f"probabilities must have shape (S,) or (n, S), got {probabilities.shape}")
    if np.any(probabilities < 0) or not np.allclose(probabilities.sum(axis=-1), 1.0):
        raise ValueError("each row of probabilities must be non-negative and sum to 1")
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}")
    counts = np.sum(1.0 - (1.0 - probabilities) ** k, axis=-1)
    return float(counts) if counts.ndim == 0 else counts
