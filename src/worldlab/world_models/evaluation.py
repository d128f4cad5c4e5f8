"""Two tests of a "world model": a behavioural one and a representational one.

The world is a walker on a small grid (:mod:`worldlab.worlds.grid_walks`); the models see only its
moves. Every *predictor* here turns move histories into next-move probabilities, an array
``probs`` of shape (n_walks, length, 4) whose entry ``[w, t]`` predicts move ``t`` of walk ``w``
from moves ``0 … t-1``:

* :func:`kgram_probabilities`: counts of which move followed the last ``k`` moves;
* the position-tracking oracle (the lesson's ``oracle_probabilities(moves, size)``): tracks the
  true cell and spreads its bet over the legal moves;
* :func:`mlp_probabilities`: a tiny network (:mod:`worldlab.mlp`) reading the whole history.

**Behavioural tests** (what the model predicts): top-1 *legality* (is the most likely move legal?)
and, after Vafa et al. (2024), *compression* (two histories that end on the same cell should get
the same prediction) and *distinction* (histories that end on cells with different legal moves
should get different predictions). A model's prediction is the set of moves it *accepts*: those
with probability above a small threshold.

**Representational test** (what a probe can read from the model's insides): a linear probe
(least squares) trained to read the walker's row and column from the network's hidden layer —
with controls (the same network at random initialisation, the raw input, and a control task in
the manner of Hewitt & Liang, 2019), without which a high probe accuracy means little.

The oracle, the two behavioural tests and the control task are the lesson's exercises, so this
module does not define them: its experiments take them as arguments (``oracle``, ``score`` with
the signature of ``compression_distinction(accepted, cells, legal)``, ``control`` with that of
``control_task(cells, size, rng)``). The kit's tests load the lesson's references for them. The
least-squares probe, :func:`fit_linear_probe`, is not an exercise (the lesson states its formula)
and is defined here; the experiments still take any ``fit_probe`` of its signature.
The figures of these experiments are in :mod:`worldlab.world_models.figures`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from worldlab.mlp import MLP, train_sgd
from worldlab.worlds import grid_walks

N_MOVES = 4
#: The context symbol for "before the walk started" in k-gram contexts.
START = N_MOVES


def _check_moves(moves: np.ndarray) -> np.ndarray:
    moves = np.asarray(moves)
    if moves.ndim != 2 or moves.shape[1] < 1:
        raise ValueError(f"moves must be an int array (n_walks, length), got shape {moves.shape}")
    if not np.issubdtype(moves.dtype, np.integer):
        raise TypeError(f"moves must hold integer codes, got dtype {moves.dtype}")
    if moves.min() < 0 or moves.max() >= N_MOVES:
        raise ValueError("move codes must lie in 0 … 3 (N, S, E, W)")
    return moves


def _check_probs(probs: np.ndarray) -> np.ndarray:
    probs = np.asarray(probs, dtype=float)
    if probs.ndim < 1 or probs.shape[-1] != N_MOVES:
        raise ValueError(f"probs must have a last axis of 4 moves, got shape {probs.shape}")
    return probs


# --- k-gram predictors -----------------------------------------------------------------------


def kgram_contexts(moves: np.ndarray, k: int) -> np.ndarray:
    """Integer id of the last ``k`` moves before each time step.

    Parameters
    ----------
    moves
        int array (n_walks, length).
    k
        Context length (0 gives one shared context).

    Returns
    -------
    int array (n_walks, length): entry ``[w, t]`` encodes moves ``t-k … t-1`` in base 5, with
    the symbol :data:`START` for times before the walk began.
    """
    moves = _check_moves(moves)
    if not isinstance(k, int | np.integer) or k < 0:
        raise ValueError(f"k must be an integer >= 0, got {k!r}")
    n, length = moves.shape
    padded = np.concatenate([np.full((n, k), START), moves], axis=1)
    ids = np.zeros((n, length), dtype=np.int64)
    for lag in range(k):  # padded[:, t + lag] is the move at time t - k + lag
        ids = ids * (N_MOVES + 1) + padded[:, lag : lag + length]
    return ids


def fit_kgram(moves: np.ndarray, k: int) -> list[np.ndarray]:
    """Count which move followed each context of length 0 … k.

    Returns
    -------
    list of ``k + 1`` int arrays; entry ``j`` has shape (5**j, 4): counts of each next move
    after each context of the last ``j`` moves.
    """
    moves = _check_moves(moves)
    tables = []
    for order in range(k + 1):
        counts = np.zeros(((N_MOVES + 1) ** order, N_MOVES), dtype=np.int64)
        np.add.at(counts, (kgram_contexts(moves, order).ravel(), moves.ravel()), 1)
        tables.append(counts)
    return tables


def kgram_probabilities(tables: list[np.ndarray], moves: np.ndarray) -> np.ndarray:
    """Next-move probabilities of a fitted k-gram (relative counts).

    A context never seen in training backs off to the longest shorter context that was seen.

    Parameters
    ----------
    tables
        From :func:`fit_kgram`.
    moves
        int array (n_walks, length) of test walks.

    Returns
    -------
    float array (n_walks, length, 4); rows sum to 1.
    """
    if not tables:
        raise ValueError("tables must hold at least the order-0 table")
    moves = _check_moves(moves)
    probs = np.full((*moves.shape, N_MOVES), 1.0 / N_MOVES)
    for order, counts in enumerate(tables):  # longer contexts overwrite shorter ones
        rows = counts[kgram_contexts(moves, order)]
        totals = rows.sum(axis=-1, keepdims=True)
        probs = np.where(totals > 0, rows / np.maximum(totals, 1), probs)
    return probs


# --- a tiny network on the move history -----------------------------------------------------


def history_features(moves: np.ndarray) -> np.ndarray:
    """The whole history before each step, one-hot, slot by slot.

    Parameters
    ----------
    moves
        int array (n_walks, length).

    Returns
    -------
    float array (n_walks, length, 4 * length): entry ``[w, t]`` has a 1 at ``4 * s + moves[w, s]``
    for every earlier step ``s < t`` and zeros elsewhere (so row ``t = 0`` is all zeros).
    """
    moves = _check_moves(moves)
    n, length = moves.shape
    onehot = np.zeros((n, length, N_MOVES))
    onehot[np.arange(n)[:, None], np.arange(length), moves] = 1.0
    flat = onehot.reshape(n, 1, length * N_MOVES)
    seen = np.repeat(np.arange(length), N_MOVES) < np.arange(length)[:, None]  # (length, 4L)
    return flat * seen


def train_next_move_mlp(
    moves: np.ndarray,
    n_hidden: int = 64,
    seed: int = 0,
    epochs: int = 40,
    lr: float = 0.5,
    batch_size: int = 64,
) -> MLP:
    """Train an MLP to predict each move from the whole history before it.

    Returns
    -------
    The trained :class:`worldlab.mlp.MLP` (inputs ``4 * length``, one tanh hidden layer).
    """
    moves = _check_moves(moves)
    features = history_features(moves)
    X = features.reshape(-1, features.shape[-1])
    model = MLP(X.shape[1], n_hidden, N_MOVES, seed=seed, activation="tanh")
    train_sgd(model, X, moves.ravel(), epochs=epochs, lr=lr, batch_size=batch_size, seed=seed)
    return model


def mlp_probabilities(model: MLP, moves: np.ndarray) -> np.ndarray:
    """Next-move probabilities of a network from :func:`train_next_move_mlp`, (n, length, 4)."""
    features = history_features(moves)
    flat = model.predict_proba(features.reshape(-1, features.shape[-1]))
    return flat.reshape(*features.shape[:2], N_MOVES)


def mlp_hidden(model: MLP, moves: np.ndarray) -> np.ndarray:
    """Hidden-layer activations for every history, float array (n_walks, length, n_hidden)."""
    features = history_features(moves)
    flat = model.hidden(features.reshape(-1, features.shape[-1]))
    return flat.reshape(*features.shape[:2], -1)


# --- behavioural tests ------------------------------------------------------------------------


def top1_legality(probs: np.ndarray, legal: np.ndarray) -> float:
    """Fraction of steps whose most probable move is legal.

    Parameters
    ----------
    probs
        float array (..., 4) of next-move probabilities.
    legal
        bool array of the same shape: the truly legal moves.
    """
    probs = _check_probs(probs)
    legal = np.asarray(legal, dtype=bool)
    if legal.shape != probs.shape:
        raise ValueError(f"legal must have the shape of probs {probs.shape}, got {legal.shape}")
    best = probs.argmax(axis=-1)
    return float(np.mean(np.take_along_axis(legal, best[..., None], axis=-1)))


def accepted_moves(probs: np.ndarray, threshold: float = 0.05) -> np.ndarray:
    """The moves a model accepts as possible next moves: probability above ``threshold``.

    Returns
    -------
    bool array, same shape as ``probs``.
    """
    probs = _check_probs(probs)
    if not 0.0 <= threshold < 1.0:
        raise ValueError(f"threshold must lie in [0, 1), got {threshold}")
    return probs > threshold


def behavioural_scores(
    probs: np.ndarray,
    walks: grid_walks.GridWalks,
    score: Callable[..., tuple[float, float]],
    min_prefix: int = 0,
    threshold: float = 0.05,
    max_histories: int | None = 600,
) -> dict[str, float]:
    """Legality, compression and distinction of one predictor on test walks.

    Parameters
    ----------
    probs
        (n_walks, length, 4) from any predictor.
    walks
        The test walks the probabilities are for.
    score
        ``score(accepted, cells, legal) -> (compression, distinction)`` (the lesson's exercise).
    min_prefix
        Only histories of at least this many moves are scored.
    threshold
        See :func:`accepted_moves`.
    max_histories
        Pairwise tests cost n²: score a fixed random subset of this many histories (``None``:
        all). 600 histories give about 180,000 pairs.
    """
    probs = _check_probs(probs)
    if probs.shape != (walks.n_walks, walks.length, N_MOVES):
        raise ValueError(f"probs must be (n_walks, length, 4) for these walks, got {probs.shape}")
    if not 0 <= min_prefix < walks.length:
        raise ValueError(f"min_prefix must lie in 0 … {walks.length - 1}")
    legal = walks.legal()[:, min_prefix:-1].reshape(-1, N_MOVES)
    cells = walks.cells()[:, min_prefix:-1].ravel()
    probs = probs[:, min_prefix:].reshape(-1, N_MOVES)
    legality = top1_legality(probs, legal)
    if max_histories is not None and len(cells) > max_histories:
        keep = np.sort(np.random.default_rng(0).choice(len(cells), max_histories, replace=False))
        legal, cells, probs = legal[keep], cells[keep], probs[keep]
    compression, distinction = score(accepted_moves(probs, threshold), cells, legal)
    return {
        "legality": legality,
        "compression": float(compression),
        "distinction": float(distinction),
    }


# --- linear probes ----------------------------------------------------------------------------


def fit_linear_probe(features: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Least-squares linear probe with a bias: the ``W`` minimising ``||[X, 1] W - Y||^2``.

    Parameters
    ----------
    features
        float array (n, d), ``X``; redundant (constant or copied) columns are allowed: the
        minimum-norm solution is returned.
    targets
        float array (n, m), ``Y``.

    Returns
    -------
    float array (d + 1, m); the last row is the bias, so predictions are
    ``features @ W[:-1] + W[-1]`` (:func:`apply_linear_probe`).
    """
    features = np.asarray(features, dtype=float)
    targets = np.asarray(targets, dtype=float)
    if features.ndim != 2 or targets.ndim != 2 or len(features) != len(targets):
        raise ValueError(
            f"features must be (n, d) and targets (n, m) with the same n, got {features.shape} "
            f"and {targets.shape}"
        )
    design = np.hstack([features, np.ones((len(features), 1))])
    weights, *_ = np.linalg.lstsq(design, targets, rcond=None)
    return weights


def apply_linear_probe(weights: np.ndarray, features: np.ndarray) -> np.ndarray:
    """Predictions ``[features, 1] @ weights``: (n,) or (n, m)."""
    features = np.asarray(features, dtype=float)
    weights = np.asarray(weights, dtype=float)
    if features.ndim != 2 or weights.shape[0] != features.shape[1] + 1:
        raise ValueError(
            f"features must be (n, d) with d + 1 = {weights.shape[0]} rows of weights, got "
            f"{features.shape}"
        )
    return features @ weights[:-1] + weights[-1]


def position_probe_accuracy(
    fit_probe: Callable[[np.ndarray, np.ndarray], np.ndarray],
    train_features: np.ndarray,
    train_positions: np.ndarray,
    test_features: np.ndarray,
    test_positions: np.ndarray,
) -> float:
    """Fit a probe for (row, col) on training features; score it on test features.

    Parameters
    ----------
    fit_probe
        ``fit_probe(features (n, d), targets (n, m)) -> weights (d + 1, m)``, the last row the
        bias (:func:`fit_linear_probe`).
    train_features, test_features
        float arrays (n, d).
    train_positions, test_positions
        int arrays (n, 2): the (row, col) targets.

    Returns
    -------
    Fraction of test histories whose rounded predicted (row, col) is exactly the target.
    """
    weights = np.asarray(fit_probe(train_features, train_positions), dtype=float)
    predicted = np.rint(apply_linear_probe(weights, test_features))
    return float(np.mean(np.all(predicted == test_positions, axis=-1)))


def probe_experiment(
    seed: int,
    fit_probe: Callable[[np.ndarray, np.ndarray], np.ndarray],
    score: Callable[..., tuple[float, float]],
    control: Callable[..., np.ndarray] | None = None,
    size: int = 5,
    length: int = 16,
    n_train: int = 200,
    n_test: int = 200,
    n_hidden: int = 64,
    epochs: int = 25,
    min_prefix: int = 8,
) -> dict[str, float]:
    """Train a next-move network; probe its hidden layer for the cell, against controls.

    Parameters
    ----------
    seed
        Seed of the walks, of the network's initialisation and of the control task.
    fit_probe, score
        :func:`fit_linear_probe` and the lesson's ``compression_distinction``.
    control
        ``control(cells (n,), size, rng) -> (n, 2)`` control labels (the lesson's
        ``control_task``), or ``None`` for no control task.
    size, length
        Grid side and moves per walk.
    n_train, n_test
        Walks to train (network and probes) and to test on.
    n_hidden, epochs
        Width of the network's hidden layer and passes of SGD over the training histories.
    min_prefix
        Histories shorter than this are left out of the behavioural scores.

    Returns
    -------
    dict: the probe accuracy (exact cell) on the ``trained`` network's hidden layer, on the same
    network at ``random_init``, and on the ``raw_input``; with a control task, the same three
    probes fitted to the control labels (``control_trained``, …); and the trained network's
    behavioural scores ``legality``, ``compression``, ``distinction``.
    """
    rng = np.random.default_rng(seed)
    train_seed, test_seed, net_seed, control_seed = (int(s) for s in rng.integers(0, 2**31, size=4))
    train = grid_walks.random_walks(train_seed, n_train, length, size)
    test = grid_walks.random_walks(test_seed, n_test, length, size)
    trained = train_next_move_mlp(train.moves, n_hidden, seed=net_seed, epochs=epochs)
    untrained = MLP(trained.n_inputs, n_hidden, N_MOVES, seed=net_seed, activation="tanh")
    targets = {"": (train.positions[:, :-1].reshape(-1, 2), test.positions[:, :-1].reshape(-1, 2))}
    if control is not None:
        cells = np.concatenate([train.cells()[:, :-1].ravel(), test.cells()[:, :-1].ravel()])
        labels = np.asarray(control(cells, size, np.random.default_rng(control_seed)))
        if labels.shape != (len(cells), 2):
            raise ValueError(f"control returned shape {labels.shape}, expected {(len(cells), 2)}")
        n = n_train * length
        targets["control_"] = (labels[:n], labels[n:])

    def flat(array: np.ndarray) -> np.ndarray:
        return array.reshape(-1, array.shape[-1])

    readers = {
        "trained": lambda moves: flat(mlp_hidden(trained, moves)),
        "random_init": lambda moves: flat(mlp_hidden(untrained, moves)),
        "raw_input": lambda moves: flat(history_features(moves)),
    }
    features = {name: (read(train.moves), read(test.moves)) for name, read in readers.items()}
    result = {}
    for prefix, (train_targets, test_targets) in targets.items():
        for name, (train_features, test_features) in features.items():
            result[prefix + name] = position_probe_accuracy(
                fit_probe, train_features, train_targets, test_features, test_targets
            )
    probs = mlp_probabilities(trained, test.moves)
    result.update(behavioural_scores(probs, test, score, min_prefix=min_prefix))
    return result


def network_sweep(
    seed: int,
    score: Callable[..., tuple[float, float]],
    epochs: tuple[int, ...] = (10, 25, 50, 100),
    thresholds: tuple[float, ...] = (0.02, 0.05, 0.1, 0.2),
    size: int = 5,
    length: int = 16,
    n_train: int = 200,
    n_test: int = 200,
    n_hidden: int = 64,
    min_prefix: int = 8,
    fit_probe: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
) -> list[dict[str, float]]:
    """The network's behavioural scores over training length and acceptance threshold.

    One network per seed is trained in stages (SGD continues from the previous stage), and scored
    after each stage at every threshold.

    Parameters
    ----------
    fit_probe
        Optional ``fit_probe(features (n, d), targets (n, m)) -> weights (d + 1, m)``
        (:func:`fit_linear_probe`): after each stage a (row, col) probe is fitted to the
        hidden layer on the training walks and scored on the test walks (key ``probe``), so the
        two meanings of "world model" are measured on the same network at every stage.

    Returns
    -------
    list of dicts with ``seed``, ``epochs``, ``threshold``, ``legality``, ``compression`` and
    ``distinction`` (and ``probe``, the exact-cell probe accuracy, with ``fit_probe``).
    """
    if list(epochs) != sorted(set(epochs)) or epochs[0] < 1:
        raise ValueError(f"epochs must be increasing positive integers, got {epochs}")
    rng = np.random.default_rng(seed)
    train_seed, test_seed, net_seed = (int(s) for s in rng.integers(0, 2**31, size=3))
    train = grid_walks.random_walks(train_seed, n_train, length, size)
    test = grid_walks.random_walks(test_seed, n_test, length, size)
    features = history_features(train.moves)
    X = features.reshape(-1, features.shape[-1])
    model = MLP(X.shape[1], n_hidden, N_MOVES, seed=net_seed, activation="tanh")
    shuffle = np.random.default_rng(net_seed)
    rows, done = [], 0
    for total in epochs:
        train_sgd(model, X, train.moves.ravel(), total - done, 0.5, 64, shuffle)
        done = total
        probs = mlp_probabilities(model, test.moves)
        probe = {}
        if fit_probe is not None:
            probe["probe"] = position_probe_accuracy(
                fit_probe,
                mlp_hidden(model, train.moves).reshape(-1, n_hidden),
                train.positions[:, :-1].reshape(-1, 2),
                mlp_hidden(model, test.moves).reshape(-1, n_hidden),
                test.positions[:, :-1].reshape(-1, 2),
            )
        for threshold in thresholds:
            scores = behavioural_scores(probs, test, score, min_prefix, threshold)
            rows.append({"seed": seed, "epochs": total, "threshold": threshold, **scores, **probe})
    return rows


def kgram_experiment(
    seed: int,
    score: Callable[..., tuple[float, float]],
    oracle: Callable[[np.ndarray, int], np.ndarray],
    k_values: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6),
    size: int = 5,
    length: int = 20,
    n_train: int = 300,
    n_test: int = 200,
    min_prefix: int = 8,
    threshold: float = 0.05,
) -> list[dict[str, float]]:
    """Behavioural scores of k-gram predictors for several k, and of the oracle.

    ``score`` and ``oracle`` are the lesson's ``compression_distinction`` and
    ``oracle_probabilities``.

    Histories shorter than ``min_prefix`` (>= the largest k) are not scored, so no k-gram can
    read the start of the walk from its context.

    Returns
    -------
    list of dicts with ``model`` (``"k=0"``, …, ``"oracle"``), ``k`` (``nan`` for the oracle),
    ``legality``, ``compression``, ``distinction``.
    """
    if max(k_values) > min_prefix:
        raise ValueError(f"min_prefix ({min_prefix}) must be at least the largest k")
    rng = np.random.default_rng(seed)
    train_seed, test_seed = rng.spawn(2)
    train = grid_walks.random_walks(train_seed, n_train, length, size)
    test = grid_walks.random_walks(test_seed, n_test, length, size)
    rows = []
    for k in k_values:
        probs = kgram_probabilities(fit_kgram(train.moves, k), test.moves)
        scores = behavioural_scores(probs, test, score, min_prefix, threshold)
        rows.append({"model": f"k={k}", "k": float(k), **scores})
    oracle_probs = np.asarray(oracle(test.moves, size), dtype=float)
    scores = behavioural_scores(oracle_probs, test, score, min_prefix, threshold)
    rows.append({"model": "oracle", "k": float("nan"), **scores})
    return rows
