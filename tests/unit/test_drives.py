"""The seasonal forager's world, the lifetime planner and the genetic algorithm: shapes and rules."""

import numpy as np
import pytest

from worldlab.course.references import load_reference
from worldlab.drives.homeostasis import (
    behaviour,
    check_genome,
    evolve_genomes,
    mutate_genome,
    plan_lifetime,
    reward_table,
    simulate,
    tournament_select,
)
from worldlab.worlds.seasons import ACTIONS, Ecology

LESSON = "10-drives-and-homeostasis"


@pytest.fixture(scope="module")
def ref():
    names = ("homeostatic_reward", "value_backup")
    return {name: load_reference(LESSON, name) for name in names} | {
        "tournament_select": tournament_select
    }


def test_step_tables_are_distributions_and_follow_the_rules():
    ecology = Ecology(meal_size=3, p_food=0.6, predation=0.1)
    next_state, probability, meal = ecology.step_table(0)
    assert next_state.shape == probability.shape == meal.shape == (3, ecology.n_states, 3)
    assert np.allclose(probability.sum(axis=2), 1.0)
    forage, field_5 = ACTIONS.index("forage"), ecology.state(1, 5)
    assert np.allclose(probability[forage, field_5], [0.9 * 0.6, 0.9 * 0.4, 0.1])
    assert next_state[forage, field_5, 0] == ecology.state(1, 7)  # 5 - 1 + 3
    rest_den = ecology.state(0, 1)
    assert next_state[ACTIONS.index("rest"), rest_den, 1] == ecology.dead  # no meal: starves at 0
    winter = ecology.step_table(ecology.year_length - 1)[1]
    assert winter[forage, field_5, 0] == 0.0  # no food in winter
    with pytest.raises(ValueError):
        Ecology(winter_length=30)


def test_genomes_and_rewards_are_checked(ref):
    ecology = Ecology()
    with pytest.raises(ValueError, match="exactly the keys"):
        check_genome({"setpoint": 3}, ecology)
    with pytest.raises(ValueError, match="gamma"):
        check_genome({"setpoint": 3, "gamma": 1.0, "eat_bonus": 0.0}, ecology)
    genome = {"setpoint": 10, "gamma": 0.9, "eat_bonus": 5.0}
    reward = reward_table(ecology, 0, genome, ref["homeostatic_reward"])
    assert reward.shape == (3, ecology.n_states, 3) and (reward[:, ecology.dead] == 0).all()
    with pytest.raises(ValueError, match="one reward per outcome"):
        reward_table(ecology, 0, genome, lambda h, h_next, s: 0.0)
    assert check_genome(mutate_genome(genome, ecology, np.random.default_rng(0)), ecology) is None


def test_planner_and_simulation_shapes_and_survival_accounting(ref):
    ecology = Ecology(predation=0.0)
    genome = {"setpoint": 10, "gamma": 0.9, "eat_bonus": 0.0}
    policy = plan_lifetime(
        ecology, genome, ref["homeostatic_reward"], ref["value_backup"], lifetime=48
    )
    assert policy.shape == (48, ecology.n_states) and policy.max() < len(ACTIONS)
    lives = simulate(ecology, policy, 20, np.random.default_rng(0))
    assert lives["states"].shape == (20, 49) and lives["actions"].shape == (20, 48)
    dead = lives["states"] == ecology.dead
    assert (dead[:, 1:] >= dead[:, :-1]).all(), "death is absorbing"
    summary = behaviour(ecology, lives, setpoint=10, years=(0, 2))
    assert 0.0 <= summary["survival"] <= 1.0 and 0.0 <= summary["foraging"] <= 1.0


def test_the_genetic_algorithm_keeps_its_elite_and_checks_selection(ref):
    ecology = Ecology()
    result = evolve_genomes(
        ecology,
        ref["tournament_select"],
        ref["homeostatic_reward"],
        ref["value_backup"],
        np.random.default_rng(0),
        population=6,
        generations=3,
        n_episodes=16,
    )
    assert len(result["top_fitness"]) == 3 and check_genome(result["best"], ecology) is None
    with pytest.raises(ValueError, match="indices into the population"):
        evolve_genomes(
            ecology,
            lambda f, n, rng: np.zeros(n + 1, dtype=int),
            ref["homeostatic_reward"],
            ref["value_backup"],
            np.random.default_rng(0),
            population=4,
            generations=1,
            n_episodes=4,
        )


def test_every_figure_and_the_demo_draw(ref):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from ipywidgets import FloatSlider, IntSlider

    from worldlab.drives.plots import drives_demo, plot_drive
    from worldlab.widgets import build_demo

    plot_drive(ref["homeostatic_reward"])
    demo = build_demo(
        lambda winter_length, meal_size, predation: drives_demo(
            winter_length, meal_size, predation, ref["homeostatic_reward"], ref["value_backup"]
        ),
        winter_length=IntSlider(value=8, min=0, max=16),
        meal_size=IntSlider(value=3, min=1, max=10),
        predation=FloatSlider(value=0.01, min=0.0, max=0.1, step=0.005),
    )
    for control in demo.children[:3]:
        for end in (control.min, control.max):
            control.value = end
    plt.close("all")


def test_stocking_up_is_undefined_without_winter_not_zero():
    """Issue 24: a forager in a world without winter "stocked up 0.00" by definition."""
    ecology = Ecology(winter_length=0)
    policy = np.zeros((48, ecology.n_states), dtype=int)  # rest forever
    lives = simulate(ecology, policy, 5, np.random.default_rng(0))
    result = behaviour(ecology, lives, setpoint=10)
    assert np.isnan(result["stocking_up"]) and np.isnan(result["energy_at_winter"])


def test_tournament_select_follows_its_stated_rules():
    # the genetic algorithm's selection (an exercise until issue 25 moved it into the kit)
    rng = np.random.default_rng(0)
    fitness = np.array([0.1, 0.9, 0.5, 0.3])
    chosen = tournament_select(fitness, 20000, rng)
    assert chosen.shape == (20000,) and chosen.min() >= 0 and chosen.max() < 4
    # drawn with replacement from the whole population: the fittest wins 1 - (3/4)^3 of them
    assert abs(np.mean(chosen == 1) - (1 - 0.75**3)) < 0.015
    assert abs(np.mean(chosen == 0) - 0.25**3) < 0.005  # the weakest wins only against itself
    # a tie goes to the first entrant drawn, so tied individuals win equally often
    tied = tournament_select(np.array([5.0, 0.0, 5.0, 5.0, 0.0]), 30000, rng, tournament_size=2)
    shares = [np.mean(tied == i) for i in (0, 2, 3)]
    assert max(shares) - min(shares) < 0.02
