"""Plausible wrong answers for lesson 14; each must fail a hidden check."""

import numpy as np


def _difference(predicted, target):
    return np.asarray(predicted, dtype=float) - np.asarray(target, dtype=float)


def loss_mean_over_entries(predicted, target):
    difference = _difference(predicted, target)
    return float(np.mean(difference**2)), 2.0 * difference / difference.size


def loss_summed_not_averaged(predicted, target):
    difference = _difference(predicted, target)
    return float((difference**2).sum()), 2.0 * difference


def loss_gradient_wrong_sign(predicted, target):
    difference = _difference(predicted, target)
    n = len(difference)
    return float((difference**2).sum() / n), -2.0 * difference / n


def loss_gradient_without_two(predicted, target):
    difference = _difference(predicted, target)
    n = len(difference)
    return float((difference**2).sum() / n), difference / n


def loss_gradient_not_averaged(predicted, target):
    difference = _difference(predicted, target)
    n = len(difference)
    return float((difference**2).sum() / n), 2.0 * difference


def loss_distance_not_squared(predicted, target):
    difference = _difference(predicted, target)
    n = len(difference)
    distance = np.linalg.norm(difference, axis=1, keepdims=True)
    return float(distance.sum() / n), difference / np.maximum(distance, 1e-12) / n


def _excess(z, ddof=1, centre=True):
    z = np.asarray(z, dtype=float)
    n, d = z.shape
    centred = z - z.mean(axis=0) if centre else z
    return centred, centred.T @ centred / (n - ddof) - np.eye(d), n, d


def penalty_divides_by_n(z):
    centred, excess, n, d = _excess(z, ddof=0)
    return float((excess**2).sum() / d), 4.0 * centred @ excess / (n * d)


def penalty_not_centred(z):
    centred, excess, n, d = _excess(z, centre=False)
    return float((excess**2).sum() / d), 4.0 * centred @ excess / ((n - 1) * d)


def penalty_variances_only(z):
    centred, excess, n, d = _excess(z)
    diagonal = np.diag(np.diag(excess))
    return float((diagonal**2).sum() / d), 4.0 * centred @ diagonal / ((n - 1) * d)


def penalty_covariances_only(z):
    centred, excess, n, d = _excess(z)
    off = excess - np.diag(np.diag(excess))
    return float((off**2).sum() / d), 4.0 * centred @ off / ((n - 1) * d)


def penalty_gradient_half(z):
    centred, excess, n, d = _excess(z)
    return float((excess**2).sum() / d), 2.0 * centred @ excess / ((n - 1) * d)


def penalty_not_over_size(z):
    centred, excess, n, d = _excess(z)
    return float((excess**2).sum()), 4.0 * centred @ excess / (n - 1)


def weight_zero():
    return 0.0


def weight_too_small():
    return 0.003


def weight_too_large():
    return 300.0


def weight_negative():
    return -1.0


def weight_as_text():
    return "0.3"


WRONG_ANSWERS = [
    (
        "embedding_prediction_loss",
        "averages over every entry, not over rows",
        loss_mean_over_entries,
    ),
    ("embedding_prediction_loss", "sums over rows instead of averaging", loss_summed_not_averaged),
    ("embedding_prediction_loss", "gradient with the wrong sign", loss_gradient_wrong_sign),
    ("embedding_prediction_loss", "gradient without the factor 2", loss_gradient_without_two),
    ("embedding_prediction_loss", "gradient not divided by n", loss_gradient_not_averaged),
    (
        "embedding_prediction_loss",
        "distance instead of squared distance",
        loss_distance_not_squared,
    ),
    ("variance_covariance_penalty", "covariance with n instead of n - 1", penalty_divides_by_n),
    ("variance_covariance_penalty", "forgets to centre", penalty_not_centred),
    ("variance_covariance_penalty", "variance term only", penalty_variances_only),
    ("variance_covariance_penalty", "covariance term only", penalty_covariances_only),
    ("variance_covariance_penalty", "gradient factor 2 instead of 4", penalty_gradient_half),
    ("variance_covariance_penalty", "not divided by the size d", penalty_not_over_size),
    ("anti_collapse_weight", "no term at all: collapse", weight_zero),
    ("anti_collapse_weight", "too weak a term", weight_too_small),
    ("anti_collapse_weight", "too strong a term drowns the prediction", weight_too_large),
    ("anti_collapse_weight", "a negative weight", weight_negative),
    ("anti_collapse_weight", "a string, not a number", weight_as_text),
]

#: Exercises with many right answers: judged by properties of the choice, not by mutants.
DESIGN_TASKS = {"anti_collapse_weight"}

#: Surviving mutants of the design task that are other right answers (``worldlab check --mutants
#: 14``, 2026-12-05): a weight of 1.5 instead of 1.0 lies well inside the range the task's
#: property accepts. Measured on worlds 0-2 at strength 2 with the reference losses (100 steps):
#: weights 0.3 to 5 keep a read-out R² of 0.97-0.99 and a spread of 0.43-0.97, while 0.1 collapses
#: (spread 0.05) and 20 drowns the prediction (R² 0.69); 1.5 sits between 1 (R² 0.99, spread
#: 0.86) and 2 (R² 0.99, spread 0.93). Weights outside that range are caught as wrong answers
#: above (0, 0.003, 300).
EQUIVALENT_MUTANTS = {"anti_collapse_weight": ["line 1: `1.0` → `1.5`"]}
