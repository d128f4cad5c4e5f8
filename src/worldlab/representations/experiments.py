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
from worldlab.stats import t_critical
from worldlab.worlds import distracted_strip as world

__all__ = ["ARMS", "STRENGTHS", "paired_table", "run_arms", "sweep"]

#: The four world models, in the order figures show them.
ARMS = ("pixels", "latent", "latent, no anti-collapse", "image tokens")
#: The distractor strengths of the lesson's sweep, from none to dominant.
STRENGTHS = (0.0, 0.5, 1.0, 2.0, 4.0)


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
    ``planning`` (share of episodes that reach the goal; NaN when ``plan`` is False) and
    ``spread`` (mean standard deviation of an embedding coordinate on the training frames).
    """
    trained = train_arms(seed, strength, loss, penalty, weight, size, steps)
    x, _, _, positions = trained["train"].transitions()
    x_test, _, _, positions_test = trained["test"].transitions()
    rows = []
    for arm, model in trained["models"].items():
        z, z_test = model.embed(x), model.embed(x_test)
        chooser = model.choose if arm == "image tokens" else latent_chooser(model)
        rows.append(
            {
                "seed": seed,
                "strength": strength,
                "arm": arm,
                "readout": probe_r2(z, positions, z_test, positions_test),
                "planning": planning_success(chooser, seed, strength, seed) if plan else np.nan,
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


def paired_table(results: pd.DataFrame, a: str, b: str, value: str) -> pd.DataFrame:
    """Paired difference ``value[a] - value[b]`` per strength, with a 95% t interval.

    Returns
    -------
    DataFrame with columns ``knob`` (the strength), ``estimate``, ``low``, ``high`` and ``n``:
    the table a verdict rule judges.
    """
    rows = []
    for strength, group in results.groupby("strength", sort=True):
        wide = group.pivot(index="seed", columns="arm", values=value)
        if a not in wide or b not in wide:
            raise KeyError(f"arms {a!r} and {b!r} must both be in the results")
        diffs = (wide[a] - wide[b]).dropna().to_numpy()
        if len(diffs) < 2:
            raise ValueError("a paired interval needs at least 2 seeds")
        half = t_critical(len(diffs)) * diffs.std(ddof=1) / np.sqrt(len(diffs))
        rows.append(
            {
                "knob": float(strength),
                "estimate": float(diffs.mean()),
                "low": float(diffs.mean() - half),
                "high": float(diffs.mean() + half),
                "n": len(diffs),
            }
        )
    return pd.DataFrame(rows)


def status_of(table: pd.DataFrame, predicted: str) -> str:
    """Status of a claim from a paired table (knob, estimate, low, high) and its predicted sign.

    ``supported`` when every interval excludes 0 in the predicted direction (``"+"`` or
    ``"-"``); ``contradicted`` when every interval excludes 0 the other way; ``untestable`` (no
    difference this toy can see) when every interval includes 0; ``mixed`` otherwise — the
    sign depends on the knob.
    """
    if predicted not in ("+", "-"):
        raise ValueError(f"predicted must be '+' or '-', got {predicted!r}")
    sign = 1.0 if predicted == "+" else -1.0
    low, high = sign * table["low"], sign * table["high"]
    low, high = np.minimum(low, high), np.maximum(low, high)
    if (low > 0).all():
        return "supported"
    if (high < 0).all():
        return "contradicted"
    if ((low <= 0) & (high >= 0)).all():
        return "untestable"
    return "mixed"


def describe(table: pd.DataFrame, unit: str = "") -> str:
    """``+0.12 [+0.05, +0.19] at strength 0; …`` — the numbers of a paired table, as text."""
    return "; ".join(
        f"{row.estimate:+.2f}{unit} [{row.low:+.2f}, {row.high:+.2f}] at strength {row.knob:g}"
        for row in table.itertuples()
    )


def verdict_rows(results: pd.DataFrame, lesson: str) -> pd.DataFrame:
    """The lesson's verdict rows, computed from a :func:`sweep` (nothing typed but the rules).

    Returns
    -------
    DataFrame with the columns of ``data/verdicts/<lesson>.csv``: lesson, claim, finding,
    cannot_show, status.
    """
    n = results["seed"].nunique()
    rules = [
        # claim, arm a, arm b, value, predicted sign, what a and b are, cannot show
        (
            "C33",
            "latent",
            "pixels",
            "planning",
            "+",
            f"Planning success, latent − pixel predictor (paired, {n} worlds)",
            "Whether latent prediction pays off at scale, on real video, against today's "
            "generative models.",
        ),
        (
            "C06",
            "latent",
            "pixels",
            "readout",
            "+",
            f"Linear read-out R² of the agent's position, latent − pixel predictor ({n} worlds)",
            "Whether animals learn such representations, and with which anti-collapse mechanism.",
        ),
        (
            "C02",
            "image tokens",
            "latent",
            "planning",
            "+",
            f"Planning success, image-token model − latent predictor ({n} worlds)",
            "Large token models with learned tokenisers and much more data than this toy's.",
        ),
        (
            "C03",
            "latent",
            "latent, no anti-collapse",
            "planning",
            "+",
            f"Planning success, latent with − without its anti-collapse term ({n} worlds; "
            "without it the prediction loss is lowest): predicting well is not yet a model to "
            "plan with",
            "Collapse in deep networks (dead units, rank loss), which a linear toy shows only "
            "as shrinking scale.",
        ),
    ]
    rows = []
    for claim, a, b, value, predicted, what, cannot in rules:
        table = paired_table(results, a, b, value)
        rows.append(
            {
                "lesson": lesson,
                "claim": claim,
                "finding": f"{what}: {describe(table)}.",
                "cannot_show": cannot,
                "status": status_of(table, predicted),
            }
        )
    return pd.DataFrame(rows)
