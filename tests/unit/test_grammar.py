"""Unit tests of the grammar world: the generator, the exact checker and the shipped corpus."""

import numpy as np
import pytest

from worldlab.worlds import grammar
from worldlab.worlds.grammar import (
    format_sentence,
    generate_sentences,
    grammaticality,
    is_grammatical,
    load_corpus,
    train_heldout_split,
    vocabulary,
)


@pytest.mark.parametrize(
    "sentence",
    [
        "the dog sleeps",
        "the dogs sleep",
        "a clever fox chases the birds",
        "the dog that chases the cats sleeps",
        "the dogs that the cat chases sleep",
        "the dog near the cats sleeps",
        "the dog that the cats that the fox sees chase sleeps",  # nesting beyond the generator
        "every child feeds some horses behind this old farmer",
    ],
)
def test_checker_accepts_grammatical_sentences(sentence):
    assert is_grammatical(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "the dog sleep",  # subject-verb agreement
        "a dogs sleeps",  # determiner-noun agreement
        "the dog near the cats sleep",  # agreement with the head, not the nearest noun
        "the dogs that chases the cat sleep",  # relative clause agrees with its noun
        "the dog that the cats chases sleeps",  # object relative agrees with its own subject
        "the dog",  # no verb
        "dog sleeps",  # no determiner
        "the dog sleeps the cat",  # intransitive verb with an object
        "the dog chases",  # transitive verb without an object
        "the big old dog sleeps",  # at most one adjective
        "",
    ],
)
def test_checker_rejects_ungrammatical_sentences(sentence):
    assert not is_grammatical(sentence)


def test_checker_takes_strings_or_word_sequences():
    assert is_grammatical(("the", "cats", "run")) == is_grammatical("the cats run") is True
    with pytest.raises(TypeError, match="sequence of word strings"):
        is_grammatical([1, 2, 3])


def test_generate_is_seeded_and_grammatical():
    first = generate_sentences(200, seed=3)
    assert first == generate_sentences(200, seed=3)
    assert first != generate_sentences(200, seed=4)
    assert all(isinstance(s, tuple) for s in first)
    assert grammaticality(first).all()
    assert set(word for s in first for word in s) <= set(vocabulary())


def test_modifier_probabilities_bound_the_nesting():
    flat = generate_sentences(300, seed=0, modifier_probabilities=())
    assert all("that" not in s and not set(s) & set(grammar.PREPOSITIONS) for s in flat)
    assert max(len(s) for s in flat) <= 7  # Det Adj N VT Det Adj N


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n_sentences": -1}, "n_sentences"),
        ({"n_sentences": 2, "adjective_probability": 1.5}, "adjective_probability"),
        ({"n_sentences": 2, "modifier_probabilities": (1.0,)}, "modifier_probabilities"),
    ],
)
def test_generate_validates(kwargs, message):
    with pytest.raises(ValueError, match=message):
        generate_sentences(seed=0, **kwargs)


def test_grammaticality_shape_and_format():
    result = grammaticality(["the dog sleeps", "the dog sleep"])
    assert result.dtype == bool and result.shape == (2,)
    assert result.tolist() == [True, False]
    assert format_sentence(("the", "dog", "sleeps")) == "the dog sleeps"


def test_split_sizes():
    train, heldout = train_heldout_split(30, 10, seed=1)
    assert len(train) == 30 and len(heldout) == 10


def test_shipped_corpus_is_what_the_script_makes():
    train, heldout = load_corpus()
    assert (len(train), len(heldout)) == (grammar.CORPUS_TRAIN, grammar.CORPUS_HELDOUT)
    assert (train, heldout) == train_heldout_split(
        grammar.CORPUS_TRAIN, grammar.CORPUS_HELDOUT, grammar.CORPUS_SEED
    ), "data/grammar is stale: run python data/grammar/make_corpus.py"
    assert np.all(grammaticality(heldout))
