"""Elastic weight consolidation (Kirkpatrick et al. 2017): protect the weights that mattered.

After a task, measure each weight's importance for it with the diagonal Fisher information
(:func:`fisher_diagonal`); while learning later tasks, add the penalty
``(lam / 2) * sum_j F_j (theta_j - theta*_j)^2``. The penalty's gradient is passed to
:func:`fit_ewc` as ``penalty_grad`` (the lesson derives it), so the kit holds no copy of it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

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

#: ``penalty_grad(params, anchor, fisher, lam) -> dict of arrays like params``.
PenaltyGrad = Callable[
    [Mapping[str, np.ndarray], Mapping[str, np.ndarray], Mapping[str, np.ndarray], float],
    Mapping[str, np.ndarray],
]


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
    config: TrainingConfig = DEFAULT_CONFIG,
    *,
    penalty_grad: PenaltyGrad,
) -> ContinualResult:
    """Fine-tune on each task with an EWC penalty for every earlier task.

    After task ``k`` the Fisher ``F_k`` is measured at the trained weights ``theta*_k``. While
    learning later tasks, the penalties ``(lam/2) sum_k F_k (theta - theta*_k)^2`` add up to a
    single one with Fisher ``sum_k F_k`` and a Fisher-weighted mean anchor, so two arrays of the
    network's size are kept however many tasks have passed (same gradient as one penalty per
    task). ``penalty_grad(params, anchor, fisher, lam) -> dict`` computes the gradient of
    ``(lam/2) sum_j F_j (theta_j - anchor_j)^2`` (lesson 08 derives it).

    SGD is stable only while each weight's stiffness ``lam * F_j`` stays below ``1 / lr``;
    stiffer weights would overshoot their anchor and blow up, so ``F`` is capped at
    ``1 / (lr * lam)``: such a weight is simply held at its anchor.
    """
    check_stream(stream)
    if not np.isfinite(lam) or lam < 0:
        raise ValueError(f"lam must be a number >= 0, got {lam}")
    if not callable(penalty_grad):
        raise TypeError(f"penalty_grad must be a function, got {penalty_grad!r}")
    model, _ = pretrain_base(stream, seed, config)
    rng = method_rng(seed)
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
        R[t] = evaluate_row(model.predict, stream)
    memory = np.full(T, 3.0 * P)  # weights, summed Fisher and Fisher-weighted anchors
    return ContinualResult("ewc", R, train, memory, np.full(T, float(P)), {"lam": lam})
