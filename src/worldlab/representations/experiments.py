"""Lesson 14's measurements: four world models over seeds and distractor strengths.

One *unit* is one world seed: its textures, its training data, its four trained models and
their measurements. Every arm is measured on the same seeds, so arms compare paired.
The losses come in as arguments (they are the lesson's exercises).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from worldlab.representations.measures import (
    TokenModel,
    latent_chooser,
    planning_success,
    probe_r2,
)
from worldlab.representations.models import (
    LossFunction,
    PenaltyFunction,
    train_latent_predictor,
    train_pixel_predictor,
)
from worldlab.worlds import distracted_strip as world

__all__ = ["ARMS", "PLANNING_EPISODES", "STRENGTHS", "run_arms", "sweep"]

#: The four world models, in the order figures show them.
ARMS = ("pixels", "latent", "latent, no anti-collapse", "image tokens")
#: The distractor strengths of the lesson's sweep, from none to dominant.
STRENGTHS = (0.0, 1.0, 4.0)
#: Planning episodes per world and arm.
PLANNING_EPISODES = 40


def train_arms(
    seed: int,
    strength: float,
    loss: LossFunction,
    penalty: PenaltyFunction,
    weight: float = 1.0,
    size: int = 4,
    steps: int = 100,
) -> dict:
    """Train the four models of one world seed; returns their encoders and the data."""
    train = world.collect(seed, strength, n_episodes=20, n_steps=30, world_seed=seed)
    test = world.collect(seed + 10**6, strength, n_episodes=10, n_steps=30, world_seed=seed)
    x, a, x_next, positions = train.transitions()
    common = {"size": size, "steps": steps, "seed": seed}
    models = {
        "pixels": train_pixel_predictor(x, a, x_next, loss=loss, **common),
        "latent": train_latent_predictor(
            x, a, x_next, loss=loss, penalty=penalty, weight=weight, **common
        ),
        "latent, no anti-collapse": train_latent_predictor(x, a, x_next, loss=loss, **common),
        "image tokens": TokenModel(x, a, x_next, seed=seed),
    }
    return {"models": models, "train": train, "test": test}


def run_arms(
    seed: int,
    strength: float,
    loss: LossFunction,
    penalty: PenaltyFunction,
    weight: float = 1.0,
    size: int = 4,
    steps: int = 100,
    plan: bool = True,
) -> list[dict]:
    """Measure the four models of one world seed at one distractor strength.

    Returns
    -------
    One dict per arm: ``seed``, ``strength``, ``arm``, ``readout`` (held-out probe R²),
    ``planning`` (share of :data:`PLANNING_EPISODES` episodes that reach the goal; NaN when
    ``plan`` is False), ``reached`` and ``episodes`` (the counts behind that share) and
    ``spread`` (mean standard deviation of an embedding coordinate on the training frames).
    """
    trained = train_arms(seed, strength, loss, penalty, weight, size, steps)
    x, _, _, positions = trained["train"].transitions()
    x_test, _, _, positions_test = trained["test"].transitions()
    rows = []
    for arm, model in trained["models"].items():
        z, z_test = model.embed(x), model.embed(x_test)
        chooser = model.choose if arm == "image tokens" else latent_chooser(model)
        share = (
            planning_success(chooser, seed, strength, seed, n_episodes=PLANNING_EPISODES)
            if plan
            else np.nan
        )
        rows.append(
            {
                "seed": seed,
                "strength": strength,
                "arm": arm,
                "readout": probe_r2(z, positions, z_test, positions_test),
                "planning": share,
                "reached": round(share * PLANNING_EPISODES) if plan else 0,
                "episodes": PLANNING_EPISODES if plan else 0,
                "spread": float(z.std(axis=0).mean()),
            }
        )
    return rows


def sweep(
    seeds: Iterable[int],
    strengths: Sequence[float],
    loss: LossFunction,
    penalty: PenaltyFunction,
    weight: float = 1.0,
    size: int = 4,
    steps: int = 100,
    plan: bool = True,
) -> pd.DataFrame:
    """:func:`run_arms` for every seed and strength, as one tidy table."""
    rows = [
        row
        for strength in strengths
        for seed in seeds
        for row in run_arms(seed, strength, loss, penalty, weight, size, steps, plan)
    ]
    return pd.DataFrame(rows)
