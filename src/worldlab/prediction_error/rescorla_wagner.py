"""Rescorla–Wagner (1972): learning from the prediction error, and a copying learner for contrast.

An animal sees some cues (a light ``A``, a tone ``B``) and then food arrives, or not. Each cue
``i`` has an associative strength ``V[i]``: how strongly it predicts food. On every trial the
animal's prediction is the summed strength of the cues present, and every present cue moves by
the same *prediction error*::

    error   = lam * food - sum(V[i] for present cues i)
    V[i]   += alpha[i] * beta * error        (for every present cue i)

``alpha[i]`` is how salient cue ``i`` is, ``beta`` how fast the food teaches, ``lam`` the most
strength food can support. The rule reproduces acquisition (strength rises to ``lam``), extinction
(it falls back when food stops) and Kamin's blocking (1969): once ``A`` predicts food, the
compound ``AB`` followed by food produces no error, so ``B`` learns almost nothing.

The kit carries no Rescorla–Wagner rule: lesson 05's exercise writes it, and the experiments
here take a rule as an argument (:func:`blocking_experiment`, :func:`run_rule`,
:func:`worldlab.prediction_error.plots.conditioning_demo`).

The *copying* learner just counts: a cue's strength is the fraction of its trials that ended
with food. It learns ``B`` perfectly well in the blocking experiment, so blocking is the
fingerprint of learning from errors rather than from co-occurrence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

#: The trial schedules :func:`make_schedule` knows.
SCHEDULES = ("acquisition", "extinction", "blocking", "blocking control")


@dataclass(frozen=True, eq=False)
class Schedule:
    """A conditioning experiment, one row per trial.

    Attributes
    ----------
    cues
        float array of shape (n_trials, n_cues): 1 where the cue is shown on that trial, else 0.
    food
        float array of shape (n_trials,): 1 where food follows the trial, else 0.
    cue_names
        one name per cue column, e.g. ``("A", "B")``.
    phases
        ``(name, first_trial, end_trial)`` per phase, ``end_trial`` excluded, in trial order.
    """

    cues: np.ndarray
    food: np.ndarray
    cue_names: tuple[str, ...]
    phases: tuple[tuple[str, int, int], ...]

    @property
    def n_trials(self) -> int:
        return int(self.cues.shape[0])


def _phase_rows(n_trials: int, n_cues: int, shown: tuple[int, ...], food: float):
    cues = np.zeros((n_trials, n_cues))
    cues[:, list(shown)] = 1.0
    return cues, np.full(n_trials, float(food))


def _check_count(name: str, value: int, minimum: int = 1) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")


def _join(phases: list[tuple[str, np.ndarray, np.ndarray]], names: tuple[str, ...]) -> Schedule:
    bounds, start = [], 0
    for name, cues, _ in phases:
        bounds.append((name, start, start + len(cues)))
        start += len(cues)
    return Schedule(
        cues=np.concatenate([cues for _, cues, _ in phases]),
        food=np.concatenate([food for _, _, food in phases]),
        cue_names=names,
        phases=tuple(bounds),
    )


def acquisition(n_trials: int = 30) -> Schedule:
    """``A`` followed by food on every trial (one cue, ``n_trials`` trials)."""
    _check_count("n_trials", n_trials)
    cues, food = _phase_rows(n_trials, 1, (0,), 1)
    return _join([("A → food", cues, food)], ("A",))


def extinction(n_acquisition: int = 30, n_extinction: int = 30) -> Schedule:
    """``A`` → food for ``n_acquisition`` trials, then ``A`` alone (no food) for ``n_extinction``."""
    _check_count("n_acquisition", n_acquisition)
    _check_count("n_extinction", n_extinction)
    phase1 = ("A → food", *_phase_rows(n_acquisition, 1, (0,), 1))
    phase2 = ("A → nothing", *_phase_rows(n_extinction, 1, (0,), 0))
    return _join([phase1, phase2], ("A",))


def blocking(n_pretraining: int = 30, n_compound: int = 30) -> Schedule:
    """Kamin's blocking group: ``A`` → food, then the compound ``AB`` → food. Cues ``(A, B)``."""
    _check_count("n_pretraining", n_pretraining)
    _check_count("n_compound", n_compound)
    phase1 = ("A → food", *_phase_rows(n_pretraining, 2, (0,), 1))
    phase2 = ("AB → food", *_phase_rows(n_compound, 2, (0, 1), 1))
    return _join([phase1, phase2], ("A", "B"))


def blocking_control(n_pretraining: int = 30, n_compound: int = 30) -> Schedule:
    """The control group: the same trials, but nothing is shown in phase 1, then ``AB`` → food.

    Without pre-training, ``A`` and ``B`` share the compound's strength, so ``B`` ends near
    ``lam / 2`` (equal saliences) instead of near 0 as in :func:`blocking`.
    """
    _check_count("n_pretraining", n_pretraining, minimum=0)
    _check_count("n_compound", n_compound)
    phase1 = ("nothing shown", *_phase_rows(n_pretraining, 2, (), 0))
    phase2 = ("AB → food", *_phase_rows(n_compound, 2, (0, 1), 1))
    return _join([phase1, phase2] if n_pretraining else [phase2], ("A", "B"))


def make_schedule(name: str, n_per_phase: int = 30) -> Schedule:
    """One of :data:`SCHEDULES` with ``n_per_phase`` trials in each phase."""
    if name == "acquisition":
        return acquisition(n_per_phase)
    if name == "extinction":
        return extinction(n_per_phase, n_per_phase)
    if name == "blocking":
        return blocking(n_per_phase, n_per_phase)
    if name == "blocking control":
        return blocking_control(n_per_phase, n_per_phase)
    raise ValueError(f"schedule must be one of {SCHEDULES}, got {name!r}")


def omit_food(schedule: Schedule, probability: float, seed: int) -> Schedule:
    """The same schedule, but each food delivery is skipped with ``probability`` (seeded).

    Real food magazines and real animals are noisy; this makes each seed a different run.
    """
    if not 0.0 <= probability < 1.0:
        raise ValueError(f"probability must be in [0, 1), got {probability}")
    rng = np.random.default_rng(seed)
    kept = rng.random(schedule.n_trials) >= probability
    return Schedule(schedule.cues, schedule.food * kept, schedule.cue_names, schedule.phases)


def _check_trials(cues, food) -> tuple[np.ndarray, np.ndarray]:
    cues = np.asarray(cues, dtype=float)
    food = np.asarray(food, dtype=float)
    if cues.ndim != 2:
        raise ValueError(f"cues must be a 2-D array (n_trials, n_cues), got shape {cues.shape}")
    if food.shape != (cues.shape[0],):
        raise ValueError(
            f"food must have shape (n_trials,) = ({cues.shape[0]},), got shape {food.shape}"
        )
    if not (np.isin(cues, (0.0, 1.0)).all() and np.isin(food, (0.0, 1.0)).all()):
        raise ValueError("cues and food must contain only 0s and 1s (absent / present)")
    return cues, food


def prediction_errors(cues, food, strengths: np.ndarray, lam: float = 1.0) -> np.ndarray:
    """The surprise on each trial: ``lam * food[t] - strengths[t] @ cues[t]``.

    ``strengths`` is what a rule returns (:func:`run_rule`), shape (n_trials + 1, n_cues); the
    result has shape (n_trials,).
    """
    cues, food = _check_trials(cues, food)
    strengths = np.asarray(strengths, dtype=float)
    if strengths.shape != (cues.shape[0] + 1, cues.shape[1]):
        raise ValueError(
            f"strengths must have shape (n_trials + 1, n_cues) = "
            f"({cues.shape[0] + 1}, {cues.shape[1]}), got {strengths.shape}"
        )
    return lam * food - np.einsum("tc,tc->t", strengths[:-1], cues)


def cooccurrence_learner(cues, food, alpha=None, beta=None, lam: float = 1.0) -> np.ndarray:
    """The copying learner: each cue's strength is ``lam`` times how often it came with food.

    ``alpha`` and ``beta`` are accepted and ignored (counting has no rates), so that it can
    stand in for a learning rule in :func:`blocking_experiment`.

    Returns
    -------
    float array of shape (n_trials + 1, n_cues): row ``t + 1`` is, for each cue, ``lam`` times
    the fraction of trials ``0 … t`` showing that cue that ended with food (0 while the cue has
    never been shown). No prediction, no error: just co-occurrence counts.
    """
    cues, food = _check_trials(cues, food)
    if not np.isfinite(lam) or lam <= 0:
        raise ValueError(f"lam must be a positive number, got {lam!r}")
    shown = np.vstack([np.zeros(cues.shape[1]), np.cumsum(cues, axis=0)])
    with_food = np.vstack([np.zeros(cues.shape[1]), np.cumsum(cues * food[:, None], axis=0)])
    return lam * np.divide(with_food, shown, out=np.zeros_like(shown), where=shown > 0)


#: A learning rule as the experiments call it: ``rule(cues, food, alpha=alpha)`` returns the
#: strengths, shape (n_trials + 1, n_cues), as the Rescorla–Wagner exercise of lesson 05 does.
Rule = Callable[..., np.ndarray]


def run_rule(rule: Rule, schedule: Schedule, **rates) -> np.ndarray:
    """``rule(schedule.cues, schedule.food, **rates)``, its result checked.

    Parameters
    ----------
    rule
        a learning rule such as the lesson's ``rescorla_wagner`` or :func:`cooccurrence_learner`.
    schedule
        the trials to learn from.
    **rates
        passed on (``alpha``, ``beta``, ``lam``).

    Returns
    -------
    float array of shape (n_trials + 1, n_cues).
    """
    if not callable(rule):
        raise TypeError(f"rule must be a function (cues, food, alpha=...), got {rule!r}")
    strengths = np.asarray(rule(schedule.cues, schedule.food, **rates), dtype=float)
    expected = (schedule.n_trials + 1, len(schedule.cue_names))
    if strengths.shape != expected:
        raise ValueError(f"the rule returned shape {strengths.shape}, expected {expected}")
    return strengths


def blocking_experiment(
    seed: int,
    rule: Rule,
    n_pretraining: int = 30,
    n_compound: int = 30,
    salience_range: tuple[float, float] = (0.15, 0.4),
    omission: float = 0.1,
) -> dict[str, float]:
    """Kamin's experiment for one simulated animal pair (blocking group and control group).

    The seed draws the two cues' saliences uniformly from ``salience_range`` (the same for both
    groups) and which food deliveries fail (probability ``omission``), so every seed is a
    different, noisy run. ``rule(cues, food, alpha=saliences)`` is the learner (see
    :func:`run_rule`): the kit carries no Rescorla–Wagner rule of its own.

    Returns
    -------
    dict with the final strengths ``A_blocking``, ``B_blocking``, ``A_control``, ``B_control``
    and ``blocking_effect`` = ``B_control - B_blocking`` (same seed, so a paired difference).
    """
    rng = np.random.default_rng(seed)
    low, high = salience_range
    if not 0 < low <= high <= 1:
        raise ValueError(f"salience_range must satisfy 0 < low <= high <= 1, got {salience_range}")
    alpha = rng.uniform(low, high, size=2)
    food_seed = int(rng.integers(2**31))
    result = {}
    for group, make in (("blocking", blocking), ("control", blocking_control)):
        schedule = omit_food(make(n_pretraining, n_compound), omission, food_seed)
        final = run_rule(rule, schedule, alpha=alpha)[-1]
        result[f"A_{group}"], result[f"B_{group}"] = float(final[0]), float(final[1])
    result["blocking_effect"] = result["B_control"] - result["B_blocking"]
    return result
