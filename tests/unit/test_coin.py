import matplotlib.pyplot as plt
import numpy as np
import pytest

from worldlab.plots import plot_seed_comparison
from worldlab.widgets import build_demo
from worldlab.worlds.coin import (
    flip_coin,
    predict_next,
    prediction_accuracy,
    source_parameter,
)


def test_flips_are_seeded_binary():
    for source in ("biased", "sticky"):
        a, b = flip_coin(3, 50, source), flip_coin(3, 50, source)
        assert a.shape == (50,) and set(np.unique(a)) <= {0, 1}
        assert np.array_equal(a, b)


def test_sticky_source_repeats_at_its_rate():
    flips = flip_coin(0, 20000, "sticky", bias_range=(0.8, 0.8))
    assert abs(np.mean(flips[1:] == flips[:-1]) - 0.8) < 0.02
    assert abs(flips.mean() - 0.5) < 0.1  # heads and tails equally common in the long run
    assert flip_coin(1, 1, "sticky").shape == (1,)


def test_source_parameter_is_what_the_seed_draws():
    q = source_parameter(4)
    flips = flip_coin(4, 20000, "biased")
    assert 0.5 <= q <= 0.9 and abs(flips.mean() - q) < 0.02


def test_predictors_on_a_known_sequence():
    flips = np.array([1, 0, 0, 1, 1])
    assert predict_next(flips, "repeat").tolist() == [1, 0, 0, 1]
    # majority of [1], [1,0] (tie -> heads), [1,0,0], [1,0,0,1] (tie -> heads)
    assert predict_next(flips, "count").tolist() == [1, 1, 0, 1]


def test_bad_input_is_explained():
    with pytest.raises(ValueError, match="learner must be one of"):
        predict_next(np.array([0, 1]), "copy")
    with pytest.raises(ValueError, match="0s and 1s"):
        predict_next(np.array([0, 2]), "repeat")
    with pytest.raises(ValueError, match="n_flips"):
        flip_coin(0, 0)
    with pytest.raises(ValueError, match="source must be one of"):
        flip_coin(0, 5, "loaded")


def test_accuracy_is_a_fraction():
    assert 0.0 <= prediction_accuracy(0, "count") <= 1.0
    assert 0.0 <= prediction_accuracy(0, "repeat", "sticky", parameter=0.7) <= 1.0


def test_seed_demo_moves_every_control_to_both_ends(monkeypatch):
    monkeypatch.setattr(plt, "show", lambda: None)
    from ipywidgets import Dropdown, IntSlider

    demo = build_demo(
        plot_seed_comparison,
        n_seeds=IntSlider(value=5, min=3, max=30),
        source=Dropdown(options=["biased", "sticky"], value="biased"),
    )
    slider, dropdown = demo.children[0], demo.children[1]
    for value in (slider.min, slider.max):
        slider.value = value
    for option in dropdown.options:
        dropdown.value = option
    assert [c.description for c in demo.children[:2]] == ["n_seeds", "source"]
    with pytest.raises(ValueError, match="n_seeds"):
        plot_seed_comparison(2)
    plt.close("all")
