"""Unit tests of the facts world."""

import numpy as np
import pytest

from worldlab.worlds.facts import draw_statements, fit_affine_rule, make_population, zipf_weights


def test_zipf_weights():
    w = zipf_weights(5, 1.0)
    assert w.shape == (5,) and np.isclose(w.sum(), 1)
    assert np.allclose(w / w[0], [1, 1 / 2, 1 / 3, 1 / 4, 1 / 5])
    assert np.allclose(zipf_weights(4, 0.0), 0.25)
    with pytest.raises(ValueError, match="exponent"):
        zipf_weights(4, -1)
    with pytest.raises(ValueError, match="n_people"):
        zipf_weights(0, 1.0)


def test_make_population_kinds():
    arbitrary = make_population(50, seed=1)
    assert arbitrary.shape == (50,) and arbitrary.min() >= 0 and arbitrary.max() < 365
    assert np.array_equal(arbitrary, make_population(50, seed=1))
    rule = make_population(50, seed=1, n_days=30, kind="rule")
    a = (rule[1] - rule[0]) % 30
    assert np.array_equal(rule, (a * np.arange(50) + rule[0]) % 30)
    with pytest.raises(ValueError, match="kind"):
        make_population(5, seed=0, kind="famous")


def test_draw_statements_without_and_with_noise():
    true_day = make_population(20, seed=0)
    w = zipf_weights(20, 1.0)
    people, days = draw_statements(true_day, w, 500, seed=2)
    assert people.shape == days.shape == (500,)
    assert np.array_equal(days, true_day[people])
    people, days = draw_statements(true_day, w, 2000, seed=2, noise=0.3)
    wrong = days != true_day[people]
    assert 0.25 < wrong.mean() < 0.35, "noise gives a wrong day, never the true one by chance"
    with pytest.raises(ValueError, match="same shape"):
        draw_statements(true_day, w[:3], 5, seed=0)
    with pytest.raises(ValueError, match="noise"):
        draw_statements(true_day, w, 5, seed=0, noise=2.0)


def test_fit_affine_rule():
    people = np.array([3, 10, 7, 0])
    days = (17 * people + 5) % 365
    assert fit_affine_rule(people, days) == (17, 5)
    true_day = make_population(100, seed=3)
    assert fit_affine_rule(np.arange(10), true_day[:10]) is None
    with pytest.raises(ValueError, match="non-empty"):
        fit_affine_rule(np.array([]), np.array([]))
