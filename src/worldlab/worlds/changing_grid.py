"""A small grid world that changes in phases, with a noisy TV that never stops.

The grid is ``WIDTH × HEIGHT`` cells (position ``s = y * WIDTH + x``). A wall fills column
``WALL_X`` except for its doors. Actions are ``0 N, 1 E, 2 S, 3 W, 4 stay``; moving into the wall
or off the grid leaves the agent where it is. Each phase changes the world:

* phase 0: the top door (row 0) is open; goal ``goals[0]``;
* phase 1: the top door closes and the bottom door (last row) opens; the goal moves;
* phase 2: the bottom door stays open, the goal moves again, and in the lower right region
  (``x >= 4``, ``y >= 2``) the actions N and S are swapped.

An *observation* is an int: the next position ``0 .. n_cells - 1``, or, when the agent stays at
the TV cell, one of ``N_NOISE`` noise frames ``n_cells .. n_cells + N_NOISE - 1`` drawn uniformly
(the agent has not moved). Watching the TV is unpredictable forever and teaches nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

WIDTH, HEIGHT = 6, 5
WALL_X = 3
N_ACTIONS = 5
N_NOISE = 8
MOVES = np.array([[0, -1], [1, 0], [0, 1], [-1, 0], [0, 0]])
STAY = 4
N_PHASES = 3


def cell(x: int, y: int) -> int:
    """Position index of the cell at column ``x``, row ``y``."""
    return int(y * WIDTH + x)


START = cell(0, 2)
TV = cell(1, 1)
RIGHT_SIDE = [cell(x, y) for y in range(HEIGHT) for x in (4, 5)]


@dataclass
class ChangingGrid:
    """One seeded changing grid: the seed draws the goal of each phase on the right side.

    Attributes
    ----------
    goals : int array of shape (N_PHASES,), distinct positions right of the wall.
    """

    seed: int
    goals: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        if not isinstance(self.seed, int | np.integer):
            raise TypeError(f"seed must be an int, not {type(self.seed).__name__}")
        rng = np.random.default_rng([int(self.seed), 12])
        self.goals = rng.choice(RIGHT_SIDE, N_PHASES, replace=False).astype(int)
        self._walls = [self.blocked(phase) for phase in range(N_PHASES)]

    n_cells: ClassVar[int] = WIDTH * HEIGHT
    n_obs: ClassVar[int] = WIDTH * HEIGHT + N_NOISE

    @staticmethod
    def doors(phase: int) -> list[int]:
        """Rows of the open doors in ``phase``."""
        _check_phase(phase)
        return [0] if phase == 0 else [HEIGHT - 1]

    def blocked(self, phase: int) -> np.ndarray:
        """Bool array of shape (n_cells,): wall cells of ``phase``."""
        out = np.zeros(self.n_cells, dtype=bool)
        for y in range(HEIGHT):
            if y not in self.doors(phase):
                out[cell(WALL_X, y)] = True
        return out

    def next_position(self, phase: int, position: int, action: int) -> int:
        """Where ``action`` takes the agent from ``position`` in ``phase`` (no noise)."""
        _check_phase(phase)
        if not 0 <= int(position) < self.n_cells:
            raise ValueError(f"position {position} is outside 0 .. {self.n_cells - 1}")
        if not 0 <= int(action) < N_ACTIONS:
            raise ValueError(f"action {action} is outside 0 .. {N_ACTIONS - 1}")
        x, y = int(position) % WIDTH, int(position) // WIDTH
        if phase == 2 and x >= 4 and y >= 2 and action in (0, 2):
            action = 2 - action
        nx, ny = x + MOVES[action, 0], y + MOVES[action, 1]
        if not (0 <= nx < WIDTH and 0 <= ny < HEIGHT) or self._walls[phase][cell(nx, ny)]:
            return int(position)
        return cell(nx, ny)

    def step(self, phase: int, position: int, action: int, rng: np.random.Generator) -> int:
        """One observation: the next position, or a noise frame when staying at the TV."""
        if int(position) == TV and int(action) == STAY:
            return int(self.n_cells + rng.integers(N_NOISE))
        return self.next_position(phase, position, action)

    def position_of(self, obs: np.ndarray | int) -> np.ndarray | int:
        """The agent's position after observation ``obs`` (noise frames: the TV cell)."""
        if isinstance(obs, int | np.integer) and 0 <= obs < self.n_obs:
            return int(obs) if obs < self.n_cells else TV
        obs = np.asarray(obs)
        if ((obs < 0) | (obs >= self.n_obs)).any():
            raise ValueError(f"observations must lie in 0 .. {self.n_obs - 1}")
        out = np.where(obs < self.n_cells, obs, TV)
        return int(out) if out.ndim == 0 else out

    def distances(self, phase: int, goal: int) -> np.ndarray:
        """Int array of shape (n_cells,): fewest steps to ``goal`` in ``phase`` (-1: unreachable)."""
        dist = np.full(self.n_cells, -1)
        dist[goal] = 0
        for d in range(self.n_cells):
            ring = [
                s
                for s in range(self.n_cells)
                if dist[s] < 0 and any(dist[self.next_position(phase, s, a)] == d for a in range(4))
            ]
            if not ring:
                break
            dist[ring] = d + 1
        return dist


def _check_phase(phase: int) -> None:
    if not 0 <= int(phase) < N_PHASES:
        raise ValueError(f"phase {phase} is outside 0 .. {N_PHASES - 1}")
