"""Lesson 13's measurements: success against the task's length for every arm, over seeds.

One seed is one world (a new rule from cues to edits), one set of demonstrations and one RL run:
the unit of replication is the trained policy. Every arm of a seed is evaluated on the same
episodes (the same generator seed), so differences between arms are paired.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from worldlab.long_tasks.agents import (
    RecoveryRule,
    clone_expert,
    clone_perturbed,
    dagger,
    fit,
    linear_policy,
    n_features,
    no_recovery_policy,
    perturbed_demonstrations,
    rollout,
    success_by_horizon,
    success_rate,
    train_rl,
    with_recovery_rule,
)
from worldlab.stats import paired_difference_table, wilson_interval
from worldlab.worlds.program_edits import EditWorld, make_edit_world

#: The task lengths every sweep covers.
HORIZONS = (4, 8, 16, 32)
#: Labelled steps each copier gets (the RL arm starts from the clone of the same budget).
DEMO_BUDGET = 240
#: Task length of the demonstrations and of RL's own rollouts.
TRAIN_HORIZON = 8
ARMS = ("no recovery", "behaviour cloning", "RL (verifier)", "DART", "DAgger")


def train_arms(
    seed: int, temperature: float = 1.5, noise: float = 0.2, budget: int = DEMO_BUDGET
) -> tuple[EditWorld, dict[str, np.ndarray]]:
    """The world of ``seed`` and the weights of each learned arm, trained on that world.

    Returns
    -------
    (world, {arm: weights (F, A)}) for behaviour cloning, RL, DART and DAgger.
    """
    world = make_edit_world(seed)
    rng = np.random.default_rng([seed, 1])
    clone = clone_expert(world, budget, TRAIN_HORIZON, rng)
    rl, _ = train_rl(
        world, clone, TRAIN_HORIZON, np.random.default_rng([seed, 2]), temperature=temperature
    )
    return world, {
        "behaviour cloning": clone,
        "RL (verifier)": rl,
        "DART": clone_perturbed(
            world, budget, TRAIN_HORIZON, noise, np.random.default_rng([seed, 3])
        ),
        "DAgger": dagger(world, budget, TRAIN_HORIZON, np.random.default_rng([seed, 4])),
    }


def arm_settings() -> dict[str, float]:
    """The settings :func:`train_arms` trains the arms with, read from the functions it calls.

    Returns
    -------
    dict: the labelled steps of each copier, RL's rounds, episodes per round and sampling
    temperature, the share of DART's perturbed calls, and DAgger's rounds and steps per round.
    """
    arms = inspect.signature(train_arms).parameters
    rl = inspect.signature(train_rl).parameters
    rounds = inspect.signature(dagger).parameters["rounds"].default
    budget = arms["budget"].default
    return {
        "labelled steps": budget,
        "RL rounds": rl["iterations"].default,
        "RL episodes per round": rl["episodes"].default,
        "RL temperature": arms["temperature"].default,
        "DART perturbed share": arms["noise"].default,
        "DAgger rounds": rounds,
        "DAgger steps per round": budget // rounds,
    }


def arms_experiment(
    seed: int,
    horizons: Sequence[int] = HORIZONS,
    irreversible_shares: Sequence[float] = (0.0,),
    temperature: float = 1.5,
    episodes: int = 200,
    rule: RecoveryRule | None = None,
) -> pd.DataFrame:
    """Success of every arm at every length (and share of irreversible steps), one seed.

    Policies act greedily; each call slips with the world's ``eps``. With ``rule`` (lesson 13's
    recovery exercise) an arm "clone + your rule" is added.

    Returns
    -------
    Tidy DataFrame: ``seed``, ``arm``, ``horizon``, ``irreversible``, ``success``, ``tasks``
    (episodes behind each success rate).
    """
    world, weights = train_arms(seed, temperature)
    policies = {"no recovery": no_recovery_policy}
    policies.update({arm: linear_policy(w, greedy=True) for arm, w in weights.items()})
    if rule is not None:
        policies["clone + your rule"] = with_recovery_rule(
            linear_policy(weights["behaviour cloning"], greedy=True), rule
        )
    rows = []
    for share in irreversible_shares:
        for arm, policy in policies.items():
            rates = success_by_horizon(world, policy, horizons, [seed, 9], episodes, share)
            rows += [
                {
                    "seed": seed,
                    "arm": arm,
                    "horizon": h,
                    "irreversible": share,
                    "success": r,
                    "tasks": episodes,
                }
                for h, r in rates.items()
            ]
    return pd.DataFrame(rows)


def run_arms(seeds: Iterable[int], **options) -> pd.DataFrame:
    """:func:`arms_experiment` for every seed, concatenated."""
    return pd.concat([arms_experiment(int(s), **options) for s in seeds], ignore_index=True)


def paired_table(
    results: pd.DataFrame, a: str, b: str, knob: str = "horizon", where: Mapping | None = None
) -> pd.DataFrame:
    """Paired difference ``success[a] - success[b]`` over seeds at each knob value (95% t interval).

    ``where`` keeps the rows whose columns equal the given values (e.g. ``{"irreversible": 0.0}``).

    Returns
    -------
    DataFrame with columns ``knob``, ``estimate``, ``low``, ``high``, ``n`` (pairs of seeds), the
    table :func:`worldlab.debate.judge` takes; when every difference is equal the interval has
    width 0.
    """
    df = results
    for column, value in (where or {}).items():
        df = df[df[column] == value]
    return paired_difference_table(df, knob, "arm", a, b, value="success")


def success_summary(results: pd.DataFrame) -> pd.DataFrame:
    """Success per arm, length and irreversible share, pooled over seeds, with Wilson intervals.

    The interval is Wilson's over all the tasks pooled (``tasks`` per seed): it describes how
    precisely the pooled rate is measured; comparisons between arms use :func:`paired_table`,
    whose unit is the seed (one trained policy).
    """
    rows = []
    for (arm, horizon, share), group in results.groupby(["arm", "horizon", "irreversible"]):
        solved = int(np.round(group["success"] * group["tasks"]).sum())
        trials = int(group["tasks"].sum())
        low, high = wilson_interval(solved, trials)
        rows.append(
            {
                "arm": arm,
                "horizon": horizon,
                "irreversible": share,
                "mean": solved / trials,
                "low": low,
                "high": high,
            }
        )
    return pd.DataFrame(rows)


# --- the design task: which demonstrations to buy -------------------------------------------------

PLAN_KEYS = ("expert", "perturbed", "aggregated", "noise")


def check_plan(plan: Mapping, budget: int) -> dict:
    """Validate a data plan: labelled steps of each kind (ints >= 0, summing to <= budget), noise."""
    if not isinstance(plan, Mapping) or set(plan) != set(PLAN_KEYS):
        raise ValueError(f"a plan is a dict with exactly the keys {PLAN_KEYS}, got {plan!r}")
    counts = {k: plan[k] for k in PLAN_KEYS[:3]}
    for key, value in counts.items():
        if not float(value).is_integer() or value < 0:
            raise ValueError(f"plan[{key!r}] must be a non-negative whole number, got {value!r}")
    if sum(counts.values()) > budget:
        raise ValueError(
            f"the plan buys {sum(counts.values())} labelled steps, the budget is {budget}"
        )
    if sum(counts.values()) < 1:
        raise ValueError("the plan buys no labelled step")
    noise = float(plan["noise"])
    if not 0.0 <= noise < 1.0:
        raise ValueError(f"plan['noise'] must lie in [0, 1), got {noise}")
    return {**{k: int(v) for k, v in counts.items()}, "noise": noise}


def train_from_plan(
    world: EditWorld, plan: Mapping, budget: int, rng: np.random.Generator
) -> np.ndarray:
    """A copier trained on a plan's data: expert demonstrations, DART demonstrations with the plan's
    noise, then (if any) the copier's own rollouts labelled by the expert (one DAgger round)."""
    plan = check_plan(plan, budget)
    parts_f, parts_l = [], []
    if plan["expert"]:
        demos = rollout(
            world,
            no_recovery_policy,
            plan["expert"] // TRAIN_HORIZON + 1,
            TRAIN_HORIZON,
            rng,
            eps=0.0,
            record=True,
        )
        parts_f.append(demos.features[: plan["expert"]])
        parts_l.append(demos.labels[: plan["expert"]])
    if plan["perturbed"]:
        f, labels = perturbed_demonstrations(
            world, plan["perturbed"], TRAIN_HORIZON, plan["noise"], rng
        )
        parts_f.append(f)
        parts_l.append(labels)
    if plan["aggregated"]:
        if parts_f:
            first = linear_policy(fit(world, np.concatenate(parts_f), np.concatenate(parts_l)))
        else:  # nothing to copy yet: the first rollouts are a uniform policy's
            first = linear_policy(np.zeros((n_features(world), world.n_actions)))
        visited = rollout(
            world, first, plan["aggregated"] // TRAIN_HORIZON + 1, TRAIN_HORIZON, rng, record=True
        )
        parts_f.append(visited.features[: plan["aggregated"]])
        parts_l.append(visited.labels[: plan["aggregated"]])
    return fit(world, np.concatenate(parts_f), np.concatenate(parts_l))


def plan_success(
    plan: Mapping, seeds: Iterable[int], budget: int, horizon: int = 16, episodes: int = 200
) -> np.ndarray:
    """Success at ``horizon`` of the copier trained on ``plan``, one value per world seed."""
    out = []
    for seed in seeds:
        world = make_edit_world(int(seed))
        weights = train_from_plan(world, plan, budget, np.random.default_rng([int(seed), 5]))
        out.append(
            success_rate(
                world, linear_policy(weights, greedy=True), horizon, [int(seed), 6], episodes
            )
        )
    return np.array(out)


__all__ = [
    "ARMS",
    "HORIZONS",
    "arms_experiment",
    "check_plan",
    "paired_table",
    "plan_success",
    "rule_experiment",
    "run_arms",
    "success_summary",
    "train_arms",
    "train_from_plan",
]


def rule_experiment(
    seed: int, rule: RecoveryRule, horizons: Sequence[int] = HORIZONS, episodes: int = 200
) -> pd.DataFrame:
    """The clone with and without a recovery ``rule`` (lesson 13's exercise), and no recovery.

    Returns a tidy DataFrame like :func:`arms_experiment` (reversible steps only).
    """
    world = make_edit_world(seed)
    clone = linear_policy(
        clone_expert(world, DEMO_BUDGET, TRAIN_HORIZON, np.random.default_rng([seed, 1])),
        greedy=True,
    )
    policies = {
        "no recovery": no_recovery_policy,
        "behaviour cloning": clone,
        "clone + your rule": with_recovery_rule(clone, rule),
    }
    rows = []
    for arm, policy in policies.items():
        rates = success_by_horizon(world, policy, horizons, [seed, 9], episodes)
        rows += [
            {
                "seed": seed,
                "arm": arm,
                "horizon": h,
                "irreversible": 0.0,
                "success": r,
                "tasks": episodes,
            }
            for h, r in rates.items()
        ]
    return pd.DataFrame(rows)
