"""Plausible wrong answers to lesson 08's exercises; each must fail a hidden check."""

import numpy as np


def first_row_acc(R):
    R = np.asarray(R, dtype=float)
    bwt = 0.0 if len(R) == 1 else float(np.mean(R[-1, :-1] - np.diag(R)[:-1]))
    return float(R[0].mean()), bwt


def bwt_over_all_tasks(R):
    R = np.asarray(R, dtype=float)
    return float(R[-1].mean()), float(np.mean(R[-1] - np.diag(R)))


def bwt_sign_flipped(R):
    R = np.asarray(R, dtype=float)
    bwt = 0.0 if len(R) == 1 else float(np.mean(np.diag(R)[:-1] - R[-1, :-1]))
    return float(R[-1].mean()), bwt


def wrong_axis_acc(R):
    R = np.asarray(R, dtype=float)
    bwt = 0.0 if len(R) == 1 else float(np.mean(R[-1, :-1] - np.diag(R)[:-1]))
    return float(R[:, -1].mean()), bwt


def replace_every_time(buffer, n_seen, item, capacity, rng):
    if n_seen < capacity:
        buffer.append(item)
    else:
        buffer[int(rng.integers(0, capacity))] = item
    return n_seen + 1


def off_by_one_draw(buffer, n_seen, item, capacity, rng):
    if n_seen < capacity:
        buffer.append(item)
    else:
        j = int(rng.integers(0, n_seen))
        if j < capacity:
            buffer[j] = item
    return n_seen + 1


def forgets_to_count(buffer, n_seen, item, capacity, rng):
    if n_seen < capacity:
        buffer.append(item)
    else:
        j = int(rng.integers(0, n_seen + 1))
        if j < capacity:
            buffer[j] = item
    return n_seen


def own_generator(buffer, n_seen, item, capacity, rng):
    if n_seen < capacity:
        buffer.append(item)
    else:
        j = int(np.random.default_rng().integers(0, n_seen + 1))
        if j < capacity:
            buffer[j] = item
    return n_seen + 1


def ignores_the_network(budget, network_floats, example_floats):
    if budget < network_floats:
        raise ValueError("too small")
    return {"method": "replay", "buffer_size": int(budget // example_floats), "ewc_lambda": 0.0}


def always_ewc(budget, network_floats, example_floats):
    if budget < network_floats:
        raise ValueError("too small")
    return {"method": "ewc", "buffer_size": 0, "ewc_lambda": 100.0}


def tiny_buffer(budget, network_floats, example_floats):
    if budget < network_floats:
        raise ValueError("too small")
    size = min(10, int((budget - network_floats) // example_floats))
    return {"method": "replay", "buffer_size": size, "ewc_lambda": 0.0}


def rounds_up(budget, network_floats, example_floats):
    if budget < network_floats:
        raise ValueError("too small")
    size = int(np.ceil((budget - network_floats) / example_floats))
    return {"method": "replay", "buffer_size": size, "ewc_lambda": 0.0}


def never_raises(budget, network_floats, example_floats):
    size = max(0, int((budget - network_floats) // example_floats))
    return {"method": "replay", "buffer_size": size, "ewc_lambda": 0.0}


# --- issue 29: more wrong answers of the kinds students make -------------------------------


def bwt_from_the_first_row(R):
    # compares with the scores after the first task, not with each task's own score
    R = np.asarray(R, dtype=float)
    bwt = float(np.mean(R[-1, :-1] - R[0, :-1])) if len(R) > 1 else 0.0
    return float(R[-1].mean()), bwt


def acc_bwt_swapped(R):
    # returns (BWT, ACC): the order the docstring states is ignored
    R = np.asarray(R, dtype=float)
    bwt = float(np.mean(R[-1, :-1] - np.diag(R)[:-1])) if len(R) > 1 else 0.0
    return bwt, float(R[-1].mean())


def reservoir_fills_one_too_many(buffer, n_seen, item, capacity, rng):
    # a boundary case: appends while n_seen <= capacity, so the buffer overflows by one
    if n_seen <= capacity:
        buffer.append(item)
    else:
        j = int(rng.integers(0, n_seen + 1))
        if j < capacity:
            buffer[j] = item
    return n_seen + 1


def reservoir_keeps_with_le(buffer, n_seen, item, capacity, rng):
    # j <= capacity: one slot too many is a hit (and index capacity does not exist)
    if n_seen < capacity:
        buffer.append(item)
    else:
        j = int(rng.integers(0, n_seen + 1))
        if j <= capacity:
            buffer[min(j, capacity - 1)] = item
    return n_seen + 1


def policy_ewc_without_penalty(budget, network_floats, example_floats):
    # EWC where it fits, but with lambda 0: plain fine-tuning that stores two useless arrays
    if budget < network_floats:
        raise ValueError("the budget cannot hold the network")
    if budget >= 3 * network_floats:
        return {"method": "ewc", "buffer_size": 0, "ewc_lambda": 0.0}
    return {
        "method": "replay",
        "buffer_size": int((budget - network_floats) // example_floats),
        "ewc_lambda": 0.0,
    }


def policy_no_memory(budget, network_floats, example_floats):
    # the trivial choice: keep nothing but the network
    if budget < network_floats:
        raise ValueError("the budget cannot hold the network")
    return {"method": "replay", "buffer_size": 0, "ewc_lambda": 0.0}


WRONG_ANSWERS = [
    ("acc_bwt", "ACC from the first row", first_row_acc),
    ("acc_bwt", "BWT averaged over all T tasks", bwt_over_all_tasks),
    ("acc_bwt", "BWT with the sign flipped", bwt_sign_flipped),
    ("acc_bwt", "ACC from the last column (wrong axis)", wrong_axis_acc),
    ("reservoir_add", "replaces a random slot every time", replace_every_time),
    ("reservoir_add", "draws j from 0 … n_seen - 1", off_by_one_draw),
    ("reservoir_add", "returns n_seen, not n_seen + 1", forgets_to_count),
    ("reservoir_add", "ignores the rng it is given", own_generator),
    ("choose_memory_policy", "forgets the network's own weights", ignores_the_network),
    ("choose_memory_policy", "EWC even when it does not fit", always_ewc),
    ("choose_memory_policy", "a buffer of 10 whatever the budget", tiny_buffer),
    ("choose_memory_policy", "rounds the buffer up", rounds_up),
    ("choose_memory_policy", "no error for a budget below the network", never_raises),
    ("acc_bwt", "BWT against the first row, not the diagonal", bwt_from_the_first_row),
    ("acc_bwt", "returns (BWT, ACC)", acc_bwt_swapped),
    ("reservoir_add", "fills while n_seen <= capacity", reservoir_fills_one_too_many),
    ("reservoir_add", "keeps the item when j <= capacity", reservoir_keeps_with_le),
    ("choose_memory_policy", "EWC with lambda 0", policy_ewc_without_penalty),
    ("choose_memory_policy", "no memory beyond the network", policy_no_memory),
]

#: Exercises with many right answers: judged by properties of the choice, not by mutants.
DESIGN_TASKS = {"choose_memory_policy"}

#: Surviving mutants that compute what the reference computes for the inputs the docstring
#: promises (a numpy array, as the grader's data channel delivers), found by
#: ``worldlab check --mutants 08``: the means and differences give floats from any numeric array.
#:
#: ``choose_memory_policy`` is a design task; its nine survivors (``worldlab check --mutants 08``,
#: 2026-12-05) are other right answers, not mistakes:
#:
#: * the settings the chosen method ignores (``buffer_size`` of EWC, ``ewc_lambda`` of replay;
#:   the statement says they are ignored) — the same policy;
#: * EWC's strength 10 → 15: inside the plateau of figure 4, where ACC peaks (the lesson's sweep
#:   prints ACC − naive +0.161 at λ = 10 and +0.155 at λ = 100 on its seeds), so just as good;
#: * the switch to EWC moved by a step or removed (``>=`` → ``>``, ``<`` → ``<=``, 150 → 151,
#:   3 → 4 network sizes, the branch deleted): the reference picks EWC only where the budget
#:   holds 3 networks but fewer than 150 examples, with the lesson's network budgets 2,694–2,697
#:   alone, where EWC (λ = 10) and the largest buffer store the same numbers and do equally well
#:   (figure 3's buffers of 100 and 200 bracket EWC's ACC and BWT at λ = 10). "Always the
#:   largest buffer that fits" is the simplest right answer, and every check of what makes the
#:   choice good (fits, grows with the budget, keeps ACC and BWT on unseen streams) holds for it.
EQUIVALENT_MUTANTS = {
    "acc_bwt": ["line 1: delete `R = np.asarray(R, dtype=float)`"],
    "choose_memory_policy": [
        "line 4: `budget >= 3 * network_floats` → `budget > 3 * network_floats`",
        "line 4: `buffer < 150` → `buffer <= 150`",
        "line 6: `0.0` → `1.0`",
        "line 4: `150` → `151`",
        "line 5: `0` → `1`",
        "line 5: `10.0` → `15.0`",
        "line 4: `3` → `4`",
        "line 4: delete `if budget >= 3 * network_floats and buffer < 150:`",
        "line 5: delete `return {'method': 'ewc', 'buffer_size': 0, 'ewc_la`",
    ],
}
