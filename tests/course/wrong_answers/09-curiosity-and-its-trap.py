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


# --- issue 29: more wrong answers of the kinds students make -------------------------------


def surprise_alpha_only_in_total(counts, observed, alpha=0.1):
    # smooths the denominator but not the observed count: an unseen outcome is infinitely surprising
    counts = np.asarray(counts, float)
    return float(-np.log(max(counts[observed], 1e-300) / (counts.sum() + alpha * len(counts))))


def progress_absolute_change(errors, window):
    # any change counts, also a rising error
    errors = np.asarray(errors, float)
    if len(errors) < 2 * window:
        return 0.0
    return float(abs(errors[-2 * window : -window].mean() - errors[-window:].mean()))


def progress_sign_flipped(errors, window):
    # newer minus older: rewards an error that rises
    errors = np.asarray(errors, float)
    if len(errors) < 2 * window:
        return 0.0
    return float(max(0.0, errors[-window:].mean() - errors[-2 * window : -window].mean()))


def coverage_before_the_step(cells, n_cells):
    # the coverage before each visit, not after it
    seen, out, count = set(), [], 0
    for cell in np.asarray(cells).tolist():
        out.append(count / n_cells)
        if cell not in seen:
            seen.add(cell)
            count += 1
    return np.array(out)


def coverage_of_visited_cells(cells, n_cells):
    # divides by the cells visited in the end, not by every cell of the world
    cells = np.asarray(cells)
    first = np.zeros(len(cells))
    first[np.unique(cells, return_index=True)[1]] = 1
    return np.cumsum(first) / len(np.unique(cells))


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
    (
        "count_surprise",
        "smooths the total but not the observed count",
        surprise_alpha_only_in_total,
    ),
    ("learning_progress", "any change counts, a rising error too", progress_absolute_change),
    ("learning_progress", "newer minus older", progress_sign_flipped),
    ("coverage_curve", "the coverage before each step", coverage_before_the_step),
    ("coverage_curve", "divides by the cells visited, not by n_cells", coverage_of_visited_cells),
]
DESIGN_TASKS = {"choose_signal"}
#: Mutants of the references that behave exactly like them.
#:
#: ``choose_signal`` is a design task. Its four survivors (``worldlab check --mutants 09``,
#: 2026-12-05) make the same choice as the reference on every world the checks draw: measured
#: on 1, 5, 20 and 60 channels with 360 steps (six seeds each), the reference and all four pick
#: ``count``, which covers the whole world (1.00 against the random walk's 0.56-0.57) and spends
#: the least time at the TV (0.003 of its steps):
#:
#: * three seeds → four: a larger sample for the same comparison;
#: * the coverage read one step before the end (``[-1]`` → ``[-2]``): the same score, a step
#:   earlier;
#: * the coverage read after the first step (``[-1]`` → ``[1]``): the score becomes the TV share
#:   alone (every agent has covered the same one or two cells by then), and ``count`` has the
#:   least TV time, so the choice stands; scoring by time away from the noise is a defensible
#:   rule here, since every non-random signal that stays away from the TV explores (figure 2);
#: * the described world not built: the lesson's own ``world`` (figure 1, a 30-channel TV) is
#:   used instead, and the signal that wins there is also the reference's choice for every
#:   channel count: "choose for the noisiest world" is a robust design.
EQUIVALENT_MUTANTS = {
    # np.unique and len accept a list as well as an array
    "coverage_curve": ["line 1: delete `cells = np.asarray(cells, dtype=int)`"],
    "choose_signal": [
        "line 5: `3` → `4`",
        "line 6: `-1` → `1`",
        "line 6: `1` → `2`",
        "line 1: delete `world = NoisyTVWorld(channels=int(channels))`",
    ],
}
