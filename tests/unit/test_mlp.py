"""Unit tests of the shared tiny MLP: shapes, gradients (finite differences), SGD, validation."""

import numpy as np
import pytest

from worldlab.mlp import MLP, train_sgd


def _data(n=12, n_inputs=3, n_outputs=4, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, n_inputs)), rng.integers(0, n_outputs, size=n)


def _numerical_grads(model, X, y, eps=1e-6):
    flat = model.get_flat()
    numerical = np.empty_like(flat)
    for i in range(flat.size):
        shifted = flat.copy()
        shifted[i] += eps
        model.set_flat(shifted)
        up, _ = model.loss_and_grads(X, y)
        shifted[i] -= 2 * eps
        model.set_flat(shifted)
        down, _ = model.loss_and_grads(X, y)
        numerical[i] = (up - down) / (2 * eps)
    model.set_flat(flat)
    return numerical


@pytest.mark.parametrize(
    ("n_hidden", "activation"), [(5, "tanh"), ((4, 3), "tanh"), ((5, 4), "relu")]
)
def test_gradients_match_finite_differences(n_hidden, activation):
    X, y = _data()
    model = MLP(3, n_hidden, 4, seed=1, activation=activation)
    # Random biases so relu units are not sitting exactly at their kink.
    rng = np.random.default_rng(2)
    for key in model.params:
        if key.startswith("b"):
            model.params[key] += rng.normal(0, 0.3, size=model.params[key].shape)
    _, grads = model.loss_and_grads(X, y)
    analytic = np.concatenate([grads[key].ravel() for key in model.params])
    numerical = _numerical_grads(model, X, y)
    np.testing.assert_allclose(analytic, numerical, rtol=1e-5, atol=1e-7)


def test_params_layout_and_shapes():
    model = MLP(3, (5, 4), 2, seed=0)
    assert list(model.params) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    assert model.params["W1"].shape == (3, 5)
    assert model.params["b2"].shape == (4,)
    assert model.params["W3"].shape == (4, 2)
    assert model.n_params == 3 * 5 + 5 + 5 * 4 + 4 + 4 * 2 + 2
    X, _ = _data(n_inputs=3)
    assert model.hidden(X).shape == (12, 4)
    assert model.hidden(X, layer=0).shape == (12, 5)
    assert model.logits(X).shape == (12, 2)
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert model.predict(X).dtype.kind == "i"
    np.testing.assert_array_equal(model.predict(X), proba.argmax(axis=1))


def test_same_seed_same_weights_and_different_seed_differs():
    a, b, c = MLP(3, 6, 2, seed=5), MLP(3, 6, 2, seed=5), MLP(3, 6, 2, seed=6)
    np.testing.assert_array_equal(a.get_flat(), b.get_flat())
    assert not np.allclose(a.get_flat(), c.get_flat())


def test_flat_roundtrip_and_copy_is_independent():
    model = MLP(3, 6, 2, seed=0)
    flat = model.get_flat()
    model.set_flat(flat * 2)
    np.testing.assert_allclose(model.get_flat(), flat * 2)
    clone = model.copy()
    clone.params["W1"] += 1.0
    np.testing.assert_allclose(model.get_flat(), flat * 2)
    assert clone.hidden_sizes == model.hidden_sizes
    with pytest.raises(ValueError, match="shape"):
        model.set_flat(flat[:-1])


def test_train_sgd_learns_xor_and_returns_epoch_losses():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    model = MLP(2, 8, 2, seed=0)
    losses = train_sgd(model, X, y, epochs=400, lr=0.5, batch_size=4, seed=0)
    assert losses.shape == (400,)
    assert losses[-1] < 0.1 < losses[0]
    np.testing.assert_array_equal(model.predict(X), y)


def test_train_sgd_is_reproducible():
    X, y = _data(n=40)
    runs = []
    for _ in range(2):
        model = MLP(3, 5, 4, seed=3)
        train_sgd(model, X, y, epochs=3, lr=0.1, batch_size=7, seed=9)
        runs.append(model.get_flat())
    np.testing.assert_array_equal(*runs)


def test_extra_grad_is_added_each_step():
    X, y = _data(n=8)
    model = MLP(3, 5, 4, seed=0)
    anchor = model.copy()
    # A huge pull to zero on W1 dominates the data gradient.
    train_sgd(
        model,
        X,
        y,
        epochs=50,
        lr=0.1,
        batch_size=8,
        seed=0,
        extra_grad=lambda m: {"W1": 10.0 * m.params["W1"]},
    )
    free = anchor.copy()
    train_sgd(free, X, y, epochs=50, lr=0.1, batch_size=8, seed=0)
    assert np.abs(model.params["W1"]).max() < 0.1 * np.abs(free.params["W1"]).max()
    assert not np.allclose(model.params["W2"], anchor.params["W2"])
    with pytest.raises(ValueError, match="extra_grad"):
        train_sgd(model, X, y, 1, 0.1, 8, 0, extra_grad=lambda m: {"W9": np.zeros(1)})


def test_relu_activation_is_used():
    model = MLP(3, 5, 2, seed=0, activation="relu")
    X, _ = _data(n_inputs=3)
    assert (model.hidden(X) >= 0).all()


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"n_inputs": 0, "n_hidden": 4, "n_outputs": 2}, ValueError),
        ({"n_inputs": 2, "n_hidden": 4, "n_outputs": 1}, ValueError),
        ({"n_inputs": 2, "n_hidden": "4", "n_outputs": 2}, TypeError),
        ({"n_inputs": 2, "n_hidden": (4, 0), "n_outputs": 2}, ValueError),
        ({"n_inputs": 2, "n_hidden": 4, "n_outputs": 2, "activation": "sigmoid"}, ValueError),
    ],
)
def test_constructor_validates(kwargs, error):
    with pytest.raises(error):
        MLP(seed=0, **kwargs)


def test_inputs_are_validated_with_clear_messages():
    model = MLP(3, 4, 2, seed=0)
    X, _ = _data(n_inputs=3)
    with pytest.raises(ValueError, match=r"shape \(n, 3\)"):
        model.predict(X[:, :2])
    with pytest.raises(ValueError, match=r"shape \(n, 3\)"):
        model.predict(X[0])
    with pytest.raises(ValueError, match=r"\[0, 2\)"):
        model.loss_and_grads(X, np.full(len(X), 2))
    with pytest.raises(TypeError, match="integer"):
        model.loss_and_grads(X, np.zeros(len(X)))
    with pytest.raises(ValueError, match="one per row"):
        model.loss_and_grads(X, np.zeros(len(X) - 1, dtype=int))
    with pytest.raises(ValueError, match="layer"):
        model.hidden(X, layer=1)
    with pytest.raises(ValueError, match="NaN"):
        model.predict(np.full((2, 3), np.nan))
    with pytest.raises(ValueError, match="lr"):
        train_sgd(model, X, np.zeros(len(X), dtype=int), 1, -0.1, 4, 0)
    with pytest.raises(ValueError, match="batch_size"):
        train_sgd(model, X, np.zeros(len(X), dtype=int), 1, 0.1, 0, 0)
