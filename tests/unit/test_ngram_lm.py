"""Unit tests of the n-gram models and the novelty measurements."""

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest

from worldlab.ngram_lm import (
    BOS,
    EOS,
    apply_temperature,
    closure_experiment,
    closure_membership,
    fit_ngram,
    in_closure,
    ngram_novelty,
    ngram_set,
    ngrams,
    novelty_curve,
    novelty_demo,
    sentence_novelty,
)

TRAIN = [("a", "b", "c"), ("a", "c"), ("b", "c", "a")]


def test_ngrams_with_and_without_padding():
    assert ngrams(("a", "b", "c"), 2) == [("a", "b"), ("b", "c")]
    assert ngrams(("a",), 2) == []
    assert ngrams(("a", "b"), 3, pad=True) == [(BOS, BOS, "a"), (BOS, "a", "b"), ("a", "b", EOS)]
    with pytest.raises(ValueError, match="positive integer"):
        ngrams(("a",), 0)


def test_ngram_novelty_counts_occurrences():
    generated = [("a", "b", "a", "b"), ("c", "c")]
    # bigrams: ab ba ab | cc ; seen in TRAIN: ab (and bc, ac, ca). Novel: ba, cc -> 2 of 4
    assert ngram_novelty(generated, TRAIN, 2) == pytest.approx(0.5)
    assert ngram_novelty(generated, TRAIN, 1) == 0.0
    assert math.isnan(ngram_novelty([("a",)], TRAIN, 2))
    assert ngram_novelty(TRAIN, TRAIN, 3) == 0.0


def test_ngram_novelty_rejects_a_bare_string():
    with pytest.raises(TypeError, match="list of sentences"):
        ngram_novelty("a b c", TRAIN, 2)


def test_novelty_curve_and_sentence_novelty():
    curve = novelty_curve([("a", "b", "c", "a")], TRAIN, max_n=4)
    assert curve.shape == (4,)
    assert curve[0] == 0.0 and curve[-1] == 1.0
    assert sentence_novelty([("a", "b", "c"), ("c", "b")], TRAIN) == 0.5


def test_in_closure_uses_the_padded_ngrams():
    assert in_closure(("a", "b", "c"), TRAIN, 2)
    assert in_closure(("a", "c", "a", "b", "c"), TRAIN, 2)  # new, but every bigram was seen
    assert not in_closure(("c", "a"), TRAIN, 2)  # no training sentence starts with c
    assert not in_closure(("a", "b"), TRAIN, 2)  # b never ends a training sentence
    assert not in_closure(("a", "c", "a", "b", "c"), TRAIN, 3)
    membership = closure_membership([("a", "b", "c"), ("c", "a")], TRAIN, 2)
    assert membership.tolist() == [True, False]
    assert ngram_set(TRAIN, 1) == {("a",), ("b",), ("c",)}


def test_apply_temperature():
    p = np.array([0.5, 0.3, 0.2, 0.0])
    assert np.allclose(apply_temperature(p, 1.0), p)
    hot = apply_temperature(p, 100.0)
    assert np.allclose(hot[:3], 1 / 3, atol=0.01) and hot[3] == 0.0
    cold = apply_temperature(p, 0.01)
    assert cold[0] == pytest.approx(1.0)
    batch = apply_temperature(np.array([[0.9, 0.1], [0.2, 0.8]]), 0.5)
    assert batch.shape == (2, 2) and np.allclose(batch.sum(axis=1), 1)
    with pytest.raises(ValueError, match="temperature"):
        apply_temperature(p, 0.0)
    with pytest.raises(ValueError, match="non-negative"):
        apply_temperature(np.array([-0.1, 1.1]), 1.0)


def test_fit_and_next_word_distribution():
    model = fit_ngram(TRAIN, 2)
    words, probabilities = model.next_word_distribution(("a",))
    assert dict(zip(words, probabilities, strict=True)) == pytest.approx(
        {"b": 1 / 3, "c": 1 / 3, EOS: 1 / 3}
    )
    words, probabilities = model.next_word_distribution(())  # start of a sentence
    assert dict(zip(words, probabilities, strict=True)) == pytest.approx({"a": 2 / 3, "b": 1 / 3})
    assert model.next_word_distribution(("zzz",))[0] == ()
    smoothed = fit_ngram(TRAIN, 2, smoothing=1.0)
    words, probabilities = smoothed.next_word_distribution(("zzz",))
    assert len(words) == 4 and np.allclose(probabilities, 0.25)
    with pytest.raises(ValueError, match="smoothing"):
        fit_ngram(TRAIN, 2, smoothing=-1)
    with pytest.raises(ValueError, match="at least one sentence"):
        fit_ngram([], 2)


def test_log_probability():
    model = fit_ngram(TRAIN, 2)
    # <s>→a 2/3, a→b 1/3 (a is followed by b, c, </s>), b→c 1, c→</s> 2/3
    expected = np.log(2 / 3) + np.log(1 / 3) + np.log(1.0) + np.log(2 / 3)
    assert model.log_probability(("a", "b", "c")) == pytest.approx(expected)
    assert model.log_probability(("c", "a")) == float("-inf")


def test_sample_is_seeded_and_in_closure():
    model = fit_ngram(TRAIN, 2)
    first = model.sample(50, seed=1)
    assert first == model.sample(50, seed=1)
    assert len(first) == 50
    assert closure_membership(first, TRAIN, 2).all()
    sentences, finished = model.sample(5, seed=1, max_words=1, return_finished=True)
    assert finished.shape == (5,) and not finished.any()
    assert all(len(s) == 1 for s in sentences)
    with pytest.raises(ValueError, match="temperature"):
        model.sample(3, seed=0, temperature=-1)


def test_unigram_model_samples():
    model = fit_ngram(TRAIN, 1)
    assert all(set(s) <= {"a", "b", "c"} for s in model.sample(20, seed=0))


def test_closure_experiment_keys_and_ranges():
    result = closure_experiment(0, n=2, n_train=200, n_generated=50, max_n=3)
    for key in ("novelty_1", "heldout_novelty_3", "sentence_novelty", "grammatical", "in_closure"):
        assert 0.0 <= result[key] <= 1.0
    assert result["novelty_2"] == 0.0


def test_novelty_demo_draws_one_figure():
    novelty_demo(n=3, temperature=1.5, seed=1)
    assert len(plt.get_fignums()) == 1
    axes = plt.gcf().axes
    assert len(axes) == 2 and axes[0].get_xlabel() and axes[0].get_ylabel()
