"""Unit tests of the stream of conflicting tasks."""

import numpy as np
import pytest

from worldlab.worlds.task_stream import (
    label_agreement,
    label_points,
    make_task_stream,
    task_inputs,
)


def test_shapes_and_layout():
    stream = make_task_stream(0, n_tasks=4, n_train=30, n_test=50, n_distractors=3)
    assert stream.n_tasks == 4
    assert stream.n_features == 2 + 3 + 4
    for t, task in enumerate(stream.tasks):
        assert task.index == t
        assert task.X_train.shape == (30, 9) and task.y_train.shape == (30,)
        assert task.X_test.shape == (50, 9) and task.y_test.shape == (50,)
        cue = task.X_train[:, -4:]
        expected = np.zeros(4)
        expected[t] = stream.cue_strength
        np.testing.assert_array_equal(cue, np.tile(expected, (30, 1)))
        np.testing.assert_array_equal(task.y_train, label_points(task.X_train, task.angle))
        assert set(np.unique(task.y_train)) <= {0, 1}


def test_boundaries_are_spread_over_half_a_turn():
    stream = make_task_stream(3, n_tasks=5)
    gaps = np.diff(np.unwrap(stream.angles))
    np.testing.assert_allclose(gaps, np.pi / 5)


def test_same_seed_same_stream_and_seeds_differ():
    a, b, c = make_task_stream(7), make_task_stream(7), make_task_stream(8)
    np.testing.assert_array_equal(a.tasks[2].X_train, b.tasks[2].X_train)
    assert a.angles[0] != c.angles[0]


def test_training_data_so_far_stacks_tasks_in_order():
    stream = make_task_stream(0, n_tasks=3, n_train=10)
    X, y = stream.training_data_so_far(1)
    assert X.shape == (20, stream.n_features)
    np.testing.assert_array_equal(X[10:], stream.tasks[1].X_train)
    np.testing.assert_array_equal(y[:10], stream.tasks[0].y_train)
    with pytest.raises(ValueError, match="last_task"):
        stream.training_data_so_far(3)


def test_label_agreement_formula_and_data_agree():
    assert label_agreement(0.3, 0.3) == pytest.approx(1.0)
    assert label_agreement(0.0, np.pi / 2) == pytest.approx(0.5)
    assert label_agreement(0.0, np.pi) == pytest.approx(0.0)
    assert label_agreement(0.1, 0.1 + 2 * np.pi) == pytest.approx(1.0)
    points = np.random.default_rng(0).normal(size=(20000, 2))
    same = np.mean(label_points(points, 0.2) == label_points(points, 1.0))
    assert same == pytest.approx(label_agreement(0.2, 1.0), abs=0.015)


def test_task_inputs_and_validation():
    X = task_inputs(np.ones((2, 3)), 1, 3, 2.0)
    np.testing.assert_array_equal(X[0], [1, 1, 1, 0, 2, 0])
    with pytest.raises(ValueError, match="task_index"):
        task_inputs(np.ones((2, 3)), 3, 3, 2.0)
    with pytest.raises(ValueError, match="2-D"):
        task_inputs(np.ones(3), 0, 3, 2.0)
    with pytest.raises(ValueError, match=r"\(n, m\)"):
        label_points(np.ones((4, 1)), 0.0)


@pytest.mark.parametrize(
    "kwargs",
    [{"n_tasks": 0}, {"n_train": 0}, {"n_distractors": -1}, {"cue_strength": -1.0},
     {"n_tasks": 2.5}],
)  # fmt: skip
def test_make_task_stream_validates(kwargs):
    with pytest.raises(ValueError):
        make_task_stream(0, **kwargs)
