"""Run the methods of lesson 08 over seeds, with the lesson's own steps passed in.

Every runner takes the exercise-shaped pieces as arguments: ``measure`` (``acc_bwt``),
``reservoir`` (``reservoir_add``), ``penalty_grad`` (the EWC penalty's gradient). A later lesson
can measure ACC and BWT through these same interfaces with its student's function.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from worldlab.continual.base import pretrain_base
from worldlab.continual.ewc import PenaltyGrad, fit_ewc
from worldlab.continual.finetuning import Reservoir, fit_naive, fit_replay, fit_retrain
from worldlab.continual.memory import fit_memory
from worldlab.continual.results import (
    DEFAULT_CONFIG,
    METHOD_LABELS,
    METHODS,
    ContinualResult,
    Measure,
    TrainingConfig,
)
from worldlab.worlds.task_stream import TaskStream, label_agreement, make_task_stream


def run_method(
    method: str,
    stream: TaskStream,
    seed: int,
    *,
    reservoir: Reservoir | None = None,
    penalty_grad: PenaltyGrad | None = None,
    buffer_size: int = 100,
    ewc_lambda: float = 100.0,
    k: int = 5,
    config: TrainingConfig = DEFAULT_CONFIG,
) -> ContinualResult:
    """Run one of :data:`METHODS` on ``stream``; ``replay`` needs ``reservoir`` and ``ewc``
    needs ``penalty_grad`` (settings a method does not use are ignored)."""
    if method == "naive":
        return fit_naive(stream, seed, config)
    if method == "replay":
        if reservoir is None:
            raise ValueError("replay needs reservoir= (the lesson's reservoir_add)")
        return fit_replay(stream, seed, buffer_size, reservoir, config)
    if method == "ewc":
        if penalty_grad is None:
            raise ValueError("ewc needs penalty_grad= (the gradient of the EWC penalty)")
        return fit_ewc(stream, seed, ewc_lambda, config, penalty_grad=penalty_grad)
    if method == "retrain":
        return fit_retrain(stream, seed, config)
    if method == "memory":
        return fit_memory(stream, seed, k)
    raise ValueError(f"method must be one of {METHODS}, got {method!r}")


def continual_experiment(
    seed: int,
    method: str,
    measure: Measure,
    *,
    reservoir: Reservoir | None = None,
    penalty_grad: PenaltyGrad | None = None,
    n_tasks: int = 5,
    buffer_size: int = 100,
    ewc_lambda: float = 100.0,
    k: int = 5,
) -> dict[str, float]:
    """One seed of one method on a fresh stream: the numbers of :meth:`ContinualResult.summary`.

    Shaped for :func:`worldlab.stats.run_over_seeds`, e.g.
    ``run_over_seeds(continual_experiment, range(10), method=["naive"], measure=[acc_bwt])``.
    """
    stream = make_task_stream(seed, n_tasks=n_tasks)
    result = run_method(
        method, stream, seed, reservoir=reservoir, penalty_grad=penalty_grad,
        buffer_size=buffer_size, ewc_lambda=ewc_lambda, k=k,
    )  # fmt: skip
    return result.summary(measure)


def compare_methods(
    seeds: Sequence[int],
    measure: Measure,
    methods: Sequence[str] = METHODS,
    *,
    reservoir: Reservoir | None = None,
    penalty_grad: PenaltyGrad | None = None,
    n_tasks: int = 5,
    buffer_sizes: Sequence[int] = (100,),
    ewc_lambdas: Sequence[float] = (100.0,),
    k: int = 5,
) -> pd.DataFrame:
    """Tidy table of every method on every seed (replay once per buffer size, EWC once per λ).

    Returns
    -------
    DataFrame with columns ``seed, method, lam`` (NaN except for EWC), ``buffer`` (NaN except
    for replay), ``label`` (e.g. "EWC λ=100", "replay, buffer 100"), ``acc, bwt, learning_acc,
    train_macs, memory_floats, inference_macs`` and ``pretrain_macs`` (the shared base's cost,
    paid once, not part of ``train_macs``).
    """
    unknown = set(methods) - set(METHODS)
    if unknown:
        raise ValueError(f"unknown methods {sorted(unknown)}; choose from {METHODS}")
    rows = []
    for seed in seeds:
        stream = make_task_stream(seed, n_tasks=n_tasks)
        _, pretrain_macs = pretrain_base(stream, seed)
        for method in methods:
            settings = [(np.nan, np.nan)]
            if method == "ewc":
                settings = [(lam, np.nan) for lam in ewc_lambdas]
            elif method == "replay":
                settings = [(np.nan, size) for size in buffer_sizes]
            for lam, size in settings:
                result = run_method(
                    method,
                    stream,
                    seed,
                    reservoir=reservoir,
                    penalty_grad=penalty_grad,
                    buffer_size=int(size) if method == "replay" else 0,
                    ewc_lambda=float(lam) if method == "ewc" else 0.0,
                    k=k,
                )
                if method == "ewc":
                    label = f"EWC λ={lam:g}"
                elif method == "replay":
                    label = f"replay, buffer {int(size)}"
                else:
                    label = METHOD_LABELS[method]
                rows.append(
                    {
                        "seed": seed,
                        "method": method,
                        "lam": lam,
                        "buffer": size,
                        "label": label,
                        **result.summary(measure),
                        "pretrain_macs": pretrain_macs,
                    }
                )
    return pd.DataFrame(rows)


def forgetting_vs_agreement(
    seeds: Sequence[int], n_tasks: int = 5, config: TrainingConfig = DEFAULT_CONFIG
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
