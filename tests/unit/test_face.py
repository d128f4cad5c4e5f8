"""Plots and widgets: the demo callbacks draw labelled figures; headless demos draw statically."""

import matplotlib.pyplot as plt
import pytest

from worldlab.debate import load_claims, load_edges
from worldlab.plots import draw_argument_map, plot_paired_comparison, show_argument_map
from worldlab.stats import run_over_seeds
from worldlab.testing import assert_close, grading_rng, grading_seed
from worldlab.widgets import build_demo, interactive_demo
from worldlab.worlds.coin import prediction_accuracy


def test_argument_map_draws_every_claim():
    ax = draw_argument_map(load_claims(), load_edges())
    assert len(ax.collections) == 32  # one scatter per claim


def test_show_argument_map_handles_an_empty_selection(monkeypatch):
    monkeypatch.setattr(plt, "show", lambda: None)
    show_argument_map(load_claims(), load_edges(), camp="E", topic="core")
    assert "No claim" in plt.gcf().axes[0].texts[0].get_text()


def test_paired_comparison_labels_its_axes():
    df = run_over_seeds(prediction_accuracy, range(6), learner=["copy", "count"])
    axes = plot_paired_comparison(df, "learner", "count", "copy", ylabel="accuracy", n_seeds=4)
    assert axes[0].get_ylabel() == "accuracy" and axes[1].get_title() == "each seed (4 seeds)"


def test_interactive_demo_draws_once_with_defaults_when_headless(monkeypatch, capsys):
    calls = []
    monkeypatch.setenv("WORLDLAB_STATIC_FIGURES", "1")
    assert (
        interactive_demo(lambda n, name: calls.append((n, name)), n=(1, 9), name=["a", "b"]) is None
    )
    assert calls == [(5, "a")]
    assert "Static figure" in capsys.readouterr().out


def test_interactive_demo_shows_once_with_only_the_named_controls(monkeypatch):
    monkeypatch.delenv("WORLDLAB_STATIC_FIGURES", raising=False)
    calls = []

    def callback(n, n_seeds=10, seed=0):
        calls.append((n, n_seeds, seed))

    # Returns None: a cell ending with the call shows the demo once, with no Out[n] copy.
    assert interactive_demo(callback, n=(1, 9)) is None
    demo = build_demo(callback, n=(1, 9))
    controls = [c for c in demo.children if hasattr(c, "value")]
    assert [c.description for c in controls] == ["n"], "defaults of the callback get no control"
    controls[0].value = 9
    assert calls[-1] == (9, 10, 0)


def test_grading_seed_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("WORLDLAB_GRADING_SEED", raising=False)
    default = grading_rng().integers(1 << 30)
    monkeypatch.setenv("WORLDLAB_GRADING_SEED", "12345")
    assert grading_seed() == 12345 and grading_rng().integers(1 << 30) != default
    monkeypatch.setenv("WORLDLAB_GRADING_SEED", "oops")
    with pytest.raises(ValueError, match="must be an integer"):
        grading_seed()


def test_assert_close_says_what_differed():
    with pytest.raises(AssertionError, match="accuracy: expected 1.0, got 0.5"):
        assert_close(0.5, 1.0, "accuracy")
