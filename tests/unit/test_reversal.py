"""Unit tests of the reversal-curse toy."""

import numpy as np
import pytest

from worldlab.language.reversal import (
    TinyNextTokenModel,
    answer_rank,
    make_reversal_data,
    reversal_experiment,
)


def test_data_layout():
    data = make_reversal_data(6, 0.5, seed=0)
    assert data.vocabulary_size == 13 and data.relation == 12
    assert data.reversed_mask.sum() == 3
    inputs, targets = data.training_set()
    assert inputs.shape == (9, 2) and targets.shape == (9,)
    forward_x, forward_y = data.forward_queries()
    assert forward_x[:, 0].tolist() == list(range(6))
    assert (forward_x[:, 1] == 12).all() and forward_y.tolist() == list(range(6, 12))
    reverse_x, reverse_y = data.reverse_queries(np.array([2]))
    assert reverse_x.tolist() == [[8, 12]] and reverse_y.tolist() == [2]


@pytest.mark.parametrize("kwargs", [{"n_pairs": 1}, {"reverse_fraction": 1.5}])
def test_data_validates(kwargs):
    arguments = {"n_pairs": 4, "reverse_fraction": 0.5, "seed": 0, **kwargs}
    with pytest.raises(ValueError):
        make_reversal_data(**arguments)


def test_model_learns_a_small_table_and_loss_falls():
    model = TinyNextTokenModel(5, hidden=16, seed=0)
    inputs = np.array([[0, 4], [1, 4], [2, 4]])
    targets = np.array([3, 2, 0])
    losses = model.fit(inputs, targets, steps=150)
    assert losses.shape == (150,) and losses[-1] < 0.05 * losses[0]
    probabilities = model.predict_proba(inputs)
    assert probabilities.shape == (3, 5) and np.allclose(probabilities.sum(axis=1), 1)
    assert probabilities.argmax(axis=1).tolist() == targets.tolist()


def test_untrained_input_rows_get_no_gradient():
    model = TinyNextTokenModel(5, hidden=8, seed=0)
    before = model.params["E1"].copy()
    model.fit(np.array([[0, 4], [1, 4]]), np.array([2, 3]), steps=20)
    after = model.params["E1"]
    assert not np.allclose(before[:2], after[:2])
    assert np.array_equal(before[2:], after[2:]), "tokens never read keep their embedding"


def test_tied_read_out_moves_the_embedding_of_an_answer():
    """Tied, a token that is only ever an answer still gets its embedding row trained."""
    model = TinyNextTokenModel(5, hidden=8, seed=0, tied=True)
    assert "W" not in model.params and model.params["U"].shape == (8, 8)
    before = model.params["E1"].copy()
    losses = model.fit(np.array([[0, 4], [1, 4]]), np.array([2, 3]), steps=60)
    assert losses[-1] < 0.2 * losses[0]
    after = model.params["E1"]
    assert not np.allclose(before[2:4], after[2:4]), "answers 2 and 3 move through the read-out"
    assert model.predict_proba(np.array([[0, 4]])).argmax() == 2


def test_weight_decay_shrinks_unused_rows_and_is_validated():
    model = TinyNextTokenModel(5, hidden=8, seed=0)
    before = np.abs(model.params["E1"][2:]).sum()
    model.fit(np.array([[0, 4], [1, 4]]), np.array([2, 3]), steps=20, weight_decay=0.5)
    assert np.abs(model.params["E1"][2:]).sum() < before
    with pytest.raises(ValueError, match="weight_decay"):
        model.fit(np.array([[0, 4]]), np.array([2]), weight_decay=-1.0)


def test_model_validates_inputs():
    model = TinyNextTokenModel(5)
    with pytest.raises(ValueError, match=r"shape \(m, 2\)"):
        model.predict_proba(np.array([1, 2]))
    with pytest.raises(ValueError, match="token ids"):
        model.predict_proba(np.array([[0, 7]]))
    with pytest.raises(ValueError, match="targets"):
        model.fit(np.array([[0, 1]]), np.array([1, 2]))


def test_answer_rank():
    probabilities = np.array([[0.1, 0.6, 0.3], [0.5, 0.2, 0.3]])
    ranks = answer_rank(probabilities, np.array([1, 1]), np.array([0, 1, 2]))
    assert ranks.tolist() == [0.0, 1.0]
    with pytest.raises(ValueError, match="candidates"):
        answer_rank(probabilities, np.array([1, 1]), np.array([0, 2]))


def test_experiment_keys():
    result = reversal_experiment(0, n_pairs=8, steps=50)
    assert set(result) == {
        "forward",
        "trained_reverse",
        "heldout_reverse",
        "chance",
        "heldout_rank",
        "final_loss",
    }
    assert result["chance"] == 1 / 8
    tied = reversal_experiment(0, n_pairs=8, steps=50, tied=True, weight_decay=0.1)
    assert set(tied) == set(result)
    with pytest.raises(ValueError, match="no held-out"):
        reversal_experiment(0, n_pairs=4, reverse_fraction=1.0, steps=5)
