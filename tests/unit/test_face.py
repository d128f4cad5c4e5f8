"""Plots and widgets: the demo callbacks draw labelled figures; headless demos draw statically."""

import matplotlib.pyplot as plt
import pytest

from worldlab.debate import load_claims, load_edges
from worldlab.plots import (
    NO_VERDICT_STYLE,
    VERDICT_STYLE,
    draw_argument_map,
    draw_verdict_map,
    plot_paired_comparison,
    show_argument_map,
)
from worldlab.stats import run_over_seeds
from worldlab.testing import assert_close, grading_rng, grading_seed
from worldlab.widgets import build_demo, interactive_demo
from worldlab.worlds.coin import prediction_accuracy


def test_argument_map_draws_every_claim():
    ax = draw_argument_map(load_claims(), load_edges())
    assert len(ax.collections) == len(load_claims())  # one scatter per claim


def test_verdict_map_colours_judged_claims_and_leaves_the_rest_grey():
    import matplotlib.colors as mcolors
    import pandas as pd

    verdicts = pd.DataFrame(
        {
            "lesson": ["01-x", "02-y", "03-z", "00-w"],
            "claim": ["C02", "C02", "C03", "C04"],
            "finding": ["f"] * 4,
            "cannot_show": ["c"] * 4,
            "status": ["supported", "contradicted", "untestable", "supported"],
        }
    )
    ax = draw_verdict_map(load_claims(), load_edges(), verdicts)
    fills = [mcolors.to_hex(c.get_facecolor()[0]) for c in ax.collections]
    assert len(fills) == len(load_claims())
    expected = {1: "mixed", 2: "untestable", 3: "supported"}  # C02, C03, C04 (0-based rows)
    for row, status in expected.items():
        assert fills[row] == mcolors.to_hex(VERDICT_STYLE[status][0]), (row, status)
    assert fills[0] == mcolors.to_hex(NO_VERDICT_STYLE[0]), "a claim without a verdict is grey"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert f"no verdict yet ({len(load_claims()) - 3})" in labels and "mixed (1)" in labels
    plt.close("all")


def test_verdict_map_rejects_unknown_claims():
    import pandas as pd

    verdicts = pd.DataFrame({"lesson": ["x"], "claim": ["C99"], "status": ["supported"]})
    with pytest.raises(ValueError, match="not on the map"):
        draw_verdict_map(load_claims(), load_edges(), verdicts)


def test_map_demo_moves_both_dropdowns_through_every_option(monkeypatch):
    from functools import partial

    from ipywidgets import Dropdown

    monkeypatch.setattr(plt, "show", lambda: None)
    claims, edges = load_claims(), load_edges()
    topics = [("all topics", "all")] + [
        (title, topic)
        for topic, title in claims[["topic", "topic_title"]].drop_duplicates().itertuples(False)
    ]
    camp = Dropdown(options=[("all camps", "all"), ("optimists", "O"), ("skeptic", "S")])
    topic = Dropdown(options=topics, value="core")
    demo = build_demo(partial(show_argument_map, claims, edges), camp=camp, topic=topic)
    assert all(value is not None for _, value in camp.options + topic.options), (
        "a None option value can render the dropdown blank"
    )
    for control in (demo.children[0], demo.children[1]):
        for _, value in control.options:
            control.value = value
            assert control.label, "the dropdown shows a label for every value"
    plt.close("all")


def test_show_argument_map_handles_an_empty_selection(monkeypatch):
    monkeypatch.setattr(plt, "show", lambda: None)
    show_argument_map(load_claims(), load_edges(), camp="E", topic="core")
    assert "No claim" in plt.gcf().axes[0].texts[0].get_text()


def test_paired_comparison_labels_its_axes():
    df = run_over_seeds(prediction_accuracy, range(6), learner=["repeat", "count"])
    axes = plot_paired_comparison(df, "learner", "count", "repeat", ylabel="accuracy", n_seeds=4)
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


def test_a_demo_whose_exercise_is_unfinished_raises_instead_of_showing(monkeypatch):
    monkeypatch.delenv("WORLDLAB_STATIC_FIGURES", raising=False)

    def unfinished(n):
        raise NotImplementedError

    with pytest.raises(NotImplementedError, match="not finished yet"):
        interactive_demo(unfinished, n=(1, 9))
