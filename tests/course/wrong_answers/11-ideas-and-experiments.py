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
    ("allocate_budget", "never uses the judge", allocate_never_judges),
    ("allocate_budget", "spends more than the budget", allocate_over_budget),
    ("mutate", "ignores the rng it is given", mutate_ignores_the_rng),
    ("false_discovery_rate", "the share of true discoveries", fdr_true_discoveries),
    (
        "false_discovery_rate",
        "both inputs made boolean (a negative gain counts)",
        fdr_hint_read_literally,
    ),
    ("allocate_budget", "the same judge-heavy plan whatever rho", allocate_fixed_judge_heavy),
    ("allocate_budget", "everything on ideas, one test", allocate_one_test),
    ("allocate_budget", "counts left as floats", allocate_float_counts),
    ("allocate_budget", "more tests than ideas", allocate_more_tests_than_ideas),
    ("allocate_budget", "reads the noise, not the judge", allocate_same_plan_for_every_rho),
]

#: Mutants of the references that behave exactly like them, and (design task) mutants that are
#: other right answers. The reference's design: a grid of plans (replicates 1, 2, 4 x judging
#: shares 0, 0.1, 0.25, 0.5, each spending what the tests leave on judging), each scored by its mean
#: true quality on 6 practice landscapes x 3 streams, the best returned. The survivors below change
#: the grid, the practice sample or the free-judge cap; the search that picks among the plans is
#: the same, and each still returns a valid plan at every budget that affords one, uses a free
#: judge, beats the baseline with a good judge and spends clearly less on judging at rho 0 (the
#: hidden checks). Measured 2026-12-05 (paired over 200-400 fresh landscapes, budgets 40/48/56,
#: judge costs 0.03/0.05/0.08, noise 0.8-1.2 at rho 0): where a grid variant chooses another plan
#: than the reference, it does so by the same noisy practice score, and its loss against the
#: baseline at rho 0 (at most 0.37, once: 56, 0.03, noise 0.8, without the no-judge plan) is of
#: the size of the reference's own at other settings (up to 0.19 +- 0.09, e.g. 48, 0.08, 0.8);
#: a check strict enough to catch it would fail the reference. A weaker search, not a mistake.
EQUIVALENT_MUTANTS = {
    # moving a level down by k (mod n) reaches the other levels as uniformly as moving it up
    "mutate": [
        "line 3: `child[knob] + rng.integers(1, n_levels)` → `child[knob] - rng.integers(1, n_levels)`"
    ],
    "allocate_budget": [
        # another replicate grid (1, 3, 4) or (1, 2, 5): single tests stay possible, so every
        # budget still gets a plan; with a good judge 0.58 and 0.57 over the baseline against the
        # reference's 0.59 (budget 48, judge cost 0.05)
        "line 2: `2` → `3`",
        "line 2: `4` → `5`",
        # other judging shares (0.15 / 0.375 / 0.75 of the budget): another grid of the same kind
        "line 4: `0.1` → `0.15000000000000002`",
        "line 4: `0.25` → `0.375`",
        "line 4: `0.5` → `0.75`",
        # the cap on tests becomes larger than the budget, so the share-0 plans (no judging) cost
        # more than the budget and drop out: at rho 0 the plan judges at least 10% of the budget,
        # which the lesson's derivation says buys nothing and costs a tenth of the tests (see the
        # measurement above: a weaker grid, within the reference's own spread)
        "line 3: `budget // (replicates + judge_cost)` → `budget * (replicates + judge_cost)`",
        "line 3: `replicates + judge_cost` → `replicates - judge_cost`",
        # the spare budget of a replicated plan is overstated, so every replicated plan costs
        # more than the budget and drops out: a grid that never replicates (replication helps
        # the report more than the choice; figure 4 and the winner's curse)
        "line 6: `n_tests * replicates` → `n_tests / replicates`",
        # a replicated plan tests as many ideas as the budget allows and judges none: a grid
        # whose judging plans all test once
        "line 5: `(1 - judge_share) * budget // replicates` → `(1 - judge_share) * budget * replicates`",
        # other practice landscapes, or one more stream each: the same kind of evidence
        "line 11: `900` → `901`",
        "line 11: `906` → `907`",
        "line 17: `3` → `4`",
        # a free judge's ideas capped at 21 per test instead of 20
        "line 7: `20` → `21`",
    ],
}
#: Exercises with many right answers: judged by properties of the choice, not by mutants.
DESIGN_TASKS = {"allocate_budget"}
