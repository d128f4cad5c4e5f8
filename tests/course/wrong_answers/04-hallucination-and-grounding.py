"""Plausible wrong answers to lesson 04's exercises; each must fail a hidden check.

Test notes (mutants that survive the hidden checks, all equivalent in what is checked): in the
design task ``choose_check_threshold``, changing the constant of the posterior (the clamp of
``noise``, the factors of ``K``) leaves the chosen threshold within the cost margin, because a
day read once is still judged much likelier true than any unseen day; the tie-breaking of
``cost < best_cost - 1e-12`` only matters between thresholds of equal cost.
"""

import numpy as np


def gt_over_items(counts):
    counts = np.asarray(counts)
    if counts.sum() == 0:
        raise ValueError("nothing drawn")
    return float(np.sum(counts == 1) / counts.size)


def gt_over_seen_items(counts):
    counts = np.asarray(counts)
    if counts.sum() == 0:
        raise ValueError("nothing drawn")
    return float(np.sum(counts == 1) / np.count_nonzero(counts))


def gt_at_most_once(counts):
    counts = np.asarray(counts)
    if counts.sum() == 0:
        raise ValueError("nothing drawn")
    return float(np.sum(counts <= 1) / counts.sum())


def gt_no_error(counts):
    counts = np.asarray(counts)
    return float(np.sum(counts == 1) / max(counts.sum(), 1))


def gt_first_axis(counts):
    counts = np.atleast_2d(np.asarray(counts))
    if counts.sum() == 0:
        raise ValueError("nothing drawn")
    return float(np.mean(np.sum(counts == 1, axis=0) / np.maximum(counts.sum(axis=0), 1)))


def _false(q, true_day):
    false = np.ones(np.shape(q), dtype=bool)
    false[np.arange(np.shape(q)[0]), true_day] = False
    return false


def checked_strict(q, counts, true_day, t):
    q = np.asarray(q, dtype=float)
    checked = np.asarray(counts) < t
    false = _false(q, true_day)
    return {"queries": float(q[checked].sum()), "hallucination": float(q[false & ~checked].sum())}


def checked_still_counts_false(q, counts, true_day, t):
    q = np.asarray(q, dtype=float)
    checked = np.asarray(counts) <= t
    return {
        "queries": float(q[checked].sum()),
        "hallucination": float(q[_false(q, true_day)].sum()),
    }


def checked_counts_cells(q, counts, true_day, t):
    q = np.asarray(q, dtype=float)
    checked = np.asarray(counts) <= t
    false = _false(q, true_day)
    return {"queries": float(checked.mean()), "hallucination": float(q[false & ~checked].sum())}


def checked_true_axis_swapped(q, counts, true_day, t):
    q = np.asarray(q, dtype=float)
    checked = np.asarray(counts) <= t
    false = np.ones(q.shape, dtype=bool)
    false[:, :] = True
    for i, d in enumerate(true_day):
        if d < q.shape[0] and i < q.shape[1]:
            false[d, i] = False
    return {"queries": float(q[checked].sum()), "hallucination": float(q[false & ~checked].sum())}


def _costs(q, counts, wrong, cost_wrong, cost_query):
    best, best_cost = -1, cost_wrong * wrong.sum()
    for t in np.unique(counts):
        checked = counts <= t
        cost = cost_wrong * wrong[~checked].sum() + cost_query * q[checked].sum()
        if cost < best_cost - 1e-12:
            best, best_cost = int(t), cost
    return best


def choose_read_means_true(q, counts, noise, cost_wrong, cost_query):
    q, counts = np.asarray(q, float), np.asarray(counts)
    return _costs(q, counts, q * (counts == 0), cost_wrong, cost_query)


def choose_swapped_costs(q, counts, noise, cost_wrong, cost_query):
    q, counts = np.asarray(q, float), np.asarray(counts)
    wrong = q * np.where(counts == 0, 1.0, np.where(counts == 1, noise, 0.0))
    return _costs(q, counts, wrong, cost_query, cost_wrong)


def choose_always_check_all(q, counts, noise, cost_wrong, cost_query):
    return int(np.max(counts))


def choose_never_check(q, counts, noise, cost_wrong, cost_query):
    return -1


def choose_ignores_query_cost(q, counts, noise, cost_wrong, cost_query):
    q, counts = np.asarray(q, float), np.asarray(counts)
    wrong = q * np.where(counts == 0, 1.0, np.where(counts == 1, noise, 0.0))
    return _costs(q, counts, wrong, cost_wrong, 0.0 * cost_query + 1e-9)


def gt_unseen_items(counts):
    counts = np.asarray(counts)
    if counts.sum() == 0:
        raise ValueError("nothing drawn")
    return float(np.sum(counts == 0) / counts.size)


def gt_integer_division(counts):
    counts = np.asarray(counts)
    if counts.sum() == 0:
        raise ValueError("nothing drawn")
    return float(np.sum(counts == 1) // counts.sum())


def checked_rate_among_unchecked(q, counts, true_day, t):
    q = np.asarray(q, dtype=float)
    checked = np.asarray(counts) <= t
    false = _false(q, true_day)
    unchecked = max(float(q[~checked].sum()), 1e-12)
    return {
        "queries": float(q[checked].sum()),
        "hallucination": float(q[false & ~checked].sum()) / unchecked,
    }


def checked_never_means_unseen(q, counts, true_day, t):
    q = np.asarray(q, dtype=float)
    checked = np.asarray(counts) <= max(t, 0)
    false = _false(q, true_day)
    return {"queries": float(q[checked].sum()), "hallucination": float(q[false & ~checked].sum())}


def checked_queries_only_false(q, counts, true_day, t):
    q = np.asarray(q, dtype=float)
    checked = np.asarray(counts) <= t
    false = _false(q, true_day)
    return {
        "queries": float(q[checked & false].sum()),
        "hallucination": float(q[false & ~checked].sum()),
    }


def choose_unseen_or_nothing(q, counts, noise, cost_wrong, cost_query):
    return 0 if cost_wrong > cost_query else -1


WRONG_ANSWERS = [
    ("good_turing_missing_mass", "divides by the number of items", gt_over_items),
    ("good_turing_missing_mass", "divides by the number of items seen", gt_over_seen_items),
    ("good_turing_missing_mass", "counts items seen at most once (zeros too)", gt_at_most_once),
    ("good_turing_missing_mass", "no ValueError when nothing was drawn", gt_no_error),
    ("good_turing_missing_mass", "averages per column (wrong axis)", gt_first_axis),
    ("checked_generation", "checks counts < t instead of <=", checked_strict),
    (
        "checked_generation",
        "counts checked false statements as hallucinations",
        checked_still_counts_false,
    ),
    ("checked_generation", "queries as a share of cells, not of probability", checked_counts_cells),
    ("checked_generation", "true_day indexed on the wrong axis", checked_true_axis_swapped),
    ("choose_check_threshold", "assumes whatever was read is true", choose_read_means_true),
    ("choose_check_threshold", "swaps the two costs", choose_swapped_costs),
    ("choose_check_threshold", "always checks everything", choose_always_check_all),
    ("choose_check_threshold", "never checks", choose_never_check),
    ("choose_check_threshold", "ignores the cost of a query", choose_ignores_query_cost),
    ("good_turing_missing_mass", "the share of items never seen", gt_unseen_items),
    ("good_turing_missing_mass", "integer division (always 0)", gt_integer_division),
    (
        "checked_generation",
        "hallucination as a rate among unchecked statements, not a probability",
        checked_rate_among_unchecked,
    ),
    (
        "checked_generation",
        "threshold -1 still checks what was never read",
        checked_never_means_unseen,
    ),
    ("checked_generation", "counts only false statements as look-ups", checked_queries_only_false),
    (
        "choose_check_threshold",
        "checks at most the unseen statements (never what was read once)",
        choose_unseen_or_nothing,
    ),
]

#: Exercises with many right answers: judged by properties of the choice, not by mutants.
DESIGN_TASKS = {"choose_check_threshold"}

#: Surviving mutants that compute exactly what the reference computes for the inputs the
#: docstrings promise (numpy arrays; the grader's data channel delivers numpy arrays), found by
#: ``worldlab check --mutants 04``: the ``np.asarray`` lines have nothing to convert.
#:
#: The design task's survivors (``worldlab check --mutants 04``, 2026-12-05; two others, the
#: posterior left unnormalised and the noise clip deleted, are killed by the hidden check's
#: noise-free world and its cost setting where looking up the unread starts to pay) are other
#: right answers, for three reasons:
#:
#: - the ``asarray`` lines, as above;
#: - the clip of ``noise`` to [1e-9, 1 - 1e-9] (lines 7) only guards noise 0 and 1: moving its
#:   bounds (``1e-9`` → ``1.5e-9``, ``1 - 1e-9`` → ``1 + 1e-9`` or ``2 - 1e-9``) changes nothing
#:   for a noise in [0, 1) but a sliver of width 1e-9; the tie-breaking tolerance of line 18
#:   (``<`` → ``<=``, ``- 1e-12`` → ``+ 1e-12``, ``1e-12`` → ``1.5e-12``) only decides between
#:   thresholds whose expected costs agree to 1e-12;
#: - the likelihood ratio K = (n_days - 1)(1 - noise) / noise of line 8 (``/`` for ``*``,
#:   ``n_days + 1``, ``1 + noise``, ``2 - noise``, or ``n_days`` read from the lesson's global
#:   365 when line 3 is deleted): a day read c more times than another is K**c times likelier
#:   to be the true one, and K is above 1,000 at the checks' noise levels, so a factor of 2 on K
#:   moves the posterior by a negligible amount. Measured against the reference on 40 worlds of
#:   the hidden check's kind (noise 0 to 0.25) and 60 cost ratios from 0.3 to 300 each: the
#:   chosen threshold differs on 0 (``n_days + 1``), 1 (``n_days - 2``), 7 (``/``, ``1 + noise``)
#:   and 22 (``2 - noise``) of 2,400 settings, all where two thresholds cost nearly the same.
#:   They are the same estimate under a slightly different noise model, not a worse choice.
EQUIVALENT_MUTANTS = {
    "good_turing_missing_mass": ["line 1: delete `counts = np.asarray(counts)`"],
    "checked_generation": ["line 1: delete `q = np.asarray(q, dtype=float)`"],
    "choose_check_threshold": [
        "line 1: delete `q = np.asarray(q, dtype=float)`",
        "line 2: delete `counts = np.asarray(counts)`",
        "line 3: delete `n_days = counts.shape[1]`",
        "line 7: `1 - 1e-09` → `1 + 1e-09`",
        "line 7: `1` → `2`",
        "line 7: `1e-09` → `1.5000000000000002e-09`",
        "line 8: `(n_days - 1) * (1 - noise)` → `(n_days - 1) / (1 - noise)`",
        "line 8: `n_days - 1` → `n_days + 1`",
        "line 8: `1 - noise` → `1 + noise`",
        "line 8: `1` → `2`",
        "line 18: `cost < best_cost - 1e-12` → `cost <= best_cost - 1e-12`",
        "line 18: `best_cost - 1e-12` → `best_cost + 1e-12`",
        "line 18: `1e-12` → `1.5e-12`",
    ],
}
