"""An external memory (C22): store every example and answer by the nearest stored ones.

Nothing is learnt. :func:`skill_vs_memory` compares it with a network trained on the same
examples, as inputs carry more irrelevant detail.
"""

from __future__ import annotations

import numpy as np

from worldlab.continual.results import (
    DEFAULT_CONFIG,
    ContinualResult,
    TrainingConfig,
    accuracy,
    check_stream,
    method_rng,
)
from worldlab.mlp import MLP, train_sgd
from worldlab.worlds.task_stream import TaskStream, make_task_stream


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
    check_stream(stream)
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


def skill_vs_memory(
    seed: int,
    n_distractors: int,
    n_train: int = 200,
    k: int = 5,
    config: TrainingConfig = DEFAULT_CONFIG,
) -> dict[str, float]:
    """Same examples, two uses: a network trained on them against a memory that stores them.

    One task of the stream, with ``n_distractors`` features the label ignores. The network
    (untrained at first, then trained like every network of the lesson) and a :class:`NearestNeighbourMemory` see the
    same ``n_train`` examples; both are tested on fresh inputs.

    Returns
    -------
    dict with ``network`` and ``memory``: test accuracies in [0, 1].
    """
    stream = make_task_stream(seed, n_tasks=1, n_train=n_train, n_distractors=n_distractors)
    task = stream.tasks[0]
    # An untrained network: it sees exactly the examples the memory stores, nothing more.
    rng = method_rng(seed)
    model = MLP(
        stream.n_features,
        config.n_hidden,
        stream.n_classes,
        seed=int(rng.integers(2**31)),
        activation=config.activation,
    )
    train_sgd(model, task.X_train, task.y_train, config.epochs, config.lr, config.batch_size, rng)
    memory_model = NearestNeighbourMemory(k)
    memory_model.store(task.X_train, task.y_train)
    return {
        "network": accuracy(model, task.X_test, task.y_test),
        "memory": float(np.mean(memory_model.predict(task.X_test) == task.y_test)),
    }
