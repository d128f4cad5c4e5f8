"""Lesson 13's verdict as code: each row's rule, and the table of paired intervals it judges.

:data:`RULES` holds, per claim, a :class:`worldlab.debate.VerdictRule`: what is measured, the
sign each camp predicts, and the knob the row covers. :func:`verdict_tables` runs the experiments
on the given seeds (the lesson passes :func:`worldlab.debate.verdict_seeds`) and returns, per
claim, a table with one row per knob value and the columns ``knob``, ``estimate``, ``low``,
``high`` (a 95% interval of a paired difference over seeds) and ``n``, which
:func:`worldlab.debate.judge` turns into a status and a finding.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from worldlab.debate import VerdictRule
from worldlab.long_tasks.agents import (
    clone_expert,
    clone_perturbed,
    linear_policy,
    success_by_horizon,
    train_rl,
)
from worldlab.long_tasks.experiments import DEMO_BUDGET, TRAIN_HORIZON, paired_table, run_arms
from worldlab.worlds.program_edits import make_edit_world

#: Knob values each row covers.
VERDICT_HORIZONS = (4, 8, 16, 32)
TEMPERATURES = (0.5, 1.5, 2.0)
SILENT_SHARES = (0.25, 0.5, 0.75)
#: C04's hard setting: the tool reports only alarms and this share of mistakes is silent, so
#: neither arm sees every mistake and neither can solve every task (no ceiling).
HIDDEN_SILENT_SHARE = 0.5
HIDDEN_HORIZON = 16
#: A paired difference inside ± this margin counts as "no effect" (a prediction of 0 can hold).
MARGIN = 0.05

RULES = {
    "C09": VerdictRule(
        "C09",
        "success, RL with a verifier minus behaviour cloning (paired over worlds)",
        predictions={"O": "+", "S": "0"},
        knob="task length H",
        margin=MARGIN,
        bounds=(-1, 1),
        cannot_show="Whether a large model's recovery in real tool use comes from RL or from "
        "corrections already in its pre-training and fine-tuning data.",
    ),
    "C04": VerdictRule(
        "C04",
        "success, DART copier (perturbed demonstrations with corrections) minus RL",
        predictions={"O": "-", "S": "0"},
        knob="setting",
        margin=MARGIN,
        bounds=(-1, 1),
        note="Where the tool reports the failing count both arms solve nearly every task, so "
        "their difference sits at a ceiling; the alarms-only setting, where half of the mistakes "
        "are silent and neither arm can see them, is the one where the row could come out either "
        "way.",
        cannot_show="Whether copying real corrected traces scales to the variety of mistakes a "
        "real agent makes; here the mistakes are few and of one kind.",
    ),
    "C11": VerdictRule(
        "C11",
        "success at length 16, RL minus behaviour cloning",
        predictions={"O": "+", "S": "0"},
        knob="sampling temperature of RL's rollouts",
        margin=MARGIN,
        bounds=(-1, 1),
        note="RL adds recovery only when its own rollouts try undo.",
        cannot_show="How much exploration large-model RL has, and whether it can find behaviour "
        "its base model essentially never produces.",
    ),
    "C06": VerdictRule(
        "C06",
        "success at length 16, DART copier that sees the failing count minus one that hears only "
        "alarms",
        predictions={"O": "0", "S": "+"},
        knob="share of silent mistakes",
        margin=MARGIN,
        bounds=(-1, 1),
        cannot_show="Whether real agents' error signals are prediction errors in this sense; real "
        "tools rarely report exactly what a step should have changed.",
    ),
}


def temperature_experiment(
    seed: int, temperatures: Iterable[float] = TEMPERATURES, horizon: int = 16
) -> pd.DataFrame:
    """RL's gain over the clone for each sampling temperature of its rollouts, one world.

    Returns a tidy DataFrame: ``seed``, ``temperature``, ``arm`` (``"behaviour cloning"`` or
    ``"RL (verifier)"``), ``success``.
    """
    world = make_edit_world(seed)
    clone = clone_expert(world, DEMO_BUDGET, TRAIN_HORIZON, np.random.default_rng([seed, 1]))
    base = success_by_horizon(world, linear_policy(clone, True), [horizon], [seed, 9])[horizon]
    rows = []
    for temperature in temperatures:
        rl, _ = train_rl(
            world, clone, TRAIN_HORIZON, np.random.default_rng([seed, 2]), temperature=temperature
        )
        rate = success_by_horizon(world, linear_policy(rl, True), [horizon], [seed, 9])[horizon]
        rows += [
            {"seed": seed, "temperature": temperature, "arm": "behaviour cloning", "success": base},
            {"seed": seed, "temperature": temperature, "arm": "RL (verifier)", "success": rate},
        ]
    return pd.DataFrame(rows)


def feedback_experiment(
    seed: int, silent_shares: Iterable[float] = SILENT_SHARES, horizon: int = 16, noise: float = 0.2
) -> pd.DataFrame:
    """DART copiers that see the failing count or only alarms, for each share of silent mistakes.

    Returns a tidy DataFrame: ``seed``, ``silent``, ``arm`` (``"count"`` or ``"alarm"``),
    ``success``.
    """
    rows = []
    for silent in silent_shares:
        for reports in ("count", "alarm"):
            world = make_edit_world(seed, silent_share=silent, reports=reports)
            weights = clone_perturbed(
                world, DEMO_BUDGET, TRAIN_HORIZON, noise, np.random.default_rng([seed, 3])
            )
            rate = success_by_horizon(world, linear_policy(weights, True), [horizon], [seed, 9])[
                horizon
            ]
            rows.append({"seed": seed, "silent": silent, "arm": reports, "success": rate})
    return pd.DataFrame(rows)


def hidden_mistakes_experiment(
    seed: int, horizon: int = HIDDEN_HORIZON, silent_share: float = HIDDEN_SILENT_SHARE
) -> pd.DataFrame:
    """RL and the DART copier trained and tested in a world whose tool reports only alarms.

    A silent mistake then looks like progress to both arms, so neither can recover from every
    slip: their success is below 1 and the difference between them is free to take either sign.

    Returns a tidy DataFrame: ``seed``, ``arm`` (``"RL (verifier)"`` or ``"DART"``), ``success``.
    """
    world = make_edit_world(seed, silent_share=silent_share, reports="alarm")
    clone = clone_expert(world, DEMO_BUDGET, TRAIN_HORIZON, np.random.default_rng([seed, 1]))
    rl, _ = train_rl(world, clone, TRAIN_HORIZON, np.random.default_rng([seed, 2]))
    dart = clone_perturbed(world, DEMO_BUDGET, TRAIN_HORIZON, 0.2, np.random.default_rng([seed, 3]))
    rows = []
    for arm, weights in (("RL (verifier)", rl), ("DART", dart)):
        rate = success_by_horizon(world, linear_policy(weights, True), [horizon], [seed, 9])
        rows.append({"seed": seed, "arm": arm, "success": rate[horizon]})
    return pd.DataFrame(rows)


def c04_table(arms: pd.DataFrame, hidden: pd.DataFrame) -> pd.DataFrame:
    """C04's rows: DART − RL at every length where the tool reports the failing count, then at
    :data:`HIDDEN_HORIZON` where it reports only alarms (``hidden`` from
    :func:`hidden_mistakes_experiment`)."""
    counted = paired_table(arms, "DART", "RL (verifier)", where={"irreversible": 0.0})
    counted = counted.assign(knob=[f"H = {h}, failing count" for h in counted["knob"]])
    alarms = paired_table(hidden.assign(setting="alarms"), "DART", "RL (verifier)", knob="setting")
    alarms = alarms.assign(
        knob=f"H = {HIDDEN_HORIZON}, alarms only ({HIDDEN_SILENT_SHARE:.0%} of mistakes silent)"
    )
    return pd.concat([counted, alarms], ignore_index=True)


def verdict_tables(
    seeds: Iterable[int], arms: pd.DataFrame | None = None
) -> dict[str, pd.DataFrame]:
    """Per claim, the paired differences its rule judges: columns knob, estimate, low, high, n.

    ``arms`` may pass results of :func:`~worldlab.long_tasks.experiments.run_arms` already
    computed on the same ``seeds`` (reversible steps, the lengths of :data:`VERDICT_HORIZONS`).
    """
    seeds = [int(s) for s in seeds]
    if arms is None:
        arms = run_arms(seeds, horizons=VERDICT_HORIZONS)
    temps = pd.concat([temperature_experiment(s) for s in seeds], ignore_index=True)
    heard = pd.concat([feedback_experiment(s) for s in seeds], ignore_index=True)
    hidden = pd.concat([hidden_mistakes_experiment(s) for s in seeds], ignore_index=True)
    reversible = {"irreversible": 0.0}
    return {
        "C09": paired_table(arms, "RL (verifier)", "behaviour cloning", where=reversible),
        "C04": c04_table(arms, hidden),
        "C11": paired_table(temps, "RL (verifier)", "behaviour cloning", knob="temperature"),
        "C06": paired_table(heard, "count", "alarm", knob="silent"),
    }
