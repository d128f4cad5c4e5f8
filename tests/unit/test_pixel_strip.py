"""Unit tests for the pixel-strip world and its lossless frame tokeniser."""

import numpy as np
import pytest

from worldlab.worlds import pixel_strip as ps


def test_step_positions_moves_and_stops_at_walls():
    positions = np.array([0, 0, 3, 7, 7])
    actions = np.array([0, 2, 1, 2, 0])
    assert ps.step_positions(positions, actions, width=8).tolist() == [0, 1, 3, 7, 6]


def test_step_positions_slip_needs_rng_and_changes_some_moves():
    positions = np.full(2000, 4)
    actions = np.full(2000, 2)
    with pytest.raises(ValueError, match="rng"):
        ps.step_positions(positions, actions, 8, slip=0.5)
    moved = ps.step_positions(positions, actions, 8, slip=0.3, rng=np.random.default_rng(0))
    # slips apply a random action: 2/3 of slips change the outcome, so about 20% of moves
    assert 0.15 < np.mean(moved != 5) < 0.25


@pytest.mark.parametrize(
    ("positions", "actions", "error"),
    [
        (np.array([8]), np.array([1]), ValueError),
        (np.array([1]), np.array([3]), ValueError),
        (np.array([1, 2]), np.array([1]), ValueError),
        (np.array([1.0]), np.array([1]), TypeError),
    ],
)
def test_step_positions_validates(positions, actions, error):
    with pytest.raises(error):
        ps.step_positions(positions, actions, width=8)


def test_expert_steps_towards_goal_and_stays_on_it():
    rng = np.random.default_rng(0)
    actions = ps.choose_actions(np.array([0, 5, 3]), np.array([4, 2, 3]), "expert", rng)
    assert actions.tolist() == [2, 0, 1]


def test_random_policy_uses_all_actions_evenly():
    actions = ps.choose_actions(
        np.zeros(3000, int), np.zeros(3000, int), "random", np.random.default_rng(1)
    )
    assert np.allclose(np.bincount(actions, minlength=3) / 3000, 1 / 3, atol=0.03)


def test_choose_actions_rejects_unknown_policy():
    with pytest.raises(ValueError, match="policy"):
        ps.choose_actions(np.zeros(2, int), np.zeros(2, int), "greedy", np.random.default_rng(0))


def test_collect_episodes_shapes_and_reproducible():
    a = ps.collect_episodes(3, "random", n_episodes=5, n_steps=7, width=6)
    b = ps.collect_episodes(3, "random", n_episodes=5, n_steps=7, width=6)
    assert a.positions.shape == (5, 8) and a.actions.shape == (5, 7) and a.goals.shape == (5,)
    assert np.array_equal(a.positions, b.positions) and np.array_equal(a.actions, b.actions)
    assert a.n_episodes == 5 and a.n_steps == 7
    replay = ps.step_positions(a.positions[:, :-1], a.actions, 6)
    assert np.array_equal(replay, a.positions[:, 1:]), "without slip, positions follow actions"


def test_expert_episodes_reach_the_goal():
    episodes = ps.collect_episodes(0, "expert", n_episodes=50, n_steps=8, width=8)
    assert np.array_equal(episodes.positions[:, -1], episodes.goals)


def test_render_frames_marks_agent_and_goal():
    frames = ps.render_frames(np.array([1, 2]), np.array([3, 2]), width=4)
    assert frames.shape == (2, 2, 4) and frames.dtype == np.uint8
    assert frames[0, 0].tolist() == [0, 255, 0, 0]
    assert frames[0, 1].tolist() == [0, 0, 0, 128]
    assert frames[1, 0].tolist() == [0, 0, 255, 0] and frames[1, 1].tolist() == [0, 0, 128, 0]


def test_all_frames_are_distinct():
    frames = ps.all_frames(5)
    assert frames.shape == (25, 2, 5)
    assert len(np.unique(frames.reshape(25, -1), axis=0)) == 25


def test_codebook_is_lossless_and_orders_by_first_appearance():
    episodes = ps.collect_episodes(1, "random", n_episodes=20, n_steps=10, width=5)
    frames = episodes.frames()
    codebook = ps.FrameCodebook.fit(frames)
    tokens = codebook.encode(frames)
    assert tokens.shape == (20, 11)
    assert tokens.flat[0] == 0
    assert np.array_equal(codebook.decode(tokens), frames)
    assert codebook.size == len(np.unique(frames.reshape(-1, 10), axis=0))


def test_codebook_rejects_unknown_frames_and_bad_input():
    codebook = ps.FrameCodebook(ps.all_frames(4)[:3])
    with pytest.raises(ValueError, match="not in the codebook"):
        codebook.encode(ps.all_frames(4)[5])
    with pytest.raises(ValueError, match="uint8"):
        codebook.encode(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="pictures"):
        codebook.encode(np.zeros((2, 5), dtype=np.uint8))
    with pytest.raises(ValueError, match="tokens"):
        codebook.decode(np.array([3]))
    with pytest.raises(ValueError, match="distinct"):
        ps.FrameCodebook(np.zeros((2, 2, 4), dtype=np.uint8))


def test_interleave_tokens_alternates_frames_and_actions():
    obs = np.array([[0, 1, 2], [3, 3, 4]])
    actions = np.array([[2, 0], [1, 2]])
    stream = ps.interleave_tokens(obs, actions, n_obs_tokens=5)
    assert stream.tolist() == [[0, 7, 1, 5, 2], [3, 6, 3, 7, 4]]
    with pytest.raises(ValueError, match="n_episodes"):
        ps.interleave_tokens(obs, actions[:, :1], 5)
    with pytest.raises(ValueError, match="frame tokens"):
        ps.interleave_tokens(obs, actions, 4)
