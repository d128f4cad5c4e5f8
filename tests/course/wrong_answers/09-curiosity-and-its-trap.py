"""Plausible wrong answers for lesson 09; each must fail a hidden check."""

import numpy as np


def surprise_no_smoothing_in_total(counts, observed, alpha=0.1):
    counts = np.asarray(counts, float)
    return float(-np.log((counts[observed] + alpha) / (counts.sum() + alpha)))


def surprise_probability_not_log(counts, observed, alpha=0.1):
    counts = np.asarray(counts, float)
    return float(1 - (counts[observed] + alpha) / (counts.sum() + alpha * len(counts)))


def surprise_log2(counts, observed, alpha=0.1):
    counts = np.asarray(counts, float)
    return float(-np.log2((counts[observed] + alpha) / (counts.sum() + alpha * len(counts))))


def progress_not_floored(errors, window):
    errors = np.asarray(errors, float)
    if len(errors) < 2 * window:
        return 0.0
    return float(errors[-2 * window : -window].mean() - errors[-window:].mean())


def progress_first_against_last(errors, window):
    errors = np.asarray(errors, float)
    if len(errors) < 2 * window:
        return 0.0
    return float(max(0.0, errors[:window].mean() - errors[-window:].mean()))


def progress_off_by_one(errors, window):
    errors = np.asarray(errors, float)
    if len(errors) < 2 * window:
        return 0.0
    return float(max(0.0, errors[-2 * window - 1 : -window - 1].mean() - errors[-window:].mean()))


def coverage_counts_visits(cells, n_cells):
    return np.arange(1, len(cells) + 1) / n_cells


def coverage_final_only(cells, n_cells):
    return np.full(len(cells), len(set(np.asarray(cells).tolist())) / n_cells)


def choose_surprise(channels, steps):
    return "surprise"


WRONG_ANSWERS = [
    (
        "count_surprise",
        "forgets alpha for every outcome in the total",
        surprise_no_smoothing_in_total,
    ),
    ("count_surprise", "returns 1 - p instead of -log p", surprise_probability_not_log),
    ("count_surprise", "in bits instead of nats", surprise_log2),
    ("learning_progress", "not floored at zero", progress_not_floored),
    (
        "learning_progress",
        "compares the first window, not the one before the last",
        progress_first_against_last,
    ),
    ("learning_progress", "off by one in the older window", progress_off_by_one),
    ("coverage_curve", "counts visits, not distinct cells", coverage_counts_visits),
    ("coverage_curve", "the final coverage at every step", coverage_final_only),
    ("choose_signal", "rewards prediction error itself", choose_surprise),
]
DESIGN_TASKS = {"choose_signal"}
#: Mutants of the references that behave exactly like them.
EQUIVALENT_MUTANTS = {
    # np.unique and len accept a list as well as an array
    "coverage_curve": ["line 1: delete `cells = np.asarray(cells, dtype=int)`"],
}
