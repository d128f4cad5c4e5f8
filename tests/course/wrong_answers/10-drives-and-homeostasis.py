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


def select_weakest(fitness, n_select, rng, tournament_size=3):
    fitness = np.asarray(fitness, float)
    entrants = rng.integers(0, len(fitness), (n_select, tournament_size))
    return entrants[np.arange(n_select), fitness[entrants].argmin(axis=1)]


def select_always_best(fitness, n_select, rng, tournament_size=3):
    return np.full(n_select, int(np.argmax(fitness)))


def select_one_more_entrant(fitness, n_select, rng, tournament_size=3):
    fitness = np.asarray(fitness, float)
    entrants = rng.integers(0, len(fitness), (n_select, tournament_size + 1))
    return entrants[np.arange(n_select), fitness[entrants].argmax(axis=1)]


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
    ("tournament_select", "keeps the weakest entrant", select_weakest),
    ("tournament_select", "always picks the global best", select_always_best),
    ("tournament_select", "off by one: one entrant too many", select_one_more_entrant),
    ("design_genome", "the plain genome everywhere", design_plain),
    ("design_genome", "maximal appetite everywhere", design_greedy_everywhere),
]
#: Exercises with many right answers: judged by properties of the choice, not by mutants.
DESIGN_TASKS = {"design_genome"}


# --- issue 29: more wrong answers of the kinds students make -------------------------------


def reward_negative_drive_after(h, h_next, setpoint, exponent=2.0):
    # the reward as minus the drive after the step, not the drive's reduction
    return -(np.abs(setpoint - np.asarray(h_next, float)) ** exponent)


def backup_first_outcome_future(next_values, next_state, probability, reward, gamma):
    # averages the rewards but takes the future of the first outcome only
    future = np.asarray(next_values, float)[next_state[..., 0]]
    q = (probability * reward).sum(axis=2) + gamma * future
    return q.max(axis=0), q.argmax(axis=0)


def select_lowest_index_on_tie(fitness, n_select, rng, tournament_size=3):
    # the stated tie rule ignored: among tied entrants, the one earliest in the population wins
    fitness = np.asarray(fitness, float)
    entrants = np.sort(rng.integers(0, len(fitness), (n_select, tournament_size)), axis=1)
    return entrants[np.arange(n_select), fitness[entrants].argmax(axis=1)]


def select_without_replacement(fitness, n_select, rng, tournament_size=3):
    # the stated rule ignored: entrants drawn without replacement
    fitness = np.asarray(fitness, float)
    size = min(tournament_size, len(fitness))
    entrants = np.array([rng.choice(len(fitness), size, replace=False) for _ in range(n_select)])
    return entrants[np.arange(n_select), fitness[entrants].argmax(axis=1)]


def select_never_last(fitness, n_select, rng, tournament_size=3):
    # off by one in the range: the last individual never enters a tournament
    fitness = np.asarray(fitness, float)
    entrants = rng.integers(0, len(fitness) - 1, (n_select, tournament_size))
    return entrants[np.arange(n_select), fitness[entrants].argmax(axis=1)]


def design_myopic(winter_length, predation, p_food, meal_size):
    # a degenerate horizon: plans a single step ahead whatever the world
    return {"setpoint": 10, "gamma": 0.5, "eat_bonus": 0.0}


def design_lean_everywhere(winter_length, predation, p_food, meal_size):
    # the dangerous-field answer used for every world, winter ignored
    return {"setpoint": 6, "gamma": 0.9, "eat_bonus": 0.0}


WRONG_ANSWERS += [
    ("homeostatic_reward", "minus the drive after the step", reward_negative_drive_after),
    ("value_backup", "the future of the first outcome only", backup_first_outcome_future),
    ("tournament_select", "lowest index wins a tie", select_lowest_index_on_tie),
    ("tournament_select", "entrants drawn without replacement", select_without_replacement),
    ("tournament_select", "off by one: the last individual never enters", select_never_last),
    ("design_genome", "myopic everywhere", design_myopic),
    ("design_genome", "the lean genome everywhere, winter ignored", design_lean_everywhere),
]
