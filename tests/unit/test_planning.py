"""Unit tests for worldlab.planning: the runners that take lesson 06's steps as arguments.

The steps themselves (Dyna-Q, the transition model, value iteration) are lesson 06's exercises:
their references are loaded from the lesson source."""

from functools import partial

import matplotlib.pyplot as plt
import numpy as np
import pytest
from ipywidgets import IntSlider

from worldlab import planning as pl
from worldlab.course.references import load_reference, load_worked_example
from worldlab.widgets import build_demo
from worldlab.worlds.maze import dyna_maze

LESSON = "06-acting-and-planning"


@pytest.fixture(scope="module")
def update():
    return load_reference(LESSON, "dyna_q_update")


@pytest.fixture(scope="module")
def learn_model():
    return load_worked_example(LESSON, "learn_transition_model")


@pytest.fixture(scope="module")
def planner():
    return load_reference(LESSON, "value_iteration")


def optimal_q(maze, gamma=pl.GAMMA):
    """The true action values, from breadth-first distances (no value iteration needed)."""
    distance = maze.distances_to_goal()
    following = maze.next_state
    value = np.where(np.isfinite(distance), gamma ** (distance - 1), 0.0)
    value[maze.goal_state] = 0.0
    return maze.reward + gamma * value[following] * ~maze.terminal[following]


def test_epsilon_greedy_breaks_ties_at_random():
    rng = np.random.default_rng(0)
    picks = {pl.epsilon_greedy(np.array([1.0, 0.0, 1.0]), 0.0, rng) for _ in range(50)}
    assert picks == {0, 2}
    picks = {pl.epsilon_greedy(np.array([1.0, 0.0, 0.0]), 1.0, rng) for _ in range(100)}
    assert picks == {0, 1, 2}


def test_run_dyna_runs_the_given_step_and_reaches_the_goal(update):
    maze = dyna_maze()
    run = pl.run_dyna(update, 5, 3, seeds=[0, 1], maze=maze)
    assert run.steps.shape == (2, 3) and run.seeds == (0, 1)
    assert np.all(run.steps >= maze.optimal_steps()) and run.q.max() > 0
    calls = []

    def counting(q, model, *args, **kwargs):
        calls.append(args[5])  # n_planning as the runner passes it
        return update(q, model, *args, **kwargs)

    pl.run_dyna(counting, 7, 1, seeds=[0], maze=maze)
    # Planning is skipped (exactly) until the first reward: only the last step plans.
    assert set(calls[:-1]) == {0} and calls[-1] == 7


def test_agents_are_independent_of_each_other(update):
    together = pl.run_dyna(update, 5, 4, seeds=[3, 7, 11])
    alone = pl.run_dyna(update, 5, 4, seeds=[7])
    np.testing.assert_array_equal(together.steps[1], alone.steps[0])
    np.testing.assert_allclose(together.q[1], alone.q[0])


def test_greedy_agent_with_optimal_values_walks_the_shortest_path(update):
    maze = dyna_maze()
    q = optimal_q(maze)
    run = pl.run_dyna(update, 0, 3, seeds=[0, 1], epsilon=0.0, q0=np.stack([q, q]))
    assert np.all(run.steps == maze.optimal_steps())
    np.testing.assert_array_equal(
        pl.dyna_steps(update, 0, 2, seeds=[0], max_steps=50).shape, (1, 2)
    )


def test_run_dyna_checks_inputs(update):
    with pytest.raises(ValueError, match="n_planning"):
        pl.run_dyna(update, -1, 3)
    with pytest.raises(ValueError, match="q0"):
        pl.run_dyna(update, 0, 3, seeds=[0], q0=np.zeros((54, 4)))
    with pytest.raises(ValueError, match="seeds"):
        pl.run_dyna(update, 0, 3, seeds=[])
    with pytest.raises(TypeError, match="update"):
        pl.run_dyna("dyna", 0, 3)
    with pytest.raises(ValueError, match="shape"):
        pl.run_dyna(lambda q, *args, **kwargs: q[0], 0, 1, seeds=[0])


def test_learning_curves_table(update):
    curves = pl.learning_curves(update, dyna_maze(), (0, 2), n_episodes=3, seeds=range(2))
    assert list(curves.columns) == ["n_planning", "seed", "episode", "steps"]
    assert len(curves) == 2 * 2 * 3 and curves["episode"].max() == 3


def test_expert_takes_only_shortest_moves():
    maze = dyna_maze()
    states, actions = pl.expert_demonstrations(maze, 10, seed=0)
    distances = maze.distances_to_goal()
    assert states.shape == actions.shape and len(states) >= 10
    np.testing.assert_array_equal(distances[maze.moves[states, actions]], distances[states] - 1)


def test_behaviour_cloning_copies_the_majority_and_is_uniform_elsewhere():
    policy = pl.behaviour_cloning(np.array([0, 0, 0, 1, 1]), np.array([2, 2, 1, 0, 3]), 3)
    np.testing.assert_allclose(policy, [[0, 0, 1, 0], [0.5, 0, 0, 0.5], [0.25] * 4])


def test_exploration_and_the_learned_model(learn_model):
    maze = dyna_maze()
    states, actions, next_states = pl.explore(maze, 300, seed=1)
    assert states.shape == actions.shape == next_states.shape == (300,)
    np.testing.assert_array_equal(maze.moves[states, actions], next_states)
    np.testing.assert_array_equal(states[1:], next_states[:-1])
    model, known = learn_model(states, actions, next_states, maze.n_states)
    assert np.all(model[known] == maze.moves[known])
    assert 0.3 < pl.move_coverage(maze, states, actions) < 1


def test_explore_with_a_rule_passes_what_was_tried_and_checks_the_answer():
    maze = dyna_maze()
    seen = []

    def rule(state, tried, rng):
        seen.append(int(tried.sum()))
        tried[:] = True  # a copy: must not disturb the explorer
        return 2

    states, actions, _ = pl.explore(maze, 5, seed=0, choose=rule)
    assert seen == [0, 1, 2, 2, 2]  # right from S, then into the wall at (2, 2) again and again
    assert np.all(actions == 2)
    with pytest.raises(ValueError, match="action"):
        pl.explore(maze, 3, seed=0, choose=lambda state, tried, rng: 4)
    with pytest.raises(TypeError, match="int"):
        pl.explore(maze, 3, seed=0, choose=lambda state, tried, rng: 1.0)
    s, a, s2 = pl.exploration_path(None, 20, seed=2, start=(5, 8))
    assert s[0] == maze.state((5, 8)) and np.array_equal(maze.moves[s, a], s2)


def test_planning_on_the_true_model_through_the_planner_argument(planner):
    maze = dyna_maze().with_goal((5, 5))
    reward, terminal = pl.goal_rewards(maze.moves, maze.goal_state)
    np.testing.assert_array_equal(reward[maze.free_states], maze.reward[maze.free_states])
    v, policy = pl.plan_to_goal(maze.moves, maze.goal_state, planner=planner)
    path = pl.rollout(maze, policy, 50)
    assert path[0] == maze.start_state and path[-1] == maze.goal_state
    assert len(path) - 1 == maze.optimal_steps()
    assert pl.steps_to_goal(maze, path, 50) == maze.optimal_steps()
    stuck = pl.rollout(maze, np.zeros(maze.n_states, dtype=int), 7)
    assert len(stuck) == 8 and pl.steps_to_goal(maze, stuck, 7) == 7
    with pytest.raises(ValueError, match="planner"):
        pl.plan_to_goal(maze.moves, maze.goal_state, planner=lambda *args: (0, 0, 0))
    with pytest.raises(TypeError, match="planner"):
        pl.plan_to_goal(maze.moves, maze.goal_state, planner=None)


def test_stochastic_rollout_is_seeded_and_checked():
    maze = dyna_maze()
    uniform = np.full((maze.n_states, 4), 0.25)
    np.testing.assert_array_equal(
        pl.rollout(maze, uniform, 30, seed=5), pl.rollout(maze, uniform, 30, seed=5)
    )
    with pytest.raises(ValueError, match="probabilities"):
        pl.rollout(maze, np.ones((maze.n_states, 4)), 5)
    with pytest.raises(ValueError, match="policy"):
        pl.rollout(maze, np.zeros(3, dtype=int), 5)


def test_goal_change_experiment_table(update, learn_model, planner):
    table = pl.goal_change_experiment(
        dyna_maze(),
        update,
        learn_model,
        planner,
        (5, 5),
        seeds=range(2),
        n_training_episodes=3,
        max_steps=200,
    )
    assert set(table["agent"]) == set(pl.AGENTS)
    assert len(table) == 8 and (table["optimal"] == 8).all()
    assert (table["steps"] <= 200).all()
    planner_rows = table[table["agent"] == "planner"]
    assert planner_rows["coverage"].between(0, 1).all()
    assert table.loc[table["agent"] != "planner", "coverage"].isna().all()


def test_exploration_sweep_table(learn_model, planner):
    sweep = pl.exploration_sweep(learn_model, planner, (5, 5), (20, 1000), seeds=range(3))
    assert len(sweep) == 6
    full = sweep[sweep["n_exploration"] == 1000]
    assert full["reached"].all() and (full["steps"] == 8).all()
    assert sweep.groupby("n_exploration")["coverage"].mean().is_monotonic_increasing


def test_plot_learning_curves(update):
    maze = dyna_maze()
    ax = pl.plot_learning_curves(pl.learning_curves(update, maze, (0, 5), 3, range(3)), 14)
    assert ax.get_ylabel() == "steps to reach the goal" and len(ax.get_lines()) == 3
    plt.close("all")


def test_planning_demo_draws_both_panels_and_says_what_is_missing(update, learn_model, planner):
    pl.planning_demo(
        update, learn_model, planner, n_planning=5, goal_row=5, goal_col=5, n_episodes=3
    )
    left, right = plt.gcf().axes[:2]
    assert len(left.get_lines()) == 3 and right.get_title().endswith("plan: 8 moves (shortest 8)")
    plt.close("all")
    pl.planning_demo(update, learn_model, planner, n_planning=0, goal_row=1, goal_col=2)
    assert "choose another goal" in plt.gcf().axes[0].texts[0].get_text()
    plt.close("all")
    pl.planning_demo(
        update,
        learn_model,
        planner,
        n_planning=0,
        goal_row=0,
        goal_col=8,
        n_exploration=200,
        n_episodes=3,
    )
    assert "no route" in plt.gcf().axes[1].get_title()
    plt.close("all")

    def unfinished(*args, **kwargs):
        raise NotImplementedError

    pl.planning_demo(unfinished, unfinished, unfinished, n_episodes=3)
    texts = [t.get_text() for ax in plt.gcf().axes[:2] for t in ax.texts]
    assert any("exercise 1" in t for t in texts) and any("exercises 2 and 3" in t for t in texts)
    plt.close("all")


PLANNING_CONTROLS = {
    "n_planning": IntSlider(value=10, min=0, max=50, step=5),
    "goal_row": IntSlider(value=5, min=0, max=5),
    "goal_col": IntSlider(value=8, min=0, max=8),
    "n_exploration": IntSlider(value=1000, min=100, max=2000, step=100),
    "n_episodes": IntSlider(value=20, min=5, max=30, step=5),
}


@pytest.mark.parametrize("end", ["min", "max"])
def test_planning_demo_draws_at_both_ends_of_every_control(update, learn_model, planner, end):
    callback = partial(pl.planning_demo, update=update, learn_model=learn_model, planner=planner)
    demo = build_demo(callback, **PLANNING_CONTROLS)
    assert sorted(w.description for w in demo.kwargs_widgets) == sorted(PLANNING_CONTROLS)
    defaults = {name: widget.value for name, widget in PLANNING_CONTROLS.items()}
    defaults["n_episodes"] = 5  # keep the test quick; n_episodes' own ends are tried below
    for name, control in PLANNING_CONTROLS.items():
        callback(**{**defaults, name: getattr(control, end)})
        assert len(plt.gcf().axes) >= 2
        plt.close("all")


def test_episode_path_learns_on_a_copy_and_stops_at_the_goal(update):
    maze = dyna_maze()
    q = optimal_q(maze)
    kept = q.copy()
    path = pl.episode_path(update, maze, q, seed=0, epsilon=0.0)
    assert len(path) - 1 == maze.optimal_steps() and path[-1] == maze.goal_state
    np.testing.assert_array_equal(q, kept)
    wandering = pl.episode_path(update, maze, np.zeros((maze.n_states, 4)), seed=1, max_steps=30)
    assert len(wandering) <= 31
    with pytest.raises(ValueError, match="q must have shape"):
        pl.episode_path(update, maze, np.zeros((3, 4)), seed=0)


def test_plot_goal_change_marks_budget_and_optimum(update, learn_model, planner):
    table = pl.goal_change_experiment(
        dyna_maze(),
        update,
        learn_model,
        planner,
        (5, 5),
        seeds=range(3),
        n_training_episodes=3,
        max_steps=100,
    )
    ax = pl.plot_goal_change(table)
    assert [tick.get_text() for tick in ax.get_xticklabels()] == [
        name.replace(", ", ",\n") for name in pl.AGENTS
    ]
    assert ax.get_yscale() == "log" and len(ax.collections) >= 4
    plt.close("all")


def test_share_difference_stays_within_bounds_and_rejects_bad_counts():
    from worldlab.planning.verdict import share_difference

    d, low, high = share_difference(20, 20, 0, 20)
    assert d == 1.0 and -1.0 <= low < d <= high <= 1.0
    d, low, high = share_difference(3, 10, 6, 10)
    assert np.isclose(d, -0.3) and low < d < high
    with pytest.raises(ValueError, match="0 <= k <= n"):
        share_difference(11, 10, 0, 10)


def test_the_worked_transition_model_assumes_untried_moves_stay(learn_model):
    model, known = learn_model(np.array([0]), np.array([1]), np.array([2]), 3, 2)
    assert model.tolist() == [[0, 2], [1, 1], [2, 2]]
    assert known.tolist() == [[False, True], [False, False], [False, False]]
