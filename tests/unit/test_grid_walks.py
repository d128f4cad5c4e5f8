"""Unit tests for random legal walks on a grid."""

import numpy as np
import pytest

from worldlab.worlds import grid_walks as gw


def test_legal_moves_at_corners_edges_and_centre():
    legal = gw.legal_moves(np.array([[0, 0], [2, 2], [4, 1], [1, 4]]), size=5)
    #                N      S      E      W
    assert legal[0].tolist() == [False, True, True, False]
    assert legal[1].tolist() == [True, True, True, True]
    assert legal[2].tolist() == [True, False, True, True]
    assert legal[3].tolist() == [True, True, False, True]


def test_cell_index():
    assert gw.cell_index(np.array([[0, 0], [1, 2], [4, 4]]), 5).tolist() == [0, 7, 24]


@pytest.mark.parametrize(
    ("positions", "error"),
    [
        (np.array([[5, 0]]), ValueError),
        (np.array([0, 1, 2]), ValueError),
        (np.array([[0.0, 1.0]]), TypeError),
    ],
)
def test_positions_are_validated(positions, error):
    with pytest.raises(error):
        gw.legal_moves(positions, 5)


def test_random_walks_are_legal_and_reproducible():
    walks = gw.random_walks(0, n_walks=200, length=30, size=4)
    again = gw.random_walks(0, n_walks=200, length=30, size=4)
    assert np.array_equal(walks.moves, again.moves)
    assert walks.moves.shape == (200, 30) and walks.positions.shape == (200, 31, 2)
    assert walks.n_walks == 200 and walks.length == 30
    assert np.all(walks.positions[:, 0] == [2, 2]), "the default start is the centre"
    assert walks.positions.min() >= 0 and walks.positions.max() <= 3
    taken = np.take_along_axis(walks.legal()[:, :-1], walks.moves[..., None], axis=-1)
    assert taken.all(), "every move is legal where it is taken"
    assert walks.cells().shape == (200, 31)


def test_random_walks_choose_uniformly_among_legal_moves():
    walks = gw.random_walks(1, n_walks=6000, length=1, size=5, start=(0, 0))
    share = np.bincount(walks.moves[:, 0], minlength=4) / 6000
    assert share[0] == 0 and share[3] == 0, "N and W are illegal in the top-left corner"
    assert np.allclose(share[1:3], 0.5, atol=0.03)


def test_random_walks_validate():
    with pytest.raises(ValueError, match="size"):
        gw.random_walks(0, 2, 3, size=1)
    with pytest.raises(ValueError, match="n_walks"):
        gw.random_walks(0, 0, 3)
    with pytest.raises(ValueError, match="grid"):
        gw.random_walks(0, 2, 3, size=3, start=(3, 0))
