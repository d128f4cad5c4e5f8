"""The grammar world over seeds: its text is always grammatical, and agreement is what the
checker enforces (flipping the number of one verb breaks the sentence)."""

import numpy as np

from worldlab.worlds.grammar import (
    INTRANSITIVE_VERBS,
    PLURAL,
    SINGULAR,
    TRANSITIVE_VERBS,
    generate_sentences,
    grammaticality,
)

SEEDS = range(10)

_FLIP = {}
for table in (TRANSITIVE_VERBS, INTRANSITIVE_VERBS):
    for singular, plural in zip(table[SINGULAR], table[PLURAL], strict=True):
        _FLIP[singular], _FLIP[plural] = plural, singular


def _flip_last_verb(sentence):
    words = list(sentence)
    positions = [i for i, word in enumerate(words) if word in _FLIP]
    words[positions[-1]] = _FLIP[words[positions[-1]]]
    return tuple(words)


def test_generated_text_is_grammatical_and_varied_on_every_seed():
    for seed in SEEDS:
        sentences = generate_sentences(300, seed)
        assert grammaticality(sentences).all()
        assert len(set(sentences)) > 200, "the language is large: few exact repeats"
        long_ones = np.mean([len(s) >= 10 for s in sentences])
        assert long_ones > 0.1, "nesting makes a good share of long sentences"


def test_flipping_the_number_of_a_verb_breaks_agreement():
    rates = []
    for seed in SEEDS:
        flipped = [_flip_last_verb(s) for s in generate_sentences(200, seed)]
        rates.append(grammaticality(flipped).mean())
    # A flip can be rescued only by a rare ambiguity (e.g. "the" serves both numbers).
    assert np.mean(rates) < 0.1
