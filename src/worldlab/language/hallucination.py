"""Hallucination as missing mass, and what grounding buys (after Kalai & Vempala, 2024).

"Language models" of the facts in :mod:`worldlab.worlds.facts`, each a probability table ``q`` of
shape (n_people, n_days) over the statements "person ``i`` was born on day ``d``" that the model
may *generate*:

* **smoothed**: the training counts mixed with uniform mass, so that it can say things it never
  read: ``q = (1 − α) · counts / m + α / (n_people · n_days)``;
* **back-off**: the same mixture, but the mass ``α`` is spread over the people in proportion to
  how often each was mentioned (add-one), and over the days either uniformly or by how often
  each day occurs in the text (a birthday prior);
* **closure** (``α = 0``): says only what it read; it never hallucinates (without noise in the
  text) and never says anything new;
* **abstaining**: generates like the smoothed model but says "I don't know" instead of any
  statement it never read.

``α`` is chosen by maximising the likelihood of held-out statements (:func:`calibrate_mixture`).
A statement is a *hallucination* when it is false in the world. The chain that links the
calibrated model's hallucination rate to the *monofact rate* of its training text is mostly
bookkeeping: with noise-free text, hallucination is exactly ``α · (n_days − 1) / n_days`` (every
smoothed guess names a random day), the likelihood-optimal ``α`` is about the fraction of
held-out statements the text never contained, and only the last step — that this fraction is
about the monofact rate (Good–Turing) — is an empirical fact. The Good–Turing estimate itself
and the grounded agent are lesson 04's exercises: the experiments take them as arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar

from worldlab.plots.palette import COLORS
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


def backoff_table(counts: np.ndarray, days: str = "uniform") -> np.ndarray:
    """The back-off distribution: people by add-one mention frequency, and days either uniform
    (``days="uniform"``) or by add-one frequency of each day in the whole text
    (``days="text"``: a prior over birthdays read off the text, the same for everyone).

    Returns
    -------
    float array of the shape of ``counts`` (n_people, n_days), summing to 1.
    """
    counts = np.asarray(counts, dtype=float)
    if counts.ndim != 2 or (counts < 0).any():
        raise ValueError("counts must be a non-negative (n_people, n_days) table")
    if days not in ("uniform", "text"):
        raise ValueError(f"days must be 'uniform' or 'text', got {days!r}")
    person = counts.sum(axis=1) + 1.0
    if days == "uniform":
        day = np.full(counts.shape[1], 1.0)
    else:
        day = counts.sum(axis=0) + 1.0
    return np.outer(person / person.sum(), day / day.sum())


def mixture_model(counts: np.ndarray, alpha: float, backoff: np.ndarray) -> np.ndarray:
    """``q = (1 − α) · counts / m + α · backoff`` (``backoff`` a table summing to 1)."""
    counts = np.asarray(counts, dtype=float)
    backoff = _check_table(backoff, "backoff")
    if counts.shape != backoff.shape or counts.sum() <= 0 or (counts < 0).any():
        raise ValueError("counts must be a non-negative table with draws, of backoff's shape")
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must lie in [0, 1], got {alpha!r}")
    return (1.0 - alpha) * counts / counts.sum() + alpha * backoff


def calibrate_mixture(
    counts: np.ndarray, backoff: np.ndarray, people: np.ndarray, days: np.ndarray
) -> float:
    """The ``α`` of :func:`mixture_model` that maximises the held-out log-likelihood.

    Parameters
    ----------
    counts
        Training counts, shape (n_people, n_days).
    backoff
        The back-off table, shape (n_people, n_days), summing to 1.
    people, days
        Held-out statements, int arrays of shape (m_heldout,).
    """
    counts = np.asarray(counts, dtype=float)
    backoff = _check_table(backoff, "backoff")
    people, days = np.asarray(people), np.asarray(days)
    if people.ndim != 1 or people.shape != days.shape or len(people) == 0:
        raise ValueError("people and days must be non-empty 1-D arrays of the same shape")
    empirical = counts[people, days] / counts.sum()
    other = backoff[people, days]

    def negative_log_likelihood(logit: float) -> float:
        alpha = 1.0 / (1.0 + np.exp(-logit))
        return -float(np.mean(np.log((1 - alpha) * empirical + alpha * other)))

    result = minimize_scalar(negative_log_likelihood, bounds=(-20.0, 20.0), method="bounded")
    return float(1.0 / (1.0 + np.exp(-result.x)))


def calibrate_smoothing(counts: np.ndarray, people: np.ndarray, days: np.ndarray) -> float:
    """The ``α`` of :func:`smoothed_model` that maximises the held-out log-likelihood."""
    counts = np.asarray(counts, dtype=float)
    uniform = np.full(counts.shape, 1.0 / counts.size)
    return calibrate_mixture(counts, uniform, people, days)


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


MissingMassEstimate = Callable[[np.ndarray], float]
CheckedGeneration = Callable[[np.ndarray, np.ndarray, np.ndarray, int], dict]


def hallucination_experiment(
    seed: int,
    zipf_exponent: float = 1.0,
    *,
    missing_mass_estimate: MissingMassEstimate,
    **world,
) -> dict[str, float]:
    """One world, one training text, one held-out text; several model families measured.

    Parameters
    ----------
    seed, zipf_exponent, **world
        Passed to :func:`make_facts_run` (``n_people``, ``n_statements``, ``noise``, …).
    missing_mass_estimate
        ``missing_mass_estimate(counts) -> float``, the Good–Turing estimate of the training
        counts (lesson 04's ``good_turing_missing_mass``).

    Returns
    -------
    dict with ``monofact_rate`` (the estimate on the training counts), ``missing_mass`` (the
    truth), ``heldout_unseen`` (fraction of held-out statements absent from the training
    text), ``alpha`` and ``smoothed`` (calibrated uniform smoothing and its hallucination rate),
    ``alpha_backoff`` and ``backoff`` (the calibrated back-off model, days uniform),
    ``alpha_day_prior`` and ``day_prior`` (calibrated back-off whose days follow the text's
    birthday frequencies), ``abstain`` and
    ``abstain_rate`` (the abstaining model's hallucination rate among what it says, and how
    often it says "I don't know"), ``closure`` (the unsmoothed model's hallucination rate) and
    ``closure_heldout_seen`` (fraction of held-out true statements the closure model can say at
    all).
    """
    run = make_facts_run(seed, zipf_exponent, **world)
    q = smoothed_model(run.counts, run.alpha)
    backoff = backoff_table(run.counts)
    alpha_backoff = calibrate_mixture(run.counts, backoff, run.heldout_people, run.heldout_days)
    day_prior = backoff_table(run.counts, days="text")
    alpha_prior = calibrate_mixture(run.counts, day_prior, run.heldout_people, run.heldout_days)
    unseen = run.counts == 0
    abstained = float(q[unseen].sum())
    said = np.where(unseen, 0.0, q) / (1.0 - abstained)
    estimate = float(missing_mass_estimate(run.counts))
    if not 0.0 <= estimate <= 1.0:
        raise ValueError(f"missing_mass_estimate must return a probability, got {estimate}")
    return {
        "monofact_rate": estimate,
        "missing_mass": missing_mass(run.weights, run.true_day, run.counts),
        "heldout_unseen": float(np.mean(unseen[run.heldout_people, run.heldout_days])),
        "alpha": run.alpha,
        "smoothed": hallucination_rate(q, run.true_day),
        "alpha_backoff": alpha_backoff,
        "backoff": hallucination_rate(
            mixture_model(run.counts, alpha_backoff, backoff), run.true_day
        ),
        "alpha_day_prior": alpha_prior,
        "day_prior": hallucination_rate(
            mixture_model(run.counts, alpha_prior, day_prior), run.true_day
        ),
        "abstain": hallucination_rate(said, run.true_day),
        "abstain_rate": abstained,
        "closure": hallucination_rate(smoothed_model(run.counts, 0.0), run.true_day),
        "closure_heldout_seen": float(
            np.mean(run.counts[run.heldout_people, run.heldout_days] > 0)
        ),
    }


def _checked(result: dict, what: str = "checked_generation") -> dict[str, float]:
    if not isinstance(result, dict) or not {"queries", "hallucination"} <= set(result):
        raise ValueError(f"{what} must return a dict with 'queries' and 'hallucination'")
    values = {key: float(result[key]) for key in ("queries", "hallucination")}
    if not all(0.0 <= v <= 1.0 + 1e-9 for v in values.values()):
        raise ValueError(f"{what} must return probabilities, got {values}")
    return values


def grounding_tradeoff(
    seed: int,
    zipf_exponent: float = 1.0,
    noise: float = 0.1,
    thresholds: tuple[int, ...] = (-1, 0, 1, 2, 3, 5, 10),
    *,
    checked_generation: CheckedGeneration,
    **world,
) -> pd.DataFrame:
    """Hallucination against look-ups for a grounded agent that checks statements read at most
    ``t`` times, for each threshold ``t`` (plus "check everything").

    With ``noise > 0`` some statements in the text are wrong, so what was read once is not always
    true either: checking more costs more and removes more errors.

    Parameters
    ----------
    checked_generation
        ``checked_generation(q, counts, true_day, t) -> {"queries", "hallucination"}``
        (lesson 04's exercise), run on the calibrated smoothed model.

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
        measured = _checked(checked_generation(q, run.counts, run.true_day, threshold))
        rows.append({"threshold": threshold, **measured})
    return pd.DataFrame(rows, columns=["threshold", "queries", "hallucination"])


def hallucination_demo(
    zipf_exponent: float = 1.0,
    log10_alpha: float = -1.0,
    seed: int = 0,
    *,
    missing_mass_estimate: MissingMassEstimate,
) -> None:
    """Widget callback: how smoothing trades held-out likelihood against hallucination.

    Left: the held-out log-likelihood of the smoothed model as ``α`` varies, peaking at the
    calibrated ``α``. Right: its hallucination rate, with the Good–Turing estimate of the
    training text (``missing_mass_estimate(counts)``) as a dashed line. The dot marks the chosen
    ``α = 10**log10_alpha``.
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
    monofact = float(missing_mass_estimate(run.counts))
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
        ax.axvline(
            run.alpha, color=COLORS["grey"], linestyle=":", label=f"calibrated α = {run.alpha:.3f}"
        )
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
