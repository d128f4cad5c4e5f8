"""The pre-trained base every method of lesson 08 starts from.

C25 says: fine-tuning works, only expensive; start again from the base model each time. The base
there is a *pre-trained* model. Here it is the lesson's network pre-trained once, on a broad
corpus it meets before the stream: ``n_examples`` inputs of the stream's layout with the task cue
switched off, labelled by the side of one line at an angle of its own. Pre-training teaches the
network which features carry a rule and to ignore the distractors; it knows none of the tasks.
Its cost is paid once and is the same for every method, so the runners report it separately.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from worldlab.continual.results import (
    DEFAULT_CONFIG,
    GRADIENT_MACS_PER_PARAM,
    TrainingConfig,
    check_stream,
)
from worldlab.mlp import MLP, train_sgd
from worldlab.worlds.task_stream import TaskStream, label_points

#: Examples in the pre-training corpus (the stream brings 200 per task).
PRETRAIN_EXAMPLES = 4000


def pretrain_base(
    stream: TaskStream,
    seed: int,
    config: TrainingConfig = DEFAULT_CONFIG,
    n_examples: int = PRETRAIN_EXAMPLES,
) -> tuple[MLP, float]:
    """The pre-trained base for ``stream`` and ``seed``, and what pre-training cost.

    Parameters
    ----------
    stream
        Fixes the input layout (features, distractors, cue width).
    seed
        The same seed gives every method the same base.
    n_examples
        Size of the pre-training corpus (>= 1); ``config.epochs`` passes over it.

    Returns
    -------
    (model, pretrain_macs): a fresh copy of the base (train it freely) and the multiply-adds
    pre-training took.
    """
    check_stream(stream)
    if isinstance(n_examples, bool) or not isinstance(n_examples, int | np.integer):
        raise TypeError(f"n_examples must be an integer, got {n_examples!r}")
    if n_examples < 1:
        raise ValueError(f"n_examples must be at least 1, got {n_examples}")
    n_raw = stream.n_features - stream.n_tasks
    model = _pretrained(int(seed), n_raw, stream.n_tasks, stream.n_classes, config, int(n_examples))
    macs = float(config.epochs * n_examples * GRADIENT_MACS_PER_PARAM * model.n_params)
    return model.copy(), macs


@lru_cache(maxsize=64)
def _pretrained(
    seed: int, n_raw: int, n_tasks: int, n_classes: int, config: TrainingConfig, n_examples: int
) -> MLP:
    rng = np.random.default_rng([seed, 1])
    model = MLP(
        n_raw + n_tasks,
        config.n_hidden,
        n_classes,
        seed=int(rng.integers(2**31)),
        activation=config.activation,
    )
    points = rng.normal(size=(n_examples, n_raw))
    X = np.hstack([points, np.zeros((n_examples, n_tasks))])  # no task cue: no task is known
    y = label_points(points[:, :2], float(rng.uniform(0.0, 2 * np.pi)))
    train_sgd(model, X, y, config.epochs, config.lr, config.batch_size, rng)
    return model
