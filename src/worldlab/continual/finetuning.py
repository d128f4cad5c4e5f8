"""Fine-tuning one network on a stream of tasks: naive, with replay, and retraining from the base.

* ``naive``   — fine-tune on each new task in turn, from where the last task left the network;
* ``replay``  — every SGD step also trains on a minibatch drawn from a buffer of earlier
  examples, filled by a reservoir policy you pass as ``reservoir`` (lesson 08's
  ``reservoir_add``: ``reservoir(buffer, n_seen, item, capacity, rng) -> n_seen + 1``);
* ``retrain`` — after each task, start again from the pre-trained base and fine-tune on all the
  data so far (C25).

Every method starts from the same pre-trained base (:func:`worldlab.continual.base.pretrain_base`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from worldlab.continual.base import pretrain_base
from worldlab.continual.results import (
    DEFAULT_CONFIG,
    GRADIENT_MACS_PER_PARAM,
    ContinualResult,
    TrainingConfig,
    check_stream,
    evaluate_row,
    method_rng,
)
from worldlab.mlp import MLP, train_sgd
from worldlab.worlds.task_stream import TaskStream

#: ``reservoir(buffer, n_seen, item, capacity, rng) -> n_seen + 1`` (lesson 08's reservoir_add).
Reservoir = Callable[[list, int, object, int, np.random.Generator], int]


def fit_naive(
    stream: TaskStream, seed: int, config: TrainingConfig = DEFAULT_CONFIG
) -> ContinualResult:
    """Fine-tune the base on each task in turn, starting from where the last task left it."""
    check_stream(stream)
    model, _ = pretrain_base(stream, seed, config)
    rng = method_rng(seed)
    T, P = stream.n_tasks, model.n_params
    R, train = np.zeros((T, T)), np.zeros(T)
    for t, task in enumerate(stream.tasks):
        train_sgd(
            model, task.X_train, task.y_train, config.epochs, config.lr, config.batch_size, rng
        )
        train[t] = config.epochs * len(task.X_train) * GRADIENT_MACS_PER_PARAM * P
        R[t] = evaluate_row(model.predict, stream)
    return ContinualResult("naive", R, train, np.full(T, float(P)), np.full(T, float(P)))


def _sgd_step(model: MLP, X: np.ndarray, y: np.ndarray, lr: float) -> None:
    _, grads = model.loss_and_grads(X, y)
    for key, grad in grads.items():
        model.params[key] -= lr * grad


def fit_replay(
    stream: TaskStream,
    seed: int,
    buffer_size: int,
    reservoir: Reservoir,
    config: TrainingConfig = DEFAULT_CONFIG,
) -> ContinualResult:
    """Fine-tune on each task, replaying a minibatch from a buffer of earlier examples.

    Each SGD step uses the current task's minibatch plus ``batch_size`` examples drawn (with
    replacement) from the buffer. After training on a task, its examples are offered to the
    buffer one by one with ``reservoir``, which keeps at most ``buffer_size`` of them.

    Parameters
    ----------
    buffer_size
        The buffer's capacity in examples (>= 0; 0 is naive fine-tuning with twice the
        minibatches' compute spared).
    reservoir
        ``reservoir(buffer, n_seen, item, capacity, rng) -> n_seen + 1``, modifying ``buffer``.
    """
    check_stream(stream)
    if isinstance(buffer_size, bool) or not isinstance(buffer_size, int | np.integer):
        raise TypeError(f"buffer_size must be an integer, got {buffer_size!r}")
    if buffer_size < 0:
        raise ValueError(f"buffer_size must be >= 0, got {buffer_size}")
    if not callable(reservoir):
        raise TypeError(
            f"reservoir must be a function (lesson 08's reservoir_add), got {reservoir!r}"
        )
    model, _ = pretrain_base(stream, seed, config)
    rng = method_rng(seed)
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
            n_seen = int(reservoir(buffer, n_seen, int(index), int(buffer_size), rng))
        if len(buffer) > buffer_size:
            raise ValueError(f"the reservoir grew to {len(buffer)} > capacity {buffer_size}")
        if any(not 0 <= int(i) < len(all_y) for i in buffer):
            raise ValueError("the reservoir holds something that is not an offered example")
        train[t] = examples * GRADIENT_MACS_PER_PARAM * P
        memory[t] = P + len(buffer) * (d + 1)  # each stored example: its inputs and its label
        R[t] = evaluate_row(model.predict, stream)
    return ContinualResult(
        "replay", R, train, memory, np.full(T, float(P)), {"buffer_size": int(buffer_size)}
    )


def fit_retrain(
    stream: TaskStream, seed: int, config: TrainingConfig = DEFAULT_CONFIG
) -> ContinualResult:
    """After each task, start again from the pre-trained base and fine-tune on all data so far.

    Nothing can be forgotten, but stage ``t`` fine-tunes on ``t + 1`` tasks' worth of data, so
    it costs ``t + 1`` naive stages, and all the data must be kept (with the base).
    """
    check_stream(stream)
    base, _ = pretrain_base(stream, seed, config)
    rng = method_rng(seed)
    T, P, d = stream.n_tasks, base.n_params, stream.n_features
    R, train, memory = np.zeros((T, T)), np.zeros(T), np.zeros(T)
    for t in range(T):
        X, y = stream.training_data_so_far(t)
        model = base.copy()
        train_sgd(model, X, y, config.epochs, config.lr, config.batch_size, rng)
        train[t] = config.epochs * len(X) * GRADIENT_MACS_PER_PARAM * P
        memory[t] = 2 * P + len(X) * (d + 1)  # the base, the current model and all the data
        R[t] = evaluate_row(model.predict, stream)
    return ContinualResult("retrain", R, train, memory, np.full(T, float(P)))


def offer_items(
    reservoir: Reservoir,
    buffer: list,
    n_seen: int,
    items: list,
    capacity: int,
    seed: int | tuple[int, ...],
) -> tuple[list, int]:
    """Offer ``items`` one by one to ``buffer`` with ``reservoir``, drawing from one generator.

    Returns
    -------
    (buffer, n_seen): the buffer (a new list) and the count after the last item.
    """
    if not callable(reservoir):
        raise TypeError(f"reservoir must be a function, got {reservoir!r}")
    rng = np.random.default_rng(seed)
    buffer = list(buffer)
    for item in items:
        n_seen = int(reservoir(buffer, int(n_seen), item, int(capacity), rng))
    return buffer, n_seen


def reservoir_inclusion(
    reservoir: Reservoir, length: int, capacity: int, runs: int, seed: int | tuple[int, ...]
) -> np.ndarray:
    """How often each item of a stream of ``length`` ends in the buffer, over ``runs`` streams.

    Returns
    -------
    int array (length,): for reservoir sampling each entry is near ``runs * capacity / length``.
    """
    if not callable(reservoir):
        raise TypeError(f"reservoir must be a function, got {reservoir!r}")
    if min(length, capacity, runs) < 1:
        raise ValueError("length, capacity and runs must be positive")
    rng = np.random.default_rng(seed)
    counts = np.zeros(length, dtype=int)
    for _ in range(runs):
        buffer: list = []
        n_seen = 0
        for item in range(length):
            n_seen = int(reservoir(buffer, n_seen, item, capacity, rng))
        if len(buffer) > capacity or any(
            not isinstance(i, int | np.integer) or not 0 <= i < length for i in buffer
        ):
            raise ValueError("the reservoir holds something that is not an offered item")
        counts[np.asarray(buffer, dtype=int)] += 1
    return counts


def reservoir_buffers(
    reservoir: Reservoir, length: int, capacity: int, seeds: list[int]
) -> list[list[int]]:
    """The buffer left by a stream ``0 … length - 1`` offered with ``reservoir``, once per seed.

    Each stream draws from ``np.random.default_rng(seed)`` alone, so any one can be replayed: a
    check takes these buffers as a *claim*, replays streams it samples with the student's
    function and counts inclusions only from buffers it has confirmed could come from it
    (:mod:`worldlab.checking`).

    Returns
    -------
    list of ``len(seeds)`` lists of item numbers (ints), in buffer order.
    """
    if not callable(reservoir):
        raise TypeError(f"reservoir must be a function, got {reservoir!r}")
    if min(length, capacity) < 1:
        raise ValueError("length and capacity must be positive")
    buffers = []
    for seed in seeds:
        rng = np.random.default_rng(int(seed))
        buffer: list = []
        n_seen = 0
        for item in range(length):
            n_seen = int(reservoir(buffer, n_seen, item, capacity, rng))
        buffers.append([int(i) for i in buffer])
    return buffers
