"""Lesson 08's verdict as code: each row's rule, and the table of intervals it judges.

:data:`RULES` holds, per verdict row, a :class:`worldlab.debate.VerdictRule`: what is measured,
the sign each camp predicts, and the knob the row covers. :func:`verdict_tables` turns the
lesson's runs over seeds (``others``, ``buffers`` and ``skills``, the tidy tables of
:func:`~worldlab.continual.runners.compare_methods` and
:func:`~worldlab.continual.memory.skill_vs_memory`) into one table per row with the columns
``knob``, ``estimate``, ``low``, ``high`` and ``n`` (the mean over seeds, paired where two
methods are compared, with lesson 00's 95% Student-t interval), which
:func:`worldlab.debate.judge` turns into a status and a finding.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from worldlab.debate import VerdictRule
from worldlab.stats import interval_row, paired_ci


def say(label: str, a, b) -> None:
    """Print ``a - b`` paired over seeds with its 95% interval, and whether it excludes 0."""
    mean, low, high = paired_ci(a, b)
    verdict = "no difference this toy can see" if low <= 0 <= high else "decided"
    print(f"{label}: {mean:+.3f} [{low:+.3f}, {high:+.3f}] ({len(a)} seeds; {verdict})")


RULES: dict[str, VerdictRule] = {
    "C24": VerdictRule(
        "C24", "BWT after five conflicting tasks", {"S": "-", "O": "0"}, knob="method",
        margin=0.02,
        note="A BWT within two hundredths of zero counts as no forgetting; EWC buys it with "
             "plasticity (figure 4).",
        cannot_show="Whether forgetting is as severe when tasks share more structure, or in "
                    "networks of billions of weights."),
    "C25 acc": VerdictRule(
        "C25", "ACC, re-fine-tune the base − naive fine-tuning", {"O": "+", "S": "0"},
        cannot_show="The real ratio of pre-training to fine-tuning cost, and synthetic data as "
                    "a substitute for kept data."),
    "C25 bwt": VerdictRule(
        "C25", "BWT of re-fine-tuning the base", {"O": "0", "S": "-"}, margin=0.02,
        note="Its fine-tuning compute grows with the square of the number of tasks (stage t "
             "trains on t tasks' data), and all the data is kept.",
        cannot_show="The real ratio of pre-training to fine-tuning cost, and synthetic data as "
                    "a substitute for kept data."),
    "C22": VerdictRule(
        "C22", "ACC, nearest-neighbour memory − a fine-tuned network", {"O": "+", "S": "-"},
        knob="network",
        note="The memory never forgets (BWT exactly zero, by construction) and never trains; its "
             "storage and cost per answer grow with every task.",
        cannot_show="Memories of text read by a capable model with learnt retrieval, as real "
                    "agents use."),
    "C23": VerdictRule(
        "C23", "test accuracy on the same examples, trained network − memory",
        {"S": "+", "O": "0"}, knob="distractor features",
        cannot_show="Skills a large model could learn from what its memory retrieves."),
    "C21": VerdictRule(
        "C21", "continual learning at constant cost", untestable=True,
        note="No method in the toy learnt continually at constant cost without forgetting or "
             "losing plasticity.",
        cannot_show="Anything about animals, or about learning at the scale of a lifetime."),
}  # fmt: skip


def _row(knob, a, b=None) -> dict:
    """One knob value: the mean of ``a`` (or of ``a − b``, paired over seeds), its interval."""
    a = np.asarray(a, dtype=float)
    return interval_row(knob, a if b is None else a - np.asarray(b, dtype=float))


def _by(frame: pd.DataFrame, **where) -> pd.DataFrame:
    """The rows of ``frame`` whose columns equal the given values, sorted by seed."""
    rows = frame
    for column, value in where.items():
        rows = rows[rows[column] == value]
    return rows.sort_values("seed")


def verdict_tables(
    others: pd.DataFrame,
    buffers: pd.DataFrame,
    skills: pd.DataFrame,
    distractors: Iterable[int],
) -> dict[str, pd.DataFrame]:
    """Per verdict row of :data:`RULES` (C21 has none: untestable), the table it judges.

    Parameters
    ----------
    others : runs of ``naive``, ``ewc`` (``lam`` 100 among them), ``retrain`` and ``memory``
        over the same seeds (columns ``method``, ``label``, ``lam``, ``seed``, ``acc``, ``bwt``).
    buffers : replay runs over the same seeds (columns ``buffer``, ``seed``, ``bwt``).
    skills : skill against memory over seeds (columns ``n_distractors``, ``seed``,
        ``network``, ``memory``).
    distractors : the distractor counts the C23 row covers.

    Returns
    -------
    dict of claim key to a DataFrame with columns ``knob``, ``estimate``, ``low``, ``high``, ``n``.
    """
    naive = _by(others, method="naive")
    retrain = _by(others, method="retrain")
    memory = _by(others, method="memory")
    return {
        "C24": pd.DataFrame([
            _row("naive fine-tuning", naive["bwt"]),
            _row("replay, buffer 100", _by(buffers, buffer=100)["bwt"]),
            _row("EWC λ=100", _by(others, label="EWC λ=100")["bwt"]),
        ]),
        "C25 acc": pd.DataFrame([_row("five tasks", retrain["acc"], naive["acc"].to_numpy())]),
        "C25 bwt": pd.DataFrame([_row("five tasks", retrain["bwt"])]),
        "C22": pd.DataFrame([
            _row("naive fine-tuning", memory["acc"], naive["acc"].to_numpy()),
            _row("re-fine-tune the base", memory["acc"], retrain["acc"].to_numpy()),
        ]),
        "C23": pd.DataFrame([
            _row(d, _by(skills, n_distractors=d)["network"],
                 _by(skills, n_distractors=d)["memory"].to_numpy())
            for d in distractors
        ]),
    }  # fmt: skip
