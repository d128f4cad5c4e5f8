import numpy as np
import pytest

from worldlab.worlds.coin import flip_coin, predict_next, prediction_accuracy


def test_flips_are_seeded_binary():
    a, b = flip_coin(3, 50), flip_coin(3, 50)
    assert a.shape == (50,) and set(np.unique(a)) <= {0, 1}
    assert np.array_equal(a, b)


def test_predictors_on_a_known_sequence():
    flips = np.array([1, 0, 0, 1, 1])
    assert predict_next(flips, "copy").tolist() == [1, 0, 0, 1]
    # majority of [1], [1,0] (tie -> heads), [1,0,0], [1,0,0,1] (tie -> heads)
    assert predict_next(flips, "count").tolist() == [1, 1, 0, 1]


def test_bad_input_is_explained():
    with pytest.raises(ValueError, match="learner must be one of"):
        predict_next(np.array([0, 1]), "guess")
    with pytest.raises(ValueError, match="0s and 1s"):
        predict_next(np.array([0, 2]), "copy")
    with pytest.raises(ValueError, match="n_flips"):
        flip_coin(0, 0)


def test_accuracy_is_a_fraction():
    assert 0.0 <= prediction_accuracy(0, "count") <= 1.0
