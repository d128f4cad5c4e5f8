"""Plausible wrong answers to lesson 06's exercises; each must fail a hidden check."""

import numpy as np


def _dyna(
    q,
    model,
    state,
    action,
    reward,
    next_state,
    done,
    n_planning,
    rng,
    alpha,
    gamma,
    *,
    ignore_done=False,
    last_only=False,
    store_after=False,
    draw=None,
):
    def update(s, a, r, s2, d):
        target = r if (d and not ignore_done) else r + gamma * q[s2].max()
        q[s, a] += alpha * (target - q[s, a])

    if not store_after:
        update(state, action, reward, next_state, done)
    model[(state, action)] = (reward, next_state, done)
    pairs = list(model)
    for _ in range(n_planning):
        key = pairs[-1] if last_only else pairs[(draw or (lambda: rng.integers(len(pairs))))()]
        update(*key, *model[key])
    return q


def dyna_ignores_done(
    q, model, state, action, reward, next_state, done, n_planning, rng, alpha=0.1, gamma=0.95
):
    return _dyna(
        q,
        model,
        state,
        action,
        reward,
        next_state,
        done,
        n_planning,
        rng,
        alpha,
        gamma,
        ignore_done=True,
    )


def dyna_replays_only_the_last(
    q, model, state, action, reward, next_state, done, n_planning, rng, alpha=0.1, gamma=0.95
):
    return _dyna(
        q,
        model,
        state,
        action,
        reward,
        next_state,
        done,
        n_planning,
        rng,
        alpha,
        gamma,
        last_only=True,
    )


def dyna_no_real_update(
    q, model, state, action, reward, next_state, done, n_planning, rng, alpha=0.1, gamma=0.95
):
    return _dyna(
        q,
        model,
        state,
        action,
        reward,
        next_state,
        done,
        n_planning,
        rng,
        alpha,
        gamma,
        store_after=True,
    )


def dyna_off_by_one_planning(
    q, model, state, action, reward, next_state, done, n_planning, rng, alpha=0.1, gamma=0.95
):
    return _dyna(
        q, model, state, action, reward, next_state, done, n_planning + 1, rng, alpha, gamma
    )


def vi_terminal_not_zero(model, reward, terminal, gamma=0.95, tolerance=1e-10):
    v = np.zeros(model.shape[0])
    while True:
        q = reward + gamma * v[model]
        new_v = q.max(axis=1)
        if np.max(np.abs(new_v - v)) < tolerance:
            return new_v, reward + gamma * new_v[model]
        v = new_v


def vi_one_sweep(model, reward, terminal, gamma=0.95, tolerance=1e-10):
    v = np.where(terminal, 0.0, reward.max(axis=1))
    return v, reward + gamma * v[model]


def vi_q_from_previous_v(model, reward, terminal, gamma=0.95, tolerance=1e-10):
    v = np.zeros(model.shape[0])
    while True:
        q = reward + gamma * v[model]
        new_v = np.where(terminal, 0.0, q.max(axis=1))
        if np.max(np.abs(new_v - v)) < 1e-2:  # stops far too early
            return new_v, q
        v = new_v


def explore_random(state, tried, rng):
    return int(rng.integers(tried.shape[1]))


def explore_prefers_tried(state, tried, rng):
    done = np.flatnonzero(tried[state])
    return int(rng.choice(done)) if done.size else int(rng.integers(tried.shape[1]))


def explore_first_untried_then_up(state, tried, rng):
    untried = np.flatnonzero(~tried[state])
    return int(untried[0]) if untried.size else 0


def explore_wrong_row(state, tried, rng):
    untried = np.flatnonzero(~tried[(state + 1) % tried.shape[0]])
    return int(rng.choice(untried)) if untried.size else int(rng.integers(tried.shape[1]))


def dyna_ignores_alpha(
    q, model, state, action, reward, next_state, done, n_planning, rng, alpha=0.1, gamma=0.95
):
    # the step size of the signature's default, whatever the caller passes
    return _dyna(q, model, state, action, reward, next_state, done, n_planning, rng, 0.1, gamma)


def vi_default_gamma(model, reward, terminal, gamma=0.95, tolerance=1e-10):
    # the signature's default discount, whatever the caller passes
    v = np.zeros(model.shape[0])
    while True:
        q = reward + 0.95 * v[model]
        new_v = np.where(terminal, 0.0, q.max(axis=1))
        if np.max(np.abs(new_v - v)) < tolerance:
            return new_v, reward + 0.95 * new_v[model]
        v = new_v


def vi_terminal_zeroed_at_the_end(model, reward, terminal, gamma=0.95, tolerance=1e-10):
    # iterates as if nothing ended, then sets the terminal values to 0
    v = np.zeros(model.shape[0])
    while True:
        new_v = (reward + gamma * v[model]).max(axis=1)
        if np.max(np.abs(new_v - v)) < tolerance:
            v = np.where(terminal, 0.0, new_v)
            return v, reward + gamma * v[model]
        v = new_v


def dyna_returns_nothing(
    q, model, state, action, reward, next_state, done, n_planning, rng, alpha=0.1, gamma=0.95
):
    # updates q in place but forgets to return it
    _dyna(q, model, state, action, reward, next_state, done, n_planning, rng, alpha, gamma)


def explore_untried_anywhere(state, tried, rng):
    # untried actions of the whole maze, not of this cell
    untried = np.flatnonzero(~tried.any(axis=0))
    return int(rng.choice(untried)) if untried.size else int(rng.integers(tried.shape[1]))


WRONG_ANSWERS = [
    ("dyna_q_update", "bootstraps past the end of an episode", dyna_ignores_done),
    ("dyna_q_update", "plans only with the last transition", dyna_replays_only_the_last),
    ("dyna_q_update", "skips the update from the real step", dyna_no_real_update),
    ("dyna_q_update", "one planning update too many", dyna_off_by_one_planning),
    ("value_iteration", "terminal states keep their value", vi_terminal_not_zero),
    ("value_iteration", "a single sweep", vi_one_sweep),
    ("value_iteration", "q from the previous v, loose tolerance", vi_q_from_previous_v),
    ("explore_action", "a random walk", explore_random),
    ("explore_action", "prefers moves already tried", explore_prefers_tried),
    ("explore_action", "untried first, then always up", explore_first_untried_then_up),
    ("explore_action", "reads the wrong row of tried", explore_wrong_row),
    ("dyna_q_update", "ignores the step size passed in", dyna_ignores_alpha),
    ("value_iteration", "ignores the discount passed in", vi_default_gamma),
    ("dyna_q_update", "changes q in place but returns nothing", dyna_returns_nothing),
    (
        "value_iteration",
        "terminal values zeroed only after the loop",
        vi_terminal_zeroed_at_the_end,
    ),
    (
        "explore_action",
        "untried actions of the whole maze, not of this cell",
        explore_untried_anywhere,
    ),
]

#: Surviving mutants, found by ``worldlab check --mutants 06``: stopping when the largest change
#: is at most the tolerance rather than below it differs only when a sweep changes the values by
#: exactly ``tolerance``, and then by one more sweep of size below ``tolerance``. The default
#: tolerance (1.5e-10 instead of 1e-10) is used only by the kit's planners, which never pass one,
#: on goal rewards (1 for entering the goal, 0 elsewhere, from v = 0): there sweep k gives the
#: cells k moves from the goal their exact value gamma**(k - 1) (a change above gamma**46 > 0.09
#: in the 47-cell maze), and the sweep after the last distance changes nothing, so both
#: tolerances stop at the same sweep with the same values. Checks with random rewards pass a
#: tolerance of their own.
EQUIVALENT_MUTANTS = {
    "value_iteration": [
        "line 5: `np.max(np.abs(new_v - v)) < tolerance` → `np.max(np.abs(new_v - v)) <= tolerance`",
        "default: `1e-10` → `1.5e-10`",
    ],
}
