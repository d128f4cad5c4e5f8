"""n-gram language models, and how new their text really is.

An n-gram model predicts the next word from the ``n - 1`` words before it, with probabilities
read off counts in its training text. Sampling from it continues the training text: every step
is a continuation that was seen. So every n-gram it writes was in the training text (the text
lies in the *generative closure* of the training set), yet chaining seen pieces makes longer
stretches, and whole sentences, that were never there. The measurements here follow McCoy et al.
(2023, "How much do language models copy from their training data?", RAVEN): for each ``n``, the
fraction of generated n-grams that do not occur in the training text, compared with the same
fraction for held-out text written by the "human" (here: the grammar of
:mod:`worldlab.worlds.grammar`).

Sentences are tuples of words. Models pad each sentence with ``n - 1`` start markers ``<s>`` and
one end marker ``</s>``; the novelty measurements count n-grams inside sentences only, as a
reader would.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

BOS, EOS = "<s>", "</s>"
Sentence = tuple[str, ...]


def _check_n(n: int, what: str = "n") -> int:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"{what} must be a positive integer, got {n!r}")
    return int(n)


def _as_sentences(sentences: Iterable[Sequence[str]], what: str) -> list[Sentence]:
    if isinstance(sentences, str):
        raise TypeError(f"{what} must be a list of sentences (tuples of words), not one string")
    result = []
    for sentence in sentences:
        words = tuple(sentence.split()) if isinstance(sentence, str) else tuple(sentence)
        if not all(isinstance(word, str) for word in words):
            raise TypeError(f"{what}: each sentence must be a sequence of word strings")
        result.append(words)
    return result


def ngrams(sentence: Sequence[str], n: int, pad: bool = False) -> list[tuple[str, ...]]:
    """The n-grams of one sentence, in order.

    Parameters
    ----------
    sentence
        A sequence of words.
    n
        Length of the n-grams.
    pad
        If True, the sentence is first padded with ``n - 1`` start markers and one end marker,
        as an n-gram model sees it; otherwise only the n-grams inside the sentence are returned
        (none if the sentence has fewer than ``n`` words).

    Returns
    -------
    list of tuples of length ``n``.
    """
    return _grams(tuple(sentence), _check_n(n), pad)


def _grams(words: Sentence, n: int, pad: bool) -> list[tuple[str, ...]]:
    # The unchecked core of ngrams(), for loops over whole corpora.
    if pad:
        words = (BOS,) * (n - 1) + words + (EOS,)
    return list(zip(*(words[i:] for i in range(n)), strict=False))  # shifted copies, cut short


def _gram_set(sentences: list[Sentence], n: int, pad: bool) -> set:
    found: set = set()
    for sentence in sentences:
        found.update(_grams(sentence, n, pad))
    return found


def _novelty(generated: list[Sentence], seen: set, n: int) -> float:
    total = novel = 0
    for sentence in generated:
        for gram in _grams(sentence, n, False):
            total += 1
            novel += gram not in seen
    return novel / total if total else float("nan")


def ngram_set(sentences: Iterable[Sequence[str]], n: int, pad: bool = False) -> set:
    """Every distinct n-gram of a corpus (see :func:`ngrams` for ``pad``)."""
    return _gram_set(_as_sentences(sentences, "sentences"), _check_n(n), pad)


def ngram_novelty(
    generated: Iterable[Sequence[str]], train: Iterable[Sequence[str]], n: int
) -> float:
    """Fraction of the n-grams in ``generated`` that never occur in ``train``.

    Every occurrence counts (a novel n-gram written twice counts twice), and n-grams are taken
    inside sentences, without start or end markers.

    Parameters
    ----------
    generated, train
        Lists of sentences, each a sequence of words.
    n
        Length of the n-grams (1 = single words).

    Returns
    -------
    float in [0, 1]; ``nan`` when ``generated`` has no n-gram of that length.
    """
    n = _check_n(n)
    seen = _gram_set(_as_sentences(train, "train"), n, False)
    return _novelty(_as_sentences(generated, "generated"), seen, n)


def novelty_curve(
    generated: Iterable[Sequence[str]], train: Iterable[Sequence[str]], max_n: int = 6
) -> np.ndarray:
    """:func:`ngram_novelty` for ``n = 1 … max_n``.

    Returns
    -------
    float array of shape (max_n,): entry ``k`` is the novelty of ``(k+1)``-grams.
    """
    max_n = _check_n(max_n, "max_n")
    generated, train = _as_sentences(generated, "generated"), _as_sentences(train, "train")
    return _novelty_curves(train, [generated], max_n)[0]


def _novelty_curves(train: list[Sentence], texts: list[list[Sentence]], max_n: int) -> np.ndarray:
    # One pass over the training n-grams for each n, shared by every text: shape (texts, max_n).
    curves = np.empty((len(texts), max_n))
    for n in range(1, max_n + 1):
        seen = _gram_set(train, n, False)
        for row, text in enumerate(texts):
            curves[row, n - 1] = _novelty(text, seen, n)
    return curves


def sentence_novelty(generated: Iterable[Sequence[str]], train: Iterable[Sequence[str]]) -> float:
    """Fraction of generated sentences that are not, as a whole, a sentence of ``train``."""
    train_set = set(_as_sentences(train, "train"))
    generated = _as_sentences(generated, "generated")
    if not generated:
        return float("nan")
    return float(np.mean([sentence not in train_set for sentence in generated]))


def in_closure(sentence: Sequence[str], train: Iterable[Sequence[str]], n: int) -> bool:
    """Whether an unsmoothed n-gram model trained on ``train`` can write ``sentence``.

    That is the case exactly when every n-gram of the padded sentence (start markers, words, end
    marker) occurs in the padded training text: the sentence lies in the n-gram *closure* of the
    training set, even when the sentence itself was never seen.
    """
    n = _check_n(n)
    (sentence,) = _as_sentences([sentence], "sentence")
    seen = _gram_set(_as_sentences(train, "train"), n, True)
    return all(gram in seen for gram in _grams(sentence, n, True))


def apply_temperature(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """Reshape a distribution with a temperature: ``p_i^(1/T) / sum_j p_j^(1/T)``.

    ``T = 1`` leaves it unchanged, ``T < 1`` sharpens it towards the most likely outcome,
    ``T > 1`` flattens it towards uniform *over the outcomes that had probability > 0*: a
    temperature never gives mass to an outcome that had none.

    Parameters
    ----------
    probabilities
        Non-negative array of shape (..., k) summing to 1 along the last axis.
    temperature
        A positive float.

    Returns
    -------
    Array of the same shape, summing to 1 along the last axis.
    """
    probabilities = np.asarray(probabilities, dtype=float)
    if not np.isfinite(temperature) or temperature <= 0:
        raise ValueError(f"temperature must be a positive number, got {temperature!r}")
    if probabilities.ndim == 0 or probabilities.shape[-1] == 0:
        raise ValueError("probabilities must have at least one outcome along the last axis")
    if (probabilities < 0).any() or not np.isfinite(probabilities).all():
        raise ValueError("probabilities must be finite and non-negative")
    # Work in logs, scaled by the largest entry, so small temperatures do not underflow to 0/0.
    with np.errstate(divide="ignore"):
        logs = np.log(probabilities) / temperature
    logs -= logs.max(axis=-1, keepdims=True)
    weights = np.exp(logs)
    return weights / weights.sum(axis=-1, keepdims=True)


@dataclass
class NGramModel:
    """An n-gram model: counts of next words after each context of ``n - 1`` words.

    Build one with :func:`fit_ngram`. ``smoothing = 0`` (the default) is the maximum-likelihood
    model whose text stays inside the closure of its training set; ``smoothing = k > 0`` adds
    ``k`` to every count (add-k smoothing), which gives every word some probability everywhere.
    """

    n: int
    vocabulary: tuple[str, ...]
    counts: dict[tuple[str, ...], Counter] = field(repr=False)
    smoothing: float = 0.0

    def next_word_distribution(self, context: Sequence[str]) -> tuple[tuple[str, ...], np.ndarray]:
        """Possible next words after ``context`` (its last ``n - 1`` words) and their probabilities.

        Returns
        -------
        (words, probabilities): a tuple of ``k`` words and a float array of shape (k,) summing to
        1. Unsmoothed, only words seen after this context are listed; smoothed, the whole
        vocabulary plus ``</s>``. An unseen context gives an empty tuple when unsmoothed.
        """
        context = tuple(context)[-(self.n - 1) :] if self.n > 1 else ()
        if len(context) < self.n - 1:
            context = (BOS,) * (self.n - 1 - len(context)) + context
        seen = self.counts.get(context, Counter())
        if self.smoothing == 0.0:
            words = tuple(seen)
            counts = np.array([seen[word] for word in words], dtype=float)
            return words, counts / counts.sum() if len(words) else counts
        words = (*self.vocabulary, EOS)
        counts = np.array([seen.get(word, 0) for word in words], dtype=float) + self.smoothing
        return words, counts / counts.sum()

    def sample(
        self,
        n_sentences: int,
        seed: int | np.random.Generator,
        temperature: float = 1.0,
        max_words: int = 30,
        return_finished: bool = False,
    ) -> list[Sentence] | tuple[list[Sentence], np.ndarray]:
        """Write sentences word by word until ``</s>`` (or ``max_words`` words).

        Parameters
        ----------
        n_sentences
            How many sentences.
        seed
            An int seed or a ``numpy.random.Generator``.
        temperature
            Applied to each next-word distribution (:func:`apply_temperature`).
        max_words
            A sentence still open after this many words is cut there (and so is usually
            ungrammatical): an n-gram model can loop, e.g. ``the dog that the dog that …``.
        return_finished
            Also return which sentences ended with ``</s>`` (rather than being cut).

        Returns
        -------
        list of ``n_sentences`` tuples of words; with ``return_finished``, also a bool array of
        shape (n_sentences,).
        """
        if not isinstance(n_sentences, int | np.integer) or n_sentences < 0:
            raise ValueError(f"n_sentences must be a non-negative integer, got {n_sentences!r}")
        if not isinstance(max_words, int | np.integer) or max_words < 1:
            raise ValueError(f"max_words must be a positive integer, got {max_words!r}")
        if not np.isfinite(temperature) or temperature <= 0:
            raise ValueError(f"temperature must be a positive number, got {temperature!r}")
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        uniforms = rng.random((int(n_sentences), int(max_words) + 1))
        cache: dict[tuple[str, ...], tuple[tuple[str, ...], np.ndarray]] = {}
        sentences = []
        finished = np.zeros(int(n_sentences), dtype=bool)
        for row_index, row in enumerate(uniforms):
            history = [BOS] * (self.n - 1)
            words: list[str] = []
            for step in range(int(max_words)):
                context = tuple(history[len(history) - self.n + 1 :]) if self.n > 1 else ()
                if context not in cache:
                    options, probabilities = self.next_word_distribution(context)
                    if not options:  # cannot happen when sampling an unsmoothed model's own text
                        raise RuntimeError(f"context {context} never seen in training")
                    cumulative = np.cumsum(apply_temperature(probabilities, temperature))
                    cache[context] = (options, cumulative / cumulative[-1])
                options, cumulative = cache[context]
                index = min(
                    int(np.searchsorted(cumulative, row[step], side="right")), len(options) - 1
                )
                word = options[index]
                if word == EOS:
                    finished[row_index] = True
                    break
                words.append(word)
                history.append(word)
            sentences.append(tuple(words))
        return (sentences, finished) if return_finished else sentences

    def log_probability(self, sentence: Sequence[str]) -> float:
        """Natural log of the probability the model gives the whole padded sentence
        (``-inf`` if some step has probability 0)."""
        total = 0.0
        for gram in ngrams(tuple(sentence), self.n, pad=True):
            words, probabilities = self.next_word_distribution(gram[:-1])
            if gram[-1] not in words:
                return float("-inf")
            total += float(np.log(probabilities[words.index(gram[-1])]))
        return total


def fit_ngram(train: Iterable[Sequence[str]], n: int, smoothing: float = 0.0) -> NGramModel:
    """Count, for each context of ``n - 1`` words, which words followed it in ``train``.

    Parameters
    ----------
    train
        List of sentences (sequences of words).
    n
        Order of the model: 1 = words drawn independently, 2 = bigram, 3 = trigram, …
    smoothing
        Add-k smoothing constant ``k >= 0`` (0: maximum likelihood, stays in the closure).
    """
    n = _check_n(n)
    if not np.isfinite(smoothing) or smoothing < 0:
        raise ValueError(f"smoothing must be a non-negative number, got {smoothing!r}")
    sentences = _as_sentences(train, "train")
    if not sentences:
        raise ValueError("train must hold at least one sentence")
    counts: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    words: set[str] = set()
    for sentence in sentences:
        words.update(sentence)
        for gram in ngrams(sentence, n, pad=True):
            counts[gram[:-1]][gram[-1]] += 1
    return NGramModel(n, tuple(sorted(words)), dict(counts), float(smoothing))


def closure_membership(
    sentences: Iterable[Sequence[str]], train: Iterable[Sequence[str]], n: int
) -> np.ndarray:
    """:func:`in_closure` for many sentences at once (the training n-grams are collected once).

    Returns
    -------
    bool array of shape (n_sentences,).
    """
    n = _check_n(n)
    seen = _gram_set(_as_sentences(train, "train"), n, True)
    return np.array(
        [
            all(gram in seen for gram in _grams(sentence, n, True))
            for sentence in _as_sentences(sentences, "sentences")
        ],
        dtype=bool,
    )


def closure_experiment(
    seed: int,
    n: int = 2,
    temperature: float = 1.0,
    smoothing: float = 0.0,
    n_train: int = 2000,
    n_generated: int = 400,
    max_n: int = 6,
) -> dict[str, float]:
    """Train an n-gram model on a grammar corpus, let it write, and measure what it wrote.

    The held-out text (``n_generated`` more sentences of the grammar, the "human" baseline) gets
    the same measurements.

    Returns
    -------
    dict with, for ``k = 1 … max_n``, ``novelty_k`` (model text) and ``heldout_novelty_k``;
    ``sentence_novelty`` and ``heldout_sentence_novelty`` (whole sentences not in training);
    ``unfinished`` (fraction of model sentences cut at 30 words before ``</s>``);
    ``grammatical`` (fraction of model sentences the grammar accepts), ``grammatical_new`` (the
    same among model sentences not in training), ``new_ungrammatical`` (fraction of all model
    sentences that are new *and* ungrammatical); ``in_closure`` and ``heldout_in_closure``
    (fraction of sentences an unsmoothed n-gram model of the training text could write; for the
    model, among its finished sentences, since a cut sentence lacks its end marker).
    """
    # Imported here so the n-gram tools do not depend on one particular world.
    from worldlab.worlds.grammar import grammaticality, train_heldout_split

    n = _check_n(n)
    train, heldout = train_heldout_split(n_train, n_generated, seed)
    model = fit_ngram(train, n, smoothing=smoothing)
    generated, finished = model.sample(
        n_generated, np.random.default_rng([seed, 1]), temperature, return_finished=True
    )
    train_set = set(train)
    new = np.array([sentence not in train_set for sentence in generated])
    grammatical = grammaticality(generated)
    result = {}
    model_curve, heldout_curve = _novelty_curves(train, [generated, heldout], _check_n(max_n))
    for k in range(1, len(model_curve) + 1):
        result[f"novelty_{k}"] = float(model_curve[k - 1])
        result[f"heldout_novelty_{k}"] = float(heldout_curve[k - 1])
    result["sentence_novelty"] = float(new.mean())
    result["heldout_sentence_novelty"] = sentence_novelty(heldout, train)
    result["grammatical"] = float(grammatical.mean())
    result["grammatical_new"] = float(grammatical[new].mean()) if new.any() else float("nan")
    result["new_ungrammatical"] = float((new & ~grammatical).mean())
    result["unfinished"] = float(1.0 - finished.mean())
    finished_sentences = [
        sentence for sentence, done in zip(generated, finished, strict=True) if done
    ]
    seen = _gram_set(train, n, True)
    for key, sentences in (("in_closure", finished_sentences), ("heldout_in_closure", heldout)):
        inside = [all(gram in seen for gram in _grams(s, n, True)) for s in sentences]
        result[key] = float(np.mean(inside)) if inside else float("nan")
    return result


def novelty_demo(n: int = 2, temperature: float = 1.0, seed: int = 0) -> None:
    """Widget callback: novelty of model text vs held-out text, and how grammatical it is.

    Left: fraction of novel k-grams for k = 1 … 6 (model vs held-out grammar text). Right:
    fraction of sentences that are new, grammatical, and grammatical among the new ones.
    """
    import matplotlib.pyplot as plt

    from worldlab.plots import PALETTE

    result = closure_experiment(seed, n=n, temperature=temperature)
    ks = np.arange(1, 7)
    model_curve = [result[f"novelty_{k}"] for k in ks]
    heldout_curve = [result[f"heldout_novelty_{k}"] for k in ks]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), width_ratios=(1.3, 1))
    left.plot(
        ks,
        model_curve,
        "o-",
        color=PALETTE["vermillion"],
        label=f"{n}-gram model, T={temperature:g}",
    )
    left.plot(ks, heldout_curve, "s--", color=PALETTE["blue"], label="held-out grammar text")
    left.set_xlabel("k (length of the k-gram, in words)")
    left.set_ylabel("fraction of k-grams not in training")
    left.set_ylim(-0.03, 1.03)
    left.set_xticks(ks)
    left.legend(loc="upper left")
    left.set_title("Novelty by k-gram length")
    if n <= len(ks):
        left.text(
            0.03,
            0.72,
            f"novel {n}-grams\nmodel: {result[f'novelty_{n}']:.3f}\n"
            f"held-out: {result[f'heldout_novelty_{n}']:.3f}",
            transform=left.transAxes,
            va="top",
            fontsize=9,
            bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "grey"},
        )
    labels = ["new\nsentences", "grammatical", "grammatical\namong new"]
    model_bars = [result["sentence_novelty"], result["grammatical"], result["grammatical_new"]]
    heldout_bars = [result["heldout_sentence_novelty"], 1.0, 1.0]
    x = np.arange(len(labels))
    bars = right.bar(x - 0.2, model_bars, 0.4, color=PALETTE["vermillion"], label="model")
    right.bar_label(bars, fmt="%.2f", fontsize=8)
    bars = right.bar(
        x + 0.2, heldout_bars, 0.4, color=PALETTE["sky"], hatch="//", label="held-out text"
    )
    right.bar_label(bars, fmt="%.2f", fontsize=8)
    right.set_xticks(x, labels)
    right.set_ylim(0, 1.3)
    right.set_yticks(np.linspace(0, 1, 6))
    right.set_ylabel("fraction of sentences")
    right.set_title("Whole sentences")
    right.legend(loc="upper center", ncol=2)
    fig.tight_layout()
    plt.show()
