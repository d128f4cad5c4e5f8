"""Plausible wrong answers to lesson 05's exercises; each must fail a hidden check."""

import numpy as np


def rw_no_start_row(cues, food, alpha=0.3, beta=1.0, lam=1.0):
    cues, food = np.asarray(cues, float), np.asarray(food, float)
    strengths = np.zeros((cues.shape[0] + 1, cues.shape[1]))
    for t in range(cues.shape[0]):
        error = lam * food[t] - strengths[t] @ cues[t]
        strengths[t + 1] = strengths[t] + alpha * beta * error * cues[t]
    return strengths[1:]


def rw_own_error_per_cue(cues, food, alpha=0.3, beta=1.0, lam=1.0):
    cues, food = np.asarray(cues, float), np.asarray(food, float)
    strengths = np.zeros((cues.shape[0] + 1, cues.shape[1]))
    for t in range(cues.shape[0]):
        error = lam * food[t] - strengths[t]  # each cue's own error: no blocking
        strengths[t + 1] = strengths[t] + alpha * beta * error * cues[t]
    return strengths


def rw_updates_absent_cues(cues, food, alpha=0.3, beta=1.0, lam=1.0):
    cues, food = np.asarray(cues, float), np.asarray(food, float)
    strengths = np.zeros((cues.shape[0] + 1, cues.shape[1]))
    for t in range(cues.shape[0]):
        error = lam * food[t] - strengths[t] @ cues[t]
        strengths[t + 1] = strengths[t] + alpha * beta * error
    return strengths


def rw_forgets_beta(cues, food, alpha=0.3, beta=1.0, lam=1.0):
    cues, food = np.asarray(cues, float), np.asarray(food, float)
    strengths = np.zeros((cues.shape[0] + 1, cues.shape[1]))
    for t in range(cues.shape[0]):
        error = lam * food[t] - strengths[t] @ cues[t]
        strengths[t + 1] = strengths[t] + alpha * error * cues[t]
    return strengths


def delta_in_place(weights, phi, target, learning_rate):
    weights += learning_rate * np.outer(target - weights @ phi, phi)
    return weights


def delta_sign_flipped(weights, phi, target, learning_rate):
    return weights + learning_rate * np.outer(weights @ phi - target, phi)


def delta_wrong_axis(weights, phi, target, learning_rate):
    # (n_in, n_out) forced into the weights' shape: the numbers land on the wrong weights
    return weights + learning_rate * np.outer(phi, target - weights @ phi).reshape(weights.shape)


def delta_no_rate(weights, phi, target, learning_rate):
    return weights + np.outer(target - weights @ phi, phi)


def detect_absolute_threshold(surprise, noise_floor):
    above = np.flatnonzero(np.asarray(surprise) > 0.1)
    return int(above[0]) if above.size else -1


def detect_single_step(surprise, noise_floor):
    above = np.flatnonzero(np.asarray(surprise) > 5 * noise_floor)
    return int(above[0]) if above.size else -1


def detect_argmax(surprise, noise_floor):
    return int(np.argmax(surprise))


def detect_never(surprise, noise_floor):
    return -1


def detect_window_start(surprise, noise_floor):
    # Dates the alarm at the start of a long window: it uses steps after the alarm.
    surprise = np.asarray(surprise, float)
    for start in range(len(surprise) - 40):
        if surprise[start : start + 40].mean() > 5 * noise_floor:
            return start
    return -1


def rw_one_salience(cues, food, alpha=0.3, beta=1.0, lam=1.0):
    # one salience for every cue: the mean of the given ones
    cues, food = np.asarray(cues, float), np.asarray(food, float)
    alpha = float(np.mean(alpha))
    strengths = np.zeros((cues.shape[0] + 1, cues.shape[1]))
    for t in range(cues.shape[0]):
        error = lam * food[t] - strengths[t] @ cues[t]
        strengths[t + 1] = strengths[t] + alpha * beta * error * cues[t]
    return strengths


def rw_ignores_lam(cues, food, alpha=0.3, beta=1.0, lam=1.0):
    cues, food = np.asarray(cues, float), np.asarray(food, float)
    strengths = np.zeros((cues.shape[0] + 1, cues.shape[1]))
    for t in range(cues.shape[0]):
        error = food[t] - strengths[t] @ cues[t]  # the target is always 1
        strengths[t + 1] = strengths[t] + alpha * beta * error * cues[t]
    return strengths


def rw_cue_by_cue(cues, food, alpha=0.3, beta=1.0, lam=1.0):
    # updates the present cues one after another, each with the error left by the previous one
    cues, food = np.asarray(cues, float), np.asarray(food, float)
    alpha = np.broadcast_to(np.asarray(alpha, float), (cues.shape[1],))
    strengths = np.zeros((cues.shape[0] + 1, cues.shape[1]))
    for t in range(cues.shape[0]):
        row = strengths[t].copy()
        for i in np.flatnonzero(cues[t]):
            error = lam * food[t] - row @ cues[t]
            row[i] += alpha[i] * beta * error
        strengths[t + 1] = row
    return strengths


def delta_normalised(weights, phi, target, learning_rate):
    # normalised LMS: a different rule from the one asked for
    error = np.asarray(target, float) - weights @ phi
    return weights + learning_rate * np.outer(error, phi) / max(float(phi @ phi), 1e-12)


def delta_forgets_input(weights, phi, target, learning_rate):
    error = np.asarray(target, float) - weights @ phi
    return weights + learning_rate * error[:, None] * np.ones_like(weights)


def detect_running_mean(surprise, noise_floor):
    # the mean of every step so far: steady, but slow to move after a late change
    surprise = np.asarray(surprise, float)
    means = np.cumsum(surprise) / np.arange(1, len(surprise) + 1)
    above = np.flatnonzero(means > 3 * noise_floor)
    return int(above[0]) if above.size else -1


WRONG_ANSWERS = [
    ("rescorla_wagner", "off by one: no start row", rw_no_start_row),
    ("rescorla_wagner", "each cue its own error (no shared prediction)", rw_own_error_per_cue),
    ("rescorla_wagner", "absent cues move too", rw_updates_absent_cues),
    ("rescorla_wagner", "forgot beta", rw_forgets_beta),
    ("delta_rule_update", "changes the caller's weights in place", delta_in_place),
    ("delta_rule_update", "error with the wrong sign", delta_sign_flipped),
    ("delta_rule_update", "outer product on the wrong axes", delta_wrong_axis),
    ("delta_rule_update", "forgot the learning rate", delta_no_rate),
    ("detect_change", "absolute threshold, not in units of the floor", detect_absolute_threshold),
    ("detect_change", "one surprising step is taken for a change", detect_single_step),
    ("detect_change", "the largest surprise, change or not", detect_argmax),
    ("detect_change", "never raises the alarm", detect_never),
    ("detect_change", "looks ahead of its alarm", detect_window_start),
    ("rescorla_wagner", "one salience for all cues (their mean)", rw_one_salience),
    ("rescorla_wagner", "ignores lam: food is always worth 1", rw_ignores_lam),
    ("rescorla_wagner", "cues updated one after another, error recomputed", rw_cue_by_cue),
    ("delta_rule_update", "normalised by the size of the input (NLMS)", delta_normalised),
    (
        "delta_rule_update",
        "forgets the input: every weight of a row moves alike",
        delta_forgets_input,
    ),
    (
        "detect_change",
        "mean of all steps so far (too slow after a late change)",
        detect_running_mean,
    ),
]

#: Exercises with many right answers: judged by properties of the choice, not by mutants.
DESIGN_TASKS = {"detect_change"}

#: Surviving mutants that compute what the reference computes for the inputs the docstring
#: promises (numpy arrays, which is what the grader's data channel delivers), found by
#: ``worldlab check --mutants 05``: every operation after the ``np.asarray`` lines already works
#: in floating point (``strengths`` is a float array), so they have nothing to convert.
#:
#: Re-measured 2026-12-05 with default mutants and the design task (``worldlab check --mutants
#: 05``). ``rescorla_wagner``'s default ``alpha`` (0.3 → 0.45) is equivalent for this lesson: the
#: ``def`` line is given, and no experiment or check calls the rule without its saliences (the
#: blocking experiment, the figures, the demo and the hidden checks all pass ``alpha``; only the
#: visible test's closing print uses the default). ``detect_change``'s survivors are other right
#: answers: a window of 16 steps instead of 15, or a threshold of 7.5 floors instead of 5, still
#: separate a change (10 to 100 times the floor for many steps) from bad luck at every noise level,
#: which is what the hidden checks judge; ``>=`` for ``>`` differs only on an exact tie; the
#: cumulative sum's start (0.0 → 1.0) cancels in every difference; the ``asarray`` line has
#: nothing to convert; and a loop that stops two window ends early (``len + 1`` → ``len - 1``)
#: raises an alarm at most two steps later, and only at the very end of a stream. (One survivor
#: of the first run, ``end - 1`` → ``end + 1``, could return a step past the end of the stream; the
#: visible test now checks that an alarm is a step of the stream, which kills it.)
EQUIVALENT_MUTANTS = {
    "rescorla_wagner": [
        "line 1: delete `cues = np.asarray(cues, dtype=float)`",
        "line 2: delete `food = np.asarray(food, dtype=float)`",
        "default: `0.3` → `0.44999999999999996`",
    ],
    "detect_change": [
        "line 6: delete `surprise = np.asarray(surprise, dtype=float)`",
        "line 7: `15` → `16`",
        "line 7: `5.0` → `7.5`",
        "line 8: `0.0` → `1.0`",
        "line 9: `len(surprise) + 1` → `len(surprise) - 1`",
        "line 10: `(sums[end] - sums[end - window]) / window > factor * noise_floor` → "
        "`(sums[end] - sums[end - window]) / window >= factor * noise_floor`",
    ],
}
