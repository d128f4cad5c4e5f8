"""A stream of conflicting classification tasks over the same inputs.

Each example is a point in a plane, ``(x1, x2)``, plus a few *distractor* features that no task
depends on. Task ``t`` labels a point by which side of a line through the origin it lies on:

    y = 1  if  cos(angle_t) * x1 + sin(angle_t) * x2 > 0  else 0.

The task boundaries are spread evenly over half a turn (plus a random offset per seed), so the
tasks disagree: two tasks whose boundaries differ by an angle ``a`` give the same label to a
fraction ``1 - a / pi`` of the points. A learner that simply adopts the newest rule therefore
loses much of what it knew about the older ones.

Every input also carries a *task cue*: a one-hot code of the task, scaled by ``cue_strength``,
appended to the features. With the cue, one network *can* solve every task at once (the tasks
are only in conflict if the network ignores it), so forgetting is a property of how it is trained,
not of an impossible problem.

Input layout, ``n_features = 2 + n_distractors + n_tasks`` columns::

    [x1, x2, distractor_1 … distractor_k, cue_0 … cue_{T-1}]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

N_RELEVANT = 2


@dataclass(frozen=True)
class Task:
    """One task of a stream: its rule and its train and test sets.

    Attributes
    ----------
    index
        Position in the stream, 0-based.
    angle
        Direction (radians) of the normal of the task's boundary in the ``(x1, x2)`` plane.
    X_train, y_train
        Training inputs, shape (n_train, n_features), and 0/1 labels, shape (n_train,).
    X_test, y_test
        Test inputs, shape (n_test, n_features), and labels, shape (n_test,).
    """

    index: int
    angle: float
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


@dataclass(frozen=True)
class TaskStream:
    """Tasks seen one after another, with the settings that made them."""

    tasks: tuple[Task, ...]
    n_distractors: int
    cue_strength: float
    seed: int

    @property
    def n_tasks(self) -> int:
        """Number of tasks ``T``."""
        return len(self.tasks)

    @property
    def n_features(self) -> int:
        """Columns of every input: ``2 + n_distractors + n_tasks``."""
        return N_RELEVANT + self.n_distractors + self.n_tasks

    @property
    def n_classes(self) -> int:
        """Every task is binary."""
        return 2

    @property
    def angles(self) -> np.ndarray:
        """Boundary-normal angle of each task (radians), shape (T,)."""
        return np.array([task.angle for task in self.tasks])

    def training_data_so_far(self, last_task: int) -> tuple[np.ndarray, np.ndarray]:
        """All training examples of tasks ``0 … last_task`` stacked in order.

        Returns
        -------
        (X, y) of shapes (n, n_features) and (n,).
        """
        if not 0 <= last_task < self.n_tasks:
            raise ValueError(f"last_task must lie in [0, {self.n_tasks - 1}], got {last_task}")
        chosen = self.tasks[: last_task + 1]
        return (
            np.vstack([task.X_train for task in chosen]),
            np.concatenate([task.y_train for task in chosen]),
        )


def label_points(points: np.ndarray, angle: float) -> np.ndarray:
    """Labels a task with boundary-normal ``angle`` gives to points.

    Parameters
    ----------
    points
        Array of shape (n, m) with m >= 2; only the first two columns ``(x1, x2)`` matter.
    angle
        Direction of the boundary's normal, radians.

    Returns
    -------
    int array of shape (n,): 1 where ``cos(angle) x1 + sin(angle) x2 > 0``, else 0.
    """
    points = np.asarray(points, dtype=float)
    if points.ndim != 2 or points.shape[1] < N_RELEVANT:
        raise ValueError(f"points must have shape (n, m) with m >= 2, got {points.shape}")
    normal = np.array([np.cos(angle), np.sin(angle)])
    return (points[:, :N_RELEVANT] @ normal > 0).astype(int)


def task_inputs(
    features: np.ndarray, task_index: int, n_tasks: int, cue_strength: float
) -> np.ndarray:
    """Append the task cue to raw features.

    Parameters
    ----------
    features
        Shape (n, 2 + n_distractors): the point and its distractors.
    task_index
        Which task the examples belong to, in ``[0, n_tasks)``.
    n_tasks, cue_strength
        Length and height of the one-hot cue.

    Returns
    -------
    float array of shape (n, 2 + n_distractors + n_tasks).
    """
    features = np.asarray(features, dtype=float)
    if features.ndim != 2:
        raise ValueError(f"features must be 2-D (n, m), got shape {features.shape}")
    if not 0 <= task_index < n_tasks:
        raise ValueError(f"task_index must lie in [0, {n_tasks}), got {task_index}")
    cue = np.zeros((len(features), n_tasks))
    cue[:, task_index] = cue_strength
    return np.hstack([features, cue])


def make_task_stream(
    seed: int,
    n_tasks: int = 5,
    n_train: int = 200,
    n_test: int = 300,
    n_distractors: int = 4,
    cue_strength: float = 3.0,
) -> TaskStream:
    """Draw a stream of ``n_tasks`` conflicting binary tasks.

    Features are standard normal. Task ``t``'s boundary normal points at
    ``offset + pi * t / n_tasks`` with ``offset`` uniform in ``[0, pi)`` per seed, so consecutive
    tasks differ by ``pi / n_tasks`` and the whole stream covers half a turn.

    Parameters
    ----------
    seed
        Seed of everything random here (offset and all points).
    n_tasks
        Number of tasks ``T`` (>= 1).
    n_train, n_test
        Examples per task for training and for measuring accuracy.
    n_distractors
        Features that carry no information about any label (>= 0).
    cue_strength
        Height of the one-hot task cue (>= 0; 0 hides which task is which).

    Returns
    -------
    TaskStream whose inputs have ``2 + n_distractors + n_tasks`` columns.
    """
    for name, value, low in (
        ("n_tasks", n_tasks, 1),
        ("n_train", n_train, 1),
        ("n_test", n_test, 1),
        ("n_distractors", n_distractors, 0),
    ):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    if not np.isfinite(cue_strength) or cue_strength < 0:
        raise ValueError(f"cue_strength must be a finite number >= 0, got {cue_strength}")
    rng = np.random.default_rng(seed)
    offset = rng.uniform(0.0, np.pi)
    n_raw = N_RELEVANT + n_distractors
    tasks = []
    for t in range(n_tasks):
        angle = float((offset + np.pi * t / n_tasks) % (2 * np.pi))
        train_points = rng.normal(size=(n_train, n_raw))
        test_points = rng.normal(size=(n_test, n_raw))
        tasks.append(
            Task(
                index=t,
                angle=angle,
                X_train=task_inputs(train_points, t, n_tasks, cue_strength),
                y_train=label_points(train_points, angle),
                X_test=task_inputs(test_points, t, n_tasks, cue_strength),
                y_test=label_points(test_points, angle),
            )
        )
    return TaskStream(
        tasks=tuple(tasks), n_distractors=n_distractors, cue_strength=cue_strength, seed=seed
    )


def label_agreement(angle_a: float, angle_b: float) -> float:
    """Fraction of points two tasks label alike: ``1 - a / pi`` for boundary angle gap ``a``.

    This is the accuracy on task ``a`` of a learner that perfectly follows task ``b``'s rule
    (and ignores the cue): what complete forgetting looks like in this world.
    """
    gap = abs((angle_a - angle_b + np.pi) % (2 * np.pi) - np.pi)  # in [0, pi]
    return float(1.0 - gap / np.pi)
