"""The task families behave as the lesson says, on 10 seeds."""

import numpy as np

from worldlab.rlvr.training import (
    base_chain_policy,
    base_strategy_policy,
    chain_success_probability,
)
from worldlab.worlds.strategy_tasks import (
    make_chain_world,
    make_strategy_world,
    problem_features,
)

SEEDS = range(10)


def test_the_base_wastes_mass_on_popular_strategies_that_do_not_work():
    wasted, popular_where_useless = [], []
    for seed in SEEDS:
        world = make_strategy_world(seed)
        base = base_strategy_policy(world, seed)
        logits = problem_features(np.arange(world.n_types), world.n_types) @ base
        probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        useless = world.success_chance == 0
        wasted.append(np.mean(np.sum(probabilities * useless, axis=1)))
        top3 = np.argsort(world.popularity)[::-1][:3]
        popular_where_useless.append(np.mean(probabilities[:, top3][useless[:, top3]]))
        assert probabilities.min() > 1e-4  # every strategy stays in the base's support
    assert np.mean(wasted) > 0.35  # a third or more of each try goes to strategies that never work
    uniform = 1 / 24
    assert np.mean(popular_where_useless) > 1.5 * uniform  # popularity, not usefulness


def test_chain_success_decays_geometrically_with_length():
    for seed in SEEDS:
        world = make_chain_world(seed)
        base = base_chain_policy(world, seed)
        one, five, ten = (chain_success_probability(base, world, n) for n in (1, 5, 10))
        assert 0.2 < one < 0.6
        assert np.isclose(ten, one**10) and ten < 1e-3 < five
