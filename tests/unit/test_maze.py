"""Unit tests for worldlab.worlds.maze."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from worldlab.planning.plots import draw_maze
from worldlab.worlds.maze import ACTION_DELTAS, Maze, dyna_maze


def test_dyna_maze_matches_sutton_and_barto():
    maze = dyna_maze()
    assert maze.shape == (6, 9) and maze.n_states == 54 and maze.n_actions == 4
    assert maze.walls.sum() == 7 and len(maze.free_states) == 47
    assert maze.start == (2, 0) and maze.goal == (0, 8)
    assert maze.optimal_steps() == 14


def test_cells_and_states_round_trip():
    maze = dyna_maze()
    for state in range(maze.n_states):
        assert maze.state(maze.cell(state)) == state
    assert maze.state((1, 3)) == 12
    with pytest.raises(ValueError, match="outside"):
        maze.state((6, 0))
    with pytest.raises(ValueError, match="state must be"):
        maze.cell(54)


def test_moves_respect_walls_and_edges():
    maze = dyna_maze()
    up, down, right, left = range(4)
    corner = maze.state((0, 0))
    assert maze.moves[corner, up] == corner and maze.moves[corner, left] == corner
    assert maze.moves[corner, right] == maze.state((0, 1))
    beside_wall = maze.state((2, 1))
    assert maze.moves[beside_wall, right] == beside_wall  # (2, 2) is a wall
    walls = set(np.flatnonzero(maze.walls.ravel()))
    assert not walls & set(maze.moves[maze.free_states].ravel())
    # Every move changes the cell by one action delta or not at all.
    for state in maze.free_states:
        row, col = maze.cell(state)
        for action, (d_row, d_col) in enumerate(ACTION_DELTAS):
            new_row, new_col = maze.cell(maze.moves[state, action])
            assert (new_row, new_col) in {(row, col), (row + d_row, col + d_col)}


def test_goal_is_absorbing_and_pays_on_entry_only():
    maze = dyna_maze()
    goal = maze.goal_state
    assert np.all(maze.next_state[goal] == goal) and np.all(maze.reward[goal] == 0)
    assert maze.terminal.sum() == 1 and maze.terminal[goal]
    below = maze.state((1, 8))
    following, reward, done = maze.step(below, 0)
    assert (following, reward, done) == (goal, 1.0, True)
    assert maze.reward[maze.free_states].sum() == 1  # only (1, 8) → up enters the goal
    following, reward, done = maze.step(np.array([below, maze.start_state]), np.array([0, 2]))
    assert following.shape == (2,) and list(done) == [True, False]
    with pytest.raises(ValueError, match="actions"):
        maze.step(0, 4)


def test_tables_are_read_only():
    with pytest.raises(ValueError):
        dyna_maze().moves[0, 0] = 5


def test_moving_the_goal_and_start():
    maze = dyna_maze()
    moved = maze.with_goal((5, 5))
    assert moved.goal == (5, 5) and moved.optimal_steps() == 8
    assert maze.goal == (0, 8)  # the original is unchanged
    assert maze.with_start((0, 6)).optimal_steps() == 8
    with pytest.raises(ValueError, match="wall"):
        maze.with_goal((1, 2))
    with pytest.raises(ValueError, match="outside"):
        maze.with_goal((7, 0))
    with pytest.raises(TypeError, match="row, col"):
        maze.with_goal(3)


def test_distances_are_consistent_with_moves():
    maze = dyna_maze().with_goal((4, 4))
    distances = maze.distances_to_goal()
    assert distances[maze.goal_state] == 0
    assert np.all(np.isinf(distances[maze.walls.ravel()]))
    for state in maze.free_states:
        if state != maze.goal_state:
            assert distances[maze.moves[state]].min() == distances[state] - 1


def test_unreachable_goal_is_reported():
    walls = np.zeros((3, 3), dtype=bool)
    walls[:, 1] = True
    with pytest.raises(ValueError, match="cannot be reached"):
        Maze(walls, (0, 0), (0, 2)).optimal_steps()


def test_draw_maze_with_every_layer():
    maze = dyna_maze()
    known = np.ones((maze.n_states, 4), dtype=bool)
    known[maze.start_state, 0] = False
    ax = draw_maze(
        maze,
        values=np.linspace(0, 1, maze.n_states),
        path=[maze.start_state, maze.state((1, 0))],
        policy=np.zeros(maze.n_states, dtype=int),
        known=known,
        title="test",
        marks={"old": (0, 0)},
    )
    assert ax.get_xlabel() == "column" and ax.get_title() == "test"
    with pytest.raises(ValueError, match="values"):
        draw_maze(maze, values=np.zeros(3))
    plt.close("all")


def test_draw_maze_writes_numbers_but_not_over_labels():
    maze = dyna_maze()
    numbers = np.where(maze.walls.ravel(), np.inf, 7.0)
    ax = draw_maze(maze, numbers=numbers)
    texts = [text.get_text() for text in ax.texts]
    assert texts.count("7") == len(maze.free_states) - 2 and "S" in texts and "G" in texts
    with pytest.raises(ValueError, match="numbers"):
        draw_maze(maze, numbers=np.zeros(4))
    plt.close("all")


def test_draw_maze_handles_constant_values():
    ax = draw_maze(dyna_maze(), values=np.zeros(54), colorbar=False)
    low, high = ax.images[0].get_clim()
    assert low == 0.0 and high == 1.0
