"""A deterministic grid maze: Sutton & Barto's Dyna maze (6 × 9), with a goal that can move.

Cells are numbered row by row: state ``s = row * width + col``. Four actions move one cell
(``0`` up, ``1`` down, ``2`` right, ``3`` left); a move into a wall or off the grid leaves the
agent where it was. Entering the goal pays reward 1 and ends the episode; every other move pays 0.
Wall cells are states too (it keeps arrays simple) but no move ever enters them.

The whole world is two tables an agent can learn: ``moves`` (where each action leads, shape
(n_states, 4)) and the goal. ``next_state``, ``reward`` and ``terminal`` add the episode's end.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

ACTIONS = ("up", "down", "right", "left")
#: (row, col) change of each action, shape (4, 2).
ACTION_DELTAS = np.array([[-1, 0], [1, 0], [0, 1], [0, -1]])
#: Sutton & Barto (2018), Figure 8.2: 6 rows, 9 columns.
DYNA_MAZE_SHAPE = (6, 9)
DYNA_MAZE_WALLS = ((1, 2), (2, 2), (3, 2), (4, 5), (0, 7), (1, 7), (2, 7))
DYNA_MAZE_START = (2, 0)
DYNA_MAZE_GOAL = (0, 8)


@dataclass(frozen=True, eq=False)
class Maze:
    """A grid maze with walls, a start cell and a goal cell.

    Attributes
    ----------
    walls
        bool array of shape (height, width), True where a wall is.
    start, goal
        ``(row, col)`` cells, both free.
    moves
        int array of shape (n_states, 4): the cell each action leads to (the physics, no goal).
    next_state
        like ``moves`` but the goal is absorbing (every action at the goal stays there).
    reward
        float array of shape (n_states, 4): 1 for the moves that enter the goal, else 0.
    terminal
        bool array of shape (n_states,): True at the goal only.
    """

    walls: np.ndarray
    start: tuple[int, int]
    goal: tuple[int, int]
    moves: np.ndarray = field(init=False, repr=False)
    next_state: np.ndarray = field(init=False, repr=False)
    reward: np.ndarray = field(init=False, repr=False)
    terminal: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        walls = np.asarray(self.walls)
        if walls.ndim != 2 or walls.dtype != bool or min(walls.shape) < 1:
            raise ValueError(f"walls must be a 2-D bool array, got {walls.dtype} {walls.shape}")
        object.__setattr__(self, "walls", walls.copy())
        for name in ("start", "goal"):
            object.__setattr__(self, name, self._check_cell(getattr(self, name), name))
        height, width = walls.shape
        rows, cols = np.divmod(np.arange(height * width), width)
        target_rows = np.clip(rows[:, None] + ACTION_DELTAS[:, 0], 0, height - 1)
        target_cols = np.clip(cols[:, None] + ACTION_DELTAS[:, 1], 0, width - 1)
        moves = target_rows * width + target_cols
        blocked = walls[target_rows, target_cols]
        moves = np.where(blocked, np.arange(height * width)[:, None], moves)
        goal = self.goal_state
        next_state = moves.copy()
        next_state[goal] = goal
        reward = ((next_state == goal) & (np.arange(height * width)[:, None] != goal)).astype(float)
        terminal = np.zeros(height * width, dtype=bool)
        terminal[goal] = True
        for name, table in (
            ("moves", moves),
            ("next_state", next_state),
            ("reward", reward),
            ("terminal", terminal),
        ):
            table.setflags(write=False)
            object.__setattr__(self, name, table)

    def _check_cell(self, cell, name: str) -> tuple[int, int]:
        try:
            row, col = (int(v) for v in cell)
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be a (row, col) pair, got {cell!r}") from None
        height, width = self.walls.shape
        if not (0 <= row < height and 0 <= col < width):
            raise ValueError(f"{name} {cell!r} is outside the {height} × {width} grid")
        if self.walls[row, col]:
            raise ValueError(f"{name} {cell!r} is a wall")
        return row, col

    @property
    def shape(self) -> tuple[int, int]:
        return self.walls.shape

    @property
    def n_states(self) -> int:
        return int(self.walls.size)

    @property
    def n_actions(self) -> int:
        return len(ACTIONS)

    @property
    def start_state(self) -> int:
        return self.state(self.start)

    @property
    def goal_state(self) -> int:
        return self.state(self.goal)

    @property
    def free_states(self) -> np.ndarray:
        """The states that are not walls, shape (n_free,), increasing."""
        return np.flatnonzero(~self.walls.ravel())

    def state(self, cell) -> int:
        """The state number of a ``(row, col)`` cell."""
        row, col = (int(v) for v in cell)
        height, width = self.walls.shape
        if not (0 <= row < height and 0 <= col < width):
            raise ValueError(f"cell {cell!r} is outside the {height} × {width} grid")
        return row * width + col

    def cell(self, state: int) -> tuple[int, int]:
        """The ``(row, col)`` of a state number."""
        if not 0 <= int(state) < self.n_states:
            raise ValueError(f"state must be in 0 … {self.n_states - 1}, got {state!r}")
        row, col = divmod(int(state), self.walls.shape[1])
        return row, col

    def step(self, state, action):
        """Take ``action`` in ``state`` (ints or equal-shape int arrays).

        Returns
        -------
        ``(next_state, reward, done)`` with the shapes of the inputs.
        """
        state = np.asarray(state)
        action = np.asarray(action)
        if np.any((state < 0) | (state >= self.n_states)):
            raise ValueError(f"states must be in 0 … {self.n_states - 1}")
        if np.any((action < 0) | (action >= self.n_actions)):
            raise ValueError(f"actions must be in 0 … {self.n_actions - 1}")
        following = self.next_state[state, action]
        return following, self.reward[state, action], self.terminal[following]

    def with_goal(self, goal) -> Maze:
        """The same maze with the goal moved to ``goal`` (a free ``(row, col)`` cell)."""
        return Maze(self.walls, self.start, goal)

    def with_start(self, start) -> Maze:
        """The same maze starting from ``start`` (a free ``(row, col)`` cell)."""
        return Maze(self.walls, start, self.goal)

    def distances_to_goal(self) -> np.ndarray:
        """Fewest moves from each state to the goal: float array (n_states,), inf if unreachable.

        Breadth-first search backwards from the goal over ``moves``.
        """
        distances = np.full(self.n_states, np.inf)
        goal = self.goal_state
        distances[goal] = 0
        predecessors = [[] for _ in range(self.n_states)]
        for state in self.free_states:
            for following in self.moves[state]:
                if following != state:
                    predecessors[following].append(state)
        queue = deque([goal])
        while queue:
            here = queue.popleft()
            for previous in predecessors[here]:
                if distances[previous] == np.inf:
                    distances[previous] = distances[here] + 1
                    queue.append(previous)
        return distances

    def optimal_steps(self) -> int:
        """Length of the shortest path from start to goal (the best possible episode)."""
        distance = self.distances_to_goal()[self.start_state]
        if not np.isfinite(distance):
            raise ValueError(f"the goal {self.goal} cannot be reached from {self.start}")
        return int(distance)


def dyna_maze(goal=DYNA_MAZE_GOAL, start=DYNA_MAZE_START) -> Maze:
    """Sutton & Barto's Dyna maze (Figure 8.2): 6 × 9, 7 wall cells, shortest path 14 moves."""
    walls = np.zeros(DYNA_MAZE_SHAPE, dtype=bool)
    walls[tuple(np.array(DYNA_MAZE_WALLS).T)] = True
    return Maze(walls, start, goal)
