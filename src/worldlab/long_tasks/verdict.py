"""Lesson 13's verdict as code: each row's rule, and the table of paired intervals it judges.

:data:`RULES` holds, per claim, the arguments of a verdict rule (``claim``, ``quantity``,
``predictions``, ``knob``, ``cannot_show``, ``margin``): what is measured, the sign each camp
predicts, and the knob the row covers. :func:`verdict_tables` runs the experiments on the given
seeds and returns, per claim, a table with one row per knob value and the columns ``knob``,
``estimate``, ``low``, ``high`` (a 95% interval of a paired difference over seeds).
:func:`judge_table` turns a table into a status and a finding generated from its numbers.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from worldlab.debate import load_claims
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
#: A paired difference inside ±MARGIN counts as "no effect" (lets a prediction of 0 be judged).
MARGIN = 0.05

RULES = {
    "C09": dict(
        claim="C09",
        quantity="success, RL with a verifier minus behaviour cloning (paired over worlds)",
        predictions={"O": "+", "S": "0"},
        knob="task length H (steps)",
        cannot_show="Whether a large model's recovery in real tool use comes from RL or from "
        "corrections already in its pre-training and fine-tuning data.",
        margin=MARGIN,
    ),
    "C04": dict(
        claim="C04",
        quantity="success, DART copier (perturbed demonstrations with corrections) minus RL",
        predictions={"O": "-", "S": "0"},
        knob="task length H (steps)",
        cannot_show="Whether copying real corrected traces scales to the variety of mistakes a "
        "real agent makes; here the mistakes are few and of one kind.",
        margin=MARGIN,
    ),
    "C11": dict(
        claim="C11",
        quantity="success at length 16, RL minus behaviour cloning",
        predictions={"O": "+", "S": "0"},
        knob="sampling temperature of RL's own rollouts",
        cannot_show="How much exploration large-model RL has, and whether it can find behaviour "
        "its base model essentially never produces.",
        margin=MARGIN,
    ),
    "C06": dict(
        claim="C06",
        quantity="success at length 16, DART copier seeing the failing count minus one hearing "
        "only alarms",
        predictions={"O": "0", "S": "+"},
        knob="share of silent mistakes",
        cannot_show="Whether real agents' error signals are prediction errors in this sense; real "
        "tools rarely report exactly what a step should have changed.",
        margin=MARGIN,
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
    reversible = {"irreversible": 0.0}
    return {
        "C09": paired_table(arms, "RL (verifier)", "behaviour cloning", where=reversible),
        "C04": paired_table(arms, "DART", "RL (verifier)", where=reversible),
        "C11": paired_table(temps, "RL (verifier)", "behaviour cloning", knob="temperature"),
        "C06": paired_table(heard, "count", "alarm", knob="silent"),
    }


# --- until the course-wide judge lands (issue 24): the same rule, applied here ----------------------


def observed_sign(low: float, high: float, margin: float | None = MARGIN) -> str:
    """``"+"`` or ``"-"`` when the interval excludes 0 on that side; ``"0"`` when it lies inside
    ±margin; ``"?"`` when it includes 0 but not inside the margin."""
    if low > 0:
        return "+"
    if high < 0:
        return "-"
    if margin is not None and -margin <= low and high <= margin:
        return "0"
    return "?"


def judge_table(rule: dict, table: pd.DataFrame) -> dict[str, str]:
    """Status and finding of one row: supported when the claim's camp's sign holds at every knob
    value, contradicted when the other camp's does, mixed when the sign depends on the knob, and
    "no difference this toy can see" when no value decides.

    Returns a dict with ``claim``, ``status``, ``finding``, ``cannot_show``.
    """
    claims = load_claims().set_index("id")
    camp = str(claims.loc[rule["claim"], "camp"])
    signs = [observed_sign(r.low, r.high, rule.get("margin")) for r in table.itertuples()]
    values = "; ".join(
        f"{r.knob:g}: {r.estimate:+.2f} [{r.low:+.2f}, {r.high:+.2f}]" for r in table.itertuples()
    )
    decided = {s for s in signs if s != "?"}
    if not decided:
        status = "no difference this toy can see"
    elif len(set(signs)) > 1:
        status = "mixed"
    elif signs[0] == rule["predictions"][camp]:
        status = "supported"
    else:
        status = "contradicted"
    finding = (
        f"{rule['quantity']}, by {rule['knob']}: {values} (n = {int(table['n'].min())} worlds)."
    )
    if status == "mixed":
        knobs = list(table["knob"])
        flips = [
            f"{knobs[i]:g} and {knobs[i + 1]:g}"
            for i in range(len(signs) - 1)
            if signs[i] != signs[i + 1]
        ]
        finding += f" The sign changes between {'; '.join(flips)}."
    return {
        "claim": rule["claim"],
        "status": status,
        "finding": finding,
        "cannot_show": rule["cannot_show"],
    }


def verdict_rows(seeds: Iterable[int], lesson: str = "13-long-tasks-and-recovery") -> pd.DataFrame:
    """The lesson's verdict rows (columns lesson, claim, finding, cannot_show, status), computed.

    ``python -c "from worldlab.long_tasks.verdict import verdict_rows; verdict_rows(range(10))
    .to_csv('data/verdicts/13-long-tasks-and-recovery.csv', index=False)"`` writes the file
    :func:`worldlab.debate.show_verdict` reads.
    """
    tables = verdict_tables(seeds)
    rows = [{"lesson": lesson, **judge_table(RULES[claim], tables[claim])} for claim in RULES]
    return pd.DataFrame(rows)[["lesson", "claim", "finding", "cannot_show", "status"]]
