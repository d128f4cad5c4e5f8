"""A tiny fully connected network in numpy, trained by minibatch SGD.

The network maps inputs through one or more hidden layers (``tanh`` or ``relu``) to logits; a
softmax turns the logits into class probabilities and training minimises the mean cross-entropy.
Everything is written out by hand (forward pass, backpropagation, SGD) so that a student can read
it in one sitting, and it is small enough to train in milliseconds.

Parameters live in one dictionary, ``model.params``: ``"W1"`` of shape (n_inputs, h1), ``"b1"`` of
shape (h1,), …, and the last layer ``"W{L}"`` of shape (h_last, n_outputs), ``"b{L}"`` of shape
(n_outputs,). :meth:`MLP.get_flat` and :meth:`MLP.set_flat` view all of them as one vector in that
order, which is what methods like EWC need.

Examples
--------
>>> import numpy as np
>>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
>>> y = np.array([0, 1, 1, 0])  # XOR
>>> model = MLP(2, 8, 2, seed=0)
>>> losses = train_sgd(model, X, y, epochs=300, lr=0.5, batch_size=4, seed=0)
>>> bool(losses[-1] < losses[0])
True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

ACTIVATIONS = ("tanh", "relu")


class MLP:
    """Fully connected net: inputs -> hidden layer(s) (tanh or relu) -> logits; softmax + CE.

    Parameters
    ----------
    n_inputs
        Number of input features.
    n_hidden
        Width of the single hidden layer, or a sequence of widths, one per hidden layer.
    n_outputs
        Number of classes (at least 2).
    seed
        Seed of the weight initialisation (Glorot-uniform for tanh, He-normal for relu;
        biases start at zero).
    activation
        ``"tanh"`` or ``"relu"``.

    Attributes
    ----------
    params : dict[str, np.ndarray]
        ``"W1"`` (n_inputs, h1), ``"b1"`` (h1,), …, ``"W{L}"`` (h_last, n_outputs),
        ``"b{L}"`` (n_outputs,), where ``L = len(hidden sizes) + 1``.
    """

    def __init__(
        self,
        n_inputs: int,
        n_hidden: int | Sequence[int],
        n_outputs: int,
        seed: int,
        activation: str = "tanh",
    ) -> None:
        self.n_inputs = _positive_int(n_inputs, "n_inputs")
        self.n_outputs = _positive_int(n_outputs, "n_outputs")
        if self.n_outputs < 2:
            raise ValueError(f"n_outputs must be at least 2 classes, got {n_outputs}")
        if isinstance(n_hidden, (int, np.integer)):
            hidden_sizes = [n_hidden]
        elif isinstance(n_hidden, Sequence) and not isinstance(n_hidden, str) and n_hidden:
            hidden_sizes = list(n_hidden)
        else:
            raise TypeError(
                f"n_hidden must be an int or a non-empty sequence of ints, got {n_hidden!r}"
            )
        self.hidden_sizes = tuple(_positive_int(h, "each hidden size") for h in hidden_sizes)
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}")
        self.activation = activation
        self.seed = seed

        rng = np.random.default_rng(seed)
        sizes = [self.n_inputs, *self.hidden_sizes, self.n_outputs]
        self.params: dict[str, np.ndarray] = {}
        for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True), 1):
            if activation == "relu" and layer < len(sizes) - 1:
                weights = rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
            else:
                limit = np.sqrt(6.0 / (fan_in + fan_out))
                weights = rng.uniform(-limit, limit, size=(fan_in, fan_out))
            self.params[f"W{layer}"] = weights
            self.params[f"b{layer}"] = np.zeros(fan_out)

    @property
    def n_layers(self) -> int:
        """Number of weight layers ``L`` (hidden layers + the output layer)."""
        return len(self.hidden_sizes) + 1

    @property
    def n_params(self) -> int:
        """Total number of scalar parameters."""
        return int(sum(p.size for p in self.params.values()))

    # ----------------------------------------------------------------------------- forward pass
    def _act(self, z: np.ndarray) -> np.ndarray:
        return np.tanh(z) if self.activation == "tanh" else np.maximum(z, 0.0)

    def _forward(self, X: np.ndarray) -> list[np.ndarray]:
        """Activations ``[X, h1, …, h_{L-1}, logits]`` (no validation: internal use)."""
        outputs = [X]
        a = X
        for layer in range(1, self.n_layers + 1):
            z = a @ self.params[f"W{layer}"] + self.params[f"b{layer}"]
            a = z if layer == self.n_layers else self._act(z)
            outputs.append(a)
        return outputs

    def hidden(self, X: np.ndarray, layer: int = -1) -> np.ndarray:
        """Activations of one hidden layer.

        Parameters
        ----------
        X
            Inputs, shape (n, n_inputs).
        layer
            Index into the hidden layers (0 = first, -1 = last), like a Python list index.

        Returns
        -------
        array of shape (n, h) with ``h`` the width of that layer.
        """
        X = self._check_X(X)
        n_hidden_layers = len(self.hidden_sizes)
        if not isinstance(layer, (int, np.integer)) or not -n_hidden_layers <= layer < (
            n_hidden_layers
        ):
            raise ValueError(
                f"layer must be an int in [{-n_hidden_layers}, {n_hidden_layers - 1}] "
                f"(this net has {n_hidden_layers} hidden layer(s)), got {layer!r}"
            )
        return self._forward(X)[1:-1][layer]

    def logits(self, X: np.ndarray) -> np.ndarray:
        """Unnormalised class scores, shape (n, n_outputs)."""
        return self._forward(self._check_X(X))[-1]

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Softmax class probabilities, shape (n, n_outputs); each row sums to 1."""
        return _softmax(self.logits(X))

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Most probable class, int array of shape (n,)."""
        return np.argmax(self.logits(X), axis=1)

    # ---------------------------------------------------------------------------- backward pass
    def loss_and_grads(self, X: np.ndarray, y: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
        """Mean cross-entropy on ``(X, y)`` and its gradient for every parameter.

        Parameters
        ----------
        X
            Inputs, shape (n, n_inputs).
        y
            Integer labels in ``[0, n_outputs)``, shape (n,).

        Returns
        -------
        (loss, grads): ``loss`` is a float, ``grads`` a dict with the same keys and shapes as
        :attr:`params`.
        """
        X, y = self._check_X(X), self._check_y(y, len(X))
        return self._loss_and_grads(X, y)

    def _loss_and_grads(self, X: np.ndarray, y: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
        outputs = self._forward(X)
        logits = outputs[-1]
        n = len(X)
        shifted = logits - logits.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        norm = exp.sum(axis=1, keepdims=True)
        rows = np.arange(n)
        loss = float(np.log(norm[:, 0]).sum() - shifted[rows, y].sum()) / n

        delta = exp / (norm * n)  # softmax probabilities / n
        delta[rows, y] -= 1.0 / n  # d(mean loss)/d logits
        grads: dict[str, np.ndarray] = {}
        for layer in range(self.n_layers, 0, -1):
            a_prev = outputs[layer - 1]
            grads[f"W{layer}"] = a_prev.T @ delta
            grads[f"b{layer}"] = delta.sum(axis=0)
            if layer > 1:
                delta = delta @ self.params[f"W{layer}"].T
                if self.activation == "tanh":
                    delta *= 1.0 - a_prev**2
                else:
                    delta *= a_prev > 0.0
        return loss, {key: grads[key] for key in self.params}

    # ------------------------------------------------------------------------- flat parameters
    def get_flat(self) -> np.ndarray:
        """All parameters as one vector (a copy), in the order of :attr:`params`.

        Returns
        -------
        float array of shape (n_params,).
        """
        return np.concatenate([p.ravel() for p in self.params.values()])

    def set_flat(self, flat: np.ndarray) -> None:
        """Overwrite all parameters from one vector laid out like :meth:`get_flat`."""
        flat = np.asarray(flat, dtype=float)
        if flat.shape != (self.n_params,):
            raise ValueError(
                f"flat must have shape ({self.n_params},) (all parameters), got {flat.shape}"
            )
        start = 0
        for p in self.params.values():
            p[...] = flat[start : start + p.size].reshape(p.shape)
            start += p.size

    def copy(self) -> MLP:
        """An independent deep copy (same architecture, copied parameters)."""
        clone = MLP.__new__(MLP)
        clone.__dict__.update(self.__dict__)
        clone.params = {key: value.copy() for key, value in self.params.items()}
        return clone

    def __repr__(self) -> str:
        sizes = " -> ".join(str(s) for s in (self.n_inputs, *self.hidden_sizes, self.n_outputs))
        return f"MLP({sizes}, activation={self.activation!r}, n_params={self.n_params})"

    # ------------------------------------------------------------------------------ validation
    def _check_X(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != self.n_inputs:
            raise ValueError(
                f"X must be a 2-D array of shape (n, {self.n_inputs}), got shape {X.shape}"
            )
        if not (np.issubdtype(X.dtype, np.floating) or np.issubdtype(X.dtype, np.integer)):
            raise TypeError(f"X must hold numbers, got dtype {X.dtype}")
        X = X.astype(float, copy=False)
        if not np.isfinite(X).all():
            raise ValueError("X contains NaN or infinite values")
        return X

    def _check_y(self, y: np.ndarray, n: int) -> np.ndarray:
        y = np.asarray(y)
        if y.ndim != 1 or len(y) != n:
            raise ValueError(
                f"y must be a 1-D array of {n} labels (one per row of X), got {y.shape}"
            )
        if not np.issubdtype(y.dtype, np.integer):
            raise TypeError(f"y must hold integer class labels, got dtype {y.dtype}")
        if len(y) and (y.min() < 0 or y.max() >= self.n_outputs):
            raise ValueError(
                f"labels must lie in [0, {self.n_outputs}), got values in [{y.min()}, {y.max()}]"
            )
        return y


def train_sgd(
    model: MLP,
    X: np.ndarray,
    y: np.ndarray,
    epochs: int,
    lr: float,
    batch_size: int,
    seed: int | np.random.Generator,
    extra_grad: Callable[[MLP], Mapping[str, np.ndarray]] | None = None,
) -> np.ndarray:
    """Train ``model`` in place by minibatch SGD on the mean cross-entropy.

    Each epoch shuffles the examples (with ``seed``) and takes one step per minibatch:
    ``param -= lr * (grad + extra)``.

    Parameters
    ----------
    model
        The network to train (modified in place).
    X, y
        Training inputs, shape (n, n_inputs), and integer labels, shape (n,).
    epochs
        Passes over the data.
    lr
        Learning rate (step size), > 0.
    batch_size
        Examples per step; the last minibatch of an epoch may be smaller.
    seed
        Seed (or generator) of the shuffling.
    extra_grad
        Optional ``extra_grad(model) -> dict``: gradients of an extra loss term (e.g. the EWC
        penalty) added to the data gradient at every step. Its keys must be keys of
        ``model.params`` (a subset is fine) with matching shapes.

    Returns
    -------
    float array of shape (epochs,): the mean minibatch loss of each epoch (data term only).
    """
    if not isinstance(model, MLP):
        raise TypeError(f"model must be an MLP, got {type(model).__name__}")
    X = model._check_X(X)
    y = model._check_y(y, len(X))
    if len(X) == 0:
        raise ValueError("cannot train on an empty data set")
    epochs = _positive_int(epochs, "epochs")
    batch_size = _positive_int(batch_size, "batch_size")
    if not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"lr must be a positive number, got {lr}")
    if extra_grad is not None and not callable(extra_grad):
        raise TypeError("extra_grad must be a function model -> dict of gradients, or None")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)

    n = len(X)
    losses = np.empty(epochs)
    for epoch in range(epochs):
        order = rng.permutation(n)
        total = 0.0
        for start in range(0, n, batch_size):
            batch = order[start : start + batch_size]
            loss, grads = model._loss_and_grads(X[batch], y[batch])
            total += loss * len(batch)
            if extra_grad is not None:
                for key, extra in extra_grad(model).items():
                    if key not in grads or np.shape(extra) != grads[key].shape:
                        raise ValueError(
                            f"extra_grad returned {key!r} with shape {np.shape(extra)}; "
                            f"expected keys of model.params with matching shapes"
                        )
                    grads[key] = grads[key] + extra
            for key, grad in grads.items():
                model.params[key] -= lr * grad
        losses[epoch] = total / n
    return losses


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def _positive_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)
