"""Unit tests of lesson 14's kit: the world, the trainers, the probe, the token model, planning."""

import numpy as np
import pytest

from worldlab.course.references import load_reference
from worldlab.representations.measures import (
    TokenModel,
    latent_chooser,
    planning_success,
    probe_r2,
)
from worldlab.representations.models import (
    train_latent_predictor,
    train_pixel_predictor,
    whitening,
)
from worldlab.worlds import distracted_strip as world

LESSON = "14-predicting-in-a-representation"


def squared(predicted, target):  # the kit's tests need a loss; this is a plain one
    difference = predicted - target
    return float((difference**2).sum() / len(difference)), 2 * difference / len(difference)


def test_frames_show_the_agent_and_a_distractor_of_the_given_strength():
    clean = world.collect(0, 0.0, n_episodes=5, n_steps=10)
    assert clean.frames.shape == (5, 11, world.HEIGHT, world.WIDTH)
    assert np.array_equal(clean.frames[..., 0, :].argmax(-1), clean.positions)
    noisy = world.collect(0, 4.0, n_episodes=50, n_steps=20)
    agent = world.render(noisy.positions, np.zeros_like(noisy.weights), 0.0, 0)
    ratio = (noisy.frames - agent).std() / agent.std()
    assert 3.0 < ratio < 5.0
    assert np.array_equal(noisy.positions, world.collect(0, 0.0, 50, 20).positions)


def test_the_world_moves_by_actions_and_stops_at_walls():
    ep = world.collect(3, 1.0, n_episodes=20, n_steps=15)
    moved = ep.positions[:, 1:] - ep.positions[:, :-1]
    expected = np.clip(ep.positions[:, :-1] + np.array([-1, 0, 1])[ep.actions], 0, 9)
    assert np.array_equal(ep.positions[:, 1:], expected) and np.abs(moved).max() == 1


def test_distractor_weights_keep_part_of_the_last_frame():
    ep = world.collect(1, 1.0, n_episodes=200, n_steps=20)
    w = ep.weights
    r = np.corrcoef(w[:, :-1].ravel(), w[:, 1:].ravel())[0, 1]
    assert abs(r - world.RHO) < 0.05


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="strength"):
        world.collect(0, -1.0)
    with pytest.raises(ValueError, match="positions"):
        world.render(np.array([10]), np.zeros((1, world.N_TEXTURES)), 0.0, 0)
    x, a, xn, _ = world.collect(0, 0.0, 2, 5).transitions()
    with pytest.raises(ValueError, match="weight"):
        train_latent_predictor(x, a, xn, 2, loss=squared, weight=-1)
    with pytest.raises(ValueError, match="gradient of shape"):
        train_latent_predictor(x, a, xn, 2, loss=lambda p, t: (0.0, np.zeros(3)))


def test_whitening_gives_identity_covariance():
    x = np.random.default_rng(0).normal(0, 1, (200, 5)) @ np.diag([1, 2, 3, 4, 5.0])
    mean, matrix = whitening(x)
    assert np.allclose(np.cov(((x - mean) @ matrix).T), np.eye(5), atol=1e-8)


def test_trainers_call_the_given_loss_and_reduce_it():
    x, a, xn, _ = world.collect(0, 0.5, 10, 20).transitions()
    calls = []

    def counting(p, t):
        calls.append(p.shape)
        return squared(p, t)

    pixels = train_pixel_predictor(x, a, xn, 3, loss=counting, steps=30)
    assert len(calls) == 30 and calls[0] == xn.shape
    assert pixels.history["loss"][-1] < pixels.history["loss"][0]
    latent = train_latent_predictor(x, a, xn, 3, loss=squared, steps=30)
    z = latent.embed(x)
    assert z.shape == (len(x), 3)
    assert latent.predict_embedding(z, a).shape == z.shape
    assert pixels.predict_embedding(pixels.embed(x), a).shape == (len(x), 3)


def test_probe_is_perfect_on_position_and_blind_to_a_shrunk_embedding():
    positions = np.arange(100) % 10
    z = np.c_[positions, np.random.default_rng(0).normal(0, 1, 100)]
    assert probe_r2(z, positions, z, positions) > 0.99
    assert probe_r2(1e-4 * z, positions, 1e-4 * z, positions) < 0.1


def test_token_model_plans_perfectly_in_a_clean_world():
    x, a, xn, p = world.collect(0, 0.0, 30, 30).transitions()
    tokens = TokenModel(x, a, xn, n_tokens=20, seed=0)
    assert probe_r2(tokens.embed(x), p, tokens.embed(x), p) > 0.98
    assert planning_success(tokens.choose, 5, 0.0, 0) > 0.9


def test_planning_counts_reached_goals_and_the_latent_planner_uses_its_model():
    def oracle(frames, goal_frames, rng):  # reads the cells off the clean frames
        here, goal = frames[:, 0].argmax(-1), goal_frames[:, 0].argmax(-1)
        return 1 + np.sign(goal - here)

    assert planning_success(oracle, 0, 0.0, 0) == 1.0
    assert planning_success(lambda f, g, rng: rng.integers(0, 3, len(f)), 0, 0.0, 0) < 0.5
    loss = load_reference(LESSON, "embedding_prediction_loss")
    penalty = load_reference(LESSON, "variance_covariance_penalty")
    x, a, xn, _ = world.collect(0, 0.0, 20, 30).transitions()
    model = train_latent_predictor(x, a, xn, 4, loss=loss, penalty=penalty, weight=1.0)
    assert planning_success(latent_chooser(model), 0, 0.0, 0) > 0.6


def test_verdict_rows_judge_each_rule_on_its_paired_table():
    import pandas as pd

    from worldlab.representations.verdict import RULES, verdict_rows

    rows = []
    for seed in range(5):
        for strength in (0.0, 4.0):
            for arm, readout, planning in (
                ("pixels", 0.9 - 0.8 * strength / 4, 0.5),
                ("latent", 0.95, 0.9 + 0.01 * seed),
                ("latent, no anti-collapse", 0.7, 0.4),
                ("image tokens", 0.9, 0.3),
            ):
                rows.append(
                    {"seed": seed, "strength": strength, "arm": arm}
                    | {"readout": readout + 0.01 * seed, "planning": planning}
                )
    judged = verdict_rows(pd.DataFrame(rows))
    assert [row.claim for row in judged] == [rule.claim for rule, _ in RULES]
    # C33 (optimists: "not yet useful"): latent − pixels plans +0.4 better, beyond the useful 0.1
    assert judged[0].status == "contradicted"
