"""A small English-like language defined by a grammar, so grammaticality can be checked exactly.

The grammar has the two things that make real syntax hard for a model that only looks a few
words back:

* **agreement**: a subject and its verb agree in number (``the dog sleeps`` / ``the dogs sleep``),
  and so does every relative clause with the noun it describes;
* **nesting**: a noun phrase may carry a relative clause (``the dog that the cats chase``) or a
  prepositional phrase (``the dog near the cats``), whose own noun phrases may nest again, so the
  subject and its verb can be many words apart.

The grammar (``[n]`` is a number, singular or plural, that must agree)::

    S      → NP[n] VP[n]
    NP[n]  → Det[n] (Adj) N[n] (Mod)
    Mod    → RC[n] | PP
    RC[n]  → "that" VP[n]                  (the dog that chases the cats)
           | "that" NP[m] VT[m]            (the dog that the cats chase)
    PP     → P NP[m]                       (near the cats)
    VP[n]  → VI[n] | VT[n] NP[m]

The checker (:func:`is_grammatical`) decides membership in this language exactly, at any depth
of nesting. The generator (:func:`generate_sentences`) samples from it with modifiers becoming
rarer the deeper they sit, so sentences stay short enough to read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

import numpy as np

Sentence = tuple[str, ...]

SINGULAR, PLURAL = "sg", "pl"
NUMBERS = (SINGULAR, PLURAL)

DETERMINERS = {SINGULAR: ("the", "a", "every", "this"), PLURAL: ("the", "some", "these", "many")}
ADJECTIVES = ("big", "small", "old", "happy", "clever")
NOUNS = {
    SINGULAR: ("dog", "cat", "bird", "child", "farmer", "teacher", "horse", "fox"),
    PLURAL: ("dogs", "cats", "birds", "children", "farmers", "teachers", "horses", "foxes"),
}
TRANSITIVE_VERBS = {
    SINGULAR: ("chases", "sees", "likes", "follows", "helps", "feeds"),
    PLURAL: ("chase", "see", "like", "follow", "help", "feed"),
}
INTRANSITIVE_VERBS = {
    SINGULAR: ("sleeps", "runs", "sings", "waits"),
    PLURAL: ("sleep", "run", "sing", "wait"),
}
PREPOSITIONS = ("near", "with", "behind")
RELATIVE = "that"

#: Default chance that a noun phrase at depth 0, 1, 2, … carries a modifier (RC or PP).
DEFAULT_MODIFIER_PROBABILITIES = (0.45, 0.25, 0.0)


def vocabulary() -> tuple[str, ...]:
    """Every word of the language, sorted (``the`` appears once though it serves both numbers)."""
    words = {RELATIVE, *ADJECTIVES, *PREPOSITIONS}
    for table in (DETERMINERS, NOUNS, TRANSITIVE_VERBS, INTRANSITIVE_VERBS):
        for number in NUMBERS:
            words.update(table[number])
    return tuple(sorted(words))


def word_classes() -> dict[str, str]:
    """The grammatical class of every word: ``"N-sg"``, ``"VT-pl"``, ``"Adj"``, …

    Words that differ only in their class's members are interchangeable in the grammar (any
    singular noun can replace any other), except ``the``, which serves both numbers and gets a
    class of its own (``"the"``).

    Returns
    -------
    dict mapping each word of :func:`vocabulary` to its class label.
    """
    classes = {word: "Adj" for word in ADJECTIVES}
    classes.update({word: "P" for word in PREPOSITIONS})
    classes[RELATIVE] = "that"
    for label, table in (
        ("Det", DETERMINERS),
        ("N", NOUNS),
        ("VT", TRANSITIVE_VERBS),
        ("VI", INTRANSITIVE_VERBS),
    ):
        for number in NUMBERS:
            classes.update({word: f"{label}-{number}" for word in table[number]})
    classes["the"] = "the"
    return classes


# --------------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------------


class _Sampler:
    """Recursive sampler of the grammar; one instance per call of :func:`generate_sentences`."""

    def __init__(
        self,
        rng: np.random.Generator,
        modifier_probabilities: Sequence[float],
        adjective_probability: float,
        transitive_probability: float,
        object_relative_probability: float,
        relative_vs_prepositional: float,
    ) -> None:
        self.rng = rng
        self.buffer: list[float] = []
        self.modifier_probabilities = tuple(modifier_probabilities)
        self.adjective_probability = adjective_probability
        self.transitive_probability = transitive_probability
        self.object_relative_probability = object_relative_probability
        self.relative_vs_prepositional = relative_vs_prepositional

    def uniform(self) -> float:
        # Uniforms drawn from numpy in blocks: one Python call per word instead of one numpy call.
        if not self.buffer:
            self.buffer = self.rng.random(1024).tolist()
        return self.buffer.pop()

    def pick(self, options: Sequence[str]) -> str:
        return options[int(self.uniform() * len(options))]

    def number(self) -> str:
        return NUMBERS[int(self.uniform() * 2)]

    def modifier_probability(self, depth: int) -> float:
        if depth < len(self.modifier_probabilities):
            return self.modifier_probabilities[depth]
        return 0.0

    def noun_phrase(self, number: str, depth: int) -> list[str]:
        words = [self.pick(DETERMINERS[number])]
        if self.uniform() < self.adjective_probability:
            words.append(self.pick(ADJECTIVES))
        words.append(self.pick(NOUNS[number]))
        if self.uniform() < self.modifier_probability(depth):
            if self.uniform() < self.relative_vs_prepositional:
                words += self.relative_clause(number, depth + 1)
            else:
                words += [self.pick(PREPOSITIONS), *self.noun_phrase(self.number(), depth + 1)]
        return words

    def relative_clause(self, number: str, depth: int) -> list[str]:
        if self.uniform() < self.object_relative_probability:
            inner = self.number()
            return [
                RELATIVE,
                *self.noun_phrase(inner, depth),
                self.pick(TRANSITIVE_VERBS[inner]),
            ]
        return [RELATIVE, *self.verb_phrase(number, depth)]

    def verb_phrase(self, number: str, depth: int) -> list[str]:
        if self.uniform() < self.transitive_probability:
            verb = self.pick(TRANSITIVE_VERBS[number])
            return [verb, *self.noun_phrase(self.number(), depth)]
        return [self.pick(INTRANSITIVE_VERBS[number])]

    def sentence(self) -> Sentence:
        number = self.number()
        return tuple(self.noun_phrase(number, 0) + self.verb_phrase(number, 0))


def generate_sentences(
    n_sentences: int,
    seed: int | np.random.Generator,
    modifier_probabilities: Sequence[float] = DEFAULT_MODIFIER_PROBABILITIES,
    adjective_probability: float = 0.3,
    transitive_probability: float = 0.5,
    object_relative_probability: float = 0.5,
    relative_vs_prepositional: float = 0.6,
) -> list[Sentence]:
    """Sample grammatical sentences.

    Parameters
    ----------
    n_sentences
        How many sentences to draw (duplicates are possible, as in real text).
    seed
        An int seed or a ``numpy.random.Generator``.
    modifier_probabilities
        Chance that a noun phrase at depth 0, 1, 2, … carries a relative clause or a
        prepositional phrase; depths past the end of the list get 0, which bounds the nesting.
    adjective_probability, transitive_probability, object_relative_probability,
    relative_vs_prepositional
        Chances of an adjective, of a transitive verb, of an object relative clause (``that the
        cats chase``) rather than a subject one, and of a relative clause rather than a PP.

    Returns
    -------
    list of ``n_sentences`` tuples of words, every one accepted by :func:`is_grammatical`.
    """
    if not isinstance(n_sentences, int | np.integer) or n_sentences < 0:
        raise ValueError(f"n_sentences must be a non-negative integer, got {n_sentences!r}")
    probabilities = {
        "adjective_probability": adjective_probability,
        "transitive_probability": transitive_probability,
        "object_relative_probability": object_relative_probability,
        "relative_vs_prepositional": relative_vs_prepositional,
    }
    for name, value in probabilities.items():
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must lie in [0, 1], got {value!r}")
    modifier_probabilities = tuple(float(p) for p in modifier_probabilities)
    if any(not 0.0 <= p < 1.0 for p in modifier_probabilities):
        raise ValueError(
            f"modifier_probabilities must each lie in [0, 1), got {modifier_probabilities}"
        )
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    sampler = _Sampler(rng, modifier_probabilities, **probabilities)
    return [sampler.sentence() for _ in range(int(n_sentences))]


def train_heldout_split(
    n_train: int, n_heldout: int, seed: int
) -> tuple[list[Sentence], list[Sentence]]:
    """Two independent samples of the language: a training corpus and held-out "human" text.

    Returns
    -------
    (train, heldout): lists of ``n_train`` and ``n_heldout`` sentences drawn with one seed.
    """
    rng = np.random.default_rng(seed)
    return generate_sentences(n_train, rng), generate_sentences(n_heldout, rng)


# --------------------------------------------------------------------------------------------
# Exact grammaticality
# --------------------------------------------------------------------------------------------

_DET = {number: frozenset(words) for number, words in DETERMINERS.items()}
_NOUN = {number: frozenset(words) for number, words in NOUNS.items()}
_VT = {number: frozenset(words) for number, words in TRANSITIVE_VERBS.items()}
_VI = {number: frozenset(words) for number, words in INTRANSITIVE_VERBS.items()}
_ADJ = frozenset(ADJECTIVES)
_PREP = frozenset(PREPOSITIONS)


def _as_sentence(sentence: Sequence[str] | str) -> Sentence:
    if isinstance(sentence, str):
        return tuple(sentence.split())
    words = tuple(sentence)
    if not all(isinstance(word, str) for word in words):
        raise TypeError("a sentence must be a string or a sequence of word strings")
    return words


def is_grammatical(sentence: Sequence[str] | str) -> bool:
    """Whether the sentence belongs to the language, at any depth of nesting.

    Parameters
    ----------
    sentence
        A sequence of words, or one string of words separated by spaces.

    Notes
    -----
    A recursive-descent parser that returns, for each category, *every* position where it can
    end (``the`` is singular and plural, so several parses may be alive at once). Every noun
    phrase starts with a determiner and eats at least two words, so the recursion always ends.
    """
    words = _as_sentence(sentence)
    length = len(words)

    def word_in(position: int, lexicon: frozenset[str]) -> bool:
        return position < length and words[position] in lexicon

    @cache
    def noun_phrase(number: str, start: int) -> frozenset[int]:
        if not word_in(start, _DET[number]):
            return frozenset()
        position = start + 1
        heads = set()
        for after_adjective in (position, position + 1) if word_in(position, _ADJ) else (position,):
            if word_in(after_adjective, _NOUN[number]):
                heads.add(after_adjective + 1)
        ends = set(heads)
        for head_end in heads:
            ends |= relative_clause(number, head_end)
            if word_in(head_end, _PREP):
                for inner in NUMBERS:
                    ends |= noun_phrase(inner, head_end + 1)
        return frozenset(ends)

    @cache
    def relative_clause(number: str, start: int) -> frozenset[int]:
        if not (start < length and words[start] == RELATIVE):
            return frozenset()
        ends = set(verb_phrase(number, start + 1))
        for inner in NUMBERS:
            for end in noun_phrase(inner, start + 1):
                if word_in(end, _VT[inner]):
                    ends.add(end + 1)
        return frozenset(ends)

    @cache
    def verb_phrase(number: str, start: int) -> frozenset[int]:
        ends = set()
        if word_in(start, _VI[number]):
            ends.add(start + 1)
        if word_in(start, _VT[number]):
            for inner in NUMBERS:
                ends |= noun_phrase(inner, start + 1)
        return frozenset(ends)

    for number in NUMBERS:
        for subject_end in noun_phrase(number, 0):
            if length in verb_phrase(number, subject_end):
                return True
    return False


def grammaticality(sentences: Iterable[Sequence[str] | str]) -> np.ndarray:
    """:func:`is_grammatical` for each sentence.

    Returns
    -------
    bool array of shape (n_sentences,).
    """
    return np.array([is_grammatical(sentence) for sentence in sentences], dtype=bool)


def format_sentence(sentence: Sequence[str]) -> str:
    """The sentence as one readable string, e.g. ``"the dog that the cats chase sleeps"``."""
    return " ".join(_as_sentence(sentence))


#: The seed and sizes of the corpus shipped in ``data/grammar/`` (see make_corpus.py there).
CORPUS_SEED, CORPUS_TRAIN, CORPUS_HELDOUT = 2023, 2000, 500


def load_corpus() -> tuple[list[Sentence], list[Sentence]]:
    """The shipped corpus: 2000 training sentences and 500 held-out sentences of the grammar.

    Returns
    -------
    (train, heldout): lists of tuples of words, read from ``data/grammar/train.txt`` and
    ``data/grammar/heldout.txt`` (one sentence per line). They equal
    ``train_heldout_split(CORPUS_TRAIN, CORPUS_HELDOUT, CORPUS_SEED)``.
    """
    from worldlab.paths import data_file

    def read(name: str) -> list[Sentence]:
        text = data_file("grammar", name).read_text(encoding="utf-8")
        return [tuple(line.split()) for line in text.splitlines() if line.strip()]

    return read("train.txt"), read("heldout.txt")
