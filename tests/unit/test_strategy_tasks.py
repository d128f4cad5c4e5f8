"""Unit tests for worldlab.worlds.strategy_tasks."""

import numpy as np
import pytest

from worldlab.worlds.strategy_tasks import (
    DEFAULT_SPECIFIC_CHANCES,
    StrategyProblems,
    chain_demonstration_corpus,
    chain_features,
    demonstration_corpus,
    draw_problems,
    make_chain_world,
    make_strategy_world,
    problem_features,
    sample_chains,
    sample_problems,
    teacher_demonstrations,
    verify_chains,
    verify_strategies,
    zipf_popularity,
)


def test_world_structure():
    world = make_strategy_world(3)
    assert world.success_chance.shape == (8, 24)
    assert np.isclose(world.popularity.sum(), 1.0)
    assert set(world.in_domain_types) | set(world.out_of_domain_types) == set(range(8))
    assert not set(world.in_domain_types) & set(world.out_of_domain_types)
    for row in world.success_chance:
        specific = np.delete(row, world.general_strategies)
        assert sorted(specific[specific > 0], reverse=True) == list(DEFAULT_SPECIFIC_CHANCES)
    assert np.all(world.success_chance[:, world.general_strategies] == 0.25)
    again = make_strategy_world(3)
    np.testing.assert_array_equal(world.success_chance, again.success_chance)


def test_world_validates():
    with pytest.raises(ValueError):
        make_strategy_world(0, n_types=4, n_in_domain=4)
    with pytest.raises(ValueError):
        make_strategy_world(0, n_strategies=4, n_general=2)
    with pytest.raises(ValueError):
        make_strategy_world(0, specific_chances=(1.5,))
    with pytest.raises(TypeError):
        make_strategy_world("zero")
    with pytest.raises(ValueError):
        make_strategy_world(0).family_types("elsewhere")


def test_zipf_popularity():
    shares = zipf_popularity(5, 1.0, np.random.default_rng(0))
    assert np.isclose(shares.sum(), 1.0)
    np.testing.assert_allclose(
        np.sort(shares)[::-1], (1 / np.arange(1, 6)) / np.sum(1 / np.arange(1, 6))
    )


def test_problems_follow_the_chances():
    world = make_strategy_world(1)
    types = np.zeros(20000, dtype=int)
    problems = draw_problems(world, types, 0)
    np.testing.assert_allclose(problems.solves.mean(axis=0), world.success_chance[0], atol=0.02)
    family = sample_problems(world, 50, "out_of_domain", 1)
    assert set(family.types) <= set(world.out_of_domain_types)
    with pytest.raises(ValueError):
        draw_problems(world, np.array([9]), 0)


def test_verifier():
    problems = StrategyProblems(
        types=np.array([0, 1]), solves=np.array([[True, False, False], [False, False, True]])
    )
    np.testing.assert_array_equal(verify_strategies(problems, np.array([0, 0])), [1.0, 0.0])
    np.testing.assert_array_equal(
        verify_strategies(problems, np.array([[0, 1, 2], [2, 2, 1]])), [[1, 0, 0], [1, 1, 0]]
    )
    np.testing.assert_array_equal(problems.solvable, [True, True])
    with pytest.raises(ValueError):
        verify_strategies(problems, np.array([0, 3]))
    with pytest.raises(ValueError):
        verify_strategies(problems, np.array([0]))


def test_features():
    features = problem_features(np.array([2, 0]), 3)
    np.testing.assert_array_equal(features, [[0, 0, 1, 1], [1, 0, 0, 1]])
    with pytest.raises(ValueError):
        problem_features(np.array([3]), 3)


def test_corpus_is_skewed_toward_popular_strategies():
    world = make_strategy_world(2)
    types, strategies = demonstration_corpus(world, 20000, 0, correct_fraction=0.0)
    share = np.bincount(strategies, minlength=world.n_strategies) / strategies.size
    np.testing.assert_allclose(share, world.popularity, atol=0.01)
    useful_when_random = np.mean(world.success_chance[types, strategies] > 0)
    types, strategies = demonstration_corpus(world, 5000, 0, correct_fraction=1.0)
    # Only unsolvable problems (about 1 in 8) fall back to a popular strategy.
    useful_when_correct = np.mean(world.success_chance[types, strategies] > 0)
    assert useful_when_correct > 0.85 > useful_when_random
    with pytest.raises(ValueError):
        demonstration_corpus(world, 10, 0, correct_fraction=2.0)


def test_teacher_uses_working_strategies():
    world = make_strategy_world(4)
    problems = sample_problems(world, 200, "in_domain", 0)
    demos = teacher_demonstrations(problems, 5, 1)
    assert demos.shape == (200, 5)
    assert np.all(demos[~problems.solvable] == -1)
    solvable = np.flatnonzero(problems.solvable)
    assert np.all(problems.solves[solvable[:, None], demos[solvable]])


def test_chain_world_and_verifier():
    world = make_chain_world(0, n_cues=5, n_actions=4)
    cues = sample_chains(world, 6, 3, 1)
    assert cues.shape == (6, 3) and cues.max() < 5
    right = world.rule[cues]
    np.testing.assert_array_equal(verify_chains(world, cues, right), np.ones(6))
    wrong = right.copy()
    wrong[0, 2] = (wrong[0, 2] + 1) % 4
    assert verify_chains(world, cues, wrong)[0] == 0.0  # one wrong step fails the whole answer
    tries = np.stack([right, wrong], axis=1)
    assert verify_chains(world, cues, tries).shape == (6, 2)
    with pytest.raises(ValueError):
        verify_chains(world, cues, right[:, :2])
    features = chain_features(cues, 5)
    assert features.shape == (6, 3, 6) and np.all(features[..., 5] == 1)
    assert np.all(features[..., :5].sum(axis=-1) == 1)


def test_chain_corpus():
    world = make_chain_world(1)
    cues, actions = chain_demonstration_corpus(world, 20000, 0, correct_fraction=0.3)
    accuracy = np.mean(actions == world.rule[cues])
    expected = 0.3 + 0.7 * np.mean(world.popularity[world.rule])
    assert abs(accuracy - expected) < 0.02
