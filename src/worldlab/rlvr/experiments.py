"""Lesson 07's experiments, one seed each, and its demo (repeat them with run_over_seeds).

Each experiment pre-trains a base, runs RL with the step passed as ``update`` (lesson 07's
``grpo_update``) and returns plain numbers. pass@k estimates take the estimator as ``estimator``
(``pass_at_k``); coverage counts with :func:`~worldlab.rlvr.pass_at_k.expected_distinct`.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from worldlab.plots import PALETTE
from worldlab.plots.palette import COLORS
from worldlab.rlvr.pass_at_k import (
    DEFAULT_KS,
    Estimator,
    expected_distinct,
    pass_at_k_curve,
    pass_at_k_from_probabilities,
    plot_pass_at_k_curves,
)
from worldlab.rlvr.training import (
    Distinct,
    Update,
    action_probabilities,
    base_chain_policy,
    base_strategy_policy,
    chain_step_accuracy,
    chain_success_probability,
    check_callable,
    check_schedule,
    count_correct,
    strategy_success_probabilities,
    train_rl_on_chains,
    train_rl_on_strategies,
    train_sft_on_strategies,
)
from worldlab.stats import paired_ci, run_over_seeds
from worldlab.worlds.strategy_tasks import (
    make_chain_world,
    make_strategy_world,
    problem_features,
    sample_problems,
)

# --- experiments (one seed each; repeat with worldlab.stats.run_over_seeds) ----------------------


def describe(label: str, a: Sequence[float], b: Sequence[float]) -> str:
    """One line: ``label``, the paired mean difference, its interval and whether it excludes 0."""
    mean, low, high = paired_ci(a, b)
    verdict = "no difference this toy can see" if low <= 0 <= high else "decided"
    return f"{label}: {mean:+.3f} [{low:+.3f}, {high:+.3f}] ({len(a)} seeds; {verdict})"


def reach_sweep(
    update: Update,
    seeds: Sequence[int],
    fractions: Sequence[float] = (0.1, 0.25),
    temperatures: Sequence[float] = (0.15, 0.25, 0.5),
    focus: tuple[float, float] | None = None,
    focus_seeds: Sequence[int] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """:func:`reach_experiment` for every narrow base (correct fraction × temperature).

    Parameters
    ----------
    update : the RL step (lesson 07's ``grpo_update``).
    seeds : the seeds of each base.
    focus, focus_seeds : one base (correct fraction, temperature) run on its own, larger set
        of seeds instead.

    Returns
    -------
    (sweep, focus_runs): ``sweep`` has one row per base with ``correct fraction``,
    ``temperature``, ``estimate``, ``low``, ``high`` (RL − base at k = 256, paired over seeds,
    95% interval), ``n`` (seeds), ``ceiling``, ``base pass@256`` and ``RL pass@256`` (means);
    ``focus_runs`` is the focus base's table, one row per seed (None without a focus).
    """
    cells, focus_runs = [], None
    for fraction in fractions:
        for temperature in temperatures:
            chosen = focus_seeds if (fraction, temperature) == focus else seeds
            runs = run_over_seeds(
                reach_experiment,
                chosen,
                update=[update],
                correct_fraction=[fraction],
                temperature=[temperature],
            )
            if (fraction, temperature) == focus:
                focus_runs = runs
            mean, low, high = paired_ci(runs["rl_pass@256"], runs["base_pass@256"])
            cells.append(
                {
                    "correct fraction": fraction,
                    "temperature": temperature,
                    "estimate": mean,
                    "low": low,
                    "high": high,
                    "n": len(runs),
                    "ceiling": float(runs["solvable"].mean()),
                    "base pass@256": float(runs["base_pass@256"].mean()),
                    "RL pass@256": float(runs["rl_pass@256"].mean()),
                }
            )
    return pd.DataFrame(cells), focus_runs


def strategy_experiment(
    seed: int,
    update: Update,
    estimator: Estimator,
    rl_steps: int = 400,
    ks: Sequence[int] = DEFAULT_KS,
    n_samples: int = 512,
    n_test_problems: int = 300,
    sft_steps: int | None = None,
) -> dict[str, float]:
    """Pre-train, then RL (and SFT) on in-domain problems; measure on held-out problems.

    Parameters
    ----------
    update
        The RL step (lesson 07's ``grpo_update``).
    estimator
        ``estimator(n, c, k) -> float``, the pass@k estimate (lesson 07's ``pass_at_k``).

    Returns
    -------
    dict of floats: ``{policy}_pass@{k}`` on held-out in-domain problems (``estimator`` from
    ``n_samples`` draws per problem) for policy ``base`` and ``rl``; ``{policy}_id_pass@1`` and
    ``{policy}_ood_pass@1`` (exact) for ``base``, ``rl`` and ``sft``; ``solvable`` (the
    ceiling: fraction of test problems some strategy solves).
    """
    world = make_strategy_world(seed)
    base = base_strategy_policy(world, np.random.default_rng([seed, 1]))
    rl, _ = train_rl_on_strategies(world, base, rl_steps, np.random.default_rng([seed, 2]), update)
    sft = train_sft_on_strategies(
        world, base, rl_steps if sft_steps is None else sft_steps, np.random.default_rng([seed, 3])
    )
    test_rng = np.random.default_rng([seed, 4])
    in_domain = sample_problems(world, n_test_problems, "in_domain", test_rng)
    out_of_domain = sample_problems(world, n_test_problems, "out_of_domain", test_rng)
    result: dict[str, float] = {"solvable": float(in_domain.solvable.mean())}
    for name, weights in (("base", base), ("rl", rl)):
        counts = count_correct(weights, world, in_domain, n_samples, test_rng)
        curve = pass_at_k_curve(n_samples, counts, ks, estimator)
        result.update({f"{name}_pass@{k}": float(v) for k, v in zip(ks, curve, strict=True)})
    for name, weights in (("base", base), ("rl", rl), ("sft", sft)):
        for family, problems in (("id", in_domain), ("ood", out_of_domain)):
            p = strategy_success_probabilities(weights, world, problems)
            result[f"{name}_{family}_pass@1"] = float(p.mean())
    return result


def reach_experiment(
    seed: int,
    update: Update,
    correct_fraction: float = 0.5,
    temperature: float = 1.0,
    rl_steps: int = 400,
    k_large: int = 256,
    n_test_problems: int = 300,
) -> dict[str, float]:
    """RL from a base that may sit below the ceiling: exact pass@1 and pass@``k_large``.

    The base is pre-trained on a corpus in which ``correct_fraction`` of the demonstrations are
    right and sampled at ``temperature`` (see :func:`base_strategy_policy`); lower values leave
    working strategies almost out of the base's reach, so RL could find what the base misses.

    Returns
    -------
    dict: ``solvable`` (the ceiling), ``{policy}_pass@1`` and ``{policy}_pass@{k_large}`` for
    ``base`` and ``rl`` (exact, on held-out in-domain problems).
    """
    world = make_strategy_world(seed)
    base = base_strategy_policy(
        world,
        np.random.default_rng([seed, 1]),
        correct_fraction=correct_fraction,
        temperature=temperature,
    )
    rl, _ = train_rl_on_strategies(world, base, rl_steps, np.random.default_rng([seed, 2]), update)
    problems = sample_problems(
        world, n_test_problems, "in_domain", np.random.default_rng([seed, 4])
    )
    result = {"solvable": float(problems.solvable.mean())}
    for name, weights in (("base", base), ("rl", rl)):
        curve = pass_at_k_from_probabilities(
            strategy_success_probabilities(weights, world, problems), [1, k_large]
        )
        result[f"{name}_pass@1"], result[f"{name}_pass@{k_large}"] = map(float, curve)
    return result


def transfer_experiment(
    seed: int,
    update: Update,
    general_chance: float = 0.25,
    steps: int = 400,
    n_test_problems: int = 300,
) -> dict[str, float]:
    """RL and SFT on in-domain problems, pass@1 (exact) on both families.

    ``general_chance`` is how often the two *general* strategies (shared by every type, so by
    both families) work: below the in-domain types' best specific strategy (0.6) the best thing
    to learn in-domain is type-specific; above it, the best in-domain skill is shared.

    Returns
    -------
    dict: ``{policy}_{family}_pass@1`` for policy ``base``, ``rl``, ``sft`` and family ``id``,
    ``ood``.
    """
    world = make_strategy_world(seed, general_chance=general_chance)
    base = base_strategy_policy(world, np.random.default_rng([seed, 1]))
    rl, _ = train_rl_on_strategies(world, base, steps, np.random.default_rng([seed, 2]), update)
    sft = train_sft_on_strategies(world, base, steps, np.random.default_rng([seed, 3]))
    test_rng = np.random.default_rng([seed, 4])
    families = {
        "id": sample_problems(world, n_test_problems, "in_domain", test_rng),
        "ood": sample_problems(world, n_test_problems, "out_of_domain", test_rng),
    }
    return {
        f"{name}_{family}_pass@1": float(
            strategy_success_probabilities(weights, world, problems).mean()
        )
        for name, weights in (("base", base), ("rl", rl), ("sft", sft))
        for family, problems in families.items()
    }


def rl_checkpoints(
    seed: int,
    update: Update,
    distinct: Distinct = expected_distinct,
    checkpoints: Sequence[int] = (0, 50, 100, 200, 400, 800, 1600),
    k_large: int = 256,
    n_test_problems: int = 300,
) -> pd.DataFrame:
    """One RL run on in-domain problems, measured at several numbers of steps.

    The measures are exact (computed from the policy's probabilities, the values the pass@k
    estimator estimates) on held-out problems.

    Parameters
    ----------
    update
        The RL step (lesson 07's ``grpo_update``).
    distinct
        ``distinct(probabilities (n, A), k) -> (n,)``: expected distinct strategies in k tries
        (by default :func:`~worldlab.rlvr.pass_at_k.expected_distinct`).

    Returns
    -------
    DataFrame, one row per checkpoint: ``seed``, ``rl_steps``, ``pass@1`` and ``pass@{k_large}``
    (in-domain), ``coverage`` (``distinct`` in ``k_large`` tries, mean over in-domain types) and
    ``ood_pass@1`` (out-of-domain).
    """
    steps = np.asarray(list(checkpoints))
    if steps.ndim != 1 or steps.size == 0 or steps.min() < 0 or np.any(np.diff(steps) <= 0):
        raise ValueError(f"checkpoints must be increasing non-negative integers, got {checkpoints}")
    check_callable("distinct", distinct)
    world = make_strategy_world(seed)
    weights = base_strategy_policy(world, np.random.default_rng([seed, 1]))
    train_rng = np.random.default_rng([seed, 2])
    test_rng = np.random.default_rng([seed, 4])
    in_domain = sample_problems(world, n_test_problems, "in_domain", test_rng)
    out_of_domain = sample_problems(world, n_test_problems, "out_of_domain", test_rng)
    id_features = problem_features(world.in_domain_types, world.n_types)
    rows, done = [], 0
    for target in steps:
        weights, _ = train_rl_on_strategies(world, weights, int(target) - done, train_rng, update)
        done = int(target)
        in_p = strategy_success_probabilities(weights, world, in_domain)
        curve = pass_at_k_from_probabilities(in_p, [1, k_large])
        out_p = strategy_success_probabilities(weights, world, out_of_domain)
        coverage = np.asarray(distinct(action_probabilities(weights, id_features), k_large))
        rows.append(
            {
                "seed": seed,
                "rl_steps": done,
                "pass@1": float(curve[0]),
                f"pass@{k_large}": float(curve[1]),
                "coverage": float(np.mean(coverage)),
                "ood_pass@1": float(out_p.mean()),
            }
        )
    return pd.DataFrame(rows)


def chain_experiment(
    seed: int, update: Update, lengths: Sequence[int] | np.ndarray, max_length: int = 10
) -> dict[str, float]:
    """Outcome-only RL with a schedule of puzzle lengths, judged on length ``max_length``.

    Parameters
    ----------
    lengths
        int array (steps,): the length of the puzzles of each RL step (a curriculum, or
        ``max_length`` throughout).

    Returns
    -------
    dict: ``base_step_accuracy``, ``base_pass@1`` and ``base_pass@256`` (exact, at
    ``max_length``), ``rl_pass@1`` (exact, at ``max_length``) and ``rl_step_accuracy``.
    """
    lengths = check_schedule(lengths, len(lengths), max_length)
    world = make_chain_world(seed)
    base = base_chain_policy(world, np.random.default_rng([seed, 1]))
    trained, _ = train_rl_on_chains(world, base, lengths, np.random.default_rng([seed, 2]), update)
    base_success = chain_success_probability(base, world, max_length)
    return {
        "base_step_accuracy": float(chain_step_accuracy(base, world).mean()),
        "base_pass@1": base_success,
        "base_pass@256": float(1.0 - (1.0 - base_success) ** 256),
        "rl_pass@1": chain_success_probability(trained, world, max_length),
        "rl_step_accuracy": float(chain_step_accuracy(trained, world).mean()),
    }


# --- the lesson's interactive demo ---------------------------------------------------------------


def plot_rl_steps_demo(
    update: Update, rl_steps: int = 200, seed: int = 0, n_samples: int = 256
) -> None:
    """Widget callback: pass@k of the base policy and of the policy after ``rl_steps`` RL steps.

    Draws one figure: pass@k (k = 1 … ``n_samples``, exact: ``1 - (1 - p)**k`` averaged over
    300 held-out in-domain problems) with the ceiling (fraction of problems any strategy solves),
    then ``plt.show()``. ``update`` is the RL step (bind it with ``functools.partial``).
    """
    if rl_steps < 0 or n_samples < 1:
        raise ValueError(f"need rl_steps >= 0 and n_samples >= 1, got {rl_steps}, {n_samples}")
    ks = [k for k in DEFAULT_KS if k <= n_samples]
    world = make_strategy_world(seed)
    base = base_strategy_policy(world, np.random.default_rng([seed, 1]))
    rl, _ = train_rl_on_strategies(world, base, rl_steps, np.random.default_rng([seed, 2]), update)
    problems = sample_problems(world, 300, "in_domain", np.random.default_rng([seed, 4]))
    curves = {
        "base (imitation only)": pass_at_k_from_probabilities(
            strategy_success_probabilities(base, world, problems), ks
        ),
        f"after {rl_steps} RL steps": pass_at_k_from_probabilities(
            strategy_success_probabilities(rl, world, problems), ks
        ),
    }
    fig, ax = plt.subplots(figsize=(7, 4))
    plot_pass_at_k_curves(
        ks,
        curves,
        ax=ax,
        colors={
            "base (imitation only)": PALETTE["blue"],
            f"after {rl_steps} RL steps": PALETTE["vermillion"],
        },
        title=f"Strategy problems, seed {seed}: pass@k after {rl_steps} RL steps",
    )
    ax.axhline(
        problems.solvable.mean(),
        color=COLORS["grey"],
        linestyle=":",
        linewidth=1.2,
        label="ceiling (some strategy works)",
    )
    ax.legend(loc="lower right")
    fig.tight_layout()
    plt.show()


def rl_steps_demo_controls() -> dict:
    """The demo's two controls: RL steps (0 … 1000) and the seed (0 … 9)."""
    from ipywidgets import IntSlider

    return {
        "rl_steps": IntSlider(value=200, min=0, max=1000, step=50, description="RL steps"),
        "seed": IntSlider(value=0, min=0, max=9, description="seed"),
    }
