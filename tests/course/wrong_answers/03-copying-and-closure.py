"""Plausible wrong answers to lesson 03's exercises; each must fail a hidden check.

Test notes (mutants that survive the hidden checks, all equivalent): in ``in_closure`` and
``outside_the_closure``, padding both sides with more start markers or taking longer ranges adds
the same short tails to the candidates and to the training set; in ``outside_the_closure``, the search constants (1000 seeds,
500 sentences) and the filters against duplicates and sentences over 30 words never bind for
the grammar's generator, whose sentences out of the closure are long-tailed and distinct.
"""

from worldlab.worlds.grammar import generate_sentences


def _grams(sentence, n):
    return [tuple(sentence[i : i + n]) for i in range(len(sentence) - n + 1)]


def closure_unpadded(sentences, train, n):
    seen = {g for s in train for g in _grams(s, n)}
    return [all(g in seen for g in _grams(s, n)) for s in sentences]


def closure_start_only(sentences, train, n):
    def grams(s):
        return _grams(("<s>",) * (n - 1) + tuple(s), n)

    seen = {g for s in train for g in grams(s)}
    return [all(g in seen for g in grams(s)) for s in sentences]


def closure_any(sentences, train, n):
    def grams(s):
        return _grams(("<s>",) * (n - 1) + tuple(s) + ("</s>",), n)

    seen = {g for s in train for g in grams(s)}
    return [any(g in seen for g in grams(s)) for s in sentences]


def closure_bigram_always(sentences, train, n):
    def grams(s):
        return _grams(("<s>",) + tuple(s) + ("</s>",), 2)

    seen = {g for s in train for g in grams(s)}
    return [all(g in seen for g in grams(s)) for s in sentences]


def _search(keep, how_many):
    found = []
    for seed in range(200):
        for sentence in generate_sentences(500, seed):
            if len(sentence) <= 30 and sentence not in found and keep(sentence):
                found.append(sentence)
                if len(found) == how_many:
                    return found
    return found


def witnesses_training_sentences(train, n, how_many):
    return list(dict.fromkeys(train))[:how_many]


def witnesses_random_words(train, n, how_many):
    words = sorted({w for s in train for w in s})
    return [(words[i % len(words)], words[(3 * i + 1) % len(words)], "zz") for i in range(how_many)]


def witnesses_trigram_always(train, n, how_many):
    # judges against the trigram closure whatever n is asked
    def grams(s):
        return _grams(("<s>",) * 2 + tuple(s) + ("</s>",), 3)

    seen = {g for s in train for g in grams(s)}
    return _search(lambda s: not all(g in seen for g in grams(s)), how_many)


def witnesses_unchecked(train, n, how_many):
    return _search(lambda s: s not in set(train), how_many)


def witnesses_with_repeats(train, n, how_many):
    def grams(s):
        return _grams(("<s>",) * (n - 1) + tuple(s) + ("</s>",), n)

    seen = {g for s in train for g in grams(s)}
    first = _search(lambda s: not all(g in seen for g in grams(s)), 1)
    return first * how_many


def witnesses_grammar_unchecked(train, n, how_many):
    # outside the closure, but made by swapping the verb's number: ungrammatical
    def grams(s):
        return _grams(("<s>",) * (n - 1) + tuple(s) + ("</s>",), n)

    seen = {g for s in train for g in grams(s)}
    candidates = [s + ("sleeps", "sleeps") for s in list(dict.fromkeys(train))[: 5 * how_many]]
    return [s for s in candidates if not all(g in seen for g in grams(s))][:how_many]


# --- issue 29: more plausible mistakes --------------------------------------------------------


def closure_one_start_marker(sentences, train, n):
    def grams(s):
        return _grams(("<s>",) + tuple(s) + ("</s>",), n)  # one start marker whatever n

    seen = {g for s in train for g in grams(s)}
    return [all(g in seen for g in grams(s)) for s in sentences]


def closure_end_only(sentences, train, n):
    def grams(s):
        return _grams(tuple(s) + ("</s>",), n)  # pads the end but not the start

    seen = {g for s in train for g in grams(s)}
    return [all(g in seen for g in grams(s)) for s in sentences]


def closure_whole_sentence_seen(sentences, train, n):
    return [tuple(s) in set(map(tuple, train)) for s in sentences]  # novelty, not closure


def witnesses_candidates_padded_only(train, n, how_many):
    seen = {g for s in train for g in _grams(s, n)}  # the training text is not padded

    def grams(s):
        return _grams(("<s>",) * (n - 1) + tuple(s) + ("</s>",), n)

    return _search(lambda s: not all(g in seen for g in grams(s)), how_many)


def witnesses_one_short(train, n, how_many):
    def grams(s):
        return _grams(("<s>",) * (n - 1) + tuple(s) + ("</s>",), n)

    seen = {g for s in train for g in grams(s)}
    return _search(lambda s: not all(g in seen for g in grams(s)), how_many - 1)  # off by one


WRONG_ANSWERS = [
    ("in_closure", "forgets the padding", closure_unpadded),
    ("in_closure", "pads the start but not the end", closure_start_only),
    ("in_closure", "any n-gram seen instead of all", closure_any),
    ("in_closure", "always judges the bigram closure", closure_bigram_always),
    ("outside_the_closure", "returns training sentences", witnesses_training_sentences),
    ("outside_the_closure", "random word strings (ungrammatical)", witnesses_random_words),
    ("outside_the_closure", "judges the trigram closure whatever n", witnesses_trigram_always),
    ("outside_the_closure", "new sentences, closure never checked", witnesses_unchecked),
    ("outside_the_closure", "one witness repeated", witnesses_with_repeats),
    ("outside_the_closure", "new but ungrammatical sentences", witnesses_grammar_unchecked),
    ("in_closure", "one start marker whatever n", closure_one_start_marker),
    ("in_closure", "pads the end but not the start", closure_end_only),
    ("in_closure", "whole training sentences instead of n-grams", closure_whole_sentence_seen),
    (
        "outside_the_closure",
        "pads the candidates but not the training text",
        witnesses_candidates_padded_only,
    ),
    ("outside_the_closure", "one sentence short", witnesses_one_short),
]

#: Surviving mutants that return what the reference returns (``worldlab check --mutants 03``),
#: argued in the test notes above:
#: - longer ``range`` ends (``+ n``, ``- n + 2``) only add slices shorter than ``n``; in
#:   the closure exercises a candidate's short tails
#:   are the short tails of the training sentence that ends like it, whenever its last full n-gram
#:   was seen;
#: - more start markers (``n + 1``) add the all-marker n-gram to every sentence, candidates and
#:   training alike;
#: - the search constants (1000 seeds, 500 sentences) never bind, nor the 30-word filter: the
#:   grammar's nesting is bounded (modifier chances 0.45, 0.25, 0) and its longest sentence in
#:   200,000 draws has 25 words;
#: - deleting the final ``raise`` only changes what happens when 500,000 draws hold fewer than
#:   ``how_many`` sentences outside the closure; the statement promises nothing there, and no
#:   check can reach it in seconds. (Not equivalent in general: an unspecified case.)
EQUIVALENT_MUTANTS = {
    "in_closure": [
        "line 2: `n - 1` → `n + 1`",
        "line 3: `len(padded) - n` → `len(padded) + n`",
        "line 3: `1` → `2`",
    ],
    "outside_the_closure": [
        "line 7: `1000` → `1001`",
        "line 8: `500` → `501`",
        "line 9: `len(sentence) > 30` → `len(sentence) >= 30`",
        "line 9: `30` → `31`",
        "line 2: `n - 1` → `n + 1`",
        "line 2: `1` → `2`",
        "line 3: `len(padded) - n` → `len(padded) + n`",
        "line 3: `1` → `2`",
        "line 15: delete `raise RuntimeError('no sentence of the grammar lea`",
    ],
}
