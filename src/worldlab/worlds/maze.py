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

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap

from worldlab.plots import PALETTE

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


_VALUE_MAP = LinearSegmentedColormap.from_list(
    "value", ["#ffffff", PALETTE["sky"], PALETTE["blue"]]
)


def draw_maze(
    maze: Maze,
    ax: Axes | None = None,
    values: np.ndarray | None = None,
    path=None,
    policy: np.ndarray | None = None,
    known: np.ndarray | None = None,
    title: str | None = None,
    marks: dict[str, tuple[int, int]] | None = None,
    colorbar: bool = True,
    numbers: np.ndarray | None = None,
) -> Axes:
    """Draw the maze: walls dark, ``S`` start, ``G`` goal, and optional layers.

    Parameters
    ----------
    values
        float array (n_states,) shown as shading (e.g. state values), with a colour bar. The
        colour scale spans the values of the free cells other than the goal (whose value, 0 for
        a terminal state, would wash out the rest).
    path
        sequence of states (n,) drawn as a line from the first to the last.
    policy
        int array (n_states,) of actions, drawn as small arrows on free non-goal cells.
    known
        bool array (n_states, 4): which moves a model knows; unknown ones get a purple tick
        on the side of the cell they lead to.
    marks
        extra labelled cells, e.g. ``{"old goal": (0, 8)}``.
    colorbar
        whether to add a colour bar for ``values``.
    numbers
        array (n_states,) of numbers written in the free cells (not in ``S`` or ``G``); finite
        values only.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(5.2, 3.8))
    height, width = maze.shape
    if values is not None:
        values = np.asarray(values, dtype=float)
        if values.shape != (maze.n_states,):
            raise ValueError(f"values must have shape ({maze.n_states},), got {values.shape}")
        grid = np.where(maze.walls, np.nan, values.reshape(height, width))
        others = np.delete(
            values[maze.free_states], np.flatnonzero(maze.free_states == maze.goal_state)
        )
        others = others[np.isfinite(others)]
        low = float(others.min()) if others.size else 0.0
        high = float(others.max()) if others.size else 1.0
        # Start the scale a little below the lowest value, so that it is not blank.
        pad = 0.1 * (high - low)
        if high - low < 1e-12:  # nothing to tell apart (e.g. all zero): a plain 0-1 scale
            low, high, pad = min(low, 0.0), max(high, 1.0), 0.0
        image = ax.imshow(
            grid,
            cmap=_VALUE_MAP,
            origin="upper",
            vmin=low - pad,
            vmax=max(high, low + 1e-9),
            extent=(-0.5, width - 0.5, height - 0.5, -0.5),
        )
        if colorbar:
            plt.colorbar(image, ax=ax, fraction=0.035, pad=0.02, label="value")
    wall_rows, wall_cols = np.nonzero(maze.walls)
    for row, col in zip(wall_rows, wall_cols, strict=True):
        ax.add_patch(plt.Rectangle((col - 0.5, row - 0.5), 1, 1, color="#444444", zorder=2))
    if known is not None:
        known = np.asarray(known, dtype=bool)
        if known.shape != (maze.n_states, maze.n_actions):
            raise ValueError(f"known must have shape ({maze.n_states}, 4), got {known.shape}")
        for state in maze.free_states:
            row, col = maze.cell(state)
            for action in np.flatnonzero(~known[state]):
                d_row, d_col = ACTION_DELTAS[action]
                ax.plot(
                    [col + d_col * 0.2, col + d_col * 0.45],
                    [row + d_row * 0.2, row + d_row * 0.45],
                    color=PALETTE["purple"],
                    linewidth=3.0,
                    solid_capstyle="butt",
                    zorder=3,
                )
    if policy is not None:
        policy = np.asarray(policy)
        if policy.shape != (maze.n_states,):
            raise ValueError(f"policy must have shape ({maze.n_states},), got {policy.shape}")
        for state in maze.free_states:
            if state == maze.goal_state:
                continue
            row, col = maze.cell(state)
            d_row, d_col = ACTION_DELTAS[policy[state]] * 0.28
            ax.annotate(
                "",
                xy=(col + d_col, row + d_row),
                xytext=(col - d_col, row - d_row),
                arrowprops={"arrowstyle": "->", "color": "#666666", "lw": 1.0},
                zorder=3,
            )
    if path is not None and len(path) > 0:
        cells = np.array([maze.cell(state) for state in path], dtype=float)
        ax.plot(
            cells[:, 1],
            cells[:, 0],
            color=PALETTE["orange"],
            linewidth=3,
            zorder=4,
            solid_capstyle="round",
            path_effects=[patheffects.withStroke(linewidth=5, foreground="#222222")],
        )
    labels = {"S": maze.start, "G": maze.goal, **(marks or {})}
    if numbers is not None:
        numbers = np.asarray(numbers)
        if numbers.shape != (maze.n_states,):
            raise ValueError(f"numbers must have shape ({maze.n_states},), got {numbers.shape}")
        labelled = {maze.state(cell) for cell in labels.values()}
        for state in maze.free_states:
            if state not in labelled and np.isfinite(numbers[state]):
                row, col = maze.cell(state)
                ax.text(
                    col,
                    row,
                    f"{numbers[state]:g}",
                    ha="center",
                    va="center",
                    fontsize=9,
                    color="#222222",
                    zorder=5,
                )
    for label, (row, col) in labels.items():
        ax.text(
            col,
            row,
            label,
            ha="center",
            va="center",
            fontsize=12 if len(label) < 3 else 8,
            fontweight="bold",
            color=PALETTE["black"],
            bbox={
                "boxstyle": "round,pad=0.15",
                "facecolor": "white",
                "edgecolor": "none",
                "alpha": 0.85,
            },
            zorder=5,
        )
    ax.set_xlim(-0.5, width - 0.5)
    ax.set_ylim(height - 0.5, -0.5)
    ax.set_xticks(np.arange(width))
    ax.set_yticks(np.arange(height))
    ax.set_xticks(np.arange(width + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(height + 1) - 0.5, minor=True)
    ax.grid(False)
    ax.grid(which="minor", color="#cccccc", linewidth=0.8)
    ax.tick_params(which="both", length=0)
    ax.set_xlabel("column")
    ax.set_ylabel("row")
    ax.set_aspect("equal")
    for spine in ax.spines.values():
        spine.set_visible(True)
    if title:
        ax.set_title(title)
    return ax
