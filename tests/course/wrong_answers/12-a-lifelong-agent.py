"""Plausible wrong answers for lesson 12; each must fail a hidden check."""

import numpy as np


def update_in_place(model, state, action, obs, rate):
    target = np.zeros(model.shape[2])
    target[obs] = 1.0
    model[state, action] += rate * (target - model[state, action])
    return model


def update_ignores_rate(model, state, action, obs, rate):
    model = np.array(model, dtype=float, copy=True)
    model[state, action] = 0.0
    model[state, action, obs] = 1.0
    return model


def update_forgets_to_shrink(model, state, action, obs, rate):
    model = np.array(model, dtype=float, copy=True)
    model[state, action, obs] += rate  # the row no longer sums to 1
    return model


def update_wrong_row(model, state, action, obs, rate):
    model = np.array(model, dtype=float, copy=True)
    target = np.zeros(model.shape[2])
    target[obs] = 1.0
    model[action % model.shape[0], state % model.shape[1]] += rate * (
        target - model[action % model.shape[0], state % model.shape[1]]
    )
    return model


def bonus_from_surprise(visits, surprise):
    return 0.5 * np.asarray(surprise, dtype=float)


def bonus_inverse_count(visits, surprise):
    with np.errstate(divide="ignore"):
        return 0.05 / np.asarray(visits, dtype=float)


def bonus_grows_with_visits(visits, surprise):
    return 0.05 * np.sqrt(1.0 + np.asarray(visits, dtype=float))


def step_size_never_learns(visits):
    return 0.0


def step_size_keeps_all(visits):
    return 1.0 / (visits + 1)


def step_size_out_of_range(visits):
    return 2.0


# --- issue 29: more wrong answers of the kinds students make -------------------------------


def update_rate_swapped(model, state, action, obs, rate):
    # keeps the fraction rate of the old row instead of moving by it
    model = np.array(model, dtype=float, copy=True)
    target = np.zeros(model.shape[2])
    target[obs] = 1.0
    model[state, action] = rate * model[state, action] + (1 - rate) * target
    return model


def bonus_zero(visits, surprise):
    # the trivial choice: no bonus, so nothing draws the agent to an unknown place
    return np.zeros(np.shape(visits))


def bonus_far_too_large(visits, surprise):
    # fades with visits, but starts as large as the goal's reward
    return 1.0 / np.sqrt(1.0 + np.asarray(visits, dtype=float))


def bonus_constant(visits, surprise):
    # a bonus that never fades
    return np.full(np.shape(visits), 0.05)


def step_size_tiny_floor(visits):
    # a floor, but so low that the plain average still outvotes a change
    return max(1.0 / (visits + 1), 0.01)


def step_size_inverse_visits(visits):
    # a boundary case: 1 / visits divides by zero before the first visit
    return 1.0 / visits


WRONG_ANSWERS = [
    ("update_model", "changes the model in place", update_in_place),
    ("update_model", "jumps to the observation whatever the rate", update_ignores_rate),
    ("update_model", "adds the rate without shrinking the row", update_forgets_to_shrink),
    ("update_model", "swaps state and action", update_wrong_row),
    ("exploration_bonus", "curiosity from prediction error: the TV trap", bonus_from_surprise),
    ("exploration_bonus", "divides by zero visits", bonus_inverse_count),
    ("exploration_bonus", "grows with visits", bonus_grows_with_visits),
    ("step_size", "never learns", step_size_never_learns),
    ("step_size", "keeps all counts: follows the changes too slowly", step_size_keeps_all),
    ("step_size", "a rate above 1", step_size_out_of_range),
    ("update_model", "keeps the fraction rate of the old row", update_rate_swapped),
    ("exploration_bonus", "no bonus at all", bonus_zero),
    ("exploration_bonus", "a bonus as large as the goal's reward", bonus_far_too_large),
    ("exploration_bonus", "a constant bonus that never fades", bonus_constant),
    ("step_size", "a floor of 0.01: still outvoted by old data", step_size_tiny_floor),
    ("step_size", "1 / visits: divides by zero", step_size_inverse_visits),
]

#: Mutants of the references that behave exactly like them.
EQUIVALENT_MUTANTS = {
    # the exercise asks for any bonus that fades with visits and stays small next to the goal's
    # reward; the scale 0.05 and the offset 1 are the reference's choices, not the answer
    "exploration_bonus": [
        "line 1: `0.05` → `0.07500000000000001`",
        "line 1: `1.0` → `1.5`",
    ],
    # a design task: any rule whose rate stays well above keep-all counts after many visits is a
    # right answer (the check asks it to follow the changes and to beat keep-all counts clearly on
    # new worlds). A floor of 0.75 instead of 0.5 trusts the last observation more: in this grid a
    # transition is deterministic until the world changes, so one contradicting observation
    # suffices either way. `1 / (visits + 2)` under the floor of 0.5 is the constant rate 0.5,
    # the other design the exercise names (exponential forgetting).
    "step_size": [
        "line 1: `0.5` → `0.75`",
        "line 1: `1` → `2`",
    ],
}
#: Exercises with many right answers: judged by properties of the choice, not by mutants.
DESIGN_TASKS = {"step_size"}
