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
one end marker ``</s>``. :func:`ngram_novelty` measures n-gram novelty; closure membership is
lesson 03's exercise, so :func:`closure_experiment` takes it (and the novelty measure) as
arguments.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from worldlab.plots.palette import COLORS

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


def _grams(words: Sentence, n: int, pad: bool) -> list[tuple[str, ...]]:
    # The n-grams of one sentence, padded as the model sees it (n - 1 start markers, one end).
    if pad:
        words = (BOS,) * (n - 1) + words + (EOS,)
    return list(zip(*(words[i:] for i in range(n)), strict=False))  # shifted copies, cut short


def ngram_novelty(
    generated: Iterable[Sequence[str]], train: Iterable[Sequence[str]], n: int
) -> float:
    """Fraction of the n-gram occurrences in ``generated`` that never occur in ``train``.

    n-grams are taken inside each sentence (never across two; a sentence shorter than ``n`` has
    none), and every occurrence counts (a new n-gram written twice counts twice).

    Parameters
    ----------
    generated, train
        Lists of sentences, each a sequence of words (strings).
    n
        Length of the n-grams (1 = single words).

    Returns
    -------
    float in [0, 1], or nan when ``generated`` has no n-gram of length ``n``.
    """
    n = _check_n(n)
    seen = {
        gram for sentence in _as_sentences(train, "train") for gram in _grams(sentence, n, False)
    }
    written = [gram for s in _as_sentences(generated, "generated") for gram in _grams(s, n, False)]
    if not written:
        return float("nan")
    return sum(gram not in seen for gram in written) / len(written)


def sentence_novelty(generated: Iterable[Sequence[str]], train: Iterable[Sequence[str]]) -> float:
    """Fraction of generated sentences that are not, as a whole, a sentence of ``train``."""
    train_set = set(_as_sentences(train, "train"))
    generated = _as_sentences(generated, "generated")
    if not generated:
        return float("nan")
    return float(np.mean([sentence not in train_set for sentence in generated]))


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
        for gram in _grams(tuple(sentence), self.n, True):
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
        for gram in _grams(sentence, n, True):
            counts[gram[:-1]][gram[-1]] += 1
    return NGramModel(n, tuple(sorted(words)), dict(counts), float(smoothing))


@dataclass
class ClassNGramModel:
    """An n-gram model over word *classes* that writes words: a model that generalises by category.

    It counts which class followed each context of ``n - 1`` classes (an unsmoothed
    :class:`NGramModel` over class labels), and writes each word by drawing a member of the chosen
    class with its training frequency. Its text stays in the closure of the training text's
    *class* sequences, but not of its word n-grams: it can write ``the old fox`` having read only
    ``the old dog`` and ``a fox``. Build one with :func:`fit_class_ngram`.
    """

    classes: NGramModel
    members: dict[str, tuple[tuple[str, ...], np.ndarray]] = field(repr=False)
    word_class: dict[str, str] = field(repr=False)

    @property
    def n(self) -> int:
        return self.classes.n

    def sample(
        self,
        n_sentences: int,
        seed: int | np.random.Generator,
        temperature: float = 1.0,
        max_words: int = 30,
        return_finished: bool = False,
    ) -> list[Sentence] | tuple[list[Sentence], np.ndarray]:
        """Write sentences: a class sequence (``temperature`` applies to it), then one word per
        class. Same arguments and returns as :meth:`NGramModel.sample`."""
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        labels, finished = self.classes.sample(
            n_sentences, rng, temperature, max_words, return_finished=True
        )
        sentences = []
        for sequence in labels:
            words = []
            for label in sequence:
                options, cumulative = self.members[label]
                index = int(np.searchsorted(cumulative, rng.random(), side="right"))
                words.append(options[min(index, len(options) - 1)])
            sentences.append(tuple(words))
        return (sentences, finished) if return_finished else sentences


def fit_class_ngram(
    train: Iterable[Sequence[str]], n: int, word_class: dict[str, str]
) -> ClassNGramModel:
    """Count class n-grams and class members in ``train``.

    Parameters
    ----------
    train
        List of sentences (sequences of words).
    n
        Order of the model over classes.
    word_class
        Maps every word of ``train`` to its class label (e.g.
        :func:`worldlab.worlds.grammar.word_classes`).
    """
    sentences = _as_sentences(train, "train")
    missing = sorted({w for s in sentences for w in s} - set(word_class))
    if missing:
        raise ValueError(f"word_class gives no class to {missing[:5]}")
    classes = fit_ngram([tuple(word_class[w] for w in s) for s in sentences], n)
    counts: dict[str, Counter] = defaultdict(Counter)
    for sentence in sentences:
        for word in sentence:
            counts[word_class[word]][word] += 1
    members = {}
    for label, counter in counts.items():
        options = tuple(sorted(counter))
        weights = np.cumsum([counter[w] for w in options], dtype=float)
        members[label] = (options, weights / weights[-1])
    return ClassNGramModel(classes, members, dict(word_class))


Novelty = Callable[[list, list, int], float]
Closure = Callable[[list, list, int], Sequence[bool]]


def _checked_fraction(value: object, what: str) -> float:
    value = float(value)  # type: ignore[arg-type]
    if not (np.isnan(value) or 0.0 <= value <= 1.0):
        raise ValueError(f"{what} must return a fraction in [0, 1] (or nan), got {value}")
    return value


def _checked_membership(value: Sequence[bool], expected: int, what: str) -> np.ndarray:
    membership = np.asarray(value)
    if membership.shape != (expected,) or membership.dtype.kind not in "bi":
        raise ValueError(
            f"{what} must return one bool per sentence, shape ({expected},), got "
            f"{membership.dtype} of shape {membership.shape}"
        )
    return membership.astype(bool)


def closure_experiment(
    seed: int,
    *,
    novelty: Novelty,
    closure: Closure,
    n: int = 2,
    temperature: float = 1.0,
    smoothing: float = 0.0,
    n_train: int = 2000,
    n_generated: int = 400,
    max_n: int = 6,
    classes: bool = False,
) -> dict[str, float]:
    """Train an n-gram model on a grammar corpus, let it write, and measure what it wrote.

    The held-out text (``n_generated`` more sentences of the grammar, the "human" baseline) gets
    the same measurements.

    Parameters
    ----------
    seed
        Seeds the corpus (:func:`worldlab.worlds.grammar.train_heldout_split`) and the sample.
    novelty
        ``novelty(generated, train, k) -> float``: the fraction of the k-gram occurrences of
        ``generated`` not in ``train`` (lesson 03's ``ngram_novelty``).
    closure
        ``closure(sentences, train, n) -> bools``, one per sentence: whether an unsmoothed
        n-gram model of ``train`` can write it (lesson 03's ``in_closure``).
    n, temperature, smoothing
        The model's order, sampling temperature and add-k smoothing.
    n_train, n_generated, max_n
        Corpus sizes, and the longest k-gram measured.
    classes
        Generalise by word class: the model is a :class:`ClassNGramModel` over the grammar's
        :func:`~worldlab.worlds.grammar.word_classes` (no smoothing), which can leave the word
        n-gram closure by writing a seen class sequence with new words.

    Returns
    -------
    dict with, for ``k = 1 … max_n``, ``novelty_k`` (model text) and ``heldout_novelty_k``;
    ``sentence_novelty`` and ``heldout_sentence_novelty`` (whole sentences not in training);
    ``unfinished`` (fraction of model sentences cut at 30 words before ``</s>``);
    ``grammatical`` (fraction of model sentences the grammar accepts), ``grammatical_new`` (the
    same among model sentences not in training), ``new_ungrammatical`` (fraction of all model
    sentences that are new *and* ungrammatical); ``in_closure`` and ``heldout_in_closure``
    (fraction of sentences an unsmoothed n-gram model of the training text could write; for the
    model, among its finished sentences, since a cut sentence lacks its end marker);
    ``outside_closure`` (fraction of the model's finished sentences outside that closure) and
    ``grammatical_outside`` / ``grammatical_inside_new`` (how many of the finished sentences
    outside the closure, and of the new finished ones inside it, the grammar accepts; nan when
    there are none).
    """
    # Imported here so the n-gram tools do not depend on one particular world.
    from worldlab.worlds.grammar import grammaticality, train_heldout_split, word_classes

    n = _check_n(n)
    max_n = _check_n(max_n, "max_n")
    if classes and smoothing:
        raise ValueError("a class model is not smoothed: pass classes=True or smoothing > 0")
    train, heldout = train_heldout_split(n_train, n_generated, seed)
    if classes:
        model: NGramModel | ClassNGramModel = fit_class_ngram(train, n, word_classes())
    else:
        model = fit_ngram(train, n, smoothing=smoothing)
    generated, finished = model.sample(
        n_generated, np.random.default_rng([seed, 1]), temperature, return_finished=True
    )
    train_set = set(train)
    new = np.array([sentence not in train_set for sentence in generated])
    grammatical = grammaticality(generated)
    result = {}
    for k in range(1, max_n + 1):
        result[f"novelty_{k}"] = _checked_fraction(novelty(generated, train, k), "novelty")
        result[f"heldout_novelty_{k}"] = _checked_fraction(novelty(heldout, train, k), "novelty")
    result["sentence_novelty"] = float(new.mean())
    result["heldout_sentence_novelty"] = sentence_novelty(heldout, train)
    result["grammatical"] = float(grammatical.mean())
    result["grammatical_new"] = float(grammatical[new].mean()) if new.any() else float("nan")
    result["new_ungrammatical"] = float((new & ~grammatical).mean())
    result["unfinished"] = float(1.0 - finished.mean())
    done = np.flatnonzero(finished)
    finished_sentences = [generated[i] for i in done]
    inside = _checked_membership(
        closure(finished_sentences, train, n), len(finished_sentences), "closure"
    )
    heldout_inside = _checked_membership(closure(heldout, train, n), len(heldout), "closure")

    def mean(values: np.ndarray) -> float:
        return float(values.mean()) if values.size else float("nan")

    result["in_closure"] = mean(inside)
    result["heldout_in_closure"] = mean(heldout_inside)
    result["outside_closure"] = mean(~inside)
    result["grammatical_outside"] = mean(grammatical[done][~inside])
    result["grammatical_inside_new"] = mean(grammatical[done][inside & new[done]])
    return result


def novelty_demo(
    n: int = 2,
    temperature: float = 1.0,
    seed: int = 0,
    *,
    novelty: Novelty,
    closure: Closure,
) -> None:
    """Widget callback: novelty of model text vs held-out text, and how grammatical it is.

    Left: fraction of novel k-grams for k = 1 … 6 (model vs held-out grammar text). Right:
    fraction of sentences that are new, grammatical, and grammatical among the new ones.
    ``novelty`` and ``closure`` are the measurements, as in :func:`closure_experiment`.
    """
    import matplotlib.pyplot as plt

    from worldlab.plots import PALETTE

    result = closure_experiment(
        seed, n=n, temperature=temperature, novelty=novelty, closure=closure
    )
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
            bbox={"boxstyle": "round", "facecolor": COLORS["white"], "edgecolor": COLORS["grey"]},
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
