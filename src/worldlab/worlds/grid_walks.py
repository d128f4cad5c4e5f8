"""Random legal walks on a small grid: the sequences are moves, the world is the position.

A walker starts on a known cell of a ``size × size`` grid and takes ``length`` moves, each drawn
uniformly among the *legal* ones (a move off the grid is never taken). A model sees only the moves,
``N``, ``S``, ``E``, ``W`` — like a language model that sees only the tokens — while the world
state, the walker's cell, stays hidden. Whether a model of the move sequences "has a world model"
of the grid is what lesson 02 asks.

Coordinates are ``(row, col)`` with row 0 at the top: ``N`` decreases the row, ``E`` increases
the column.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Move names in the order of their integer codes 0 … 3.
MOVES = ("N", "S", "E", "W")
#: (row, col) change of each move code.
MOVE_STEPS = np.array([[-1, 0], [1, 0], [0, 1], [0, -1]])


@dataclass(frozen=True)
class GridWalks:
    """A batch of walks of equal length.

    Attributes
    ----------
    moves
        int array (n_walks, length): move codes 0 … 3 (N, S, E, W).
    positions
        int array (n_walks, length + 1, 2): the (row, col) before each move and after the last.
    size
        The grid is ``size × size``.
    """

    moves: np.ndarray
    positions: np.ndarray
    size: int

    @property
    def n_walks(self) -> int:
        return int(self.moves.shape[0])

    @property
    def length(self) -> int:
        return int(self.moves.shape[1])

    def cells(self) -> np.ndarray:
        """Cell index ``row * size + col`` of every position, int array (n_walks, length + 1)."""
        return cell_index(self.positions, self.size)

    def legal(self) -> np.ndarray:
        """Legal moves at every position, bool array (n_walks, length + 1, 4)."""
        return legal_moves(self.positions, self.size)


def _check_size(size: int) -> None:
    if not isinstance(size, int | np.integer) or size < 2:
        raise ValueError(f"size must be an integer >= 2, got {size!r}")


def _check_positions(positions: np.ndarray, size: int) -> np.ndarray:
    positions = np.asarray(positions)
    if positions.ndim < 1 or positions.shape[-1] != 2:
        raise ValueError(f"positions must have shape (..., 2) = (row, col), got {positions.shape}")
    if not np.issubdtype(positions.dtype, np.integer):
        raise TypeError(f"positions must be integers, got dtype {positions.dtype}")
    if positions.size and (positions.min() < 0 or positions.max() >= size):
        raise ValueError(f"positions must lie on the grid, 0 … {size - 1}")
    return positions


def legal_moves(positions: np.ndarray, size: int) -> np.ndarray:
    """Which of N, S, E, W stay on the grid from each position.

    Parameters
    ----------
    positions
        int array (..., 2) of (row, col).
    size
        Grid side.

    Returns
    -------
    bool array (..., 4), columns in the order of :data:`MOVES`.
    """
    _check_size(size)
    positions = _check_positions(positions, size)
    targets = positions[..., None, :] + MOVE_STEPS  # (..., 4, 2)
    return np.all((targets >= 0) & (targets < size), axis=-1)


def cell_index(positions: np.ndarray, size: int) -> np.ndarray:
    """``row * size + col`` for each (row, col): int array of shape ``positions.shape[:-1]``."""
    _check_size(size)
    positions = _check_positions(positions, size)
    return positions[..., 0] * size + positions[..., 1]


def random_walks(
    seed: int | np.random.Generator,
    n_walks: int,
    length: int,
    size: int = 5,
    start: tuple[int, int] | None = None,
) -> GridWalks:
    """Walks whose every move is drawn uniformly among the legal ones.

    Parameters
    ----------
    seed
        Seed or generator.
    n_walks, length
        Number of walks and moves per walk.
    size
        Grid side.
    start
        The (row, col) every walk starts from; the centre cell by default. It is fixed and known:
        with it, the moves so far determine the position.

    Returns
    -------
    :class:`GridWalks`.
    """
    _check_size(size)
    if n_walks < 1 or length < 1:
        raise ValueError(f"need n_walks >= 1 and length >= 1, got {n_walks}, {length}")
    start = (size // 2, size // 2) if start is None else tuple(start)
    _check_positions(np.array(start), size)
    rng = np.random.default_rng(seed)
    positions = np.empty((n_walks, length + 1, 2), dtype=int)
    positions[:, 0] = start
    moves = np.empty((n_walks, length), dtype=int)
    for t in range(length):
        legal = legal_moves(positions[:, t], size)
        # a uniform choice among the legal moves: the arg-max of random keys on legal entries
        keys = np.where(legal, rng.random((n_walks, 4)), -1.0)
        moves[:, t] = keys.argmax(axis=1)
        positions[:, t + 1] = positions[:, t] + MOVE_STEPS[moves[:, t]]
    return GridWalks(moves=moves, positions=positions, size=size)
