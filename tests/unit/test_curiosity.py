"""The noisy-TV world and the curious agents: rules, shapes and inputs."""

import numpy as np
import pytest

from worldlab.course.references import load_reference
from worldlab.curiosity.agents import AGENTS, exploration_table, explore
from worldlab.worlds.noisy_tv import ACTIONS, NoisyTVWorld

LESSON = "09-curiosity-and-its-trap"


@pytest.fixture(scope="module")
def ref():
    return {
        n: load_reference(LESSON, n)
        for n in ("count_surprise", "learning_progress", "coverage_curve")
    }


def test_world_rules():
    world = NoisyTVWorld(channels=5)
    watch, left = ACTIONS.index("watch"), ACTIONS.index("left")
    rng = np.random.default_rng(0)
    pictures = {world.step(world.tv, watch, rng)[1] for _ in range(200)}
    assert pictures == set(range(world.n_cells, world.n_cells + 5))
    assert world.step(world.start, left, rng) == (world.start, world.start)  # a wall: stay
    assert world.far_room.sum() == 20 and world.n_observations == world.n_cells + 5
    with pytest.raises(ValueError):
        NoisyTVWorld(channels=0)


def test_agents_run_and_check_their_inputs(ref):
    world = NoisyTVWorld(channels=3)
    for agent in AGENTS:
        run = explore(
            world,
            agent,
            30,
            np.random.default_rng(1),
            ref["count_surprise"],
            ref["learning_progress"],
        )
        assert run["cells"].shape == (31,) and run["at_tv"].shape == (30,)
    with pytest.raises(ValueError, match="needs surprise_fn"):
        explore(world, "surprise", 5, np.random.default_rng(0))
    with pytest.raises(ValueError, match="unknown agent"):
        explore(world, "bored", 5, np.random.default_rng(0))
    table = exploration_table(
        range(2),
        [3],
        ["random", "count"],
        20,
        ref["count_surprise"],
        ref["learning_progress"],
        ref["coverage_curve"],
    )
    assert len(table) == 4 and (table["coverage"] <= 1).all()


def test_figures_and_demo_draw(ref):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from ipywidgets import Dropdown, IntSlider

    from worldlab.curiosity.plots import curiosity_demo
    from worldlab.widgets import build_demo

    demo = build_demo(
        lambda channels, agent: curiosity_demo(
            channels, agent, ref["count_surprise"], ref["learning_progress"], steps=40
        ),
        channels=IntSlider(value=30, min=1, max=60),
        agent=Dropdown(options=list(AGENTS), value="surprise"),
    )
    slider, menu = demo.children[:2]
    for end in (slider.min, slider.max):
        slider.value = end
    for option in AGENTS:
        menu.value = option
    plt.close("all")
