"""Hallucination as missing mass, and what grounding buys (after Kalai & Vempala, 2024).

Three "language models" of the facts in :mod:`worldlab.worlds.facts`, each a probability table
``q`` of shape (n_people, n_days) over the statements "person ``i`` was born on day ``d``" that
the model may *generate*:

* **smoothed**: the training counts, mixed with a little uniform mass so that it can say things it
  never read: ``q = (1 − α) · counts / m + α / (n_people · n_days)``. The smoothing ``α`` is
  *calibrated* by maximising the likelihood of held-out statements, which makes the mass it puts
  on unseen statements about as large as the mass of unseen facts in the world;
* **closure** (``α = 0``): says only what it read; it never hallucinates (without noise in the
  text) and never says anything new;
* **grounded**: generates like the smoothed model but checks a statement in the world (one
  query, at a cost) before saying it whenever its training support is small, and corrects it.

A statement is a *hallucination* when it is false in the world. For arbitrary facts, what the
smoothed model says about a person it never read about is right with chance ``1 / n_days``, so
its hallucination rate is about its unseen mass, which calibration sets to about the missing mass
of the training sample, which the Good–Turing estimate says is about the fraction of facts seen
exactly once (the *monofact rate*). Hence Kalai & Vempala's result: a calibrated model of
arbitrary facts hallucinates at about the monofact rate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar

from worldlab.worlds.facts import draw_statements, make_population, zipf_weights


def _check_table(q: np.ndarray, what: str = "q") -> np.ndarray:
    q = np.asarray(q, dtype=float)
    if q.ndim != 2:
        raise ValueError(f"{what} must be a 2-D table of shape (n_people, n_days), got {q.shape}")
    if not np.isfinite(q).all() or (q < 0).any():
        raise ValueError(f"{what} must hold finite non-negative probabilities")
    if not np.isclose(q.sum(), 1.0, atol=1e-6):
        raise ValueError(f"{what} must sum to 1 (a distribution over statements), got {q.sum()}")
    return q


def _check_true_day(true_day: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    true_day = np.asarray(true_day)
    if true_day.shape != (shape[0],) or not np.issubdtype(true_day.dtype, np.integer):
        raise ValueError(f"true_day must be an int array of shape ({shape[0]},)")
    if true_day.size and (true_day.min() < 0 or true_day.max() >= shape[1]):
        raise ValueError(f"true_day values must lie in [0, {shape[1]})")
    return true_day


def fact_counts(people: np.ndarray, days: np.ndarray, n_people: int, n_days: int) -> np.ndarray:
    """How often each statement occurs in a text.

    Parameters
    ----------
    people, days
        int arrays of shape (m,), from :func:`worldlab.worlds.facts.draw_statements`.

    Returns
    -------
    int array of shape (n_people, n_days): entry ``[i, d]`` counts "person i was born on day d".
    """
    people = np.asarray(people)
    days = np.asarray(days)
    if people.ndim != 1 or people.shape != days.shape:
        raise ValueError("people and days must be 1-D arrays of the same shape")
    if people.size and (people.min() < 0 or people.max() >= n_people):
        raise ValueError(f"people ids must lie in [0, {n_people})")
    if days.size and (days.min() < 0 or days.max() >= n_days):
        raise ValueError(f"days must lie in [0, {n_days})")
    counts = np.zeros((n_people, n_days), dtype=np.int64)
    np.add.at(counts, (people, days), 1)
    return counts


def good_turing_missing_mass(counts: np.ndarray) -> float:
    """Good–Turing estimate of the probability that the next draw is something never seen.

    Parameters
    ----------
    counts
        Non-negative integer counts of each distinct item (any shape; zeros are items not seen).

    Returns
    -------
    ``N1 / N``: the number of items seen exactly once over the total number of draws. For facts
    this is the *monofact rate*.
    """
    counts = np.asarray(counts)
    if counts.size == 0 or not np.issubdtype(counts.dtype, np.number):
        raise ValueError("counts must be a non-empty numeric array")
    if (counts < 0).any() or not np.array_equal(counts, np.round(counts)):
        raise ValueError("counts must be non-negative integers")
    total = counts.sum()
    if total == 0:
        raise ValueError("counts are all zero: nothing was drawn")
    return float((counts == 1).sum() / total)


def missing_mass(weights: np.ndarray, true_day: np.ndarray, counts: np.ndarray) -> float:
    """The true probability that the next (noise-free) statement states a fact not in the text.

    Parameters
    ----------
    weights
        How often each person is mentioned, shape (n_people,).
    true_day
        Shape (n_people,).
    counts
        Shape (n_people, n_days), from :func:`fact_counts`.
    """
    counts = np.asarray(counts)
    true_day = _check_true_day(true_day, counts.shape)
    weights = np.asarray(weights, dtype=float)
    if weights.shape != true_day.shape:
        raise ValueError("weights must have shape (n_people,)")
    unseen = counts[np.arange(len(true_day)), true_day] == 0
    return float(weights[unseen].sum())


def smoothed_model(counts: np.ndarray, alpha: float) -> np.ndarray:
    """``q = (1 − α) · counts / m + α / (n_people · n_days)``.

    Returns
    -------
    float array of the shape of ``counts``, summing to 1. ``α = 0`` is the closure model.
    """
    counts = np.asarray(counts, dtype=float)
    if counts.ndim != 2 or counts.sum() <= 0 or (counts < 0).any():
        raise ValueError("counts must be a non-negative (n_people, n_days) table with draws")
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must lie in [0, 1], got {alpha!r}")
    return (1.0 - alpha) * counts / counts.sum() + alpha / counts.size


def heldout_log_likelihood(q: np.ndarray, people: np.ndarray, days: np.ndarray) -> float:
    """Mean natural-log probability that ``q`` gives held-out statements (``-inf`` if one is 0)."""
    q = _check_table(q)
    people = np.asarray(people)
    days = np.asarray(days)
    if people.ndim != 1 or people.shape != days.shape or len(people) == 0:
        raise ValueError("people and days must be non-empty 1-D arrays of the same shape")
    with np.errstate(divide="ignore"):
        return float(np.mean(np.log(q[people, days])))


def calibrate_smoothing(counts: np.ndarray, people: np.ndarray, days: np.ndarray) -> float:
    """The ``α`` of :func:`smoothed_model` that maximises the held-out log-likelihood.

    Parameters
    ----------
    counts
        Training counts, shape (n_people, n_days).
    people, days
        Held-out statements, int arrays of shape (m_heldout,).
    """
    counts = np.asarray(counts, dtype=float)
    empirical = counts[np.asarray(people), np.asarray(days)] / counts.sum()
    uniform = 1.0 / counts.size

    def negative_log_likelihood(logit: float) -> float:
        alpha = 1.0 / (1.0 + np.exp(-logit))
        return -float(np.mean(np.log((1 - alpha) * empirical + alpha * uniform)))

    result = minimize_scalar(negative_log_likelihood, bounds=(-20.0, 20.0), method="bounded")
    return float(1.0 / (1.0 + np.exp(-result.x)))


def hallucination_rate(q: np.ndarray, true_day: np.ndarray) -> float:
    """Probability that a statement generated from ``q`` is false.

    Parameters
    ----------
    q
        Shape (n_people, n_days), summing to 1: how likely the model is to say "person i was
        born on day d".
    true_day
        int array of shape (n_people,): the world.

    Returns
    -------
    The total probability of the cells ``(i, d)`` with ``d != true_day[i]``.
    """
    q = _check_table(q)
    true_day = _check_true_day(true_day, q.shape)
    false = np.ones(q.shape, dtype=bool)
    false[np.arange(q.shape[0]), true_day] = False
    # Summing the false cells (not 1 - the true ones) keeps an exact 0 exact.
    return float(q[false].sum())


def grounded_generation(
    q: np.ndarray, counts: np.ndarray, true_day: np.ndarray, check_threshold: int
) -> dict[str, float]:
    """Generate from ``q`` but look a statement up in the world before saying it when it was read
    at most ``check_threshold`` times (a wrong statement checked is replaced by the true one).

    ``check_threshold = -1`` never checks (the plain model); ``0`` checks only statements it never
    read; large values check everything.

    Returns
    -------
    dict with ``hallucination`` (probability that what is said is false) and ``queries``
    (expected look-ups per statement said).
    """
    q = _check_table(q)
    counts = np.asarray(counts)
    if counts.shape != q.shape:
        raise ValueError(f"counts must have the shape of q {q.shape}, got {counts.shape}")
    true_day = _check_true_day(true_day, q.shape)
    checked = counts <= check_threshold
    false = np.ones(q.shape, dtype=bool)
    false[np.arange(q.shape[0]), true_day] = False
    return {
        "hallucination": float(q[false & ~checked].sum()),
        "queries": float(q[checked].sum()),
    }


def rule_model(counts: np.ndarray, rule: tuple[int, int], alpha: float) -> np.ndarray:
    """A model that talks about people as the smoothed model does, but gives each the day of an
    affine rule ``(a · i + b) mod n_days`` (see :func:`worldlab.worlds.facts.fit_affine_rule`).

    Returns
    -------
    float array of shape (n_people, n_days), summing to 1, one non-zero day per person.
    """
    counts = np.asarray(counts, dtype=float)
    person_mass = smoothed_model(counts, alpha).sum(axis=1)
    a, b = rule
    n_people, n_days = counts.shape
    q = np.zeros_like(counts)
    q[np.arange(n_people), (a * np.arange(n_people) + b) % n_days] = person_mass
    return q


@dataclass
class FactsRun:
    """One world, its training text and a held-out text, with the calibrated smoothing.

    Attributes
    ----------
    true_day : int array (n_people,)
    weights : float array (n_people,), how often each person is mentioned
    counts : int array (n_people, n_days), the training statements counted
    heldout_people, heldout_days : int arrays (n_heldout,), noise-free held-out statements
    alpha : float, the smoothing that maximises the held-out likelihood
    """

    true_day: np.ndarray
    weights: np.ndarray
    counts: np.ndarray
    heldout_people: np.ndarray
    heldout_days: np.ndarray
    alpha: float


def make_facts_run(
    seed: int,
    zipf_exponent: float = 1.0,
    n_people: int = 2000,
    n_statements: int = 2000,
    n_heldout: int = 1000,
    n_days: int = 365,
    noise: float = 0.0,
) -> FactsRun:
    """Draw a world of arbitrary birthdays, a training text (with ``noise``) and a held-out text,
    and calibrate the smoothed model on the held-out text."""
    true_day = make_population(n_people, seed, n_days=n_days)
    weights = zipf_weights(n_people, zipf_exponent)
    rng = np.random.default_rng([seed, 1])
    people, days = draw_statements(true_day, weights, n_statements, rng, n_days, noise)
    heldout_people, heldout_days = draw_statements(true_day, weights, n_heldout, rng, n_days)
    counts = fact_counts(people, days, n_people, n_days)
    alpha = calibrate_smoothing(counts, heldout_people, heldout_days)
    return FactsRun(true_day, weights, counts, heldout_people, heldout_days, alpha)


def hallucination_experiment(seed: int, zipf_exponent: float = 1.0, **world) -> dict[str, float]:
    """One world, one training text, one held-out text; the three models measured.

    Parameters
    ----------
    seed, zipf_exponent, **world
        Passed to :func:`make_facts_run` (``n_people``, ``n_statements``, ``noise``, …).

    Returns
    -------
    dict with ``monofact_rate`` (Good–Turing missing mass of the training text),
    ``missing_mass`` (the truth), ``alpha`` (calibrated smoothing), ``smoothed`` (its
    hallucination rate), ``closure`` (the unsmoothed model's hallucination rate),
    ``closure_heldout_seen`` (fraction of held-out true statements the closure model can say at
    all), ``grounded`` and ``grounded_queries`` (hallucination and look-ups per statement when
    checking every statement never read).
    """
    run = make_facts_run(seed, zipf_exponent, **world)
    q = smoothed_model(run.counts, run.alpha)
    grounded = grounded_generation(q, run.counts, run.true_day, check_threshold=0)
    return {
        "monofact_rate": good_turing_missing_mass(run.counts),
        "missing_mass": missing_mass(run.weights, run.true_day, run.counts),
        "alpha": run.alpha,
        "smoothed": hallucination_rate(q, run.true_day),
        "closure": hallucination_rate(smoothed_model(run.counts, 0.0), run.true_day),
        "closure_heldout_seen": float(
            np.mean(run.counts[run.heldout_people, run.heldout_days] > 0)
        ),
        "grounded": grounded["hallucination"],
        "grounded_queries": grounded["queries"],
    }


def grounding_tradeoff(
    seed: int,
    zipf_exponent: float = 1.0,
    noise: float = 0.1,
    thresholds: tuple[int, ...] = (-1, 0, 1, 2, 3, 5, 10),
    **world,
) -> pd.DataFrame:
    """Hallucination against look-ups for a grounded agent that checks statements read at most
    ``t`` times, for each threshold ``t`` (plus "check everything").

    With ``noise > 0`` some statements in the text are wrong, so what was read once is not always
    true either: checking more costs more and removes more errors.

    Returns
    -------
    DataFrame with one row per threshold: ``threshold`` (``-1`` = never check, the largest =
    check everything), ``queries`` and ``hallucination`` (per statement said).
    """
    run = make_facts_run(seed, zipf_exponent, noise=noise, **world)
    q = smoothed_model(run.counts, run.alpha)
    every = int(run.counts.max())
    rows = []
    for threshold in sorted({*(int(t) for t in thresholds), every}):
        measured = grounded_generation(q, run.counts, run.true_day, threshold)
        rows.append({"threshold": threshold, **measured})
    return pd.DataFrame(rows)


def hallucination_demo(
    zipf_exponent: float = 1.0, log10_alpha: float = -1.0, seed: int = 0
) -> None:
    """Widget callback: how smoothing trades held-out likelihood against hallucination.

    Left: the held-out log-likelihood of the smoothed model as ``α`` varies, peaking at the
    calibrated ``α``. Right: its hallucination rate, with the monofact rate of the training text
    as a dashed line. The dot marks the chosen ``α = 10**log10_alpha``.
    """
    import matplotlib.pyplot as plt

    from worldlab.plots import PALETTE

    run = make_facts_run(seed, zipf_exponent)
    alphas = np.logspace(-4, -0.01, 60)
    chosen = float(10.0**log10_alpha)
    if not 0.0 < chosen <= 1.0:
        raise ValueError(f"log10_alpha must be at most 0, got {log10_alpha!r}")
    likelihoods = [
        heldout_log_likelihood(smoothed_model(run.counts, a), run.heldout_people, run.heldout_days)
        for a in alphas
    ]
    hallucinations = [
        hallucination_rate(smoothed_model(run.counts, a), run.true_day) for a in alphas
    ]
    chosen_q = smoothed_model(run.counts, chosen)
    monofact = good_turing_missing_mass(run.counts)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.plot(alphas, likelihoods, color=PALETTE["blue"])
    left.plot(
        [chosen],
        [heldout_log_likelihood(chosen_q, run.heldout_people, run.heldout_days)],
        "o",
        color=PALETTE["vermillion"],
        markersize=9,
        label=f"chosen α = {chosen:.3g}",
    )
    for ax in (left, right):
        ax.axvline(run.alpha, color="grey", linestyle=":", label=f"calibrated α = {run.alpha:.3f}")
        ax.set_xscale("log")
        ax.set_xlabel("smoothing α (log scale)")
    left.set_ylabel("held-out log-likelihood (nats per statement)")
    left.set_title("Calibration: held-out likelihood")
    left.legend(loc="lower left")
    right.plot(alphas, hallucinations, color=PALETTE["blue"], label="smoothed model")
    right.axhline(
        monofact, color=PALETTE["green"], linestyle="--", label=f"monofact rate = {monofact:.3f}"
    )
    right.plot(
        [chosen],
        [hallucination_rate(chosen_q, run.true_day)],
        "o",
        color=PALETTE["vermillion"],
        markersize=9,
    )
    right.set_ylim(0, 1)
    right.set_ylabel("hallucination rate (fraction false)")
    right.set_title(f"Hallucination (Zipf exponent {zipf_exponent:g})")
    right.legend(loc="upper left")
    fig.tight_layout()
    plt.show()
