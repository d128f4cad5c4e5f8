"""Verifiable tasks for RL on top of pre-training: strategy problems and chain puzzles.

Two small task families, each with an exact *verifier* (a 0/1 reward a program can check):

**Strategy problems.** There are ``n_strategies`` ways to attack a problem (think "induction",
"case analysis", "a substitution trick"). A problem shows its *type* (the surface cue a solver
sees) and hides a *variant*: which strategies actually work on it. For every type a few specific
strategies work often or sometimes (chances such as 0.6, 0.3, 0.15, 0.1) and a couple of *general*
strategies work on any problem now and then; all other strategies never work. The verifier
accepts a strategy iff it works on that problem. Half of the types form the *in-domain* family
(used for fine-tuning); the other half, with different strategies that work, is the shifted
*out-of-domain* family.

The pre-training corpus is skewed the way text is: each demonstration uses a strategy that is
popular (Zipf law over strategies, in a random order unrelated to usefulness) and is correct for
its problem only some of the time.

**Chain puzzles.** A puzzle is a sequence of ``length`` cues; each cue has one correct action (a
fixed rule, the "step skill"), and the verifier accepts a whole answer only if *every* step is
right. A solver that gets a step right with probability ``a`` solves a length-``L`` puzzle with
probability ``a**L``: long puzzles are out of reach for a weak solver even with hundreds of tries.
The demonstration corpus gets a step right only sometimes, and otherwise shows a popular action.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FAMILIES = ("in_domain", "out_of_domain", "all")

#: Chance that each type's specific strategies work, most useful first.
DEFAULT_SPECIFIC_CHANCES = (0.6, 0.3, 0.15, 0.1)


@dataclass(frozen=True)
class StrategyWorld:
    """Which strategy works on which kind of problem, and how popular each strategy is.

    Attributes
    ----------
    success_chance
        float array (n_types, n_strategies): chance that a strategy works on a random problem of
        a type (each problem draws its own hidden variant from these chances).
    popularity
        float array (n_strategies,), sums to 1: how often the pre-training corpus uses each one.
    in_domain_types, out_of_domain_types
        int arrays: the types of the two families (disjoint, together all types).
    general_strategies
        int array: strategies that work on every type with the same chance.
    """

    success_chance: np.ndarray
    popularity: np.ndarray
    in_domain_types: np.ndarray
    out_of_domain_types: np.ndarray
    general_strategies: np.ndarray

    @property
    def n_types(self) -> int:
        return int(self.success_chance.shape[0])

    @property
    def n_strategies(self) -> int:
        return int(self.success_chance.shape[1])

    def family_types(self, family: str) -> np.ndarray:
        """The types of ``"in_domain"``, ``"out_of_domain"`` or ``"all"``."""
        if family == "in_domain":
            return self.in_domain_types
        if family == "out_of_domain":
            return self.out_of_domain_types
        if family == "all":
            return np.arange(self.n_types)
        raise ValueError(f"family must be one of {FAMILIES}, got {family!r}")


@dataclass(frozen=True)
class StrategyProblems:
    """A set of problems: their visible types and their hidden answer key.

    Attributes
    ----------
    types
        int array (n_problems,): the type each problem shows.
    solves
        bool array (n_problems, n_strategies): ``solves[i, s]`` is True iff strategy ``s`` works
        on problem ``i`` (what the verifier checks; the solver never sees it).
    """

    types: np.ndarray
    solves: np.ndarray

    def __len__(self) -> int:
        return int(self.types.shape[0])

    @property
    def solvable(self) -> np.ndarray:
        """bool array (n_problems,): at least one strategy works."""
        return self.solves.any(axis=1)


def _rng(seed: int | np.random.Generator) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise TypeError(f"seed must be an int or a numpy Generator, got {type(seed).__name__}")
    return np.random.default_rng(int(seed))


def zipf_popularity(n_items: int, exponent: float, rng: np.random.Generator) -> np.ndarray:
    """Zipf-law shares ``1 / rank**exponent`` over ``n_items`` items, ranks in a random order.

    Returns
    -------
    float array (n_items,) summing to 1.
    """
    if n_items < 1:
        raise ValueError(f"n_items must be at least 1, got {n_items}")
    if exponent < 0:
        raise ValueError(f"exponent must be non-negative, got {exponent}")
    shares = 1.0 / np.arange(1, n_items + 1) ** exponent
    shares = shares[rng.permutation(n_items)]
    return shares / shares.sum()


def make_strategy_world(
    seed: int | np.random.Generator,
    n_strategies: int = 24,
    n_types: int = 8,
    n_in_domain: int = 4,
    specific_chances: tuple[float, ...] = DEFAULT_SPECIFIC_CHANCES,
    n_general: int = 2,
    general_chance: float = 0.25,
    zipf_exponent: float = 1.0,
) -> StrategyWorld:
    """Draw a strategy world: which strategies work on each type, and their popularity.

    Each type gets ``len(specific_chances)`` specific strategies (drawn among the non-general
    ones) with those chances of working; the ``n_general`` general strategies work on every type
    with ``general_chance``. Popularity follows a Zipf law in an order unrelated to usefulness.
    Types ``0 … n_in_domain-1`` are in-domain, the rest out-of-domain.
    """
    if n_types < 2 or not 1 <= n_in_domain < n_types:
        raise ValueError(
            f"need n_types >= 2 and 1 <= n_in_domain < n_types, got {n_types}, {n_in_domain}"
        )
    chances = np.asarray(specific_chances, dtype=float)
    if chances.ndim != 1 or np.any((chances < 0) | (chances > 1)):
        raise ValueError(f"specific_chances must be probabilities, got {specific_chances}")
    if not 0.0 <= general_chance <= 1.0:
        raise ValueError(f"general_chance must be in [0, 1], got {general_chance}")
    if n_general < 0 or n_general + len(chances) > n_strategies:
        raise ValueError(
            f"n_strategies={n_strategies} is too few for {n_general} general and "
            f"{len(chances)} specific strategies per type"
        )
    rng = _rng(seed)
    general = np.sort(rng.choice(n_strategies, size=n_general, replace=False))
    others = np.setdiff1d(np.arange(n_strategies), general)
    success_chance = np.zeros((n_types, n_strategies))
    for problem_type in range(n_types):
        specific = rng.choice(others, size=len(chances), replace=False)
        success_chance[problem_type, specific] = chances
    success_chance[:, general] = general_chance
    return StrategyWorld(
        success_chance=success_chance,
        popularity=zipf_popularity(n_strategies, zipf_exponent, rng),
        in_domain_types=np.arange(n_in_domain),
        out_of_domain_types=np.arange(n_in_domain, n_types),
        general_strategies=general,
    )


def draw_problems(
    world: StrategyWorld, types: np.ndarray, seed: int | np.random.Generator
) -> StrategyProblems:
    """Problems of the given types, each with its own hidden variant (which strategies work).

    Parameters
    ----------
    types
        int array (n_problems,) of types in ``[0, world.n_types)``.
    """
    types = np.asarray(types)
    if types.ndim != 1 or not np.issubdtype(types.dtype, np.integer):
        raise ValueError(f"types must be a 1-D integer array, got shape {types.shape}")
    if types.size and (types.min() < 0 or types.max() >= world.n_types):
        raise ValueError(f"types must lie in [0, {world.n_types}), got {types.min()}…{types.max()}")
    rng = _rng(seed)
    solves = rng.random((types.size, world.n_strategies)) < world.success_chance[types]
    return StrategyProblems(types=types, solves=solves)


def sample_problems(
    world: StrategyWorld, n_problems: int, family: str, seed: int | np.random.Generator
) -> StrategyProblems:
    """``n_problems`` problems with types drawn uniformly from a family (see ``FAMILIES``)."""
    if n_problems < 0:
        raise ValueError(f"n_problems must be non-negative, got {n_problems}")
    rng = _rng(seed)
    types = rng.choice(world.family_types(family), size=n_problems)
    return draw_problems(world, types, rng)


def verify_strategies(problems: StrategyProblems, strategies: np.ndarray) -> np.ndarray:
    """The verifier: 1.0 where the chosen strategy works on its problem, else 0.0.

    Parameters
    ----------
    strategies
        int array (n_problems,) or (n_problems, n_tries): one or several tries per problem.

    Returns
    -------
    float array of the same shape as ``strategies``.
    """
    strategies = np.asarray(strategies)
    n_problems, n_strategies = problems.solves.shape
    if strategies.ndim not in (1, 2) or strategies.shape[0] != n_problems:
        raise ValueError(
            f"strategies must have shape ({n_problems},) or ({n_problems}, n_tries), "
            f"got {strategies.shape}"
        )
    if strategies.size and (strategies.min() < 0 or strategies.max() >= n_strategies):
        raise ValueError(f"strategies must lie in [0, {n_strategies})")
    rows = np.arange(n_problems).reshape((-1,) + (1,) * (strategies.ndim - 1))
    return problems.solves[rows, strategies].astype(float)


def problem_features(types: np.ndarray, n_types: int) -> np.ndarray:
    """What the solver sees: a one-hot code of the type plus a constant 1 (shared habits).

    Returns
    -------
    float array (n_problems, n_types + 1). The last column is the same for every problem, so a
    policy's weight on it is a preference over strategies shared by all types.
    """
    types = np.asarray(types)
    if types.ndim != 1 or (types.size and (types.min() < 0 or types.max() >= n_types)):
        raise ValueError(f"types must be a 1-D array of integers in [0, {n_types})")
    features = np.zeros((types.size, n_types + 1))
    features[np.arange(types.size), types] = 1.0
    features[:, n_types] = 1.0
    return features


def _sample_rows(weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One index per row, drawn in proportion to the non-negative ``weights`` (n, k)."""
    cumulative = np.cumsum(weights, axis=1)
    cumulative /= cumulative[:, -1:]
    return (cumulative > rng.random((weights.shape[0], 1))).argmax(axis=1)


def demonstration_corpus(
    world: StrategyWorld,
    n_demonstrations: int,
    seed: int | np.random.Generator,
    correct_fraction: float = 0.5,
) -> tuple[np.ndarray, np.ndarray]:
    """The skewed pre-training corpus: (problem type, strategy used) pairs over all types.

    With probability ``correct_fraction`` a demonstration uses a strategy that works on its
    problem, chosen in proportion to popularity among those that work; otherwise it uses a
    strategy drawn by popularity alone (right or wrong), as text about popular methods does.

    Returns
    -------
    (types, strategies): two int arrays of shape (n_demonstrations,).
    """
    if n_demonstrations < 1:
        raise ValueError(f"n_demonstrations must be at least 1, got {n_demonstrations}")
    if not 0.0 <= correct_fraction <= 1.0:
        raise ValueError(f"correct_fraction must be in [0, 1], got {correct_fraction}")
    rng = _rng(seed)
    problems = sample_problems(world, n_demonstrations, "all", rng)
    working = problems.solves * world.popularity
    use_working = (rng.random(n_demonstrations) < correct_fraction) & problems.solvable
    weights = np.where(use_working[:, None], working, world.popularity[None, :])
    return problems.types, _sample_rows(weights, rng)


def teacher_demonstrations(
    problems: StrategyProblems, n_per_problem: int, seed: int | np.random.Generator
) -> np.ndarray:
    """An expert's worked solutions for fine-tuning by imitation (SFT).

    The teacher sees the hidden answer key and uses a strategy that works, uniformly at random
    among those that do.

    Returns
    -------
    int array (n_problems, n_per_problem); ``-1`` on unsolvable problems (no demonstration).
    """
    if n_per_problem < 1:
        raise ValueError(f"n_per_problem must be at least 1, got {n_per_problem}")
    rng = _rng(seed)
    n_problems, n_strategies = problems.solves.shape
    weights = np.repeat(problems.solves.astype(float), n_per_problem, axis=0)
    solvable = weights.sum(axis=1) > 0
    weights[~solvable] = 1.0
    chosen = _sample_rows(weights, rng)
    chosen[~solvable] = -1
    return chosen.reshape(n_problems, n_per_problem)


# --- chain puzzles -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainWorld:
    """Chain puzzles: every cue has one correct action, and a puzzle chains several cues.

    Attributes
    ----------
    rule
        int array (n_cues,): the correct action for each cue (the step skill).
    popularity
        float array (n_actions,), sums to 1: how often the corpus shows each action.
    """

    rule: np.ndarray
    popularity: np.ndarray

    @property
    def n_cues(self) -> int:
        return int(self.rule.shape[0])

    @property
    def n_actions(self) -> int:
        return int(self.popularity.shape[0])


def make_chain_world(
    seed: int | np.random.Generator,
    n_cues: int = 8,
    n_actions: int = 8,
    zipf_exponent: float = 1.0,
) -> ChainWorld:
    """Draw the step rule (one correct action per cue) and the corpus's action popularity."""
    if n_cues < 1 or n_actions < 2:
        raise ValueError(f"need n_cues >= 1 and n_actions >= 2, got {n_cues}, {n_actions}")
    rng = _rng(seed)
    return ChainWorld(
        rule=rng.integers(n_actions, size=n_cues),
        popularity=zipf_popularity(n_actions, zipf_exponent, rng),
    )


def sample_chains(
    world: ChainWorld, n_puzzles: int, length: int, seed: int | np.random.Generator
) -> np.ndarray:
    """Puzzles of one length, cues uniform and independent.

    Returns
    -------
    int array (n_puzzles, length) of cues.
    """
    if n_puzzles < 0 or length < 1:
        raise ValueError(f"need n_puzzles >= 0 and length >= 1, got {n_puzzles}, {length}")
    return _rng(seed).integers(world.n_cues, size=(n_puzzles, length))


def verify_chains(world: ChainWorld, cues: np.ndarray, actions: np.ndarray) -> np.ndarray:
    """The verifier: 1.0 iff every step's action is the rule's action for its cue.

    Parameters
    ----------
    cues
        int array (n_puzzles, length).
    actions
        int array (n_puzzles, length) or (n_puzzles, n_tries, length).

    Returns
    -------
    float array (n_puzzles,) or (n_puzzles, n_tries): outcome only, no credit for partial answers.
    """
    cues = np.asarray(cues)
    actions = np.asarray(actions)
    if cues.ndim != 2:
        raise ValueError(f"cues must have shape (n_puzzles, length), got {cues.shape}")
    n_puzzles, length = cues.shape
    if actions.ndim == 2 and actions.shape == cues.shape:
        return np.all(actions == world.rule[cues], axis=-1).astype(float)
    if actions.ndim == 3 and actions.shape[0] == n_puzzles and actions.shape[2] == length:
        return np.all(actions == world.rule[cues][:, None, :], axis=-1).astype(float)
    raise ValueError(
        f"actions must have shape {cues.shape} or ({n_puzzles}, n_tries, {length}), "
        f"got {actions.shape}"
    )


def chain_features(cues: np.ndarray, n_cues: int) -> np.ndarray:
    """What the solver sees at each step: a one-hot code of the cue plus a constant 1.

    Returns
    -------
    float array ``cues.shape + (n_cues + 1,)``.
    """
    cues = np.asarray(cues)
    if not np.issubdtype(cues.dtype, np.integer) or (
        cues.size and (cues.min() < 0 or cues.max() >= n_cues)
    ):
        raise ValueError(f"cues must be integers in [0, {n_cues})")
    features = np.zeros(cues.shape + (n_cues + 1,))
    np.put_along_axis(features, cues[..., None], 1.0, axis=-1)
    features[..., n_cues] = 1.0
    return features


def chain_demonstration_corpus(
    world: ChainWorld,
    n_demonstrations: int,
    seed: int | np.random.Generator,
    correct_fraction: float = 0.25,
) -> tuple[np.ndarray, np.ndarray]:
    """Single-step demonstrations: the right action with ``correct_fraction``, else a popular one.

    Returns
    -------
    (cues, actions): two int arrays of shape (n_demonstrations,).
    """
    if n_demonstrations < 1:
        raise ValueError(f"n_demonstrations must be at least 1, got {n_demonstrations}")
    if not 0.0 <= correct_fraction <= 1.0:
        raise ValueError(f"correct_fraction must be in [0, 1], got {correct_fraction}")
    rng = _rng(seed)
    cues = rng.integers(world.n_cues, size=n_demonstrations)
    popular = _sample_rows(
        np.broadcast_to(world.popularity, (n_demonstrations, world.n_actions)), rng
    )
    correct = rng.random(n_demonstrations) < correct_fraction
    return cues, np.where(correct, world.rule[cues], popular)
