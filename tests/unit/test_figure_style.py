"""The figure-style check finds overlapping texts and legends over data, and passes clean
figures."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from worldlab.plots.figure_style import STYLE_MIME, figure_problems, install_figure_check


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _drawn(fig):
    fig.canvas.draw()
    return figure_problems(fig)


def test_a_clean_figure_has_no_problem():
    fig, ax = plt.subplots()
    ax.plot([0, 1, 2], [0, 1, 2], "o-", label="learner")
    ax.legend(loc="lower right")
    ax.set_title("rises")
    ax.set_xlabel("step")
    assert _drawn(fig) == []


def test_texts_printed_over_each_other_are_found():
    fig, ax = plt.subplots()
    ax.text(0.5, 0.5, "world 1")
    ax.text(0.51, 0.5, "phase 1")
    assert _drawn(fig) == ["'world 1' overlaps 'phase 1'"]


def test_a_suptitle_over_a_panel_title_is_found():
    """Lesson 12's Fig 2: "world 1" printed over the middle panel's "phase 1" title."""
    fig, axes = plt.subplots(1, 3, figsize=(9, 3))
    for ax, title in zip(axes, ["phase 0", "phase 1: door moves", "phase 2"], strict=True):
        ax.set_title(title)
    fig.suptitle("world 1", y=0.93)
    problems = _drawn(fig)
    assert problems and all("'world 1' overlaps 'phase 1: door moves'" == p for p in problems)


def test_a_legend_over_a_point_or_a_bar_is_found():
    fig, (left, right) = plt.subplots(1, 2)
    left.plot([0, 1, 2], [2, 1, 0], "o", label="points")
    left.legend(loc="upper left")
    right.bar([0, 1], [1, 1], label="bars")
    right.legend(loc="upper left")
    problems = _drawn(fig)
    assert any(p.startswith("the legend covers 1 data point(s)") for p in problems)
    assert any("bar(s)" in p for p in problems)


def test_guides_and_hidden_axes_are_not_data_or_text():
    fig, ax = plt.subplots()
    ax.plot([0, 1, 2], [0, 1, 2], "o", label="learner")
    ax.axhline(1.9, color="0.5")  # a guide under the legend is not data
    ax.legend(loc="upper left")
    hidden = fig.add_axes([0.1, 0.1, 0.2, 0.2])
    hidden.set_axis_off()  # its tick labels are not drawn
    assert _drawn(fig) == []


class _Formatter:
    def __init__(self):
        self.formatters = {}


class _Shell:
    display_formatter = _Formatter()


def test_the_check_is_installed_only_under_the_course_tooling(monkeypatch):
    monkeypatch.delenv("WORLDLAB_STATIC_FIGURES", raising=False)
    assert install_figure_check(_Shell()) is False


def test_the_report_joins_the_figures_bundle(monkeypatch):
    import matplotlib as mpl
    from IPython.core.interactiveshell import InteractiveShell

    monkeypatch.setenv("WORLDLAB_STATIC_FIGURES", "1")
    monkeypatch.setitem(mpl.rcParams, "figure.hooks", [])  # restored after the test
    shell = InteractiveShell.instance()
    assert install_figure_check(shell) and install_figure_check(shell)
    fig, ax = plt.subplots()
    ax.text(0.5, 0.5, "hello")
    ax.text(0.51, 0.5, "world")
    fig.canvas.draw()
    data, _ = shell.display_formatter.format(fig)
    assert data[STYLE_MIME] == {"problems": ["'hello' overlaps 'world'"]}
    assert "worldlab.plots.figure_style:watch_figure" in mpl.rcParams["figure.hooks"]
    ax.texts[1].remove()
    fig.canvas.draw()  # in a kernel, the PNG's draw comes first and is what gets measured
    data, _ = shell.display_formatter.format(fig)
    assert STYLE_MIME not in data, "a clean figure carries no report"


def test_a_watched_figure_is_measured_as_its_tight_png_draws_it(monkeypatch):
    """Saved with bbox_inches="tight" (as the inline backend saves), a figure is drawn in a
    cropped frame: measured afterwards, its axis labels sit where they were not drawn (a y-label
    over its own ticks, lesson 05's demo); measured during the draw, they sit where the PNG has
    them (lesson 03's Fig 3: the right panel's y-label over the left panel's title)."""
    import io

    from worldlab.plots import figure_style

    fig, (left, right) = plt.subplots(1, 2, figsize=(8.5, 3.8))
    figure_style.watch_figure(fig)
    left.set_title("Does the model say the held-out reverse?")
    left.plot([0.1, 0.5, 0.9], [0.0, 0.1, 0.85])
    right.set_title("Does it rank it first?")
    right.plot([0.1, 0.5, 0.9], [0.5, 0.5, 0.45])
    right.set_ylabel("rank of the right name among held-out names\n(0 = first, 0.5 = random)")
    fig.savefig(io.BytesIO(), format="png", bbox_inches="tight")
    assert figure_style._report(fig) == {
        "problems": [
            "'Does the model say the held-out reverse?' overlaps "
            "'rank of the right name among held-out names\\n(0 = first, 0.5 = random)'"
        ]
    }


def test_a_legend_outside_a_tight_png_is_not_an_overlap():
    import io

    from worldlab.plots import figure_style

    fig, ax = plt.subplots(figsize=(7, 3.8))
    figure_style.watch_figure(fig)
    ax.plot([0, 30, 60], [0, 1, 1], label="A (error-driven)")
    ax.set_ylabel("associative strength V (λ = 1)")
    ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5))
    plt.tight_layout()
    fig.savefig(io.BytesIO(), format="png", bbox_inches="tight")
    assert figure_style._report(fig) is None
