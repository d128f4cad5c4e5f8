"""Continual learning: measuring forgetting, the usual fixes, and what each fix costs.

A learner meets tasks one after another (see :mod:`worldlab.worlds.task_stream`). After
finishing task ``t`` it is tested on every task ``i``; the accuracies form the matrix ``R``
(Lopez-Paz & Ranzato 2017)::

    R[t, i] = accuracy on task i after training on tasks 0 … t        shape (T, T)

    ACC = mean_i R[T-1, i]                       how good it is at the end, on everything
    BWT = mean_{i < T-1} (R[T-1, i] - R[i, i])   backward transfer: < 0 means it forgot

The methods, all on the same tiny network (:class:`worldlab.mlp.MLP`) and the same stream:

* ``naive``   — fine-tune on each new task in turn (the baseline that forgets);
* ``replay``  — experience replay: every SGD step also trains on a minibatch drawn from a small
  buffer that keeps a uniform sample of everything seen (reservoir sampling);
* ``ewc``     — elastic weight consolidation (Kirkpatrick et al. 2017): a quadratic penalty
  ``(lambda / 2) * sum_j F_j (theta_j - theta*_j)^2`` that pulls each weight back towards its
  value after earlier tasks, in proportion to how much those tasks needed it (Fisher ``F``);
* ``retrain`` — start again from the base network and train on all data so far, every time;
* ``memory``  — no learning at all: store every example and answer by the k nearest stored ones.

Every method also reports its costs, counted the same way for all (``MACs`` = multiply-adds):

* training compute: one example's forward pass costs ``P`` MACs for a network with ``P``
  parameters and a forward + backward pass ``3 P`` (the usual "backward ≈ 2 × forward" rule);
* memory: numbers (floats) kept after each stage — weights, buffers, stored data, Fisher terms;
* inference: MACs to answer one query (``P`` for a network; ``N × d`` distance terms for a
  look-up over ``N`` stored examples of ``d`` features).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from worldlab.mlp import MLP, train_sgd
from worldlab.plots import PALETTE
from worldlab.worlds.task_stream import TaskStream, label_agreement, make_task_stream

METHODS = ("naive", "replay", "ewc", "retrain", "memory")
METHOD_LABELS = {
    "naive": "naive fine-tuning",
    "replay": "replay",
    "ewc": "EWC",
    "retrain": "retrain from base",
    "memory": "nearest-neighbour memory",
}
METHOD_COLORS = {
    "naive": PALETTE["vermillion"],
    "replay": PALETTE["blue"],
    "ewc": PALETTE["green"],
    "retrain": PALETTE["orange"],
    "memory": PALETTE["purple"],
}
METHOD_MARKERS = {"naive": "o", "replay": "s", "ewc": "D", "retrain": "^", "memory": "P"}

#: Multiply-adds of one example's forward + backward pass, in units of the parameter count.
GRADIENT_MACS_PER_PARAM = 3


# ==================================================================================== metrics
def _check_accuracy_matrix(R: np.ndarray) -> np.ndarray:
    R = np.asarray(R)
    if R.ndim != 2 or R.shape[0] != R.shape[1] or R.shape[0] < 1:
        raise ValueError(f"R must be a square (T, T) matrix with T >= 1, got shape {R.shape}")
    if not np.issubdtype(R.dtype, np.number) or np.issubdtype(R.dtype, np.complexfloating):
        raise TypeError(f"R must hold accuracies (real numbers), got dtype {R.dtype}")
    R = R.astype(float)
    if not np.isfinite(R).all() or R.min() < 0 or R.max() > 1:
        raise ValueError("R must hold accuracies in [0, 1] (no NaN)")
    return R


def acc_bwt(R: np.ndarray) -> tuple[float, float]:
    """Average accuracy and backward transfer of an accuracy matrix (Lopez-Paz & Ranzato 2017).

    Parameters
    ----------
    R
        Shape (T, T): ``R[t, i]`` is the accuracy on task ``i`` after training on task ``t``.

    Returns
    -------
    (ACC, BWT): ``ACC`` is the mean of the last row; ``BWT`` the mean over the first ``T - 1``
    tasks of ``R[T-1, i] - R[i, i]`` (0.0 when ``T = 1``: nothing to forget yet).
    """
    R = _check_accuracy_matrix(R)
    n_tasks = len(R)
    acc = float(R[-1].mean())
    if n_tasks == 1:
        return acc, 0.0
    earlier = np.arange(n_tasks - 1)
    return acc, float(np.mean(R[-1, earlier] - R[earlier, earlier]))


def learning_accuracy(R: np.ndarray) -> float:
    """Mean of the diagonal ``R[i, i]``: how well each task was learnt when it was new.

    Plasticity in one number; a method that protects old tasks too hard scores low here.
    """
    return float(np.mean(np.diag(_check_accuracy_matrix(R))))


def accuracy(model: MLP, X: np.ndarray, y: np.ndarray) -> float:
    """Fraction of rows of ``X`` (n, n_features) whose predicted class equals ``y`` (n,)."""
    return float(np.mean(model.predict(X) == np.asarray(y)))


# ============================================================================ configurations
@dataclass(frozen=True)
class TrainingConfig:
    """How every network in the lesson is built and trained (the same for all methods).

    Attributes
    ----------
    n_hidden, activation
        Hidden width and non-linearity of the :class:`~worldlab.mlp.MLP`.
    epochs, lr, batch_size
        SGD settings for each stage of training.
    """

    n_hidden: int = 64
    activation: str = "relu"
    epochs: int = 10
    lr: float = 0.1
    batch_size: int = 40

    def __post_init__(self) -> None:
        for name in ("n_hidden", "epochs", "batch_size"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"TrainingConfig.{name} must be a positive integer, got {value!r}")
        if not np.isfinite(self.lr) or self.lr <= 0:
            raise ValueError(f"TrainingConfig.lr must be a positive number, got {self.lr}")


@dataclass
class ContinualResult:
    """What one method did on one stream: its accuracy matrix and its costs, stage by stage.

    Attributes
    ----------
    method
        One of :data:`METHODS`.
    R
        Accuracy matrix, shape (T, T).
    train_macs
        Training compute spent in each stage, shape (T,), multiply-adds.
    memory_floats
        Numbers stored after each stage (weights, buffers, data, Fisher terms), shape (T,).
    inference_macs
        Multiply-adds to answer one query after each stage, shape (T,).
    settings
        The method's own settings (buffer size, lambda, k…).
    """

    method: str
    R: np.ndarray
    train_macs: np.ndarray
    memory_floats: np.ndarray
    inference_macs: np.ndarray
    settings: dict = field(default_factory=dict)

    @property
    def acc(self) -> float:
        """Average accuracy over all tasks at the end."""
        return acc_bwt(self.R)[0]

    @property
    def bwt(self) -> float:
        """Backward transfer (negative = forgetting)."""
        return acc_bwt(self.R)[1]

    @property
    def learning_acc(self) -> float:
        """Mean accuracy on each task right after learning it."""
        return learning_accuracy(self.R)

    def summary(self) -> dict[str, float]:
        """One row of numbers: ACC, BWT, learning accuracy, total compute, final memory,
        final inference cost."""
        return {
            "acc": self.acc,
            "bwt": self.bwt,
            "learning_acc": self.learning_acc,
            "train_macs": float(self.train_macs.sum()),
            "memory_floats": float(self.memory_floats[-1]),
            "inference_macs": float(self.inference_macs[-1]),
        }


def _evaluate_row(predict: Callable[[np.ndarray], np.ndarray], stream: TaskStream) -> np.ndarray:
    return np.array([np.mean(predict(task.X_test) == task.y_test) for task in stream.tasks])


def _new_model(stream: TaskStream, config: TrainingConfig, seed: int) -> MLP:
    # The same seed gives every method the same starting network (the "base").
    return MLP(
        stream.n_features,
        config.n_hidden,
        stream.n_classes,
        seed=seed,
        activation=config.activation,
    )


def _rngs(seed: int) -> tuple[int, np.random.Generator]:
    """Seed of the initial weights, and the generator of everything else a method draws."""
    return int(np.random.default_rng([seed, 1]).integers(2**31)), np.random.default_rng([seed, 2])


def _check_stream(stream: TaskStream) -> None:
    if not isinstance(stream, TaskStream):
        raise TypeError(f"stream must be a TaskStream (make_task_stream), got {type(stream)}")


# ============================================================================ naive fine-tuning
def fit_naive(
    stream: TaskStream, seed: int, config: TrainingConfig = TrainingConfig()
) -> ContinualResult:
    """Fine-tune one network on each task in turn, starting from where the last task left it."""
    _check_stream(stream)
    init_seed, rng = _rngs(seed)
    model = _new_model(stream, config, init_seed)
    T, P = stream.n_tasks, model.n_params
    R, train = np.zeros((T, T)), np.zeros(T)
    for t, task in enumerate(stream.tasks):
        train_sgd(
            model, task.X_train, task.y_train, config.epochs, config.lr, config.batch_size, rng
        )
        train[t] = config.epochs * len(task.X_train) * GRADIENT_MACS_PER_PARAM * P
        R[t] = _evaluate_row(model.predict, stream)
    return ContinualResult("naive", R, train, np.full(T, float(P)), np.full(T, float(P)))


# ====================================================================================== replay
def reservoir_add(
    buffer: list, n_seen: int, item: object, capacity: int, rng: np.random.Generator
) -> int:
    """Offer one stream item to a reservoir of at most ``capacity`` items (Vitter's algorithm R).

    After ``n`` items have been offered, every one of them is in the buffer with the same
    probability ``min(1, capacity / n)``, without knowing ``n`` in advance.

    Parameters
    ----------
    buffer
        The reservoir, modified in place (a list).
    n_seen
        How many items were offered before this one.
    item
        The new item.
    capacity
        Maximum size of the buffer.
    rng
        Random generator deciding whether (and where) the item is kept.

    Returns
    -------
    int: the updated count of items offered, ``n_seen + 1``.
    """
    if n_seen < capacity:
        buffer.append(item)
    else:
        slot = int(rng.integers(0, n_seen + 1))  # uniform over all items offered so far
        if slot < capacity:
            buffer[slot] = item
    return n_seen + 1


def _sgd_step(model: MLP, X: np.ndarray, y: np.ndarray, lr: float) -> None:
    _, grads = model._loss_and_grads(X, y)
    for key, grad in grads.items():
        model.params[key] -= lr * grad


def fit_replay(
    stream: TaskStream,
    seed: int,
    buffer_size: int = 100,
    config: TrainingConfig = TrainingConfig(),
    reservoir: Callable[..., int] = reservoir_add,
) -> ContinualResult:
    """Fine-tune on each task, replaying a minibatch from a reservoir buffer at every step.

    Each SGD step uses the current task's minibatch plus ``batch_size`` examples drawn (with
    replacement) from the buffer, which then holds a uniform sample of the earlier tasks. After
    training on a task, its examples are offered to the buffer one by one with ``reservoir``
    (default :func:`reservoir_add`; pass your own to try it).
    """
    _check_stream(stream)
    if isinstance(buffer_size, bool) or not isinstance(buffer_size, (int, np.integer)):
        raise TypeError(f"buffer_size must be an integer, got {buffer_size!r}")
    if buffer_size < 0:
        raise ValueError(f"buffer_size must be >= 0, got {buffer_size}")
    init_seed, rng = _rngs(seed)
    model = _new_model(stream, config, init_seed)
    T, P, d = stream.n_tasks, model.n_params, stream.n_features
    R, train, memory = np.zeros((T, T)), np.zeros(T), np.zeros(T)
    buffer: list[int] = []  # indices into the stacked training data of all tasks
    all_X, all_y = stream.training_data_so_far(T - 1)
    starts = np.cumsum([0] + [len(task.X_train) for task in stream.tasks])
    n_seen = 0
    for t, task in enumerate(stream.tasks):
        n = len(task.X_train)
        examples = 0
        for _ in range(config.epochs):
            order = rng.permutation(n)
            for start in range(0, n, config.batch_size):
                batch = order[start : start + config.batch_size]
                X_batch, y_batch = task.X_train[batch], task.y_train[batch]
                if buffer:
                    kept = np.asarray(buffer)[rng.integers(0, len(buffer), config.batch_size)]
                    X_batch = np.vstack([X_batch, all_X[kept]])
                    y_batch = np.concatenate([y_batch, all_y[kept]])
                _sgd_step(model, X_batch, y_batch, config.lr)
                examples += len(X_batch)
        for index in range(starts[t], starts[t + 1]):
            n_seen = reservoir(buffer, n_seen, index, buffer_size, rng)
        if len(buffer) > buffer_size:
            raise ValueError(f"the reservoir grew to {len(buffer)} > capacity {buffer_size}")
        train[t] = examples * GRADIENT_MACS_PER_PARAM * P
        memory[t] = P + len(buffer) * (d + 1)  # each stored example: its inputs and its label
        R[t] = _evaluate_row(model.predict, stream)
    return ContinualResult(
        "replay", R, train, memory, np.full(T, float(P)), {"buffer_size": buffer_size}
    )


# ========================================================================================= EWC
def ewc_penalty_grad(
    params: Mapping[str, np.ndarray],
    anchor: Mapping[str, np.ndarray],
    fisher: Mapping[str, np.ndarray],
    lam: float,
) -> dict[str, np.ndarray]:
    """Gradient of the EWC penalty ``(lam / 2) * sum_j F_j (theta_j - anchor_j)^2``.

    Parameters
    ----------
    params
        Current parameters, a dict of arrays (e.g. ``model.params``).
    anchor
        Parameters after the earlier task(s), same keys and shapes.
    fisher
        Diagonal Fisher information (>= 0), same keys and shapes.
    lam
        Strength of the penalty, >= 0.

    Returns
    -------
    dict with the same keys and shapes: ``lam * fisher * (params - anchor)`` (zero at the anchor).
    """
    if not np.isfinite(lam) or lam < 0:
        raise ValueError(f"lam must be a number >= 0, got {lam}")
    grads = {}
    for key, value in params.items():
        if key not in anchor or key not in fisher:
            raise KeyError(f"anchor and fisher need every key of params; {key!r} is missing")
        grads[key] = lam * fisher[key] * (value - anchor[key])
    return grads


def fisher_diagonal(model: MLP, X: np.ndarray) -> dict[str, np.ndarray]:
    """Diagonal Fisher information of the network's predictive distribution on inputs ``X``.

    ``F_j = mean_i sum_c p(c | x_i) (d log p(c | x_i) / d theta_j)^2``: the expected squared
    gradient, with classes drawn from the model itself (Kirkpatrick et al. 2017), computed exactly
    for every example at once (an example's weight gradient is an outer product, so its square is
    the outer product of squares).

    Parameters
    ----------
    model
        The trained network.
    X
        Inputs of the task, shape (n, n_inputs).

    Returns
    -------
    dict like ``model.params``, every entry >= 0.
    """
    X = model._check_X(X)
    outputs = model._forward(X)
    logits = outputs[-1]
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    n, L = len(X), model.n_layers
    fisher = {key: np.zeros_like(value) for key, value in model.params.items()}
    for c in range(model.n_outputs):
        weight = probs[:, c : c + 1] / n  # p(c | x_i) / n, shape (n, 1)
        delta = probs.copy()
        delta[:, c] -= 1.0  # d(-log p(c|x)) / d logits for each example, shape (n, C)
        for layer in range(L, 0, -1):
            a_prev = outputs[layer - 1]
            fisher[f"W{layer}"] += (a_prev**2).T @ (weight * delta**2)
            fisher[f"b{layer}"] += (weight * delta**2).sum(axis=0)
            if layer > 1:
                delta = delta @ model.params[f"W{layer}"].T
                delta *= (1.0 - a_prev**2) if model.activation == "tanh" else (a_prev > 0.0)
    return fisher


def fit_ewc(
    stream: TaskStream,
    seed: int,
    lam: float = 100.0,
    config: TrainingConfig = TrainingConfig(),
    penalty_grad: Callable[..., Mapping[str, np.ndarray]] = ewc_penalty_grad,
) -> ContinualResult:
    """Fine-tune on each task with an EWC penalty for every earlier task.

    After task ``k`` the Fisher ``F_k`` is measured at the trained weights ``theta*_k``. While
    learning later tasks, the penalties ``(lam/2) sum_k F_k (theta - theta*_k)^2`` add up to a
    single one with Fisher ``sum_k F_k`` and a Fisher-weighted mean anchor, so two arrays of the
    network's size are kept however many tasks have passed (same gradient as one penalty per
    task). ``penalty_grad`` (default :func:`ewc_penalty_grad`) computes the gradient.

    SGD is stable only while each weight's stiffness ``lam * F_j`` stays below ``1 / lr``;
    stiffer weights would overshoot their anchor and blow up, so ``F`` is capped at
    ``1 / (lr * lam)``: such a weight is simply held at its anchor.
    """
    _check_stream(stream)
    if not np.isfinite(lam) or lam < 0:
        raise ValueError(f"lam must be a number >= 0, got {lam}")
    init_seed, rng = _rngs(seed)
    model = _new_model(stream, config, init_seed)
    T, P = stream.n_tasks, model.n_params
    R, train = np.zeros((T, T)), np.zeros(T)
    fisher_sum = {key: np.zeros_like(value) for key, value in model.params.items()}
    weighted_anchor_sum = {key: np.zeros_like(value) for key, value in model.params.items()}
    for t, task in enumerate(stream.tasks):
        extra = None
        if t > 0 and lam > 0:
            cap = 1.0 / (config.lr * lam)
            fisher = {key: np.minimum(value, cap) for key, value in fisher_sum.items()}
            anchor = {
                key: np.divide(
                    weighted_anchor_sum[key],
                    fisher_sum[key],
                    out=model.params[key].copy(),
                    where=fisher_sum[key] > 0,
                )
                for key in fisher_sum
            }

            def extra(m: MLP, fisher=fisher, anchor=anchor) -> Mapping[str, np.ndarray]:
                return penalty_grad(m.params, anchor, fisher, lam)

        train_sgd(
            model,
            task.X_train,
            task.y_train,
            config.epochs,
            config.lr,
            config.batch_size,
            rng,
            extra_grad=extra,
        )
        n = len(task.X_train)
        steps = config.epochs * int(np.ceil(n / config.batch_size))
        train[t] = config.epochs * n * GRADIENT_MACS_PER_PARAM * P
        if extra is not None:
            train[t] += (
                steps * 2 * P
            )  # the penalty gradient: a subtraction and a product per weight
        if t < T - 1:  # the last task's Fisher would never be used
            fisher_t = fisher_diagonal(model, task.X_train)
            # one forward pass and one backward pass per class, for every example
            train[t] += n * (1 + 2 * stream.n_classes) * P
            for key in fisher_sum:
                fisher_sum[key] += fisher_t[key]
                weighted_anchor_sum[key] += fisher_t[key] * model.params[key]
        R[t] = _evaluate_row(model.predict, stream)
    memory = np.full(T, 3.0 * P)  # weights, summed Fisher and Fisher-weighted anchors
    return ContinualResult("ewc", R, train, memory, np.full(T, float(P)), {"lam": lam})


# ====================================================================== retrain from the base
def fit_retrain(
    stream: TaskStream, seed: int, config: TrainingConfig = TrainingConfig()
) -> ContinualResult:
    """After each task, start again from the base network and train on all data seen so far.

    The base is the untrained network every method starts from. Nothing can be forgotten, but
    each stage trains on more data, so stage ``t`` costs about ``t + 1`` times a naive stage, and
    all the data must be kept.
    """
    _check_stream(stream)
    init_seed, rng = _rngs(seed)
    base = _new_model(stream, config, init_seed)
    T, P, d = stream.n_tasks, base.n_params, stream.n_features
    R, train, memory = np.zeros((T, T)), np.zeros(T), np.zeros(T)
    for t in range(T):
        X, y = stream.training_data_so_far(t)
        model = base.copy()
        train_sgd(model, X, y, config.epochs, config.lr, config.batch_size, rng)
        train[t] = config.epochs * len(X) * GRADIENT_MACS_PER_PARAM * P
        memory[t] = 2 * P + len(X) * (d + 1)  # the base, the current model and all the data
        R[t] = _evaluate_row(model.predict, stream)
    return ContinualResult("retrain", R, train, memory, np.full(T, float(P)))


# ================================================================ nearest-neighbour memory
class NearestNeighbourMemory:
    """An external memory: store every example, answer by a vote of the ``k`` nearest ones.

    Nothing is learnt: "training" writes examples down, and each query measures its Euclidean
    distance to everything stored (inputs include the task cue, so look-ups find episodes of
    the same task).
    """

    def __init__(self, k: int = 5) -> None:
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
            raise ValueError(f"k must be a positive integer, got {k!r}")
        self.k = int(k)
        self._X: list[np.ndarray] = []
        self._y: list[np.ndarray] = []

    @property
    def n_stored(self) -> int:
        """Number of stored examples."""
        return int(sum(len(y) for y in self._y))

    def store(self, X: np.ndarray, y: np.ndarray) -> None:
        """Write examples ``X`` (n, d) with integer labels ``y`` (n,) into the memory."""
        X, y = np.asarray(X, dtype=float), np.asarray(y)
        if X.ndim != 2 or y.shape != (len(X),):
            raise ValueError(f"store needs X (n, d) and y (n,), got {X.shape} and {y.shape}")
        if self._X and X.shape[1] != self._X[0].shape[1]:
            raise ValueError(f"X must have {self._X[0].shape[1]} columns, got {X.shape[1]}")
        self._X.append(X)
        self._y.append(y.astype(int))

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Majority label of the ``k`` nearest stored examples for each row of ``X`` (n, d).

        Returns int array (n,). Ties go to the smaller label.
        """
        if not self._X:
            raise ValueError("the memory is empty: store examples before asking it")
        stored_X, stored_y = np.vstack(self._X), np.concatenate(self._y)
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != stored_X.shape[1]:
            raise ValueError(f"X must have shape (n, {stored_X.shape[1]}), got {X.shape}")
        squared = _squared_distances(X, stored_X)
        k = min(self.k, len(stored_y))
        nearest = np.argpartition(squared, k - 1, axis=1)[:, :k]
        return _majority(stored_y[nearest], int(stored_y.max()) + 1)


def fit_memory(stream: TaskStream, seed: int = 0, k: int = 5) -> ContinualResult:
    """Store each task's examples in a :class:`NearestNeighbourMemory` and answer by look-up.

    ``seed`` is accepted for a uniform interface; the memory is deterministic. (For speed the
    test queries keep their ``k`` nearest stored examples so far and update them as each task's
    examples are stored, which gives exactly the answers of :meth:`NearestNeighbourMemory.predict`.)
    """
    _check_stream(stream)
    memory_model = NearestNeighbourMemory(k)
    T, d = stream.n_tasks, stream.n_features
    R, memory, inference = np.zeros((T, T)), np.zeros(T), np.zeros(T)
    queries = np.vstack([task.X_test for task in stream.tasks])
    answers = np.concatenate([task.y_test for task in stream.tasks])
    task_of_query = np.repeat(np.arange(T), [len(task.y_test) for task in stream.tasks])
    best_distance = np.empty((len(queries), 0))
    best_label = np.empty((len(queries), 0), dtype=int)
    for t, task in enumerate(stream.tasks):
        memory_model.store(task.X_train, task.y_train)
        squared = _squared_distances(queries, task.X_train)
        distance = np.hstack([best_distance, squared])
        label = np.hstack([best_label, np.broadcast_to(task.y_train, squared.shape)])
        keep = min(memory_model.k, distance.shape[1])
        nearest = np.argpartition(distance, keep - 1, axis=1)[:, :keep]
        best_distance = np.take_along_axis(distance, nearest, axis=1)
        best_label = np.take_along_axis(label, nearest, axis=1)
        predicted = _majority(best_label, stream.n_classes)
        correct = (predicted == answers).astype(float)
        R[t] = np.bincount(task_of_query, correct, T) / np.bincount(task_of_query, minlength=T)
        memory[t] = memory_model.n_stored * (d + 1)
        inference[t] = memory_model.n_stored * d  # one multiply-add per stored number
    return ContinualResult("memory", R, np.zeros(T), memory, inference, {"k": k})


def _squared_distances(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Squared Euclidean distances between rows of A (n, d) and B (m, d), shape (n, m)."""
    return np.maximum((A**2).sum(1)[:, None] + (B**2).sum(1)[None, :] - 2.0 * A @ B.T, 0.0)


def _majority(labels: np.ndarray, n_classes: int) -> np.ndarray:
    """Most frequent label in each row of ``labels`` (n, k); ties go to the smaller label."""
    counts = (labels[:, :, None] == np.arange(n_classes)).sum(axis=1)
    return np.argmax(counts, axis=1)


# ==================================================================================== runners
def run_method(
    method: str,
    stream: TaskStream,
    seed: int,
    buffer_size: int = 100,
    ewc_lambda: float = 100.0,
    k: int = 5,
    config: TrainingConfig = TrainingConfig(),
) -> ContinualResult:
    """Run one of :data:`METHODS` on ``stream`` (settings a method does not use are ignored)."""
    if method == "naive":
        return fit_naive(stream, seed, config)
    if method == "replay":
        return fit_replay(stream, seed, buffer_size, config)
    if method == "ewc":
        return fit_ewc(stream, seed, ewc_lambda, config)
    if method == "retrain":
        return fit_retrain(stream, seed, config)
    if method == "memory":
        return fit_memory(stream, seed, k)
    raise ValueError(f"method must be one of {METHODS}, got {method!r}")


def continual_experiment(
    seed: int,
    method: str,
    n_tasks: int = 5,
    buffer_size: int = 100,
    ewc_lambda: float = 100.0,
    k: int = 5,
) -> dict[str, float]:
    """One seed of one method on a fresh stream: the numbers of :meth:`ContinualResult.summary`.

    Shaped for :func:`worldlab.stats.run_over_seeds`, e.g.
    ``run_over_seeds(continual_experiment, range(10), method=list(METHODS))``.
    """
    stream = make_task_stream(seed, n_tasks=n_tasks)
    result = run_method(method, stream, seed, buffer_size=buffer_size, ewc_lambda=ewc_lambda, k=k)
    return result.summary()


def compare_methods(
    seeds: Sequence[int],
    methods: Sequence[str] = METHODS,
    n_tasks: int = 5,
    buffer_size: int = 100,
    ewc_lambdas: Sequence[float] = (100.0,),
    k: int = 5,
) -> pd.DataFrame:
    """Tidy table of every method on every seed (EWC once per lambda).

    Returns
    -------
    DataFrame with columns ``seed, method, lam`` (NaN except for EWC), ``acc, bwt,
    learning_acc, train_macs, memory_floats, inference_macs`` and ``label`` (e.g. "EWC λ=100").
    """
    unknown = set(methods) - set(METHODS)
    if unknown:
        raise ValueError(f"unknown methods {sorted(unknown)}; choose from {METHODS}")
    rows = []
    for seed in seeds:
        stream = make_task_stream(seed, n_tasks=n_tasks)
        for method in methods:
            for lam in ewc_lambdas if method == "ewc" else (np.nan,):
                result = run_method(
                    method,
                    stream,
                    seed,
                    buffer_size=buffer_size,
                    ewc_lambda=lam if method == "ewc" else 0.0,
                    k=k,
                )
                label = f"EWC λ={lam:g}" if method == "ewc" else METHOD_LABELS[method]
                rows.append(
                    {"seed": seed, "method": method, "lam": lam, "label": label, **result.summary()}
                )
    return pd.DataFrame(rows)


# ==================================================================================== figures
def plot_task_stream(stream: TaskStream, ax: Axes | None = None, n_points: int = 150) -> Axes:
    """The tasks' boundaries in the ``(x1, x2)`` plane, each with an arrow to its class-1 side."""
    _check_stream(stream)
    if ax is None:
        _, ax = plt.subplots(figsize=(4.6, 4.4))
    points = stream.tasks[0].X_train[:n_points, :2]
    ax.scatter(points[:, 0], points[:, 1], s=8, color="#999999", alpha=0.6, label="inputs")
    colors = plt.get_cmap("viridis")(np.linspace(0.0, 0.9, stream.n_tasks))
    for task, color in zip(stream.tasks, colors, strict=True):
        normal = np.array([np.cos(task.angle), np.sin(task.angle)])
        along = np.array([-normal[1], normal[0]])
        ends = np.outer([-3.2, 3.2], along)
        ax.plot(ends[:, 0], ends[:, 1], color=color, linewidth=2, label=f"task {task.index + 1}")
        ax.annotate(
            "",
            xy=2.4 * along + 0.8 * normal,
            xytext=2.4 * along,
            arrowprops={"arrowstyle": "-|>", "color": color, "linewidth": 1.5},
        )
    ax.set_xlim(-3.2, 3.2)
    ax.set_ylim(-3.2, 3.2)
    ax.set_aspect("equal")
    ax.set_xlabel("feature x1 (standard units)")
    ax.set_ylabel("feature x2 (standard units)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=9)
    return ax


def plot_accuracy_matrix(R: np.ndarray, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Heat map of ``R`` (T, T) with each cell's accuracy in %, and ACC / BWT in the title."""
    R = _check_accuracy_matrix(R)
    if ax is None:
        _, ax = plt.subplots(figsize=(3.6, 3.4))
    T = len(R)
    ax.imshow(R, vmin=0.4, vmax=1.0, cmap="cividis", origin="upper")
    ax.grid(False)
    if T <= 6:
        for t in range(T):
            for i in range(T):
                ax.text(
                    i,
                    t,
                    f"{100 * R[t, i]:.0f}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="black" if R[t, i] > 0.75 else "white",
                )
    ticks = np.arange(T)
    ax.set_xticks(ticks, [str(i + 1) for i in ticks])
    ax.set_yticks(ticks, [str(i + 1) for i in ticks])
    ax.set_xlabel("tested on task")
    ax.set_ylabel("after training task")
    acc, bwt = acc_bwt(R)
    bwt = round(bwt, 2) + 0.0  # no "-0.00"
    heading = f"{title}\n" if title else ""
    ax.set_title(f"{heading}ACC {acc:.2f}, BWT {bwt:+.2f}", fontsize=10)
    return ax


def continual_demo(
    n_tasks: int = 8, buffer_size: int = 100, ewc_lambda: float = 100.0, seed: int = 0
) -> plt.Figure:
    """Widget callback: accuracy matrices of all five methods on one stream, side by side.

    Parameters
    ----------
    n_tasks
        Tasks in the stream (2–8).
    buffer_size
        Replay buffer capacity (examples).
    ewc_lambda
        EWC penalty strength.
    seed
        Which stream and which initial network.
    """
    if not 2 <= n_tasks <= 8:
        raise ValueError(f"n_tasks must lie in [2, 8] for this demo, got {n_tasks}")
    stream = make_task_stream(seed, n_tasks=n_tasks)
    fig, axes = plt.subplots(1, len(METHODS), figsize=(15, 3.7), constrained_layout=True)
    for ax, method in zip(axes, METHODS, strict=True):
        result = run_method(method, stream, seed, buffer_size=buffer_size, ewc_lambda=ewc_lambda)
        name = METHOD_LABELS[method]
        if method == "replay":
            name = f"replay, buffer {buffer_size}"
        elif method == "ewc":
            name = f"EWC, λ = {ewc_lambda:g}"
        plot_accuracy_matrix(result.R, ax=ax, title=name)
        if method != METHODS[0]:
            ax.set_ylabel("")
    colorbar = fig.colorbar(axes[-1].images[0], ax=axes, shrink=0.85, extend="min", pad=0.01)
    colorbar.set_label("accuracy on the task")
    fig.suptitle(
        f"Accuracy (%) on each task as {n_tasks} tasks arrive one after another (seed {seed})",
        fontsize=12,
    )
    plt.show()
    return fig


def plot_cost_benefit(table: pd.DataFrame) -> plt.Figure:
    """ACC and BWT (mean ± 95% CI over seeds) against training compute and stored numbers.

    One marker and colour per method; EWC's points (one per lambda) are joined by a line and
    labelled with their lambda.

    Parameters
    ----------
    table
        Output of :func:`compare_methods`.
    """
    from worldlab.stats import mean_ci

    needed = {"method", "label", "lam", "acc", "bwt", "train_macs", "memory_floats"}
    if not isinstance(table, pd.DataFrame) or not needed <= set(table.columns):
        raise ValueError(f"table must be a DataFrame from compare_methods with columns {needed}")
    fig, axes = plt.subplots(2, 2, figsize=(10, 7), sharey="row", constrained_layout=True)
    costs = {
        "train_macs": (1e6, "training compute (millions of multiply-adds)"),
        "memory_floats": (1e3, "numbers stored at the end (thousands)"),
    }
    scores = {"acc": "ACC (final mean accuracy)", "bwt": "BWT (backward transfer)"}
    for row, (score, score_label) in enumerate(scores.items()):
        for col, (cost, (unit, cost_label)) in enumerate(costs.items()):
            ax = axes[row, col]
            for method in METHODS:
                rows = table[table["method"] == method]
                if rows.empty:
                    continue
                by = "lam" if method == "ewc" else "method"
                summary = mean_ci(rows, by, score)
                x = rows.groupby(by)[cost].mean().loc[summary.index] / unit
                error = [summary["mean"] - summary["ci_low"], summary["ci_high"] - summary["mean"]]
                name = METHOD_LABELS[method] + (
                    ", one point per λ (labelled left)" if method == "ewc" else ""
                )
                ax.errorbar(x, summary["mean"], yerr=error, fmt=METHOD_MARKERS[method],
                            markersize=8, color=METHOD_COLORS[method], capsize=3, label=name,
                            linestyle="-" if method == "ewc" else "none", linewidth=1)  # fmt: skip
                if (
                    method == "ewc" and col == 0
                ):  # alternate right and left so labels do not collide
                    points = zip(summary.index, x, summary["mean"], strict=True)
                    for k, (lam, x_lam, y_lam) in enumerate(points):
                        right = k % 2 == 0
                        ax.annotate(f"λ={lam:g}", (x_lam, y_lam), xytext=(8 if right else -8, -3),
                                    textcoords="offset points", fontsize=8,
                                    ha="left" if right else "right",
                                    color=METHOD_COLORS["ewc"])  # fmt: skip
            ax.set_xlim(left=-0.04 * ax.get_xlim()[1])
            ax.set_xlabel(cost_label)
            if col == 0:
                ax.set_ylabel(score_label)
            if score == "bwt":
                ax.axhline(0.0, color="grey", linewidth=1, linestyle=":")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=len(labels), fontsize=9)
    n_seeds = table["seed"].nunique()
    fig.suptitle(f"What each method buys and what it costs (mean and 95% CI over {n_seeds} seeds)")
    return fig


def plot_lambda_sweep(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """The stability–plasticity trade-off of EWC: BWT and learning accuracy against lambda.

    Parameters
    ----------
    table
        Output of :func:`compare_methods` holding EWC rows with several lambdas. Lambda 0 is
        drawn at the left edge of the log axis; when the table has no EWC run with lambda 0,
        its naive fine-tuning rows stand in (they are the same computation).
    """
    from worldlab.stats import mean_ci

    ewc = table[table["method"] == "ewc"]
    naive = table[table["method"] == "naive"]
    if not (ewc["lam"] == 0).any() and len(naive):
        # EWC with lambda = 0 is naive fine-tuning (same seeds, same steps): reuse those runs.
        ewc = pd.concat([naive.assign(lam=0.0), ewc], ignore_index=True)
    if ewc["lam"].nunique() < 2:
        raise ValueError("plot_lambda_sweep needs EWC results for at least two lambdas")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 4))
    lams = np.sort(ewc["lam"].unique())
    positive = lams[lams > 0]
    zero_at = positive.min() / 10 if len(positive) else 1.0
    x = np.where(lams > 0, lams, zero_at)
    series = {
        "bwt": ("BWT: change on old tasks (stability)", PALETTE["green"], "D", "-"),
        "learning_acc": ("accuracy on each new task (plasticity)", PALETTE["blue"], "o", "--"),
        "acc": ("ACC: final mean accuracy", PALETTE["black"], "s", ":"),
    }
    for column, (label, color, marker, style) in series.items():
        summary = mean_ci(ewc, "lam", column).loc[lams]
        ax.plot(x, summary["mean"], marker=marker, color=color, linestyle=style, label=label)
        ax.fill_between(x, summary["ci_low"], summary["ci_high"], color=color, alpha=0.2)
    ax.axhline(0.0, color="grey", linewidth=1, linestyle=":")
    ax.set_xscale("log")
    ax.set_xticks(x, ["0" if lam == 0 else f"{lam:g}" for lam in lams])
    ax.minorticks_off()
    ax.set_xlabel("EWC strength λ (log scale; 0 = naive fine-tuning)")
    ax.set_ylabel("accuracy or accuracy change")
    ax.legend(fontsize=9, loc="center left")
    return ax


def plot_cost_growth(results: Sequence[ContinualResult]) -> plt.Figure:
    """How each method's costs grow as tasks arrive: cumulative training compute, numbers
    stored, and multiply-adds per answer, against the number of tasks learnt so far.

    Linear axes, so that a cost growing like the square of the number of tasks curves upward
    while one growing in proportion stays a straight line.

    Parameters
    ----------
    results
        One :class:`ContinualResult` per method, all on the same stream.
    """
    if not results or not all(isinstance(r, ContinualResult) for r in results):
        raise TypeError("results must be a non-empty sequence of ContinualResult")
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.9), constrained_layout=True)
    panels = [
        (lambda r: np.cumsum(r.train_macs) / 1e6, "training compute so far",
         "millions of multiply-adds"),
        (lambda r: r.memory_floats / 1e3, "storage", "thousands of numbers stored"),
        (lambda r: r.inference_macs / 1e3, "cost of one answer", "thousands of multiply-adds"),
    ]  # fmt: skip
    for ax, (values, title, ylabel) in zip(axes, panels, strict=True):
        for result in results:
            tasks = np.arange(1, len(result.R) + 1)
            ax.plot(tasks, values(result), marker=METHOD_MARKERS[result.method],
                    label=METHOD_LABELS[result.method], color=METHOD_COLORS[result.method],
                    alpha=0.85)  # fmt: skip
        ax.set_title(title)
        ax.set_xlabel("tasks learnt so far")
        ax.set_ylabel(ylabel)
        ax.set_xticks(np.arange(1, len(results[0].R) + 1))
        ax.set_ylim(bottom=0)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=len(labels), fontsize=9)
    return fig


# ===================================================================== why naive forgets
def forgetting_vs_agreement(
    seeds: Sequence[int], n_tasks: int = 5, config: TrainingConfig = TrainingConfig()
) -> pd.DataFrame:
    """Naive fine-tuning on each seed's stream: what became of every earlier task at the end.

    Returns
    -------
    DataFrame, one row per seed and earlier task (all but the last), with columns ``seed``,
    ``task`` (1-based), ``agreement`` (fraction of points the task's rule labels like the last
    task's rule, :func:`~worldlab.worlds.task_stream.label_agreement`), ``learnt`` (accuracy
    right after training on it, ``R[i, i]``) and ``final`` (accuracy at the end, ``R[T-1, i]``).
    """
    rows = []
    for seed in seeds:
        stream = make_task_stream(seed, n_tasks=n_tasks)
        R = fit_naive(stream, seed, config).R
        for i in range(n_tasks - 1):
            rows.append(
                {
                    "seed": seed,
                    "task": i + 1,
                    "agreement": label_agreement(stream.angles[i], stream.angles[-1]),
                    "learnt": R[i, i],
                    "final": R[-1, i],
                }
            )
    return pd.DataFrame(rows)


def plot_forgetting_vs_agreement(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Final accuracy of each earlier task against how much its rule agrees with the last one.

    Parameters
    ----------
    table
        From :func:`forgetting_vs_agreement`.
    """
    if not isinstance(table, pd.DataFrame) or not {"agreement", "final", "learnt"} <= set(
        table.columns
    ):
        raise ValueError("table needs columns agreement, learnt and final")
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 4.2))
    ax.plot(
        [0, 1],
        [0, 1],
        color="grey",
        linestyle=":",
        linewidth=1.2,
        label="follows the last task's rule exactly",
    )
    # The agreements are shared by all seeds: shift the two series apart so both stay visible.
    ax.scatter(
        table["agreement"] - 0.012,
        table["learnt"],
        s=18,
        color=PALETTE["blue"],
        alpha=0.7,
        marker="s",
        label="right after learning the task",
    )
    ax.scatter(
        table["agreement"] + 0.012,
        table["final"],
        s=22,
        color=PALETTE["vermillion"],
        alpha=0.8,
        label="after the last task",
    )
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("agreement of the task's rule with the last task's rule")
    ax.set_ylabel("accuracy on the earlier task")
    ax.legend(fontsize=9, loc="lower right")
    return ax


# ============================================================================ memory vs skill
def skill_vs_memory(
    seed: int,
    n_distractors: int,
    n_train: int = 200,
    k: int = 5,
    config: TrainingConfig = TrainingConfig(),
) -> dict[str, float]:
    """Same examples, two uses: a network trained on them against a memory that stores them.

    One task of the stream, with ``n_distractors`` features the label ignores. The network
    (trained like every network of the lesson) and a :class:`NearestNeighbourMemory` see the
    same ``n_train`` examples; both are tested on fresh inputs.

    Returns
    -------
    dict with ``network`` and ``memory``: test accuracies in [0, 1].
    """
    stream = make_task_stream(seed, n_tasks=1, n_train=n_train, n_distractors=n_distractors)
    task = stream.tasks[0]
    init_seed, rng = _rngs(seed)
    model = _new_model(stream, config, init_seed)
    train_sgd(model, task.X_train, task.y_train, config.epochs, config.lr, config.batch_size, rng)
    memory_model = NearestNeighbourMemory(k)
    memory_model.store(task.X_train, task.y_train)
    return {
        "network": accuracy(model, task.X_test, task.y_test),
        "memory": float(np.mean(memory_model.predict(task.X_test) == task.y_test)),
    }


def plot_skill_vs_memory(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Test accuracy of the trained network and of the look-up memory against the number of
    distractor features (mean and 95% CI over seeds).

    Parameters
    ----------
    table
        From ``run_over_seeds(skill_vs_memory, seeds, n_distractors=[...])``.
    """
    from worldlab.stats import mean_ci

    if not isinstance(table, pd.DataFrame) or not {"n_distractors", "network", "memory"} <= set(
        table.columns
    ):
        raise ValueError("table needs columns n_distractors, network and memory")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 4))
    for column, label in (
        ("network", "network trained on the examples (a skill)"),
        ("memory", "nearest-neighbour look-up of the same examples"),
    ):
        method = "retrain" if column == "network" else "memory"
        summary = mean_ci(table, "n_distractors", column)
        x = summary.index.to_numpy()
        ax.plot(
            x,
            summary["mean"],
            marker=METHOD_MARKERS[method],
            color=METHOD_COLORS[method],
            label=label,
        )
        ax.fill_between(
            x, summary["ci_low"], summary["ci_high"], color=METHOD_COLORS[method], alpha=0.2
        )
    ax.set_xticks(x)
    ax.set_xlabel("distractor features (inputs the label ignores)")
    ax.set_ylabel("test accuracy on fresh inputs")
    ax.legend(fontsize=9, loc="lower left")
    return ax
