"""Unit tests of the n-gram models and the novelty measurements."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from ipywidgets import FloatSlider, IntSlider

from worldlab.course.references import load_reference
from worldlab.language.ngram_lm import (
    EOS,
    apply_temperature,
    closure_experiment,
    fit_ngram,
    ngram_novelty,
    novelty_demo,
    sentence_novelty,
)
from worldlab.widgets import build_demo

LESSON = "03-copying-and-closure"
TRAIN = [("a", "b", "c"), ("a", "c"), ("b", "c", "a")]
STEPS = {
    "novelty": ngram_novelty,
    "closure": load_reference(LESSON, "in_closure"),
}


def test_ngram_novelty_counts_occurrences_inside_each_sentence():
    tiny_train = [("a", "b", "c"), ("c", "a")]
    tiny_generated = [("a", "b", "a", "b"), ("c", "a")]
    assert ngram_novelty(tiny_generated, tiny_train, 2) == 0.25  # only "b a", 1 of 4 occurrences
    assert ngram_novelty(tiny_generated, tiny_train, 1) == 0.0
    assert np.isnan(ngram_novelty([("a", "b")], tiny_train, 3))  # no 3-gram: nan, not 0
    assert ngram_novelty([("b", "c")], [("a", "b"), ("c", "d")], 2) == 1.0  # training not joined
    assert np.isnan(ngram_novelty([("a",), ("b",)], [("a", "b")], 2))  # generated not joined
    assert ngram_novelty([("a", "b", "c")], [("a", "b", "c")], 3) == 0.0  # the last n-gram counts
    with pytest.raises(ValueError, match="positive integer"):
        ngram_novelty(tiny_generated, tiny_train, 0)


def test_sentence_novelty():
    assert sentence_novelty([("a", "b", "c"), ("c", "b")], TRAIN) == 0.5
    assert np.isnan(sentence_novelty([], TRAIN))


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
    assert all(STEPS["closure"](first, TRAIN, 2)), "an unsmoothed model writes inside its closure"
    sentences, finished = model.sample(5, seed=1, max_words=1, return_finished=True)
    assert finished.shape == (5,) and not finished.any()
    assert all(len(s) == 1 for s in sentences)
    with pytest.raises(ValueError, match="temperature"):
        model.sample(3, seed=0, temperature=-1)


def test_unigram_model_samples():
    model = fit_ngram(TRAIN, 1)
    assert all(set(s) <= {"a", "b", "c"} for s in model.sample(20, seed=0))


def test_closure_experiment_keys_and_ranges():
    result = closure_experiment(0, n=2, n_train=200, n_generated=50, max_n=3, **STEPS)
    for key in ("novelty_1", "heldout_novelty_3", "sentence_novelty", "grammatical", "in_closure"):
        assert 0.0 <= result[key] <= 1.0
    assert result["novelty_2"] == 0.0 and result["outside_closure"] == 0.0
    assert np.isnan(result["grammatical_outside"]), "nothing outside the closure to judge"
    smoothed = closure_experiment(0, n=2, smoothing=1.0, n_train=200, n_generated=50, **STEPS)
    assert smoothed["outside_closure"] > 0 and 0 <= smoothed["grammatical_outside"] <= 1


def test_closure_experiment_needs_its_measurements_and_checks_them():
    with pytest.raises(TypeError, match="novelty"):
        closure_experiment(0, n=2, closure=STEPS["closure"])
    with pytest.raises(ValueError, match="fraction"):
        closure_experiment(0, n=2, novelty=lambda g, t, k: 2.0, closure=STEPS["closure"])
    with pytest.raises(ValueError, match="one bool per sentence"):
        closure_experiment(0, n=2, novelty=STEPS["novelty"], closure=lambda s, t, n: [True])


def test_novelty_demo_draws_one_figure(monkeypatch):
    monkeypatch.setattr(plt, "show", lambda: None)
    novelty_demo(n=3, temperature=1.5, seed=1, **STEPS)
    assert len(plt.get_fignums()) == 1
    axes = plt.gcf().axes
    assert len(axes) == 2 and axes[0].get_xlabel() and axes[0].get_ylabel()


def test_temperature_demo_controls_reach_both_ends(monkeypatch):
    """The lesson's demo: only n and temperature, each drawable at both ends of its range."""
    monkeypatch.setattr(plt, "show", lambda: None)

    def demo(n, temperature):
        novelty_demo(n, temperature, novelty=STEPS["novelty"], closure=STEPS["closure"])

    widget = build_demo(
        demo,
        n=IntSlider(value=2, min=1, max=5, description="n (order)"),
        temperature=FloatSlider(value=1.0, min=0.2, max=3.0, step=0.1, description="temperature"),
    )
    controls = [c for c in widget.children if hasattr(c, "min")]
    assert [c.description for c in controls] == ["n (order)", "temperature"]
    for control in controls:
        for end in (control.min, control.max):
            plt.close("all")
            control.value = end
            assert len(plt.get_fignums()) == 1, f"{control.description} = {end}: no figure"
        control.value = control.min if control.description == "n (order)" else 1.0
