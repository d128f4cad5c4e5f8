"""Lesson 11's verdict as code: each row's rule, and the tables of intervals it judges.

:data:`RULES` holds, per row, a :class:`worldlab.debate.VerdictRule`: what is measured, the sign
each camp predicts, and the knob the row covers. :func:`verdict_tables` turns the lesson's
experiment tables (computed on :func:`worldlab.debate.verdict_seeds`, so that ``worldlab verdicts
--fresh`` re-judges them on fresh landscapes) into one table per row, with the columns ``knob``,
``estimate``, ``low``, ``high`` (a 95% interval) and ``n``, which :func:`worldlab.debate.judge`
turns into a status and a finding.
"""

from __future__ import annotations

import pandas as pd

from worldlab.debate import VerdictRule
from worldlab.research.plots import pooled_share
from worldlab.stats import interval_row, mean_ci, paired_difference

#: The searchers that use the known pieces (their mean gain over random ideas is C17's row).
KNOWN_PIECES_SEARCHERS = ("hill climb", "evolution", "judge")
#: (ρ, noise) of the lever rows: C18 covers a useless and a good judge, C19 the good one.
C18_LEVER_SETTINGS = ((0.0, 0.3), (0.0, 2.0), (0.75, 0.3), (0.75, 2.0))
C19_LEVER_SETTINGS = ((0.75, 0.3), (0.75, 2.0))
#: The noise at which the false-discovery row is read.
FDR_NOISE = 2.0
#: The budget at which C17 compares searchers.
C17_BUDGET = 64

_CANNOT_SHOW_NOISE = (
    "The real noise of AI experiments and the real quality of automated judges; "
    "costs other than compute."
)

RULES = {
    "C17": VerdictRule(
        "C17",
        "gain over random ideas of searching the known pieces (mean of hill climbing, "
        f"evolution and the judge), budget {C17_BUDGET}",
        {"O": "+", "S": "0"},
        knob="share of knob pairs that interact",
        unit="landscapes",
        note="The gain is smaller when every pair interacts; figure 2b shows each searcher.",
        cannot_show="Whether an LLM's proposals and its own judgement correlate with real "
        "research value, and by how much.",
    ),
    "C18 levers": VerdictRule(
        "C18",
        "true quality of the pick, ten times the ideas − twice the compute",
        {"S": "-", "O": "+"},
        knob="judge and noise",
        unit="landscapes",
        note="At ρ = 0 more ideas cannot help (a derivation); compute is the lever only there.",
        cannot_show=_CANNOT_SHOW_NOISE,
    ),
    "C18 fdr": VerdictRule(
        "C18",
        f"share of claimed improvements that are false at noise {FDR_NOISE:g}",
        {"S": "+", "O": "0"},
        knob="replicates and claim rule",
        bounds=(0.0, 1.0),
        fmt=".2f",
        unit="landscapes",
        note="Without noise no claim is false, by construction; replication costs compute and "
        "the threshold refuses small real gains.",
        cannot_show=_CANNOT_SHOW_NOISE,
    ),
    "C19": VerdictRule(
        "C19",
        "true quality of the pick, ten times the ideas − twice the compute, good judge",
        {"O": "+", "S": "-"},
        knob="judge and noise",
        unit="landscapes",
        note="Local search fills the gap far more often than random ideas (figure 5).",
        cannot_show="Whether most real research is gap filling; whether speeding it up frees "
        "people for new ideas.",
    ),
    "C16": VerdictRule(
        "C16",
        "share of runs whose pick is a spike, 128 experiments",
        {"S": "0", "O": "+"},
        knob="searcher",
        bounds=(0.0, 1.0),
        derivation=True,
        fmt=".2f",
        unit="runs",
        note="The spikes are isolated and invisible to the judge by construction, so no searcher "
        "can do better than luck: a derivation, not evidence about discoveries.",
        cannot_show="Whether real discoveries are isolated like these spikes or announced by "
        "their neighbourhood.",
    ),
    "C15": VerdictRule(
        "C15",
        "how many breakthroughs remain",
        untestable=True,
        note="An expert's forecast is an appeal to authority, not a mechanism a toy can test.",
        cannot_show="Everything about it; it is a forecast.",
    ),
}


def _row(knob: str, estimate: float, low: float, high: float, n: int) -> dict:
    return {"knob": knob, "estimate": estimate, "low": low, "high": high, "n": n}


def known_pieces_gain(frame: pd.DataFrame) -> pd.Series:
    """Per landscape, random search's shortfall minus the mean shortfall of the searchers that
    use the known pieces (:data:`KNOWN_PIECES_SEARCHERS`): their mean gain over random ideas.

    Parameters
    ----------
    frame : rows of :func:`worldlab.research.experiments.budget_curves` at one budget.

    Returns
    -------
    Series of shape (n_landscapes,), indexed by seed.
    """
    wide = frame.pivot(index="seed", columns="searcher", values="shortfall")
    return wide["random"] - wide[list(KNOWN_PIECES_SEARCHERS)].mean(axis=1)


def _lever_row(rows: pd.DataFrame, rho: float, noise: float) -> dict:
    d = paired_difference(rows, by="lever", a="10x ideas", b="2x compute", value="gain")
    return _row(f"ρ {rho:g}, noise {noise:g}", d["mean"], d["ci_low"], d["ci_high"], d["n"])


def verdict_tables(
    curves: pd.DataFrame,
    rough: pd.DataFrame,
    lever_gains: pd.DataFrame,
    fdr_table: pd.DataFrame,
    outcomes: pd.DataFrame,
) -> dict[str, pd.DataFrame]:
    """One table per row of :data:`RULES` (C15, untestable, has none).

    Parameters
    ----------
    curves, rough : :func:`~worldlab.research.experiments.budget_curves` on the lesson's
        landscapes (with budget :data:`C17_BUDGET`) and on landscapes where every pair interacts.
    lever_gains : :func:`~worldlab.research.experiments.levers`, with the settings of
        :data:`C18_LEVER_SETTINGS`.
    fdr_table : :func:`~worldlab.research.experiments.false_discoveries`, with noise
        :data:`FDR_NOISE`.
    outcomes : :func:`~worldlab.research.experiments.gap_or_spike`.

    Returns
    -------
    dict from a key of :data:`RULES` to a DataFrame with columns knob, estimate, low, high, n.
    """
    levers = {
        (rho, noise): _lever_row(rows, rho, noise)
        for (noise, rho), rows in lever_gains.groupby(["noise", "rho"])
    }
    # a rate over hundreds of steps per landscape: a t interval over landscapes, cut to [0, 1]
    fdr = mean_ci(
        fdr_table[fdr_table["noise"] == FDR_NOISE], by=["replicates", "threshold"], value="fdr"
    )
    fdr[["ci_low", "ci_high"]] = fdr[["ci_low", "ci_high"]].clip(0.0, 1.0)
    spikes = pooled_share(outcomes, "spike")
    return {
        "C17": pd.DataFrame(
            [
                interval_row(
                    "0.3 (the lesson's)", known_pieces_gain(curves[curves["budget"] == C17_BUDGET])
                ),
                interval_row("1 (every pair)", known_pieces_gain(rough)),
            ]
        ),
        "C18 levers": pd.DataFrame([levers[key] for key in C18_LEVER_SETTINGS]),
        "C18 fdr": pd.DataFrame(
            [
                _row(
                    f"{r} replicate(s), " + ("any gain" if t == 0 else f"gain above {t:g} SE"),
                    row["mean"],
                    row["ci_low"],
                    row["ci_high"],
                    row["n"],
                )
                for (r, t), row in fdr.iterrows()
            ]
        ),
        "C19": pd.DataFrame([levers[key] for key in C19_LEVER_SETTINGS]),
        "C16": pd.DataFrame(
            [
                _row(name, row["mean"], row["ci_low"], row["ci_high"], row["n"])
                for name, row in spikes.iterrows()
            ]
        ),
    }
