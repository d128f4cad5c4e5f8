"""Plausible wrong answers for lesson 13; each must fail a hidden check."""

import numpy as np


def success_linear(eps, horizon):
    return 1.0 - np.asarray(eps, dtype=float) * np.asarray(horizon, dtype=float)


def success_off_by_one(eps, horizon):
    return (1.0 - np.asarray(eps, dtype=float)) ** (np.asarray(horizon, dtype=float) - 1)


def success_poisson(eps, horizon):
    return np.exp(-np.asarray(eps, dtype=float) * np.asarray(horizon, dtype=float))


def success_any_step(eps, horizon):
    return 1.0 - np.asarray(eps, dtype=float) ** np.asarray(horizon, dtype=float)


def success_no_broadcast(eps, horizon):
    eps = np.ravel(np.asarray(eps, dtype=float))
    horizon = np.ravel(np.asarray(horizon, dtype=float))
    if eps.size == horizon.size or eps.size == 1 or horizon.size == 1:
        return (1.0 - eps) ** horizon
    return (1.0 - eps[: min(eps.size, horizon.size)]) ** horizon[: min(eps.size, horizon.size)]


def recovery_only_loud(proposed, failing_before, failing_after, last_was_undo, undo):
    mistake = (np.asarray(failing_after) > np.asarray(failing_before)) & ~np.asarray(last_was_undo)
    return np.where(mistake, undo, np.asarray(proposed)).astype(int)


def recovery_forgets_undo(proposed, failing_before, failing_after, last_was_undo, undo):
    mistake = np.asarray(failing_after) >= np.asarray(failing_before)
    return np.where(mistake, undo, np.asarray(proposed)).astype(int)


def recovery_sign_flipped(proposed, failing_before, failing_after, last_was_undo, undo):
    mistake = (np.asarray(failing_after) < np.asarray(failing_before)) & ~np.asarray(last_was_undo)
    return np.where(mistake, undo, np.asarray(proposed)).astype(int)


def recovery_never(proposed, failing_before, failing_after, last_was_undo, undo):
    return np.asarray(proposed).astype(int)


def recovery_in_place(proposed, failing_before, failing_after, last_was_undo, undo):
    mistake = (np.asarray(failing_after) >= np.asarray(failing_before)) & ~np.asarray(last_was_undo)
    proposed[mistake] = undo
    return proposed


def recovery_undo_after_undo(proposed, failing_before, failing_after, last_was_undo, undo):
    mistake = (np.asarray(failing_after) >= np.asarray(failing_before)) | np.asarray(last_was_undo)
    return np.where(mistake, undo, np.asarray(proposed)).astype(int)


def data_expert_only(budget):
    return {"expert": int(budget), "perturbed": 0, "aggregated": 0, "noise": 0.0}


def data_tiny_noise(budget):
    return {"expert": 0, "perturbed": int(budget), "aggregated": 0, "noise": 0.05}


def data_all_noise(budget):
    return {"expert": 0, "perturbed": int(budget), "aggregated": 0, "noise": 0.95}


def data_over_budget(budget):
    return {"expert": int(budget), "perturbed": int(budget), "aggregated": 0, "noise": 0.4}


def data_aggregated_from_scratch(budget):
    return {"expert": 0, "perturbed": 0, "aggregated": int(budget), "noise": 0.0}


def data_half_and_half(budget):
    return {
        "expert": int(budget) // 2,
        "perturbed": int(budget) // 2,
        "aggregated": 0,
        "noise": 0.3,
    }


WRONG_ANSWERS = [
    ("success_without_recovery", "adds the errors: 1 - eps * H", success_linear),
    ("success_without_recovery", "one step too few", success_off_by_one),
    ("success_without_recovery", "the Poisson approximation exp(-eps H)", success_poisson),
    ("success_without_recovery", "chance that not every step fails", success_any_step),
    ("success_without_recovery", "does not broadcast", success_no_broadcast),
    ("recovery_action", "undoes only when a test newly broke", recovery_only_loud),
    ("recovery_action", "undoes again after an undo", recovery_forgets_undo),
    ("recovery_action", "undoes the edits that worked", recovery_sign_flipped),
    ("recovery_action", "never undoes", recovery_never),
    ("recovery_action", "changes the proposals in place", recovery_in_place),
    ("recovery_action", "undoes after every undo", recovery_undo_after_undo),
    ("choose_data", "clean expert demonstrations only", data_expert_only),
    ("choose_data", "perturbations too rare", data_tiny_noise),
    ("choose_data", "almost every call perturbed", data_all_noise),
    ("choose_data", "buys more than the budget", data_over_budget),
    ("choose_data", "aggregates from a random start only", data_aggregated_from_scratch),
    ("choose_data", "half clean, half perturbed", data_half_and_half),
]

#: Exercises with many right answers: judged by properties of the choice, not by mutants.
DESIGN_TASKS = {"choose_data"}

#: Surviving mutants of the design task, each another defensible design. Perturbing 60% of the
#: expert's calls instead of 40%: in 48 unseen worlds (seeds 5000-5047, 80 perturbed steps), a
#: noise of 0.3, 0.4, 0.5 or 0.6 solves 100% of 16-step tasks in the median world and 93-98% on
#: average (0.6: 93.5%), against the check's 97% and 85%; the copier starts to collapse in a
#: quarter of the worlds only from 0.7 on (mean 82%, under the check's floor), where the check
#: fails it. Which noise in 0.3-0.6 to choose is the student's call, not a mistake.
EQUIVALENT_MUTANTS = {"choose_data": ["line 1: `0.4` → `0.6000000000000001`"]}
