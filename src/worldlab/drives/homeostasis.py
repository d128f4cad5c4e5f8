"""Homeostatic planning, behaviour over a lifetime, and evolution of drives (lesson 10).

An agent is a **genome**: a ``setpoint`` (the energy level its drive wants), a discount ``gamma``
(its planning horizon) and an ``eat_bonus`` (a pleasure of eating, paid whatever the drive says).
Its reward for a step from energy ``h`` to ``h_next`` is the drive's reduction, given by the
lesson's ``reward_fn(h, h_next, setpoint)``, plus ``eat_bonus`` when it ate. It plans its whole
lifetime exactly, by backward induction over (place, energy) with the season given by the step:
the one-step backup ``backup(next_values, next_state, probability, reward, gamma) -> (values,
policy)`` is the lesson's exercise too, and is passed in. Evolution judges a genome by what
neither of these optimises: how long the animal survives.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np

from worldlab.worlds.seasons import ACTIONS, Ecology

RewardFn = Callable[[np.ndarray, np.ndarray, float], np.ndarray]
Backup = Callable[..., tuple[np.ndarray, np.ndarray]]
Select = Callable[[np.ndarray, int, np.random.Generator], np.ndarray]

#: The planning horizons evolution may choose from.
GAMMAS = (0.5, 0.7, 0.8, 0.9, 0.95, 0.99)
#: Lifetime in steps (four years of the default ecology).
LIFETIME = 96


@lru_cache(maxsize=64)
def _tables(ecology: Ecology, winter: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    t = ecology.year_length - 1 if winter else 0
    return ecology.step_table(t)


def season_tables(ecology: Ecology, t: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:meth:`Ecology.step_table` for step ``t``, computed once per season and cached."""
    return _tables(ecology, ecology.is_winter(t))


def check_genome(genome: dict, ecology: Ecology) -> None:
    """Raise ``ValueError`` naming what is wrong with a genome."""
    if not isinstance(genome, dict) or set(genome) != {"setpoint", "gamma", "eat_bonus"}:
        raise ValueError("a genome is a dict with exactly the keys setpoint, gamma, eat_bonus")
    if not 1 <= genome["setpoint"] <= ecology.capacity:
        raise ValueError(f"setpoint must lie in 1..{ecology.capacity}, got {genome['setpoint']}")
    if not 0.0 <= genome["gamma"] < 1.0:
        raise ValueError(f"gamma must lie in [0, 1), got {genome['gamma']}")
    if genome["eat_bonus"] < 0:
        raise ValueError(f"eat_bonus must be non-negative, got {genome['eat_bonus']}")


def reward_table(ecology: Ecology, t: int, genome: dict, reward_fn: RewardFn) -> np.ndarray:
    """The agent's reward for every outcome at step ``t``, shape ``(n_actions, n_states, 3)``."""
    next_state, _, meal = season_tables(ecology, t)
    now = ecology.energy_of(np.arange(ecology.n_states))[None, :, None] * np.ones_like(next_state)
    later = ecology.energy_of(next_state)
    reward = np.asarray(
        reward_fn(now.astype(float), later.astype(float), float(genome["setpoint"])), dtype=float
    )
    if reward.shape != next_state.shape:
        raise ValueError(
            f"reward_fn must return one reward per outcome, shape {next_state.shape}, got {reward.shape}"
        )
    reward = reward + genome["eat_bonus"] * meal
    reward[:, ecology.dead] = 0.0  # nothing changes once dead
    return reward


def plan_lifetime(
    ecology: Ecology, genome: dict, reward_fn: RewardFn, backup: Backup, lifetime: int = LIFETIME
) -> np.ndarray:
    """The genome's optimal policy for every step of its life, shape ``(lifetime, n_states)``."""
    check_genome(genome, ecology)
    values = np.zeros(ecology.n_states)
    policy = np.zeros((lifetime, ecology.n_states), dtype=int)
    rewards = {}
    for t in reversed(range(lifetime)):
        winter = ecology.is_winter(t)
        if winter not in rewards:
            rewards[winter] = reward_table(ecology, t, genome, reward_fn)
        next_state, probability, _ = season_tables(ecology, t)
        values, policy[t] = backup(
            values, next_state, probability, rewards[winter], genome["gamma"]
        )
        values = np.asarray(values, dtype=float)
    return policy


def simulate(
    ecology: Ecology,
    policy: np.ndarray,
    n_episodes: int,
    rng: np.random.Generator,
    start_energy: int | None = None,
) -> dict:
    """Live ``n_episodes`` lifetimes under ``policy`` (shape ``(lifetime, n_states)``).

    Returns arrays: ``states`` (n_episodes, lifetime + 1), ``actions`` and ``meals`` (n_episodes,
    lifetime); the animal starts in its den with ``start_energy`` (default: half its capacity).
    """
    lifetime = len(policy)
    energy = ecology.capacity // 2 if start_energy is None else start_energy
    states = np.full((n_episodes, lifetime + 1), ecology.state(0, energy), dtype=int)
    actions = np.zeros((n_episodes, lifetime), dtype=int)
    meals = np.zeros((n_episodes, lifetime), dtype=bool)
    # One table per season, cumulated once; one draw per episode and step, in the same order as
    # drawing step by step (so a seed gives the same lives), but in a single call.
    seasons = {}
    for winter in (False, True):
        next_state, probability, meal = _tables(ecology, winter)
        seasons[winter] = (next_state, np.cumsum(probability, axis=2)[..., :-1], meal)
    draws = rng.random((lifetime, n_episodes))
    for t in range(lifetime):
        next_state, cumulative, meal = seasons[ecology.is_winter(t)]
        s = states[:, t]
        a = policy[t, s]
        k = (draws[t][:, None] > cumulative[a, s]).sum(axis=1)
        states[:, t + 1] = next_state[a, s, k]
        actions[:, t] = a
        meals[:, t] = meal[a, s, k]
    return {"states": states, "actions": actions, "meals": meals}


def behaviour(
    ecology: Ecology, lives: dict, setpoint: float, years: tuple[int, int] = (1, 3)
) -> dict:
    """What the animal did, averaged over its lifetimes, in the given years (default 2nd–3rd).

    Returns floats: ``survival`` (share alive at the end of life), ``energy_at_winter`` (mean
    energy when winter starts, among the living), ``above_setpoint`` (share of living steps spent
    above the set-point), ``mean_energy`` (mean energy of the living), ``foraging`` (share of living steps foraging), ``meals`` (meals per
    living step), ``stocking_up`` (share of the four steps before winter in which an animal
    already above its set-point foraged; ``nan`` without a winter, where it is undefined — use
    ``above_setpoint`` to compare worlds with and without winter).
    """
    states, actions, meals = lives["states"], lives["actions"], lives["meals"]
    lifetime = actions.shape[1]
    alive = states[:, :-1] != ecology.dead
    energy = ecology.energy_of(states[:, :-1])
    first, last = years[0] * ecology.year_length, min(lifetime, years[1] * ecology.year_length)
    window = np.zeros(lifetime, dtype=bool)
    window[first:last] = True
    live = alive & window[None, :]
    onsets = [
        t for t in range(first, last) if ecology.is_winter(t) and not ecology.is_winter(t - 1)
    ]
    autumn = [t for t in range(first, last) if any(0 < onset - t <= 4 for onset in onsets)]
    onset_energy = energy[:, onsets][alive[:, onsets]] if onsets else np.array([])
    stock = alive[:, autumn] & (energy[:, autumn] > setpoint)
    forage = actions == ACTIONS.index("forage")
    return {
        "survival": float((states[:, -1] != ecology.dead).mean()),
        "energy_at_winter": float(onset_energy.mean()) if onset_energy.size else float("nan"),
        "above_setpoint": float((energy > setpoint)[live].mean()) if live.any() else float("nan"),
        "mean_energy": float(energy[live].mean()) if live.any() else float("nan"),
        "foraging": float(forage[live].mean()) if live.any() else float("nan"),
        "meals": float(meals[live].mean()) if live.any() else float("nan"),
        # no winter, or nobody above the set-point before one: undefined, not zero
        "stocking_up": float(forage[:, autumn][stock].mean()) if stock.any() else float("nan"),
    }


def survival(
    ecology: Ecology,
    genome: dict,
    reward_fn: RewardFn,
    backup: Backup,
    rng: np.random.Generator,
    n_episodes: int = 64,
    lifetime: int = LIFETIME,
) -> float:
    """Fitness: the mean share of its lifetime the genome's animal stays alive."""
    policy = plan_lifetime(ecology, genome, reward_fn, backup, lifetime)
    lives = simulate(ecology, policy, n_episodes, rng)
    return float((lives["states"][:, 1:] != ecology.dead).mean())


def random_genome(ecology: Ecology, rng: np.random.Generator) -> dict:
    return {
        "setpoint": int(rng.integers(2, ecology.capacity)),
        "gamma": float(rng.choice(GAMMAS)),
        "eat_bonus": float(rng.uniform(0.0, 40.0)),
    }


def mutate_genome(genome: dict, ecology: Ecology, rng: np.random.Generator) -> dict:
    """A small random change of one gene (the kit's own variation; not an exercise)."""
    child = dict(genome)
    gene = rng.integers(3)
    if gene == 0:
        child["setpoint"] = int(
            np.clip(child["setpoint"] + rng.choice([-2, -1, 1, 2]), 1, ecology.capacity)
        )
    elif gene == 1:
        i = GAMMAS.index(child["gamma"]) + int(rng.choice([-1, 1]))
        child["gamma"] = GAMMAS[int(np.clip(i, 0, len(GAMMAS) - 1))]
    else:
        child["eat_bonus"] = float(np.clip(child["eat_bonus"] + rng.normal(0.0, 6.0), 0.0, 60.0))
    return child


def tournament_select(
    fitness: np.ndarray, n_select: int, rng: np.random.Generator, tournament_size: int = 3
) -> np.ndarray:
    """Indices of parents chosen by tournaments (the lesson's genetic algorithm uses it).

    Each parent is the fittest of ``tournament_size`` entrants drawn uniformly, with replacement,
    from the whole population; on a tie the first entrant drawn wins.

    Parameters
    ----------
    fitness : float array-like (n_population,).
    n_select : number of parents to choose.
    rng : the random generator.
    tournament_size : entrants per tournament.

    Returns
    -------
    int array (n_select,) of indices into ``fitness``.
    """
    fitness = np.asarray(fitness, dtype=float)
    entrants = rng.integers(0, len(fitness), (int(n_select), int(tournament_size)))
    return entrants[np.arange(int(n_select)), fitness[entrants].argmax(axis=1)]


def evolve_genomes(
    ecology: Ecology,
    select: Select,
    reward_fn: RewardFn,
    backup: Backup,
    rng: np.random.Generator,
    population: int = 12,
    generations: int = 8,
    n_episodes: int = 48,
    lifetime: int = LIFETIME,
) -> dict:
    """A small genetic algorithm whose fitness is survival.

    Each generation keeps its fittest genome and fills the rest with mutated copies of parents
    chosen by ``select(fitness, n, rng) -> indices`` (e.g. :func:`tournament_select`); a genome's fitness
    is its :func:`survival` over ``n_episodes`` lives of ``lifetime`` steps. Returns ``best``
    (a genome), ``best_fitness``, and per-generation arrays ``mean_fitness`` and ``top_fitness``.
    """
    genomes = [random_genome(ecology, rng) for _ in range(population)]
    mean_fitness, top_fitness = [], []
    for _ in range(generations):
        fitness = np.array(
            [survival(ecology, g, reward_fn, backup, rng, n_episodes, lifetime) for g in genomes]
        )
        mean_fitness.append(float(fitness.mean()))
        top_fitness.append(float(fitness.max()))
        elite = genomes[int(np.argmax(fitness))]
        parents = np.asarray(select(fitness, population - 1, rng), dtype=int)
        if parents.shape != (population - 1,) or parents.min() < 0 or parents.max() >= population:
            raise ValueError(f"select must return {population - 1} indices into the population")
        genomes = [elite] + [mutate_genome(genomes[i], ecology, rng) for i in parents]
    fitness = np.array(
        [survival(ecology, g, reward_fn, backup, rng, n_episodes, lifetime) for g in genomes]
    )
    best = int(np.argmax(fitness))
    return {
        "best": genomes[best],
        "best_fitness": float(fitness[best]),
        "mean_fitness": np.array(mean_fitness),
        "top_fitness": np.array(top_fitness),
    }
