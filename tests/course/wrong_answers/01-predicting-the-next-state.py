"""Plausible wrong answers to lesson 01's exercises; each must fail a hidden check."""

import numpy as np


def counts_across_episodes(obs, n_obs, actions=None, n_actions=3):
    flat = np.asarray(obs).ravel()  # joins the last frame of one episode to the next's first
    if actions is None:
        counts = np.zeros((n_obs, n_obs), dtype=int)
        np.add.at(counts, (flat[:-1], flat[1:]), 1)
        return counts
    counts = np.zeros((n_obs, n_actions, n_obs), dtype=int)
    acts = np.concatenate([np.asarray(actions), np.zeros((len(obs), 1), int)], axis=1).ravel()
    np.add.at(counts, (flat[:-1], acts[:-1], flat[1:]), 1)
    return counts


def counts_with_buffered_add(obs, n_obs, actions=None, n_actions=3):
    obs = np.asarray(obs)
    current, following = obs[:, :-1].ravel(), obs[:, 1:].ravel()
    if actions is None:
        counts = np.zeros((n_obs, n_obs), dtype=int)
        counts[current, following] += 1  # a repeated pair is counted once
        return counts
    counts = np.zeros((n_obs, n_actions, n_obs), dtype=int)
    counts[current, np.asarray(actions).ravel(), following] += 1
    return counts


def counts_transposed(obs, n_obs, actions=None, n_actions=3):
    obs = np.asarray(obs)
    current, following = obs[:, :-1].ravel(), obs[:, 1:].ravel()
    if actions is None:
        counts = np.zeros((n_obs, n_obs), dtype=int)
        np.add.at(counts, (following, current), 1)  # counts[o2, o]
        return counts
    counts = np.zeros((n_obs, n_actions, n_obs), dtype=int)
    np.add.at(counts, (following, np.asarray(actions).ravel(), current), 1)
    return counts


def accuracy_argmax_of_zeros(counts, obs, actions=None):
    counts, obs = np.asarray(counts), np.asarray(obs)
    rows = counts[obs[:, :-1]] if actions is None else counts[obs[:, :-1], np.asarray(actions)]
    return float(np.mean(rows.argmax(axis=-1) == obs[:, 1:]))  # unseen rows predict token 0


def accuracy_ignores_actions(counts, obs, actions=None):
    counts, obs = np.asarray(counts), np.asarray(obs)
    if counts.ndim == 3:
        counts = counts.sum(axis=1)  # marginalises the button away
    rows = counts[obs[:, :-1]]
    predicted = np.where(rows.sum(axis=-1) > 0, rows.argmax(axis=-1), -1)
    return float(np.mean(predicted == obs[:, 1:]))


def accuracy_compares_current_frame(counts, obs, actions=None):
    counts, obs = np.asarray(counts), np.asarray(obs)
    rows = counts[obs[:, :-1]] if actions is None else counts[obs[:, :-1], np.asarray(actions)]
    predicted = np.where(rows.sum(axis=-1) > 0, rows.argmax(axis=-1), -1)
    return float(np.mean(predicted == obs[:, :-1]))  # off by one in time


def too_few_interventions():
    return 0.2


def no_interventions():
    return 0.0


def wasteful_share():
    return 0.8


def counts_shaped_by_the_data(obs, n_obs, actions=None, n_actions=3):
    obs = np.asarray(obs)
    current, following = obs[:, :-1].ravel(), obs[:, 1:].ravel()
    size = int(obs.max()) + 1  # the largest token seen, not n_obs
    if actions is None:
        counts = np.zeros((size, size), dtype=int)
        np.add.at(counts, (current, following), 1)
        return counts
    actions = np.asarray(actions)
    counts = np.zeros((size, int(actions.max()) + 1, size), dtype=int)  # nor n_actions
    np.add.at(counts, (current, actions.ravel(), following), 1)
    return counts


def counts_as_floats(obs, n_obs, actions=None, n_actions=3):
    obs = np.asarray(obs)
    current, following = obs[:, :-1].ravel(), obs[:, 1:].ravel()
    if actions is None:
        counts = np.zeros((n_obs, n_obs))  # float, not the int array the exercise asks for
        np.add.at(counts, (current, following), 1)
        return counts
    counts = np.zeros((n_obs, n_actions, n_obs))
    np.add.at(counts, (current, np.asarray(actions).ravel(), following), 1)
    return counts


def accuracy_drops_unseen(counts, obs, actions=None):
    counts, obs = np.asarray(counts), np.asarray(obs)
    rows = counts[obs[:, :-1]] if actions is None else counts[obs[:, :-1], np.asarray(actions)]
    seen = rows.sum(axis=-1) > 0  # unseen contexts left out instead of counted as misses
    return float(np.mean(rows.argmax(axis=-1)[seen] == obs[:, 1:][seen]))


def accuracy_argmax_wrong_axis(counts, obs, actions=None):
    counts, obs = np.asarray(counts), np.asarray(obs)
    rows = counts[obs[:, :-1]] if actions is None else counts[obs[:, :-1], np.asarray(actions)]
    predicted = np.where(rows.sum(axis=-1) > 0, rows.argmax(axis=1), -1)  # axis 1 is time
    return float(np.mean(predicted == obs[:, 1:]))


def share_without_margin():
    return 0.35  # where the lesson's 10 seeds come near 0.8, with no room for fresh seeds


def share_far_above_the_goal():
    return 0.65


WRONG_ANSWERS = [
    ("fit_transition_counts", "counts across episode boundaries", counts_across_episodes),
    ("fit_transition_counts", "buffered += counts repeats once", counts_with_buffered_add),
    ("fit_transition_counts", "counts[o2, o] (wrong axis order)", counts_transposed),
    ("fit_transition_counts", "table shaped by the largest token seen", counts_shaped_by_the_data),
    ("fit_transition_counts", "float counts, not an int array", counts_as_floats),
    ("next_frame_accuracy", "an unseen row predicts token 0", accuracy_argmax_of_zeros),
    ("next_frame_accuracy", "ignores the button", accuracy_ignores_actions),
    ("next_frame_accuracy", "compares with the current frame", accuracy_compares_current_frame),
    ("next_frame_accuracy", "unseen contexts left out, not missed", accuracy_drops_unseen),
    ("next_frame_accuracy", "arg-max over the time axis", accuracy_argmax_wrong_axis),
    ("choose_intervention_share", "too few interventions", too_few_interventions),
    ("choose_intervention_share", "no interventions", no_interventions),
    ("choose_intervention_share", "far more than needed", wasteful_share),
    ("choose_intervention_share", "near the goal with no margin", share_without_margin),
    ("choose_intervention_share", "0.15 less would do", share_far_above_the_goal),
]

#: Mutants that behave exactly like the reference (``worldlab check --mutants``).
EQUIVALENT_MUTANTS = {
    "next_frame_accuracy": [
        "line 3: `1` → `2`",  # the 'no prediction' marker -1 becomes -2: still never a token
    ],
}

#: Exercises with many right answers: judged by properties of the choice, not by mutants.
DESIGN_TASKS = {"choose_intervention_share"}
