"""The reversal curse, in a model small enough to read (Berglund et al., 2023).

The world: ``n_pairs`` facts, each linking a name ``A_i`` to a name ``B_i`` by one relation
``r`` (think "A_i is married to B_i"). The training text holds the sentence ``A_i r B_i`` for
every pair, and the reverse sentence ``B_i r A_i`` for only some of them. A model reads the first
two tokens and predicts the third.

The model is an embedding + one hidden layer + softmax, trained by full-batch gradient descent
(Adam) in numpy. It learns every sentence it saw, but nothing it learns from ``A_i r B_i`` moves
its answer to ``B_i r ?``: the input embedding of ``B_i`` only ever gets a gradient from sentences
that *start* with ``B_i``. So the held-out reverse facts are answered at chance, although "the
same fact" was in the training set, read in the other direction. (A real LLM that has the fact
``A_i r B_i`` *in its context* can reverse it; the curse is about what training puts in the
weights.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class ReversalData:
    """The token ids of one reversal world.

    Attributes
    ----------
    n_pairs
        Number of facts ``k``. Tokens ``0 … k-1`` are the names ``A_i``, ``k … 2k-1`` the names
        ``B_i``, and ``2k`` the relation ``r``; the vocabulary has ``2k + 1`` tokens.
    reversed_mask
        bool array of shape (k,): True where the reverse sentence ``B_i r A_i`` is in training.
    """

    n_pairs: int
    reversed_mask: np.ndarray

    @property
    def vocabulary_size(self) -> int:
        return 2 * self.n_pairs + 1

    @property
    def relation(self) -> int:
        return 2 * self.n_pairs

    def a(self, i: np.ndarray | int) -> np.ndarray:
        return np.asarray(i)

    def b(self, i: np.ndarray | int) -> np.ndarray:
        return np.asarray(i) + self.n_pairs

    def forward_queries(self) -> tuple[np.ndarray, np.ndarray]:
        """Inputs ``(A_i, r)`` of shape (k, 2) and answers ``B_i`` of shape (k,)."""
        i = np.arange(self.n_pairs)
        return np.column_stack([self.a(i), np.full_like(i, self.relation)]), self.b(i)

    def reverse_queries(self, which: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Inputs ``(B_i, r)`` of shape (m, 2) and answers ``A_i`` of shape (m,) for pairs
        ``which`` (int array of shape (m,))."""
        i = np.asarray(which, dtype=int)
        return np.column_stack([self.b(i), np.full_like(i, self.relation)]), self.a(i)

    def training_set(self) -> tuple[np.ndarray, np.ndarray]:
        """Every forward sentence and the reverse sentences of ``reversed_mask``.

        Returns
        -------
        (inputs, targets): int arrays of shape (m, 2) and (m,), ``m = k + reversed_mask.sum()``.
        """
        forward_x, forward_y = self.forward_queries()
        reverse_x, reverse_y = self.reverse_queries(np.flatnonzero(self.reversed_mask))
        return np.vstack([forward_x, reverse_x]), np.concatenate([forward_y, reverse_y])


def make_reversal_data(n_pairs: int, reverse_fraction: float, seed: int) -> ReversalData:
    """A reversal world whose reverse sentences are in training for a random ``reverse_fraction``
    of the pairs (rounded down)."""
    if not isinstance(n_pairs, int | np.integer) or n_pairs < 2:
        raise ValueError(f"n_pairs must be an integer >= 2, got {n_pairs!r}")
    if not 0.0 <= reverse_fraction <= 1.0:
        raise ValueError(f"reverse_fraction must lie in [0, 1], got {reverse_fraction!r}")
    rng = np.random.default_rng(seed)
    mask = np.zeros(int(n_pairs), dtype=bool)
    mask[rng.permutation(int(n_pairs))[: int(reverse_fraction * n_pairs)]] = True
    return ReversalData(int(n_pairs), mask)


class TinyNextTokenModel:
    """Predict a third token from two: ``softmax(tanh(E1[t1] + E2[t2] + b1) W + b2)``.

    ``E1`` and ``E2`` are the embeddings of the first and second position, of shape
    (vocabulary, hidden); ``W`` of shape (hidden, vocabulary) reads out the next token.

    Untied (the default), input and output embeddings are separate parameters. Tied
    (``tied=True``, as in GPT-2 and many language models), the read-out goes through the
    first-position embedding: ``W = U E1.T / sqrt(hidden)`` with a learned (hidden, hidden)
    projection ``U``. A token's one vector is then both what the model reads when the token is
    an input and what it aims at when the token is the answer, so a sentence that *ends* with
    ``B`` also moves what ``B r ?`` reads.
    """

    def __init__(
        self, vocabulary_size: int, hidden: int = 64, seed: int = 0, tied: bool = False
    ) -> None:
        if vocabulary_size < 2 or hidden < 1:
            raise ValueError("vocabulary_size must be >= 2 and hidden >= 1")
        rng = np.random.default_rng(seed)
        scale = 1.0 / np.sqrt(hidden)
        self.params = {
            "E1": rng.normal(0.0, 1.0, (vocabulary_size, hidden)),
            "E2": rng.normal(0.0, 1.0, (vocabulary_size, hidden)),
            "b1": np.zeros(hidden),
            "b2": np.zeros(vocabulary_size),
        }
        if tied:
            self.params["U"] = rng.normal(0.0, scale, (hidden, hidden))
        else:
            self.params["W"] = rng.normal(0.0, scale, (hidden, vocabulary_size))
        self.tied = bool(tied)
        self.hidden = hidden
        self.vocabulary_size = vocabulary_size

    def _readout(self) -> np.ndarray:
        p = self.params
        return p["U"] @ p["E1"].T / np.sqrt(self.hidden) if self.tied else p["W"]

    def _check_inputs(self, inputs: np.ndarray) -> np.ndarray:
        inputs = np.asarray(inputs)
        if inputs.ndim != 2 or inputs.shape[1] != 2 or not np.issubdtype(inputs.dtype, np.integer):
            raise ValueError(f"inputs must be an int array of shape (m, 2), got {inputs.shape}")
        if inputs.size and (inputs.min() < 0 or inputs.max() >= self.vocabulary_size):
            raise ValueError(f"token ids must lie in [0, {self.vocabulary_size})")
        return inputs

    def _forward(
        self, inputs: np.ndarray, readout: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        p = self.params
        hidden = np.tanh(p["E1"][inputs[:, 0]] + p["E2"][inputs[:, 1]] + p["b1"])
        logits = hidden @ (self._readout() if readout is None else readout) + p["b2"]
        logits -= logits.max(axis=1, keepdims=True)
        probabilities = np.exp(logits)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        return hidden, probabilities

    def predict_proba(self, inputs: np.ndarray) -> np.ndarray:
        """Next-token probabilities, shape (m, vocabulary_size), for inputs of shape (m, 2)."""
        return self._forward(self._check_inputs(inputs))[1]

    def fit(
        self,
        inputs: np.ndarray,
        targets: np.ndarray,
        steps: int = 300,
        learning_rate: float = 0.05,
        weight_decay: float = 0.0,
    ) -> np.ndarray:
        """Minimise the mean cross-entropy with full-batch Adam.

        ``weight_decay`` shrinks every weight matrix by ``learning_rate · weight_decay`` of itself
        each step (decoupled, as in AdamW); biases are not decayed. It pulls embeddings that
        no sentence needs towards 0.

        Returns
        -------
        float array of shape (steps,): the training loss before each step.
        """
        inputs = self._check_inputs(inputs)
        targets = np.asarray(targets)
        if targets.shape != (inputs.shape[0],):
            raise ValueError(f"targets must have shape ({inputs.shape[0]},), got {targets.shape}")
        if not np.isfinite(weight_decay) or weight_decay < 0:
            raise ValueError(f"weight_decay must be a non-negative number, got {weight_decay!r}")
        m = inputs.shape[0]
        rows = np.arange(m)
        # All parameters live in one flat vector (the dict holds views into it), so that one
        # Adam update serves them all; the gradient buffer has the same layout.
        names = list(self.params)
        sizes = [self.params[name].size for name in names]
        flat = np.concatenate([self.params[name].ravel() for name in names])
        grad = np.zeros_like(flat)
        decay = np.zeros_like(flat)
        p, g = {}, {}
        for name, start, size in zip(names, np.cumsum([0, *sizes[:-1]]), sizes, strict=True):
            shape = self.params[name].shape
            p[name] = flat[start : start + size].reshape(shape)
            g[name] = grad[start : start + size].reshape(shape)
            if name in ("E1", "E2", "W", "U"):
                decay[start : start + size] = learning_rate * weight_decay
        self.params = p
        # Untied, only the rows of tokens that appear as inputs receive a gradient (one-hot
        # rows select them); tied, every token's row also gets the read-out's gradient.
        first_tokens = np.eye(self.vocabulary_size)[inputs[:, 0]]  # (m, vocabulary)
        second_tokens = np.eye(self.vocabulary_size)[inputs[:, 1]]
        first_moment, second_moment = np.zeros_like(flat), np.zeros_like(flat)
        beta1, beta2, eps = 0.9, 0.999, 1e-8
        root = np.sqrt(self.hidden)
        losses = np.empty(steps)
        for step in range(steps):
            readout = self._readout()  # (hidden, vocabulary), once per step
            hidden, probabilities = self._forward(inputs, readout)
            losses[step] = -np.mean(np.log(probabilities[rows, targets] + 1e-12))
            d_logits = probabilities
            d_logits[rows, targets] -= 1.0
            d_logits /= m
            d_hidden = (d_logits @ readout.T) * (1.0 - hidden**2)
            d_readout = hidden.T @ d_logits  # (hidden, vocabulary)
            g["b2"][:] = d_logits.sum(axis=0)
            g["b1"][:] = d_hidden.sum(axis=0)
            g["E1"][:] = first_tokens.T @ d_hidden
            g["E2"][:] = second_tokens.T @ d_hidden
            if self.tied:
                g["E1"] += d_readout.T @ p["U"] / root
                g["U"][:] = d_readout @ p["E1"] / root
            else:
                g["W"][:] = d_readout
            first_moment *= beta1
            first_moment += (1 - beta1) * grad
            second_moment *= beta2
            second_moment += (1 - beta2) * grad**2
            corrected = first_moment / (1 - beta1 ** (step + 1))
            scale = np.sqrt(second_moment / (1 - beta2 ** (step + 1))) + eps
            flat -= learning_rate * corrected / scale
            if weight_decay:
                flat -= decay * flat
        return losses


def answer_rank(
    probabilities: np.ndarray, answers: np.ndarray, candidates: np.ndarray
) -> np.ndarray:
    """Where the right answer ranks among the candidates, as a fraction of them.

    Parameters
    ----------
    probabilities
        Shape (m, vocabulary_size).
    answers
        Right token for each row, shape (m,); each must be one of ``candidates``.
    candidates
        The tokens that could be the answer, shape (c,).

    Returns
    -------
    float array of shape (m,): the fraction of the *other* candidates given a higher
    probability than the answer (0 = ranked first, about 0.5 = no better than a random guess).
    """
    probabilities = np.asarray(probabilities, dtype=float)
    answers = np.asarray(answers)
    candidates = np.asarray(candidates)
    if probabilities.ndim != 2 or answers.shape != (probabilities.shape[0],):
        raise ValueError("probabilities must be (m, vocabulary) and answers (m,)")
    if not np.isin(answers, candidates).all():
        raise ValueError("every answer must be one of the candidates")
    answer_p = probabilities[np.arange(len(answers)), answers][:, None]
    higher = (probabilities[:, candidates] > answer_p).sum(axis=1)
    return higher / max(len(candidates) - 1, 1)


def reversal_experiment(
    seed: int,
    n_pairs: int = 40,
    reverse_fraction: float = 0.5,
    hidden: int = 64,
    steps: int = 300,
    learning_rate: float = 0.05,
    tied: bool = False,
    weight_decay: float = 0.0,
) -> dict[str, float]:
    """Train on all forward facts and some reverse facts, then ask in both directions.

    ``tied`` and ``weight_decay`` are passed to :class:`TinyNextTokenModel` and its ``fit``.

    Returns
    -------
    dict with the accuracies (argmax over the whole vocabulary) ``forward`` (all ``A r ?``),
    ``trained_reverse`` (``B r ?`` seen in training), ``heldout_reverse`` (``B r ?`` never seen),
    ``chance`` (``1 / n_pairs``, guessing one of the A names), ``heldout_rank`` (mean
    :func:`answer_rank` of the right A among the A names of all held-out pairs, which the model
    treats alike; 0.5 is a random guess, 0 a perfect answer), and ``final_loss``.
    """
    data = make_reversal_data(n_pairs, reverse_fraction, seed)
    if data.reversed_mask.all():
        raise ValueError("reverse_fraction leaves no held-out reverse fact to test")
    model = TinyNextTokenModel(data.vocabulary_size, hidden=hidden, seed=seed + 1, tied=tied)
    losses = model.fit(
        *data.training_set(), steps=steps, learning_rate=learning_rate, weight_decay=weight_decay
    )

    def accuracy(queries: tuple[np.ndarray, np.ndarray]) -> float:
        inputs, answers = queries
        if len(answers) == 0:
            return float("nan")
        return float(np.mean(model.predict_proba(inputs).argmax(axis=1) == answers))

    trained = np.flatnonzero(data.reversed_mask)
    heldout = np.flatnonzero(~data.reversed_mask)
    heldout_inputs, heldout_answers = data.reverse_queries(heldout)
    ranks = answer_rank(model.predict_proba(heldout_inputs), heldout_answers, data.a(heldout))
    return {
        "forward": accuracy(data.forward_queries()),
        "trained_reverse": accuracy(data.reverse_queries(trained)),
        "heldout_reverse": accuracy((heldout_inputs, heldout_answers)),
        "chance": 1.0 / data.n_pairs,
        "heldout_rank": float(ranks.mean()),
        "final_loss": float(losses[-1]),
    }
