"""Continual learning: measuring forgetting, the usual fixes, and what each fix costs.

A learner meets tasks one after another (see :mod:`worldlab.worlds.task_stream`). After
finishing task ``t`` it is tested on every task ``i``; the accuracies form the matrix ``R``
(shape (T, T), Lopez-Paz & Ranzato 2017). Summaries of ``R`` (ACC, BWT), the reservoir policy of
replay and the gradient of the EWC penalty belong to lesson 08: the runners take them as the
arguments ``measure``, ``reservoir`` and ``penalty_grad``.

Modules, one idea each:

* :mod:`~worldlab.continual.results` — the accuracy matrix, the cost counts, ``ContinualResult``;
* :mod:`~worldlab.continual.base` — the pre-trained base every method starts from;
* :mod:`~worldlab.continual.finetuning` — naive fine-tuning, replay, retraining from the base;
* :mod:`~worldlab.continual.ewc` — elastic weight consolidation;
* :mod:`~worldlab.continual.memory` — a nearest-neighbour memory, and skill against memory;
* :mod:`~worldlab.continual.runners` — every method over seeds, and why naive forgets;
* :mod:`~worldlab.continual.plots` — the lesson's figures and its demo;
* :mod:`~worldlab.continual.verdict` — the verdict's rules and the interval tables they judge.
"""

from worldlab.continual.base import PRETRAIN_EXAMPLES, pretrain_base
from worldlab.continual.ewc import fisher_diagonal, fit_ewc
from worldlab.continual.finetuning import (
    fit_naive,
    fit_replay,
    fit_retrain,
    offer_items,
    reservoir_buffers,
    reservoir_inclusion,
)
from worldlab.continual.memory import NearestNeighbourMemory, fit_memory, skill_vs_memory
from worldlab.continual.plots import (
    continual_demo,
    continual_demo_controls,
    plot_accuracy_matrix,
    plot_buffer_sweep,
    plot_cost_benefit,
    plot_cost_growth,
    plot_forgetting_vs_agreement,
    plot_lambda_sweep,
    plot_skill_vs_memory,
    plot_task_stream,
)
from worldlab.continual.results import (
    GRADIENT_MACS_PER_PARAM,
    METHOD_COLORS,
    METHOD_LABELS,
    METHOD_MARKERS,
    METHODS,
    ContinualResult,
    TrainingConfig,
    accuracy,
    check_accuracy_matrix,
    learning_accuracy,
)
from worldlab.continual.runners import (
    compare_methods,
    continual_experiment,
    forgetting_vs_agreement,
    run_method,
)

__all__ = [
    "GRADIENT_MACS_PER_PARAM",
    "METHODS",
    "METHOD_COLORS",
    "METHOD_LABELS",
    "METHOD_MARKERS",
    "PRETRAIN_EXAMPLES",
    "ContinualResult",
    "NearestNeighbourMemory",
    "TrainingConfig",
    "accuracy",
    "check_accuracy_matrix",
    "compare_methods",
    "continual_demo",
    "continual_demo_controls",
    "continual_experiment",
    "fisher_diagonal",
    "fit_ewc",
    "fit_memory",
    "fit_naive",
    "fit_replay",
    "fit_retrain",
    "forgetting_vs_agreement",
    "learning_accuracy",
    "offer_items",
    "plot_accuracy_matrix",
    "plot_buffer_sweep",
    "plot_cost_benefit",
    "plot_cost_growth",
    "plot_forgetting_vs_agreement",
    "plot_lambda_sweep",
    "plot_skill_vs_memory",
    "plot_task_stream",
    "pretrain_base",
    "reservoir_buffers",
    "reservoir_inclusion",
    "run_method",
    "skill_vs_memory",
]
