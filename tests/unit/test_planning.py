"""Unit tests for worldlab.planning."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from worldlab import planning as pl
from worldlab.worlds.maze import dyna_maze


def test_q_learning_update_formula():
    q = np.zeros((3, 2))
    q[1] = [0.5, 2.0]
    pl.q_learning_update(q, 0, 1, 1.0, 1, False, alpha=0.5, gamma=0.9)
    assert q[0, 1] == pytest.approx(0.5 * (1.0 + 0.9 * 2.0))
    pl.q_learning_update(q, 2, 0, 1.0, 1, True, alpha=0.5, gamma=0.9)
    assert q[2, 0] == pytest.approx(0.5)  # nothing follows the end of an episode


@pytest.mark.parametrize(
    "args, error, message",
    [
        ((np.zeros((3, 2), dtype=int), 0, 0, 0.0, 0, False), TypeError, "float"),
        ((np.zeros((3, 2)), 3, 0, 0.0, 0, False), ValueError, "state"),
        ((np.zeros((3, 2)), 0, 2, 0.0, 0, False), ValueError, "action"),
        ((np.zeros((3, 2)), 0, 0.5, 0.0, 0, False), TypeError, "action"),
    ],
)
def test_q_learning_update_checks_inputs(args, error, message):
    with pytest.raises(error, match=message):
        pl.q_learning_update(*args)


def test_dyna_q_with_no_planning_is_q_learning():
    rng = np.random.default_rng(0)
    q = rng.random((5, 4))
    expected = pl.q_learning_update(q.copy(), 1, 2, 1.0, 3, False)
    model = {}
    got = pl.dyna_q_update(q, model, 1, 2, 1.0, 3, False, 0, np.random.default_rng(1))
    np.testing.assert_array_equal(got, expected)
    assert model == {(1, 2): (1.0, 3, False)}


def test_dyna_q_replays_its_only_memory():
    # With one remembered terminal transition, n planning steps are n more identical updates.
    q = np.zeros((2, 2))
    pl.dyna_q_update(q, {}, 0, 1, 1.0, 1, True, 4, np.random.default_rng(0), alpha=0.1)
    assert q[0, 1] == pytest.approx(1 - 0.9**5)


def test_dyna_q_planning_propagates_value_backwards():
    # A chain 0 → 1 → 2 (goal). After seeing both moves once, planning spreads the reward to 0.
    rng = np.random.default_rng(0)
    q, model = np.zeros((3, 1)), {}
    pl.dyna_q_update(q, model, 0, 0, 0.0, 1, False, 0, rng)
    pl.dyna_q_update(q, model, 1, 0, 1.0, 2, True, 0, rng)
    assert q[0, 0] == 0.0
    pl.dyna_q_update(q, model, 1, 0, 1.0, 2, True, 50, rng)
    assert q[0, 0] > 0.5


def test_epsilon_greedy_breaks_ties_at_random():
    rng = np.random.default_rng(0)
    picks = {pl.epsilon_greedy(np.array([1.0, 0.0, 1.0]), 0.0, rng) for _ in range(50)}
    assert picks == {0, 2}
    picks = {pl.epsilon_greedy(np.array([1.0, 0.0, 0.0]), 1.0, rng) for _ in range(100)}
    assert picks == {0, 1, 2}


def test_single_agent_episode_reaches_the_goal():
    maze = dyna_maze()
    q, model = np.zeros((maze.n_states, 4)), {}
    steps = pl.run_episode_dyna_q(maze, q, model, 5, np.random.default_rng(0))
    assert maze.optimal_steps() <= steps < 10_000
    assert q.max() > 0 and len(model) > 4


def test_batch_agents_are_independent_of_each_other():
    maze = dyna_maze()
    together = pl.run_dyna_q(maze, 5, 4, seeds=[3, 7, 11])
    alone = pl.run_dyna_q(maze, 5, 4, seeds=[7])
    np.testing.assert_array_equal(together.steps[1], alone.steps[0])
    np.testing.assert_allclose(together.q[1], alone.q[0])
    assert together.steps.shape == (3, 4) and together.seeds == (3, 7, 11)
    assert np.all(together.steps >= maze.optimal_steps())


def test_batch_greedy_agent_with_optimal_values_walks_the_shortest_path():
    maze = dyna_maze()
    _, q = pl.value_iteration(maze.next_state, maze.reward, maze.terminal)
    run = pl.run_dyna_q(maze, 0, 3, seeds=[0, 1], epsilon=0.0, q0=np.stack([q, q]))
    assert np.all(run.steps == maze.optimal_steps())


def test_batch_planning_matches_sequential_q_learning_updates():
    rng = np.random.default_rng(2)
    n_agents, n_states, n_actions, n_planning = 3, 5, 2, 6
    q = rng.random((n_agents, n_states, n_actions))
    pairs = n_states * n_actions
    model_next = rng.integers(n_states, size=(n_agents, pairs))
    model_reward = rng.random((n_agents, pairs))
    model_done = rng.random((n_agents, pairs)) < 0.3
    seen_pairs = np.stack([rng.permutation(pairs) for _ in range(n_agents)])
    n_seen = np.array([4, 10, 1])
    u = rng.random((n_agents, n_planning))
    live = np.array([0, 2])
    expected = q.copy()
    for agent in live:
        for k in range(n_planning):
            pair = seen_pairs[agent, int(u[agent, k] * n_seen[agent])]
            s, a = divmod(pair, n_actions)
            pl.q_learning_update(
                expected[agent],
                int(s),
                int(a),
                model_reward[agent, pair],
                int(model_next[agent, pair]),
                model_done[agent, pair],
            )
    pl._plan(
        q.reshape(-1),
        live,
        u[live],
        seen_pairs,
        n_seen,
        model_next,
        model_reward,
        model_done,
        n_states,
        n_actions,
        pl.ALPHA,
        pl.GAMMA,
    )
    np.testing.assert_allclose(q, expected)


def test_run_dyna_q_checks_inputs():
    maze = dyna_maze()
    with pytest.raises(ValueError, match="n_planning"):
        pl.run_dyna_q(maze, -1, 3)
    with pytest.raises(ValueError, match="q0"):
        pl.run_dyna_q(maze, 0, 3, seeds=[0], q0=np.zeros((54, 4)))
    with pytest.raises(ValueError, match="seeds"):
        pl.run_dyna_q(maze, 0, 3, seeds=[])


def test_learning_curves_table():
    curves = pl.learning_curves(dyna_maze(), (0, 2), n_episodes=3, seeds=range(2))
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


def test_exploration_and_the_learned_model():
    maze = dyna_maze()
    states, actions, next_states = pl.explore(maze, 300, seed=1)
    assert states.shape == actions.shape == next_states.shape == (300,)
    np.testing.assert_array_equal(maze.moves[states, actions], next_states)
    np.testing.assert_array_equal(states[1:], next_states[:-1])
    model, known = pl.learn_transition_model(states, actions, next_states, maze.n_states)
    assert np.all(model[known] == maze.moves[known])
    unknown_states = np.nonzero(~known)[0]
    assert np.all(model[~known] == unknown_states)  # "nothing happens" when never tried


def test_value_iteration_on_the_true_maze_gives_discounted_distances():
    maze = dyna_maze()
    v, q = pl.value_iteration(maze.next_state, maze.reward, maze.terminal, gamma=0.9)
    distances = maze.distances_to_goal()
    free = maze.free_states[maze.free_states != maze.goal_state]
    np.testing.assert_allclose(v[free], 0.9 ** (distances[free] - 1))
    assert v[maze.goal_state] == 0 and q.shape == (54, 4)
    with pytest.raises(ValueError, match="gamma"):
        pl.value_iteration(maze.next_state, maze.reward, maze.terminal, gamma=1.0)
    with pytest.raises(ValueError, match="reward"):
        pl.value_iteration(maze.next_state, np.zeros(3), maze.terminal)


def test_goal_rewards_and_planning_on_the_true_model():
    maze = dyna_maze().with_goal((5, 5))
    reward, terminal = pl.goal_rewards(maze.moves, maze.goal_state)
    np.testing.assert_array_equal(reward[maze.free_states], maze.reward[maze.free_states])
    v, policy = pl.plan_to_goal(maze.moves, maze.goal_state)
    path = pl.rollout(maze, policy, 50)
    assert path[0] == maze.start_state and path[-1] == maze.goal_state
    assert len(path) - 1 == maze.optimal_steps()
    assert pl.steps_to_goal(maze, path, 50) == maze.optimal_steps()
    stuck = pl.rollout(maze, np.zeros(maze.n_states, dtype=int), 7)
    assert len(stuck) == 8 and pl.steps_to_goal(maze, stuck, 7) == 7


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


def test_goal_change_experiment_table():
    table = pl.goal_change_experiment(
        dyna_maze(), (5, 5), seeds=range(2), n_training_episodes=3, max_steps=200
    )
    assert set(table["agent"]) == {"planner", "q-learning", "behaviour cloning"}
    assert len(table) == 6 and (table["optimal"] == 8).all()
    assert (table["steps"] <= 200).all()


def test_plot_learning_curves_and_planning_demo():
    maze = dyna_maze()
    ax = pl.plot_learning_curves(pl.learning_curves(maze, (0, 5), 3, range(3)), 14)
    assert ax.get_ylabel() == "steps to reach the goal" and len(ax.get_lines()) == 3
    plt.close("all")
    pl.planning_demo(n_planning=5, goal_row=5, goal_col=5, n_episodes=3)
    left, right = plt.gcf().axes[:2]
    assert len(left.get_lines()) == 3 and right.get_title().endswith("plan: 8 moves (shortest 8)")
    plt.close("all")
    pl.planning_demo(n_planning=0, goal_row=1, goal_col=2, n_episodes=3)
    assert "choose another goal" in plt.gcf().axes[0].texts[0].get_text()
    plt.close("all")
    pl.planning_demo(n_planning=0, goal_row=0, goal_col=8, n_exploration=200, n_episodes=3)
    assert "no route" in plt.gcf().axes[1].get_title()


def test_episode_path_learns_on_a_copy_and_stops_at_the_goal():
    maze = dyna_maze()
    _, q = pl.value_iteration(maze.next_state, maze.reward, maze.terminal)
    kept = q.copy()
    path = pl.episode_path(maze, q, seed=0, epsilon=0.0)
    assert len(path) - 1 == maze.optimal_steps() and path[-1] == maze.goal_state
    np.testing.assert_array_equal(q, kept)
    wandering = pl.episode_path(maze, np.zeros((maze.n_states, 4)), seed=1, max_steps=30)
    assert len(wandering) <= 31
    with pytest.raises(ValueError, match="q must have shape"):
        pl.episode_path(maze, np.zeros((3, 4)), seed=0)


def test_plot_goal_change_marks_budget_and_optimum():
    table = pl.goal_change_experiment(
        dyna_maze(), (5, 5), seeds=range(3), n_training_episodes=3, max_steps=100
    )
    ax = pl.plot_goal_change(table)
    assert [tick.get_text() for tick in ax.get_xticklabels()] == [
        "planner",
        "q-learning",
        "behaviour cloning",
    ]
    assert ax.get_yscale() == "log" and len(ax.collections) >= 3
