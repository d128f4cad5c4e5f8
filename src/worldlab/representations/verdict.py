"""Lesson 14's verdict as code: each row's rule, and the paired table it judges.

:data:`RULES` holds, per row, a :class:`worldlab.debate.VerdictRule` (what is measured, the sign
each camp predicts, what the interval is compared with: a reference gain or an equivalence margin)
and the comparison it judges: two arms and a measure of the sweep. :func:`verdict_rows` turns the
sweep's results into the judged rows, each table a paired difference per distractor strength
(:func:`worldlab.stats.paired_difference_table`, a t interval over the worlds).
"""

from __future__ import annotations

import pandas as pd

from worldlab.debate import VerdictRule, judge
from worldlab.stats import paired_difference_table

KNOB = "distractor strength"

#: (rule, (arm a, arm b, measure)): the row judges the paired difference a − b of the measure.
RULES: list[tuple[VerdictRule, tuple[str, str, str]]] = [
    (
        VerdictRule(
            "C33",
            "planning success, latent − pixel predictor, against a useful gain of one more "
            "episode in ten reaching the goal",
            predictions={"O": "-", "S": "+"},
            knob=KNOB,
            reference=0.1,
            bounds=(-1, 1),
            cannot_show="Whether latent prediction pays off at scale, on real video, against "
            "today's generative models.",
        ),
        ("latent", "pixels", "planning"),
    ),
    (
        VerdictRule(
            "C06",
            "read-out R² of the agent's position, latent − pixel predictor",
            predictions={"S": "+", "O": "0"},
            knob=KNOB,
            margin=0.05,
            cannot_show="Whether animals learn such representations, and with which "
            "anti-collapse mechanism.",
        ),
        ("latent", "pixels", "readout"),
    ),
    (
        VerdictRule(
            "C02",
            "planning success, image-token model − latent predictor",
            predictions={"O": "0", "S": "-"},
            knob=KNOB,
            margin=0.1,
            bounds=(-1, 1),
            cannot_show="Large token models with learned tokenisers and far more data.",
        ),
        ("image tokens", "latent", "planning"),
    ),
    (
        VerdictRule(
            "C03",
            "planning success, latent predictor with − without its anti-collapse term",
            predictions={"S": "+", "O": "0"},
            knob=KNOB,
            margin=0.1,
            bounds=(-1, 1),
            note="Without the term the prediction loss is the lowest: predicting one's own "
            "embedding well is not yet a model of how the world reacts.",
            cannot_show="Collapse in deep networks (dead units, lost rank), which a linear toy "
            "shows only as a shrinking scale.",
        ),
        ("latent", "latent, no anti-collapse", "planning"),
    ),
]


def verdict_rows(results: pd.DataFrame) -> list:
    """Each rule of :data:`RULES` judged on the sweep's results (one row per arm, strength and
    world, with the measures ``readout`` and ``planning``)."""
    return [
        judge(rule, paired_difference_table(results, "strength", "arm", a, b, measure))
        for rule, (a, b, measure) in RULES
    ]
