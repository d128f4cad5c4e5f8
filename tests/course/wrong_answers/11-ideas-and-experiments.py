"""Plausible wrong answers for lesson 11; each must fail a hidden check."""

import numpy as np


def mutate_may_not_change(config, n_levels, rng):
    child = np.array(config, copy=True)
    child[rng.integers(len(child))] = rng.integers(n_levels)  # may draw the same level
    return child


def mutate_in_place(config, n_levels, rng):
    knob = rng.integers(len(config))
    config[knob] = (config[knob] + rng.integers(1, n_levels)) % n_levels
    return config


def mutate_misses_the_last_level(config, n_levels, rng):
    child = np.array(config, copy=True)
    knob = rng.integers(len(child))
    child[knob] = (
        (child[knob] + rng.integers(1, n_levels - 1)) % n_levels
        if n_levels > 2
        else 1 - child[knob]
    )
    return child


def mutate_first_knob_only(config, n_levels, rng):
    child = np.array(config, copy=True)
    child[0] = (child[0] + rng.integers(1, n_levels)) % n_levels
    return child


def fdr_over_all_steps(claimed, true_gain):
    claimed, true_gain = np.asarray(claimed, bool), np.asarray(true_gain, float)
    return float((claimed & (true_gain <= 0)).sum() / len(claimed))


def fdr_zero_counts_as_better(claimed, true_gain):
    claimed, true_gain = np.asarray(claimed, bool), np.asarray(true_gain, float)
    return float((claimed & (true_gain < 0)).sum() / claimed.sum()) if claimed.any() else 0.0


def fdr_nan_without_claims(claimed, true_gain):
    claimed, true_gain = np.asarray(claimed, bool), np.asarray(true_gain, float)
    return float(
        (claimed & (true_gain <= 0)).sum() / max(claimed.sum(), 0) if claimed.any() else np.nan
    )


def select_estimates_with_every_replicate(scores):
    scores = np.asarray(scores, float)
    half = scores.shape[1] // 2
    index = int(np.argmax(scores[:, :half].mean(axis=1)))
    return index, float(scores[index].mean())


def select_on_every_replicate(scores):
    scores = np.asarray(scores, float)
    half = scores.shape[1] // 2
    index = int(np.argmax(scores.mean(axis=1)))
    return index, float(scores[index, half:].mean())


def select_wrong_axis(scores):
    scores = np.asarray(scores, float)
    half = scores.shape[1] // 2
    index = int(np.argmax(scores[:, :half].mean(axis=0)))
    return index, float(scores[index, half:].mean())


def allocate_never_judges(budget, judge_cost, rho, noise):
    n = int(budget // (1 + judge_cost))
    return {"n_ideas": n, "n_tests": n, "replicates": 1}


def allocate_over_budget(budget, judge_cost, rho, noise):
    return {"n_ideas": int(10 * budget), "n_tests": int(budget), "replicates": 1}


# --- issue 29: more wrong answers of the kinds students make -------------------------------


_OWN_GENERATOR = np.random.default_rng()


def mutate_ignores_the_rng(config, n_levels, rng):
    # a stated rule ignored: draws from a generator of its own, not the one it is given
    child = np.array(config, dtype=int, copy=True)
    knob = _OWN_GENERATOR.integers(len(child))
    child[knob] = (child[knob] + _OWN_GENERATOR.integers(1, n_levels)) % n_levels
    return child


def fdr_true_discoveries(claimed, true_gain):
    # the complement: the share of claims that are real
    claimed, true_gain = np.asarray(claimed, bool), np.asarray(true_gain, float)
    return float((claimed & (true_gain > 0)).sum() / claimed.sum()) if claimed.any() else 0.0


def fdr_hint_read_literally(claimed, true_gain):
    # both inputs made boolean: a nonzero gain, of either sign, counts as "positive"
    claimed, true_gain = np.asarray(claimed, dtype=bool), np.asarray(true_gain, dtype=bool)
    return float((claimed & ~true_gain).sum() / claimed.sum()) if claimed.any() else 0.0


def select_half_rounded_up(scores):
    # a boundary case: with an odd number of replicates, chooses on the larger part
    scores = np.asarray(scores, float)
    half = (scores.shape[1] + 1) // 2
    index = int(np.argmax(scores[:, :half].mean(axis=1)))
    return index, float(scores[index, half:].mean())


def allocate_fixed_judge_heavy(budget, judge_cost, rho, noise):
    # a degenerate choice: the same judge-heavy plan whatever the judge is worth
    n_tests = int(budget // 4)
    return {"n_ideas": int((budget - n_tests) // judge_cost), "n_tests": n_tests, "replicates": 1}


def allocate_one_test(budget, judge_cost, rho, noise):
    # everything on ideas, one test: trusts the judge blindly, also at rho 0
    return {"n_ideas": int((budget - 1) // judge_cost), "n_tests": 1, "replicates": 1}


def allocate_float_counts(budget, judge_cost, rho, noise):
    # counts left as floats (budget / cost)
    n_tests = budget / 4 if rho > 0.5 else budget / 1.2
    return {"n_ideas": (budget - n_tests) / judge_cost, "n_tests": n_tests, "replicates": 1}


def allocate_more_tests_than_ideas(budget, judge_cost, rho, noise):
    # tests ideas it never generated
    n = int(budget // 2)
    return {"n_ideas": 10 if rho > 0.5 else n // 2, "n_tests": n, "replicates": 1}


def allocate_same_plan_for_every_rho(budget, judge_cost, rho, noise):
    # reads the noise but not the judge: a quarter of the budget on judging, always
    replicates = 2 if noise > 0.6 else 1
    n_tests = int(0.75 * budget // replicates)
    spare = budget - n_tests * replicates
    return {
        "n_ideas": max(n_tests, int(spare // judge_cost)),
        "n_tests": n_tests,
        "replicates": replicates,
    }


WRONG_ANSWERS = [
    ("mutate", "may redraw the same level", mutate_may_not_change),
    ("mutate", "changes the parent in place", mutate_in_place),
    ("mutate", "off by one: never reaches the last level away", mutate_misses_the_last_level),
    ("mutate", "always changes the first knob", mutate_first_knob_only),
    ("false_discovery_rate", "divides by every step, not by the claims", fdr_over_all_steps),
    ("false_discovery_rate", "counts a zero gain as an improvement", fdr_zero_counts_as_better),
    ("false_discovery_rate", "returns nan when nothing is claimed", fdr_nan_without_claims),
    (
        "select_with_replication",
        "estimates with the replicates used to choose",
        select_estimates_with_every_replicate,
    ),
    ("select_with_replication", "chooses with every replicate", select_on_every_replicate),
    ("select_with_replication", "averages along the wrong axis", select_wrong_axis),
    ("allocate_budget", "never uses the judge", allocate_never_judges),
    ("allocate_budget", "spends more than the budget", allocate_over_budget),
    ("mutate", "ignores the rng it is given", mutate_ignores_the_rng),
    ("false_discovery_rate", "the share of true discoveries", fdr_true_discoveries),
    (
        "false_discovery_rate",
        "both inputs made boolean (a negative gain counts)",
        fdr_hint_read_literally,
    ),
    (
        "select_with_replication",
        "odd replicates: chooses on the larger part",
        select_half_rounded_up,
    ),
    ("allocate_budget", "the same judge-heavy plan whatever rho", allocate_fixed_judge_heavy),
    ("allocate_budget", "everything on ideas, one test", allocate_one_test),
    ("allocate_budget", "counts left as floats", allocate_float_counts),
    ("allocate_budget", "more tests than ideas", allocate_more_tests_than_ideas),
    ("allocate_budget", "reads the noise, not the judge", allocate_same_plan_for_every_rho),
]

#: Mutants of the references that behave exactly like them.
EQUIVALENT_MUTANTS = {
    # moving a level down by k (mod n) reaches the other levels as uniformly as moving it up
    "mutate": [
        "line 3: `child[knob] + rng.integers(1, n_levels)` → `child[knob] - rng.integers(1, n_levels)`"
    ],
}
#: Exercises with many right answers: judged by properties of the choice, not by mutants.
DESIGN_TASKS = {"allocate_budget"}
