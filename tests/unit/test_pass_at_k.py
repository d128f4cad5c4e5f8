"""Unit tests for worldlab.rlvr.pass_at_k."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from worldlab.course.references import load_reference
from worldlab.rlvr.pass_at_k import (
    DEFAULT_KS,
    pass_at_k_curve,
    pass_at_k_from_probabilities,
    plot_pass_at_k_curves,
)

# The estimator is lesson 07's exercise: its reference lives in the lesson source only.
pass_at_k = load_reference("07-rl-on-pretraining", "pass_at_k")


def test_curve_is_the_mean_of_pass_at_k():
    rng = np.random.default_rng(0)
    n = 64
    counts = rng.integers(0, n + 1, size=30)
    counts[:5] = 0
    ks = [1, 3, 16, 64]
    curve = pass_at_k_curve(n, counts, ks, pass_at_k)
    expected = [np.mean([pass_at_k(n, int(c), k) for c in counts]) for k in ks]
    np.testing.assert_allclose(curve, expected, atol=1e-12)
    assert np.all(np.diff(pass_at_k_curve(n, counts, DEFAULT_KS[:7], pass_at_k)) >= 0)


def test_curve_validates():
    with pytest.raises(ValueError):
        pass_at_k_curve(10, np.array([1.5, 2.0]), [1], pass_at_k)
    with pytest.raises(ValueError):
        pass_at_k_curve(10, np.array([11]), [1], pass_at_k)
    with pytest.raises(ValueError):
        pass_at_k_curve(10, np.array([3]), [20], pass_at_k)
    with pytest.raises(ValueError):
        pass_at_k_curve(10, np.array([], dtype=int), [1], pass_at_k)
    with pytest.raises(TypeError):
        pass_at_k_curve(10, np.array([3]), [1], None)


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
