"""Plausible wrong answers to lesson 02's exercises; each must fail a hidden check."""

import numpy as np

from worldlab.worlds import grid_walks


def oracle_cell_after_the_move(moves, size):
    moves = np.asarray(moves)
    start = np.array([size // 2, size // 2])
    after = start + np.cumsum(grid_walks.MOVE_STEPS[moves], axis=1)  # off by one move
    after = np.clip(after, 0, size - 1)
    legal = grid_walks.legal_moves(after, size).astype(float)
    return legal / legal.sum(axis=-1, keepdims=True)


def oracle_not_normalised(moves, size):
    moves = np.asarray(moves)
    start = np.array([size // 2, size // 2])
    steps = grid_walks.MOVE_STEPS[moves]
    before = start + np.cumsum(steps, axis=1) - steps
    return grid_walks.legal_moves(before, size).astype(float)  # forgot to normalise


def oracle_sums_over_walks(moves, size):
    moves = np.asarray(moves)
    start = np.array([size // 2, size // 2])
    steps = grid_walks.MOVE_STEPS[moves]
    before = start + np.cumsum(steps, axis=0) - steps  # running sum over the wrong axis
    before = np.clip(before, 0, size - 1)
    legal = grid_walks.legal_moves(before, size).astype(float)
    return legal / legal.sum(axis=-1, keepdims=True)


def _masks(accepted, cells, legal):
    accepted, legal, cells = np.asarray(accepted), np.asarray(legal), np.asarray(cells)
    same_prediction = np.all(accepted[:, None] == accepted[None, :], axis=-1)
    same_cell = cells[:, None] == cells[None, :]
    different_future = np.any(legal[:, None] != legal[None, :], axis=-1)
    return same_prediction, same_cell, different_future


def scores_with_self_pairs(accepted, cells, legal):
    same_prediction, same_cell, different_future = _masks(accepted, cells, legal)
    pairs = np.ones_like(same_cell)  # includes i == j
    return (
        float(same_prediction[pairs & same_cell].mean()),
        float((~same_prediction)[pairs & different_future].mean()),
    )


def distinction_over_different_cells(accepted, cells, legal):
    same_prediction, same_cell, _ = _masks(accepted, cells, legal)
    pairs = np.triu(np.ones_like(same_cell), k=1)
    return (
        float(same_prediction[pairs & same_cell].mean()),
        float((~same_prediction)[pairs & ~same_cell].mean()),  # cells, not legal moves
    )


def scores_any_move_agrees(accepted, cells, legal):
    accepted, legal, cells = np.asarray(accepted), np.asarray(legal), np.asarray(cells)
    same_prediction = np.any(accepted[:, None] == accepted[None, :], axis=-1)  # any, not all
    same_cell = cells[:, None] == cells[None, :]
    different_future = np.any(legal[:, None] != legal[None, :], axis=-1)
    pairs = np.triu(np.ones_like(same_cell), k=1)
    return (
        float(same_prediction[pairs & same_cell].mean()),
        float((~same_prediction)[pairs & different_future].mean()),
    )


def control_identity(cells, size, rng):
    cells = np.asarray(cells)
    return np.stack([cells // size, cells % size], axis=-1)  # keeps the geometry


def control_transpose(cells, size, rng):
    cells = np.asarray(cells)
    return np.stack([cells % size, cells // size], axis=-1)


def control_per_history(cells, size, rng):
    cells = np.asarray(cells)
    return rng.integers(0, size, size=(len(cells), 2))  # a new label for every history


def control_fixed_seed(cells, size, rng):
    cells = np.asarray(cells)
    new = np.random.default_rng(0).permutation(size * size)[cells]  # ignores rng
    return np.stack([new // size, new % size], axis=-1)


def control_few_labels(cells, size, rng):
    cells = np.asarray(cells)
    new = rng.permutation(size * size)[cells] % size  # only `size` distinct labels
    return np.stack([new, np.zeros_like(new)], axis=-1)


# --- issue 29: five more plausible mistakes ---------------------------------------------------


def oracle_start_rounded_down(moves, size):
    moves = np.asarray(moves)
    start = np.array([(size - 1) // 2, (size - 1) // 2])  # the centre, rounded the other way
    steps = grid_walks.MOVE_STEPS[moves]
    before = start + np.cumsum(steps, axis=1) - steps
    before = np.clip(before, 0, size - 1)
    legal = grid_walks.legal_moves(before, size).astype(float)
    return legal / legal.sum(axis=-1, keepdims=True)


def oracle_uniform_everywhere(moves, size):
    moves = np.asarray(moves)
    return np.full((*moves.shape, 4), 0.25)  # ignores the walls: a degenerate "oracle"


def scores_swapped(accepted, cells, legal):
    same_prediction, same_cell, different_future = _masks(accepted, cells, legal)
    pairs = np.triu(np.ones_like(same_cell), k=1)
    return (  # (distinction, compression): the tuple in the wrong order
        float((~same_prediction)[pairs & different_future].mean()),
        float(same_prediction[pairs & same_cell].mean()),
    )


def compression_over_same_legal_moves(accepted, cells, legal):
    same_prediction, same_cell, different_future = _masks(accepted, cells, legal)
    pairs = np.triu(np.ones_like(same_cell), k=1)
    return (
        float(same_prediction[pairs & ~different_future].mean()),  # same legal moves, not cell
        float((~same_prediction)[pairs & different_future].mean()),
    )


def control_labels_with_repeats(cells, size, rng):
    cells = np.asarray(cells)
    relabel = rng.integers(0, size * size, size=size * size)  # drawn with replacement
    new = relabel[cells]
    return np.stack([new // size, new % size], axis=-1)


def control_shuffles_histories(cells, size, rng):
    cells = np.asarray(cells)
    new = cells[rng.permutation(len(cells))]  # permutes the histories, not the cell types
    return np.stack([new // size, new % size], axis=-1)


def control_cyclic_shift(cells, size, rng):
    cells = np.asarray(cells)
    new = (cells + int(rng.integers(1, size * size))) % (size * size)  # keeps most neighbours
    return np.stack([new // size, new % size], axis=-1)


WRONG_ANSWERS = [
    ("oracle_probabilities", "uses the cell after the move", oracle_cell_after_the_move),
    ("oracle_probabilities", "forgot to normalise", oracle_not_normalised),
    ("oracle_probabilities", "running sum over the walks axis", oracle_sums_over_walks),
    ("compression_distinction", "pairs a history with itself", scores_with_self_pairs),
    (
        "compression_distinction",
        "distinction over different cells",
        distinction_over_different_cells,
    ),
    ("compression_distinction", "any move agreeing counts as same", scores_any_move_agrees),
    ("control_task", "the identity (keeps the geometry)", control_identity),
    ("control_task", "a transpose (keeps the geometry)", control_transpose),
    ("control_task", "a random label per history", control_per_history),
    ("control_task", "ignores the rng", control_fixed_seed),
    ("control_task", "too few distinct labels", control_few_labels),
    ("oracle_probabilities", "start cell rounded down on even grids", oracle_start_rounded_down),
    (
        "oracle_probabilities",
        "uniform over all four moves (ignores walls)",
        oracle_uniform_everywhere,
    ),
    ("compression_distinction", "returns (distinction, compression)", scores_swapped),
    (
        "compression_distinction",
        "compression over pairs with the same legal moves",
        compression_over_same_legal_moves,
    ),
    ("control_task", "labels drawn with replacement (cells collide)", control_labels_with_repeats),
    ("control_task", "permutes the histories, not the cell types", control_shuffles_histories),
    ("control_task", "a cyclic shift of the cell index", control_cyclic_shift),
]

#: Mutants that behave exactly like the reference (``worldlab check --mutants``).
EQUIVALENT_MUTANTS = {
    # numpy turns a list into an array wherever these answers index or stack with it, so the
    # first np.asarray is redundant even for list inputs (the checks pass lists to be sure)
    "oracle_probabilities": ["line 1: delete `moves = np.asarray(moves)`"],
    "control_task": [
        "line 1: delete `cells = np.asarray(cells)`",
        "line 4: `-1` → `1`",  # stacking two 1-D arrays on axis=1 is stacking them on axis=-1
    ],
}
