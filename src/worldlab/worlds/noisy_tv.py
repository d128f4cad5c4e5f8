"""Two rooms joined by a long corridor, and a noisy TV (lesson 09).

The agent moves on a grid (``up``, ``down``, ``left``, ``right``) or ``watch``es. Watching at the
TV cell shows one of ``channels`` channels at random — pure noise that no model can learn to
predict better than chance; everywhere else ``watch`` just stays. The left room (with the TV and
the start) is joined to the right room by a corridor that a random walk rarely crosses: a part of
the world that is learnable but hard to reach.

An *observation* is the next cell's index, except after watching the TV, when it is
``n_cells + channel``. So a forward model of observations, ``counts[cell, action, observation]``,
can learn every transition but the TV's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

ACTIONS = ("up", "down", "left", "right", "watch")
MOVES = {"up": (-1, 0), "down": (1, 0), "left": (0, -1), "right": (0, 1), "watch": (0, 0)}

LAYOUT = (
    "####################",
    "#.....#########....#",
    "#.....#########....#",
    "#..T...............#",
    "#.....#########....#",
    "#.....#########....#",
    "####################",
)


@dataclass
class NoisyTVWorld:
    """The grid, the TV and the channel noise.

    Parameters
    ----------
    channels
        How many channels the TV shows at random; 1 means the TV always shows the same picture
        (no noise: the trap is gone).
    layout
        Rows of ``#`` (wall), ``.`` (floor) and ``T`` (the TV, on the floor).
    """

    channels: int = 10
    layout: tuple[str, ...] = LAYOUT
    cells: list[tuple[int, int]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.channels < 1:
            raise ValueError(f"channels must be at least 1, got {self.channels}")
        self.cells = [
            (r, c) for r, row in enumerate(self.layout) for c, ch in enumerate(row) if ch in ".T"
        ]
        self._index = {cell: i for i, cell in enumerate(self.cells)}
        (self.tv,) = [
            self._index[(r, c)]
            for r, row in enumerate(self.layout)
            for c, ch in enumerate(row)
            if ch == "T"
        ]
        self.start = self._index[(1, 1)]
        corridor_end = max(
            c
            for r, row in enumerate(self.layout)
            for c, ch in enumerate(row)
            if ch == "#" and r == 1 and c < len(row) - 1
        )
        self.far_room = np.array([cell[1] > corridor_end for cell in self.cells])  # bool (n_cells,)
        self._next = np.array([[self._move(i, a) for a in ACTIONS] for i in range(self.n_cells)])

    @property
    def n_cells(self) -> int:
        return len(self.cells)

    @property
    def n_observations(self) -> int:
        return self.n_cells + self.channels

    def _move(self, cell: int, action: str) -> int:
        r, c = self.cells[cell]
        dr, dc = MOVES[action]
        return self._index.get((r + dr, c + dc), cell)

    def next_cell(self, cell: int, action: int) -> int:
        """Where ``action`` (an index into :data:`ACTIONS`) leads from ``cell``."""
        return int(self._next[cell, action])

    def step(self, cell: int, action: int, rng: np.random.Generator) -> tuple[int, int]:
        """One step: ``(next cell, observation)``."""
        nxt = self.next_cell(cell, action)
        if cell == self.tv and ACTIONS[action] == "watch":
            return nxt, self.n_cells + int(rng.integers(self.channels))
        return nxt, nxt
