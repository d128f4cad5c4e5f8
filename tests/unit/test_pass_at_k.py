"""Unit tests for worldlab.pass_at_k."""

from itertools import combinations
from math import comb

import matplotlib.pyplot as plt
import numpy as np
import pytest

from worldlab.pass_at_k import (
    DEFAULT_KS,
    pass_at_k,
    pass_at_k_curve,
    pass_at_k_from_probabilities,
    plot_pass_at_k_curves,
)


def brute_force(n: int, c: int, k: int) -> float:
    """Fraction of the k-subsets of n samples (c correct) that hold a correct one."""
    samples = [1] * c + [0] * (n - c)
    subsets = list(combinations(range(n), k))
    return sum(any(samples[i] for i in subset) for subset in subsets) / len(subsets)


@pytest.mark.parametrize("n", [1, 2, 5, 8])
def test_pass_at_k_matches_enumeration(n):
    for c in range(n + 1):
        for k in range(1, n + 1):
            assert pass_at_k(n, c, k) == pytest.approx(brute_force(n, c, k), abs=1e-12)


def test_edge_cases():
    assert pass_at_k(20, 0, 5) == 0.0
    assert pass_at_k(20, 16, 5) == 1.0  # n - c = 4 < k
    assert pass_at_k(20, 20, 1) == 1.0
    assert pass_at_k(10, 3, 1) == pytest.approx(0.3)


def test_large_n_is_stable_and_exact():
    n, c, k = 3000, 7, 1200
    expected = 1 - comb(n - c, k) / comb(n, k)
    assert pass_at_k(n, c, k) == pytest.approx(expected, rel=1e-10)
    assert np.isfinite(pass_at_k(100_000, 50_000, 40_000))


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ((0, 0, 1), ValueError),
        ((5, 6, 1), ValueError),
        ((5, -1, 1), ValueError),
        ((5, 1, 0), ValueError),
        ((5, 1, 6), ValueError),
        ((5.0, 1, 1), TypeError),
        ((5, True, 1), TypeError),
    ],
)
def test_pass_at_k_rejects_bad_input(args, error):
    with pytest.raises(error):
        pass_at_k(*args)


def test_curve_is_the_mean_of_pass_at_k():
    rng = np.random.default_rng(0)
    n = 64
    counts = rng.integers(0, n + 1, size=30)
    counts[:5] = 0
    ks = [1, 3, 16, 64]
    curve = pass_at_k_curve(n, counts, ks)
    expected = [np.mean([pass_at_k(n, int(c), k) for c in counts]) for k in ks]
    np.testing.assert_allclose(curve, expected, atol=1e-12)
    assert np.all(np.diff(pass_at_k_curve(n, counts, DEFAULT_KS[:7])) >= 0)


def test_curve_validates():
    with pytest.raises(ValueError):
        pass_at_k_curve(10, np.array([1.5, 2.0]), [1])
    with pytest.raises(ValueError):
        pass_at_k_curve(10, np.array([11]), [1])
    with pytest.raises(ValueError):
        pass_at_k_curve(10, np.array([3]), [20])
    with pytest.raises(ValueError):
        pass_at_k_curve(10, np.array([], dtype=int), [1])


def test_from_probabilities():
    p = np.array([0.0, 0.5, 1.0])
    np.testing.assert_allclose(pass_at_k_from_probabilities(p, [1, 2]), [0.5, (0 + 0.75 + 1) / 3])
    with pytest.raises(ValueError):
        pass_at_k_from_probabilities(np.array([1.2]), [1])
    with pytest.raises(ValueError):
        pass_at_k_from_probabilities(np.array([0.2]), [0])


def test_plot_curves():
    ks = [1, 2, 4]
    ax = plot_pass_at_k_curves(
        ks, {"a": np.array([0.1, 0.2, 0.3]), "b": np.array([[0.2, 0.3, 0.4], [0.3, 0.4, 0.5]])}
    )
    assert ax.get_xlabel().startswith("k")
    assert len(ax.get_lines()) == 2
    with pytest.raises(ValueError):
        plot_pass_at_k_curves(ks, {"a": np.array([0.1, 0.2])})
    plt.close("all")
