"""Lesson 12's figures: no text over text, legends off the data, one meaning per colour."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from worldlab.lifelong.plots import (  # noqa: E402
    AGENT_COLORS,
    CUED,
    MEMORY_STYLES,
    draw_grid,
    plot_agents,
    plot_memories,
)
from worldlab.worlds.changing_grid import ChangingGrid  # noqa: E402


def fake_runs(group: str, names) -> pd.DataFrame:
    """Three seeds by three phases per name, with every column the figures read."""
    rng = np.random.default_rng(0)
    rows = [
        {
            group: name,
            "seed": seed,
            "phase": phase,
            "success": rng.uniform(),
            "steps": rng.uniform(5, 30),
            "tv_share": rng.uniform(0, 0.2),
            "forgotten_success": float(rng.uniform() < 0.5),
        }
        for name in names
        for seed in range(3)
        for phase in range(3)
    ]
    return pd.DataFrame(rows)


def boxes(fig, artists):
    renderer = fig.canvas.get_renderer()
    return [a.get_window_extent(renderer) for a in artists]


def test_the_demo_title_sits_above_the_panel_titles():
    fig = draw_grid(ChangingGrid(1), title="world 1")
    fig.canvas.draw()
    (title,) = boxes(fig, [fig._suptitle])
    for panel in boxes(fig, [ax.title for ax in fig.axes]):
        assert not title.overlaps(panel), "the world's number is printed over a phase's title"
    plt.close(fig)


@pytest.mark.parametrize("which", ["agents", "memories"])
def test_the_legend_covers_no_panel(which):
    if which == "agents":
        fig = plot_agents(fake_runs("agent", list(AGENT_COLORS)))
    else:
        fig = plot_memories(fake_runs("memory", list(MEMORY_STYLES)))
    fig.canvas.draw()
    assert not any(ax.get_legend() for ax in fig.axes), "a legend inside a panel can cover a point"
    (legend,) = boxes(fig, fig.legends)
    for panel in boxes(fig, fig.axes):
        assert not legend.overlaps(panel), "the figure's legend overlaps a panel"
    plt.close(fig)


def colours_by_label(fig) -> dict[str, str]:
    handles, labels = fig.axes[0].get_legend_handles_labels()
    return {label: to_hex(h.lines[0].get_color()) for h, label in zip(handles, labels, strict=True)}


def test_figures_3_and_4_give_each_colour_one_meaning():
    agents = plot_agents(fake_runs("agent", list(AGENT_COLORS)))
    memories = plot_memories(fake_runs("memory", list(MEMORY_STYLES)))
    agent_colours = colours_by_label(agents)
    memory_colours = colours_by_label(memories)
    # the student's rule and the cued learner are the lifelong agent of figure 3
    for name in ("your step_size", CUED):
        assert memory_colours[name] == agent_colours["lifelong"], name
    for name in ("keep-all 1/(n+1)", "constant 0.3"):
        assert memory_colours[name] not in agent_colours.values(), (
            f"{name} takes a colour that means another agent in figure 3"
        )
    plt.close("all")
