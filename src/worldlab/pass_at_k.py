"""pass@k: the chance that at least one of k tries is correct, estimated without bias.

Draw ``n`` answers to a problem and let a verifier mark ``c`` of them correct. The obvious
estimate of pass@k, ``1 - (1 - c/n)**k``, is biased (it treats the n draws as if they were the
true success rate). Chen et al. (2021) instead ask: if we pick ``k`` of the ``n`` answers without
replacement, how likely is it that at least one is correct? That is

    pass@k = 1 - C(n - c, k) / C(n, k),

an unbiased estimate of ``1 - (1 - p)**k`` for a problem solved with probability ``p`` per try.
Binomial coefficients overflow quickly (C(2000, 1000) has 600 digits), so we compute the ratio as
a product of ``c`` factors ``1 - k / i`` for ``i = n - c + 1 … n``, each in [0, 1].
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from worldlab.plots import PALETTE

#: The k of the lesson's curves: powers of two from 1 to 256.
DEFAULT_KS = (1, 2, 4, 8, 16, 32, 64, 128, 256)


def _check_counts(n: int, c: int, k: int) -> None:
    for name, value in (("n", n), ("c", c), ("k", k)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if n < 1:
        raise ValueError(f"n (number of samples) must be at least 1, got {n}")
    if not 0 <= c <= n:
        raise ValueError(f"c (number correct) must be between 0 and n={n}, got {c}")
    if not 1 <= k <= n:
        raise ValueError(
            f"k must be between 1 and n={n} (pass@k needs at least k samples), got {k}"
        )


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k from ``n`` samples of which ``c`` are correct (Chen et al. 2021).

    Returns ``1 - C(n-c, k) / C(n, k)``, computed as ``1 - prod_{i=n-c+1}^{n} (1 - k/i)``, which
    never overflows. It is 0 when ``c = 0`` and 1 when ``n - c < k`` (every k-subset holds a
    correct sample).

    Examples
    --------
    >>> pass_at_k(10, 0, 3), pass_at_k(10, 8, 3), round(pass_at_k(10, 1, 3), 3)
    (0.0, 1.0, 0.3)
    """
    _check_counts(n, c, k)
    if n - c < k:
        return 1.0
    return float(1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1)))


def pass_at_k_curve(
    n: int, correct_counts: np.ndarray, ks: Sequence[int] = DEFAULT_KS
) -> np.ndarray:
    """Mean pass@k over problems, for each k.

    Parameters
    ----------
    n
        Samples drawn per problem (the same for every problem).
    correct_counts
        int array (n_problems,): how many of the n samples the verifier accepted.
    ks
        The k values, each in ``[1, n]``.

    Returns
    -------
    float array (len(ks),).
    """
    counts = np.asarray(correct_counts)
    if counts.ndim != 1 or counts.size == 0 or not np.issubdtype(counts.dtype, np.integer):
        raise ValueError(f"correct_counts must be a non-empty 1-D integer array, got {counts!r}")
    ks = list(ks)
    for k in ks:
        _check_counts(n, 0, int(k))
    if counts.min() < 0 or counts.max() > n:
        raise ValueError(f"correct_counts must lie in [0, n={n}]")
    # log of C(n-c, k)/C(n, k) for every possible c, built once as a cumulative sum.
    i = np.arange(1, n + 1)
    curve = np.empty(len(ks))
    for j, k in enumerate(ks):
        factors = np.clip(1.0 - k / i, 0.0, None)  # zero for i <= k
        with np.errstate(divide="ignore"):
            log_factors = np.log(factors)
        # fail_all[c] = prod_{i=n-c+1}^{n} factors[i-1]; fail_all[0] = 1.
        cumulative = np.concatenate([[0.0], np.cumsum(log_factors[::-1])])
        fail_all = np.exp(cumulative[counts])
        curve[j] = float(np.mean(1.0 - fail_all))
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
        label -> array (n_k,) for one curve, or (n_seeds, n_k): the mean is drawn with a band
        from the lowest to the highest seed.
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
        if values.shape[0] > 1:
            ax.fill_between(
                ks, values.min(axis=0), values.max(axis=0), color=color, alpha=0.15, linewidth=0
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
