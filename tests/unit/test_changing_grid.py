"""The changing grid and the lifelong runners: rules per phase, inputs, and recounting."""

import numpy as np
import pytest

from worldlab.course.references import load_reference
from worldlab.lifelong.agent import (
    MAX_STEPS,
    _without_loops,
    expert_policy,
    planning_sweep,
    run_frozen,
    run_lifelong,
    run_memory,
    summarise,
)
from worldlab.worlds.changing_grid import N_NOISE, START, STAY, TV, ChangingGrid, cell

LESSON = "12-a-lifelong-agent"


@pytest.fixture(scope="module")
def parts():
    names = ["update_model", "exploration_bonus", "step_size"]
    update, bonus, step = (load_reference(LESSON, n) for n in names)
    return dict(update=update, sweep=planning_sweep, bonus=bonus, step_size=step)


def test_doors_move_and_actions_swap_by_phase():
    world = ChangingGrid(0)
    assert len(set(world.goals.tolist())) == 3
    assert world.next_position(0, cell(2, 0), 1) == cell(3, 0)  # top door open
    assert world.next_position(1, cell(2, 0), 1) == cell(2, 0)  # and closed later
    assert world.next_position(1, cell(2, 4), 1) == cell(3, 4)
    assert world.next_position(1, cell(4, 3), 0) == cell(4, 2)  # north is north ...
    assert world.next_position(2, cell(4, 3), 0) == cell(4, 4)  # ... until phase 2
    rng = np.random.default_rng(0)
    frames = {world.step(0, TV, STAY, rng) for _ in range(200)}
    assert frames == set(range(world.n_cells, world.n_cells + N_NOISE))
    assert world.position_of(world.n_cells + 3) == TV


def test_grid_checks_its_inputs():
    world = ChangingGrid(1)
    with pytest.raises(ValueError, match="phase"):
        world.next_position(3, 0, 0)
    with pytest.raises(ValueError, match="action"):
        world.next_position(0, 0, 7)
    with pytest.raises(ValueError, match="observations"):
        world.position_of(99)
    with pytest.raises(TypeError, match="seed"):
        ChangingGrid("a")


def test_expert_and_frozen_policy_reach_phase_0_goal_only():
    world = ChangingGrid(2)
    assert world.distances(0, world.goals[0])[START] > 0
    policy = expert_policy(world, 0)
    assert policy.shape == (world.n_cells,)
    table = summarise(run_frozen(2), 2)
    assert table.loc[0, "success"] == 1.0
    assert table.loc[0, "steps"] == world.distances(0, world.goals[0])[START]


def test_the_memory_cuts_loops_and_replays_a_route_that_works():
    # positions 0 -> 1 -> 0 -> 2: the loop through 1 is cut, leaving the action taken last at 0
    assert _without_loops([0, 1, 0, 2], [1, 3, 2, 1]) == [2, 1]
    assert _without_loops([5, 6, 7], [1, 1, 2]) == [1, 1, 2]
    table = summarise(run_memory(2), 2)  # every step is checked against the world
    assert table.loc[0, "success"] == 1.0
    with pytest.raises(ValueError, match="refit or cue"):
        run_lifelong(0, update=None, sweep=None, bonus=None, refit=True, cue=True)


def test_a_cued_learner_keeps_phase_0s_model(parts):
    table = summarise(run_lifelong(3, cue=True, **parts), 3)
    assert (table["forgotten_success"] == 1.0).all()


def test_summarise_rejects_a_forged_step(parts):
    run = run_lifelong(0, **parts)
    forged = {k: np.array(v, copy=True) for k, v in run.items()}
    forged["obs"][3] = (forged["obs"][3] + 1) % 30
    with pytest.raises(ValueError):
        summarise(forged, 0)
    table = summarise(run, 0)
    assert list(table.columns) == [
        "phase",
        "success",
        "steps",
        "tv_share",
        "compute",
        "forgotten_success",
    ]
    assert (table["steps"] <= MAX_STEPS).all()


def test_runner_rejects_bad_parts(parts):
    bad = dict(parts, step_size=lambda n: 2.0)
    with pytest.raises(ValueError, match="step_size"):
        run_lifelong(0, **bad)
    bad = dict(parts, bonus=lambda v, s: np.zeros(3))
    with pytest.raises(ValueError, match="bonus"):
        run_lifelong(0, **bad)


def test_the_world_demo_draws_at_both_ends_of_its_slider():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from ipywidgets import IntSlider

    from worldlab.lifelong.plots import world_demo
    from worldlab.widgets import build_demo

    demo = build_demo(world_demo, world_seed=IntSlider(value=1, min=0, max=30))
    slider = demo.children[0]
    for end in (slider.min, slider.max):
        slider.value = end
    plt.close("all")


def test_the_planning_sweep_backs_up_on_the_model():
    # was lesson 12's exercise 2 (and its visible test); now the kit's planning step
    q = np.array([[0.0, 1.0], [2.0, 0.0], [5.0, 5.0]])
    model = np.zeros((3, 2, 3))
    model[:, 0, 1] = 1.0  # action 0 leads to state 1
    model[:, 1, 2] = 1.0  # action 1 leads to state 2, where episodes end
    new = planning_sweep(q, model, np.full((3, 2), 0.5), np.array([False, False, True]), 0.9)
    assert new.shape == (3, 2)
    assert np.allclose(new[:, 0], 0.5 + 0.9 * 2.0)
    assert np.allclose(new[:, 1], 0.5)  # terminal: the reward only
    rng = np.random.default_rng(1)
    q, model = rng.normal(size=(4, 3)), rng.dirichlet(np.ones(4), (4, 3))
    reward, terminal = rng.normal(size=(4, 3)), np.array([False, True, False, False])
    v = np.where(terminal, 0.0, q.max(axis=1))
    assert np.allclose(planning_sweep(q, model, reward, terminal, 0.8), reward + 0.8 * model @ v)
