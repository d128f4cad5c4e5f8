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


def _runs(agents, channels, seeds, coverage, tv_share):
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "seed": s,
                "channels": c,
                "agent": a,
                "coverage": coverage(a, c, s),
                "far_room": 0.5,
                "tv_share": tv_share(a, c, s),
            }
            for a in agents
            for c in channels
            for s in seeds
        ]
    )


def test_verdict_tables_and_reports_pair_each_agent_with_the_random_walk(capsys):
    from worldlab.curiosity.report import print_sweep, print_trap
    from worldlab.curiosity.verdict import RULES, verdict_tables
    from worldlab.debate import judge

    seeds = range(5)
    table = _runs(
        AGENTS,
        [30, 1],
        seeds,
        lambda a, c, s: 0.5 + 0.01 * s if a == "random" else 0.9,
        lambda a, c, s: 0.3 if a == "surprise" and c == 30 else 0.0,
    )
    sweep = _runs(
        ["random", *SURPRISE_KINDS],
        [1, 5, 30],
        seeds,
        lambda a, c, s: 0.5 if a == "random" else 0.8,
        lambda a, c, s: 0.2 if a == "after" and c == 30 else 0.0,
    )
    tables = verdict_tables(table, sweep)
    assert set(tables) == set(RULES) - {"C20"}  # C20 is untestable: no table
    explore_rows = tables["C27 explore"]
    assert list(explore_rows["knob"]) == ["count, 1", "count, 30", "progress, 1", "progress, 30"]
    assert explore_rows["estimate"].tolist() == pytest.approx([0.38] * 4)  # 0.9 − mean(0.50…0.54)
    trap = tables["C27 trap"]  # judged without the 30-channel TV
    assert list(trap["knob"]) == [f"{k}, {c}" for k in SURPRISE_KINDS for c in (1, 5)]
    hooked = tables["C27 hooked"]
    assert list(hooked["knob"]) == list(SURPRISE_KINDS)
    assert hooked["estimate"].tolist() == pytest.approx([0.2, 0.0, 0.0])
    assert (hooked["low"] >= -1).all() and (hooked["high"] <= 1).all()
    assert len([judge(rule, tables.get(key)) for key, rule in RULES.items()]) == len(RULES)
    print_trap(table)
    print_sweep(sweep)
    printed = capsys.readouterr().out
    assert "30 channel(s): coverage of surprise  − random +0.38" in printed
    assert "after  30 channel(s): coverage − random +0.30" in printed
    assert "TV share − random +0.200" in printed
