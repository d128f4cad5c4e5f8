"""What a continual learner is judged on: the accuracy matrix ``R`` and the costs of a method.

After finishing task ``t`` a learner is tested on every task ``i``; the accuracies form
``R[t, i]`` (shape (T, T), Lopez-Paz & Ranzato 2017). How ``R`` is summarised (ACC, BWT) is lesson
08's first exercise, so this module holds no such summary: :meth:`ContinualResult.summary` and
the runners take it as the argument ``measure``, a function ``measure(R) -> (acc, bwt)``.

Costs are counted the same way for every method (``MACs`` = multiply-adds): one example's forward
pass through a network with ``P`` parameters costs ``P`` and a forward + backward pass ``3 P``;
storage is counted in numbers (floats) kept; an answer costs ``P`` for a network.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from worldlab.mlp import MLP
from worldlab.plots import PALETTE
from worldlab.worlds.task_stream import TaskStream

METHODS = ("naive", "replay", "ewc", "retrain", "memory")
METHOD_LABELS = {
    "naive": "naive fine-tuning",
    "replay": "replay",
    "ewc": "EWC",
    "retrain": "re-fine-tune the base",
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

#: ``measure(R) -> (acc, bwt)``: how an accuracy matrix is summarised (lesson 08's ``acc_bwt``).
Measure = Callable[[np.ndarray], tuple[float, float]]


def check_accuracy_matrix(R: np.ndarray) -> np.ndarray:
    """``R`` as a float array, or a clear error: square (T, T), T >= 1, accuracies in [0, 1]."""
    R = np.asarray(R)
    if R.ndim != 2 or R.shape[0] != R.shape[1] or R.shape[0] < 1:
        raise ValueError(f"R must be a square (T, T) matrix with T >= 1, got shape {R.shape}")
    if not np.issubdtype(R.dtype, np.number) or np.issubdtype(R.dtype, np.complexfloating):
        raise TypeError(f"R must hold accuracies (real numbers), got dtype {R.dtype}")
    R = R.astype(float)
    if not np.isfinite(R).all() or R.min() < 0 or R.max() > 1:
        raise ValueError("R must hold accuracies in [0, 1] (no NaN)")
    return R


def learning_accuracy(R: np.ndarray) -> float:
    """Mean of the diagonal ``R[i, i]``: how well each task was learnt when it was new.

    Plasticity in one number; a method that protects old tasks too hard scores low here.
    """
    return float(np.mean(np.diag(check_accuracy_matrix(R))))


def accuracy(model: MLP, X: np.ndarray, y: np.ndarray) -> float:
    """Fraction of rows of ``X`` (n, n_features) whose predicted class equals ``y`` (n,)."""
    return float(np.mean(model.predict(X) == np.asarray(y)))


def apply_measure(measure: Measure, R: np.ndarray) -> tuple[float, float]:
    """Call ``measure(R)`` and check that it returned two finite numbers."""
    if not callable(measure):
        raise TypeError(f"measure must be a function R -> (acc, bwt), got {measure!r}")
    values = measure(check_accuracy_matrix(R))
    if not isinstance(values, tuple) or len(values) != 2:
        raise ValueError(f"measure must return a tuple (acc, bwt), got {values!r}")
    acc, bwt = (float(v) for v in values)
    if not (np.isfinite(acc) and np.isfinite(bwt)):
        raise ValueError(f"measure returned non-finite values {values!r}")
    return acc, bwt


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


#: The settings every network of the lesson uses.
DEFAULT_CONFIG = TrainingConfig()


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
        Fine-tuning compute spent in each stage, shape (T,), multiply-adds (the base's
        pre-training, shared by every method, is not included: see :func:`pretrain_base`).
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
    def learning_acc(self) -> float:
        """Mean accuracy on each task right after learning it."""
        return learning_accuracy(self.R)

    def summary(self, measure: Measure) -> dict[str, float]:
        """One row of numbers: ACC and BWT (from ``measure``), learning accuracy, total
        fine-tuning compute, final storage, final cost of an answer."""
        acc, bwt = apply_measure(measure, self.R)
        return {
            "acc": acc,
            "bwt": bwt,
            "learning_acc": self.learning_acc,
            "train_macs": float(self.train_macs.sum()),
            "memory_floats": float(self.memory_floats[-1]),
            "inference_macs": float(self.inference_macs[-1]),
        }


def evaluate_row(predict: Callable[[np.ndarray], np.ndarray], stream: TaskStream) -> np.ndarray:
    """Accuracy of ``predict`` on every task's test set, shape (T,)."""
    return np.array([np.mean(predict(task.X_test) == task.y_test) for task in stream.tasks])


def method_rng(seed: int) -> np.random.Generator:
    """The generator of everything a method draws after the base (minibatches, buffer)."""
    return np.random.default_rng([seed, 2])


def check_stream(stream: TaskStream) -> None:
    """Raise TypeError unless ``stream`` is a :class:`~worldlab.worlds.task_stream.TaskStream`."""
    if not isinstance(stream, TaskStream):
        raise TypeError(f"stream must be a TaskStream (make_task_stream), got {type(stream)}")
