"""Plausible wrong answers for lesson 10; each must fail a hidden check."""

import numpy as np


def reward_backwards(h, h_next, setpoint, exponent=2.0):
    h, h_next = np.asarray(h, float), np.asarray(h_next, float)
    return np.abs(setpoint - h_next) ** exponent - np.abs(setpoint - h) ** exponent


def reward_ignores_exponent(h, h_next, setpoint, exponent=2.0):
    h, h_next = np.asarray(h, float), np.asarray(h_next, float)
    return (setpoint - h) ** 2 - (setpoint - h_next) ** 2


def reward_without_abs(h, h_next, setpoint, exponent=2.0):
    h, h_next = np.asarray(h, float), np.asarray(h_next, float)
    return np.nan_to_num((setpoint - h) ** exponent - (setpoint - h_next) ** exponent)


def backup_forgets_gamma(next_values, next_state, probability, reward, gamma):
    q = (probability * (reward + np.asarray(next_values)[next_state])).sum(axis=2)
    return q.max(axis=0), q.argmax(axis=0)


def backup_wrong_axis(next_values, next_state, probability, reward, gamma):
    q = (probability * (reward + gamma * np.asarray(next_values)[next_state])).sum(axis=2)
    return q.max(axis=1), q.argmax(axis=1)


def backup_best_outcome(next_values, next_state, probability, reward, gamma):
    q = (reward + gamma * np.asarray(next_values)[next_state]).max(axis=2)  # optimistic, no average
    return q.max(axis=0), q.argmax(axis=0)


def design_plain(winter_length, predation, p_food, meal_size):
    return {"setpoint": 10, "gamma": 0.9, "eat_bonus": 0.0}


def design_greedy_everywhere(winter_length, predation, p_food, meal_size):
    return {"setpoint": 20, "gamma": 0.99, "eat_bonus": 60.0}


WRONG_ANSWERS = [
    ("homeostatic_reward", "drive after minus drive before", reward_backwards),
    ("homeostatic_reward", "ignores the exponent", reward_ignores_exponent),
    ("homeostatic_reward", "forgets the absolute value", reward_without_abs),
    ("value_backup", "forgets the discount", backup_forgets_gamma),
    ("value_backup", "maximises over states instead of actions", backup_wrong_axis),
    ("value_backup", "takes the best outcome instead of the expectation", backup_best_outcome),
    ("design_genome", "the plain genome everywhere", design_plain),
    ("design_genome", "maximal appetite everywhere", design_greedy_everywhere),
]
#: Exercises with many right answers: judged by properties of the choice, not by mutants.
DESIGN_TASKS = {"design_genome"}
#: Mutants of the design task's reference that are other right answers. The reference searches a
#: grid of genomes and keeps the one that survives longest in the described world; the check judges
#: the genome it returns by survival against the plain genome on worlds the student has not seen.
#: Moving one point of the grid by a step (a set-point of 7 for 6, a pleasure of 15 for 10, ...),
#: or measuring the candidates on another seed or with one more life, is the same method with
#: another grid or sample: it still chooses by measured survival in the world it is given, which
#: is what makes the choice good. (The mutants that break the method — an invalid horizon in the
#: grid, a deleted world, search or measurement — are killed.)
EQUIVALENT_MUTANTS = {
    "design_genome": [
        "line 5: `6` → `7`",
        "line 5: `10` → `11`",
        "line 5: `14` → `15`",
        "line 5: `18` → `19`",
        "line 5: `0.0` → `1.0`",
        "line 5: `10.0` → `15.0`",
        "line 5: `30.0` → `45.0`",
        "line 10: `12345` → `12346`",
        "line 10: `96` → `97`",
    ],
}


# --- issue 29: more wrong answers of the kinds students make -------------------------------


def reward_negative_drive_after(h, h_next, setpoint, exponent=2.0):
    # the reward as minus the drive after the step, not the drive's reduction
    return -(np.abs(setpoint - np.asarray(h_next, float)) ** exponent)


def backup_first_outcome_future(next_values, next_state, probability, reward, gamma):
    # averages the rewards but takes the future of the first outcome only
    future = np.asarray(next_values, float)[next_state[..., 0]]
    q = (probability * reward).sum(axis=2) + gamma * future
    return q.max(axis=0), q.argmax(axis=0)


def design_myopic(winter_length, predation, p_food, meal_size):
    # a degenerate horizon: plans a single step ahead whatever the world
    return {"setpoint": 10, "gamma": 0.5, "eat_bonus": 0.0}


def design_lean_everywhere(winter_length, predation, p_food, meal_size):
    # the dangerous-field answer used for every world, winter ignored
    return {"setpoint": 6, "gamma": 0.9, "eat_bonus": 0.0}


WRONG_ANSWERS += [
    ("homeostatic_reward", "minus the drive after the step", reward_negative_drive_after),
    ("value_backup", "the future of the first outcome only", backup_first_outcome_future),
    ("design_genome", "myopic everywhere", design_myopic),
    ("design_genome", "the lean genome everywhere, winter ignored", design_lean_everywhere),
]
