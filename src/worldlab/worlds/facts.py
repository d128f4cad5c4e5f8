"""A population of facts, and a training text that mentions them with a Zipf law.

The world: ``n_people`` people, each with one birthday among ``n_days`` days. Two kinds of world:

* ``"arbitrary"``: each birthday is drawn at random, so knowing some birthdays says nothing about
  the others (like most facts about the world: who married whom, what a paper's DOI is);
* ``"rule"``: the birthday follows a hidden rule of the person's id, ``(a · id + b) mod n_days``,
  so a learner that finds the rule can be right about people it never read about.

The text: ``n_statements`` statements "person ``i`` was born on day ``d``", each about a person
drawn with probability proportional to ``1 / rank^s`` (a Zipf law with exponent ``s``: famous
people are mentioned over and over, most people once or never). ``s = 0`` mentions everyone
equally often; larger ``s`` concentrates the text on a few people. A fraction ``noise`` of the
statements may carry a wrong day, as real text does.
"""

from __future__ import annotations

import math

import numpy as np

KINDS = ("arbitrary", "rule")


def zipf_weights(n_people: int, exponent: float) -> np.ndarray:
    """How often each person is mentioned: ``p_i ∝ (i + 1)^(-exponent)``.

    Returns
    -------
    float array of shape (n_people,), positive, summing to 1, non-increasing (person 0 is the
    most famous).
    """
    if not isinstance(n_people, int | np.integer) or n_people < 1:
        raise ValueError(f"n_people must be a positive integer, got {n_people!r}")
    if not np.isfinite(exponent) or exponent < 0:
        raise ValueError(f"exponent must be a non-negative number, got {exponent!r}")
    weights = np.arange(1, int(n_people) + 1, dtype=float) ** (-float(exponent))
    return weights / weights.sum()


def make_population(
    n_people: int, seed: int, n_days: int = 365, kind: str = "arbitrary"
) -> np.ndarray:
    """Every person's true birthday.

    Parameters
    ----------
    n_people, n_days
        Size of the population and number of possible days.
    seed
        Seeds the birthdays (``"arbitrary"``) or the hidden rule (``"rule"``).
    kind
        ``"arbitrary"`` (independent uniform days) or ``"rule"`` (``(a · id + b) mod n_days``
        with ``a`` coprime to ``n_days``, so the rule is a bijection).

    Returns
    -------
    int array of shape (n_people,) with values in ``[0, n_days)``.
    """
    if not isinstance(n_people, int | np.integer) or n_people < 1:
        raise ValueError(f"n_people must be a positive integer, got {n_people!r}")
    if not isinstance(n_days, int | np.integer) or n_days < 2:
        raise ValueError(f"n_days must be an integer >= 2, got {n_days!r}")
    rng = np.random.default_rng(seed)
    if kind == "arbitrary":
        return rng.integers(0, n_days, size=int(n_people))
    if kind == "rule":
        slopes = [a for a in range(2, int(n_days)) if math.gcd(a, int(n_days)) == 1]
        a = int(rng.choice(slopes))
        b = int(rng.integers(n_days))
        return (a * np.arange(int(n_people)) + b) % n_days
    raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")


def draw_statements(
    true_day: np.ndarray,
    weights: np.ndarray,
    n_statements: int,
    seed: int | np.random.Generator,
    n_days: int = 365,
    noise: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Statements "person ``i`` was born on day ``d``" as a text would make them.

    Parameters
    ----------
    true_day
        int array of shape (n_people,), from :func:`make_population`.
    weights
        How often each person is mentioned, shape (n_people,), summing to 1
        (:func:`zipf_weights`).
    n_statements
        Number of statements.
    seed
        An int seed or a ``numpy.random.Generator``.
    noise
        Chance that a statement gives a uniformly random *wrong* day instead of the true one.

    Returns
    -------
    (people, days): two int arrays of shape (n_statements,).
    """
    true_day = np.asarray(true_day)
    weights = np.asarray(weights, dtype=float)
    if true_day.ndim != 1 or weights.shape != true_day.shape:
        raise ValueError(
            f"true_day and weights must be 1-D of the same shape, got {true_day.shape} and "
            f"{weights.shape}"
        )
    if (weights < 0).any() or not np.isclose(weights.sum(), 1.0):
        raise ValueError("weights must be non-negative and sum to 1")
    if not isinstance(n_statements, int | np.integer) or n_statements < 0:
        raise ValueError(f"n_statements must be a non-negative integer, got {n_statements!r}")
    if not 0.0 <= noise <= 1.0:
        raise ValueError(f"noise must lie in [0, 1], got {noise!r}")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    people = rng.choice(len(weights), size=int(n_statements), p=weights)
    days = true_day[people].copy()
    wrong = rng.random(int(n_statements)) < noise
    # A wrong day is uniform over the n_days - 1 days that are not the true one.
    shift = rng.integers(1, n_days, size=int(wrong.sum()))
    days[wrong] = (days[wrong] + shift) % n_days
    return people, days


def fit_affine_rule(
    people: np.ndarray, days: np.ndarray, n_days: int = 365
) -> tuple[int, int] | None:
    """Look for a rule ``day = (a · person + b) mod n_days`` that fits every statement.

    A learner that can only count cannot be right about people it never read about; this one
    can, *if* the facts follow a rule. Brute force over ``a`` (``b`` follows from the first
    statement).

    Returns
    -------
    ``(a, b)`` for the smallest ``a`` consistent with all statements, or ``None`` when no affine
    rule fits (as for arbitrary facts, almost surely, once a few people are mentioned).
    """
    people = np.asarray(people, dtype=np.int64)
    days = np.asarray(days, dtype=np.int64)
    if people.ndim != 1 or people.shape != days.shape or len(people) == 0:
        raise ValueError("people and days must be non-empty 1-D arrays of the same shape")
    slopes = np.arange(n_days, dtype=np.int64)[:, None]
    intercepts = (days[0] - slopes[:, 0] * people[0]) % n_days
    predicted = (slopes * people[None, :] + intercepts[:, None]) % n_days
    fits = np.flatnonzero((predicted == days[None, :]).all(axis=1))
    if len(fits) == 0:
        return None
    a = int(fits[0])
    return a, int(intercepts[a])
