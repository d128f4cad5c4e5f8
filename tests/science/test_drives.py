"""Lesson 10's headline effects over seeds, with margins, including where each disappears.

Each test says which result could have come out otherwise.
"""

import numpy as np
import pandas as pd
import pytest

from worldlab.course.references import load_reference
from worldlab.drives.homeostasis import (
    behaviour,
    evolve_genomes,
    plan_lifetime,
    simulate,
    survival,
    tournament_select,
)
from worldlab.stats import paired_difference
from worldlab.worlds.seasons import Ecology

LESSON = "10-drives-and-homeostasis"
SEEDS = range(100, 112)


@pytest.fixture(scope="module")
def ref():
    names = ("homeostatic_reward", "value_backup")
    return {name: load_reference(LESSON, name) for name in names} | {
        "tournament_select": tournament_select
    }


def _behaviour(ecology, genome, ref, seed, n=50):
    policy = plan_lifetime(ecology, genome, ref["homeostatic_reward"], ref["value_backup"])
    return behaviour(
        ecology, simulate(ecology, policy, n, np.random.default_rng(seed)), genome["setpoint"]
    )


def test_far_sighted_foragers_stock_up_before_winter_and_not_without_one(ref):
    """Could fail: the cost of a drive above the set-point could outweigh winter's hunger."""
    rows = []
    for winter in (8, 0):
        ecology = Ecology(winter_length=winter)
        for name, gamma in (("far", 0.99), ("myopic", 0.6)):
            genome = {"setpoint": 10, "gamma": gamma, "eat_bonus": 0.0}
            for seed in SEEDS:
                rows.append(
                    {
                        "seed": seed,
                        "winter": winter,
                        "agent": name,
                        **_behaviour(ecology, genome, ref, seed),
                    }
                )
    table = pd.DataFrame(rows)
    with_winter = table[table.winter == 8]
    d = paired_difference(with_winter, by="agent", a="far", b="myopic", value="energy_at_winter")
    assert d["ci_low"] > 2.0, d
    assert with_winter[with_winter.agent == "far"]["stocking_up"].mean() > 0.3
    # Stocking up measured without a definitional zero: time above the set-point. Without winter
    # a far-sighted forager still keeps a reserve (food is uncertain); winter makes it larger.
    above = {}
    for winter in (0, 8):
        at = table[table.winter == winter]
        above[winter] = paired_difference(at, "agent", "far", "myopic", value="above_setpoint")
    assert above[0]["ci_low"] > 0.05, above
    assert above[8]["mean"] > above[0]["mean"] + 0.15, above


def test_a_frozen_instinct_overeats_in_captivity_and_matches_the_drive_in_the_wild(ref):
    """Could fail: the wild policy might already stop eating above the set-point."""
    genome = {"setpoint": 10, "gamma": 0.95, "eat_bonus": 0.0}
    wild = Ecology(winter_length=0, meal_size=10, p_food=0.15, predation=0.0)
    captive = Ecology(winter_length=0, meal_size=10, p_food=1.0, predation=0.0)
    instinct = plan_lifetime(wild, genome, ref["homeostatic_reward"], ref["value_backup"])
    replanned = plan_lifetime(captive, genome, ref["homeostatic_reward"], ref["value_backup"])
    fed = [
        behaviour(captive, simulate(captive, p, 50, np.random.default_rng(1)), 10)["mean_energy"]
        for p in (instinct, replanned)
    ]
    assert fed[0] > fed[1] + 2.0
    in_wild = [
        behaviour(wild, simulate(wild, instinct, 50, np.random.default_rng(s)), 10) for s in SEEDS
    ]
    assert np.mean([b["meals"] for b in in_wild]) < 0.15  # the hunter eats rarely


def test_evolution_favours_different_drives_in_different_worlds(ref):
    """Could fail: one genome could be best everywhere."""
    worlds = {
        "winter": Ecology(winter_length=12, predation=0.005),
        "danger": Ecology(winter_length=0, predation=0.05, p_food=0.8),
    }
    runs = range(200, 210)  # each run of evolution is one unit (the lesson's small GA)
    best = {name: [] for name in worlds}
    for run in runs:
        for name, world in worlds.items():
            result = evolve_genomes(
                world,
                ref["tournament_select"],
                ref["homeostatic_reward"],
                ref["value_backup"],
                np.random.default_rng([run, 99]),
                population=8,
                generations=5,
                n_episodes=32,
                lifetime=48,
            )
            best[name].append(result["best"])
    setpoints = [
        w["setpoint"] - d["setpoint"] for w, d in zip(best["winter"], best["danger"], strict=True)
    ]
    assert np.mean(setpoints) > 2, setpoints

    rows = []
    for run, genomes in zip(runs, zip(best["winter"], best["danger"], strict=True), strict=True):
        for home, genome in zip(worlds, genomes, strict=True):
            for lives, world in worlds.items():
                fitness = survival(
                    world,
                    genome,
                    ref["homeostatic_reward"],
                    ref["value_backup"],
                    np.random.default_rng([run, 1]),
                )
                rows.append({"seed": run, "home": home, "lives": lives, "survival": fitness})
    table = pd.DataFrame(rows)
    for home, away in (("winter", "danger"), ("danger", "winter")):
        at = table[table.lives == home]
        d = paired_difference(at, "home", home, away, value="survival")
        assert d["ci_low"] > 0.03, (home, d)
