"""The noisy-TV world and the curious agents: rules, shapes and inputs."""

import numpy as np
import pytest

from worldlab.course.references import load_reference
from worldlab.curiosity.agents import (
    AGENTS,
    SURPRISE_KINDS,
    exploration_table,
    explore,
    surprise_sweep,
)
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


def test_surprise_sweep_repeats_the_exploration_tables_runs_and_checks_its_kinds(ref):
    """Lesson 09 reuses figure 2's random and surprise runs as the sweep's "random" and "after"
    runs: that holds only if both draw the same runs from the same seeds."""
    surprise = ref["count_surprise"]
    table = exploration_table(
        [3, 4],
        [30],
        ["random", "surprise"],
        60,
        surprise,
        ref["learning_progress"],
        ref["coverage_curve"],
    )
    sweep = surprise_sweep([3, 4], [30], list(SURPRISE_KINDS), 60, surprise)
    for agent, kind in (("random", "random"), ("surprise", "after")):
        mine = table[table.agent == agent].sort_values("seed")
        theirs = sweep[sweep.agent == kind].sort_values("seed")
        for column in ("coverage", "far_room", "tv_share"):
            assert np.allclose(mine[column].to_numpy(), theirs[column].to_numpy()), (agent, column)
    assert set(sweep.agent) == {"random", *SURPRISE_KINDS}
    without = surprise_sweep([3], [1], ["before"], 10, surprise, include_random=False)
    assert set(without.agent) == {"before"}
    with pytest.raises(ValueError, match="surprise kinds"):
        surprise_sweep([3], [1], ["expected"], 10, surprise)
    with pytest.raises(ValueError, match="surprise_kind"):
        explore(
            NoisyTVWorld(channels=2),
            "surprise",
            5,
            np.random.default_rng(0),
            surprise,
            surprise_kind="entropy",
        )
