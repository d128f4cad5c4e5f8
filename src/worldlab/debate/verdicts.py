"""Verdicts as code: a declared rule turns a lesson's measured intervals into a status.

A verdict row is not typed. A lesson declares a :class:`VerdictRule` — the claim, the quantity it
measures (a paired difference, with its units), the sign each camp predicts for it, the knob its
values cover — runs its experiment on :func:`verdict_seeds`, and passes a table of estimates with
95% intervals (one row per knob value) to :func:`judge`. The status follows from the rule:

* ``supported``: at every knob value the interval excludes the reference (0 for a difference)
  on the side the claim's camp predicts;
* ``contradicted``: at every knob value it excludes it on the other side (or, with an equivalence
  ``margin``, lies inside ±margin while the claim predicts an effect; an interval inside the
  margin counts as "no effect" first, even when it excludes the reference);
* ``mixed``: the observed side depends on the knob (the finding names where it flips);
* ``no difference this toy can see``: every interval includes the reference;
* ``derivation``: the rule says the result is true by construction (still measured and shown);
* ``untestable``: the toy cannot test the claim (the rule says why; no numbers).

The finding text is generated from the numbers. :func:`show_verdict` displays the rows and emits
them as a machine-readable output (:data:`VERDICT_MIME`), which the course build harvests into
``data/verdicts/<lesson>.csv``; the maintainer command ``worldlab verdicts --fresh`` re-executes
a lesson with :data:`SEEDS_ENV` set, so every row is re-judged on seeds that did not shape it.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from worldlab.debate.argument_map import (
    CAMPS,
    NO_DIFFERENCE,
    VERDICT_COLUMNS,
    load_claims,
    load_verdicts,
)

#: Environment variable ``START:COUNT`` that replaces every :func:`verdict_seeds` default by
#: ``range(START, START + COUNT)`` (set by ``worldlab verdicts --fresh``).
SEEDS_ENV = "WORLDLAB_VERDICT_SEEDS"
#: MIME type of the machine-readable verdict that :func:`show_verdict` emits.
VERDICT_MIME = "application/vnd.worldlab.verdict+json"
SIGNS = ("+", "-", "0")
#: A measured number typed into a rule's prose (a decimal or a percentage) is refused.
_TYPED_NUMBER = re.compile(r"\d+\.\d+|\d+\s*%")
#: The seed ranges :func:`verdict_seeds` handed out in this kernel ("first–last (n)").
_SEEDS_USED: list[str] = []


def verdict_seeds(default: Iterable[int] | int) -> list[int]:
    """The seeds (or worlds, or runs) a verdict's experiment uses.

    Parameters
    ----------
    default
        The lesson's seeds, e.g. ``range(10)`` (an int ``n`` means ``range(n)``).

    Returns
    -------
    ``list(default)``, unless the environment variable :data:`SEEDS_ENV` is set to
    ``"START:COUNT"``: then ``list(range(START, START + COUNT))``, the fresh seeds on which
    ``worldlab verdicts --fresh`` re-judges every row.
    """
    fresh = os.environ.get(SEEDS_ENV, "").strip()
    if fresh:
        match = re.fullmatch(r"(\d+):(\d+)", fresh)
        if not match or int(match.group(2)) < 2:
            raise ValueError(f"{SEEDS_ENV} must be START:COUNT with COUNT >= 2, got {fresh!r}")
        start, count = int(match.group(1)), int(match.group(2))
        seeds = list(range(start, start + count))
    else:
        seeds = list(range(default)) if isinstance(default, int) else [int(s) for s in default]
        if len(seeds) < 2:
            raise ValueError(f"a verdict needs at least 2 seeds, got {seeds}")
    used = f"{seeds[0]}–{seeds[-1]} ({len(seeds)})"
    if used not in _SEEDS_USED:
        _SEEDS_USED.append(used)
    return seeds


def fresh_seeds_active() -> bool:
    """True while ``worldlab verdicts --fresh`` re-executes the lesson (:data:`SEEDS_ENV` set)."""
    return bool(os.environ.get(SEEDS_ENV, "").strip())


@dataclass(frozen=True)
class VerdictRule:
    """What a verdict row measures and how its interval becomes a status.

    Parameters
    ----------
    claim
        The claim id (``"C22"``).
    quantity
        What is measured, with its units, e.g. ``"success after the changes, lifelong − memory"``.
    predictions
        The sign each camp predicts for the quantity (relative to ``reference``): ``{"O": "+",
        "S": "-"}``; ``"0"`` predicts no effect. It must name the claim's camp.
    knob
        The name of the setting the table's rows vary (``"distractor features"``).
    cannot_show
        What the toy cannot show about the claim (prose, no measured numbers).
    note
        Prose appended to the generated finding (no measured numbers: they come from the table).
    derivation
        The result is true by construction; the status is ``derivation`` whatever the numbers.
    untestable
        The toy cannot test the claim; :func:`judge` takes no table.
    reference
        The value the interval is compared with (0 for a difference, 0.5 for chance accuracy).
    margin
        Optional equivalence margin: an interval inside ``reference ± margin`` counts as "no
        effect" (sign ``"0"``), which lets a prediction of no effect be supported.
    bounds
        The range the quantity lives in (``(0, 1)`` for a proportion, ``(-1, 1)`` for a
        difference of proportions); :func:`judge` refuses an interval that leaves it.
    fmt
        Format of the numbers in the finding (``"+.2f"``).
    unit
        What one replicate is, as the finding counts them (``"seeds"``, ``"worlds"``, ``"runs"``).
    camp
        The claim's camp; default: read from ``data/debate/claims.csv``.
    """

    claim: str
    quantity: str
    predictions: Mapping[str, str] = field(default_factory=dict)
    knob: str = "setting"
    cannot_show: str = ""
    note: str = ""
    derivation: bool = False
    untestable: bool = False
    reference: float = 0.0
    margin: float | None = None
    bounds: tuple[float, float] | None = None
    fmt: str = "+.2f"
    unit: str = "seeds"
    camp: str | None = None

    def __post_init__(self) -> None:
        if not re.fullmatch(r"C\d\d", self.claim):
            raise ValueError(f"claim must be an id like 'C07', got {self.claim!r}")
        if not self.quantity.strip():
            raise ValueError(f"{self.claim}: a rule needs the quantity it measures")
        for camp, sign in self.predictions.items():
            if camp not in CAMPS:
                raise ValueError(f"{self.claim}: prediction for unknown camp {camp!r}")
            if sign not in SIGNS:
                raise ValueError(
                    f"{self.claim}: predicted sign must be one of {SIGNS}, not {sign!r}"
                )
        if not self.untestable and not self.predictions:
            raise ValueError(f"{self.claim}: a testable rule needs each camp's predicted sign")
        if self.derivation and self.untestable:
            raise ValueError(f"{self.claim}: a row is a derivation or untestable, not both")
        if self.margin is not None and not self.margin > 0:
            raise ValueError(f"{self.claim}: margin must be positive, got {self.margin}")
        if self.bounds is not None and not self.bounds[0] < self.bounds[1]:
            raise ValueError(f"{self.claim}: bounds must be (low, high), got {self.bounds}")
        for name in ("quantity", "cannot_show", "note"):
            typed = _TYPED_NUMBER.search(getattr(self, name))
            if typed:
                raise ValueError(
                    f"{self.claim}: the rule's {name} types the number {typed.group()!r}; "
                    "measured numbers come from the table"
                )

    def claim_camp(self) -> str:
        if self.camp is not None:
            return self.camp
        claims = load_claims().set_index("id")
        if self.claim not in claims.index:
            raise ValueError(f"{self.claim} is not a claim of data/debate/claims.csv")
        return str(claims.loc[self.claim, "camp"])


@dataclass(frozen=True)
class VerdictRow:
    """One judged row: the status and the generated finding, with the numbers behind them."""

    claim: str
    quantity: str
    knob: str
    status: str
    finding: str
    cannot_show: str
    values: tuple[dict[str, Any], ...]
    predictions: tuple[tuple[str, str], ...]
    bounds: tuple[float, float] | None
    fmt: str

    def values_text(self) -> str:
        """The numbers, one knob value each: ``"8: +0.10 [+0.09, +0.12] (n=10)"``."""
        return "; ".join(_format_value(v, self.fmt) for v in self.values)

    def record(self, lesson: str) -> dict[str, Any]:
        """The row as plain data (the machine-readable verdict, and the CSV row)."""
        return {
            "lesson": lesson,
            "claim": self.claim,
            "finding": self.finding,
            "cannot_show": self.cannot_show,
            "status": self.status,
            "quantity": self.quantity,
            "knob": self.knob,
            "values": self.values_text(),
            "predictions": " ".join(f"{camp}{sign}" for camp, sign in self.predictions),
            "bounds": "" if self.bounds is None else f"{self.bounds[0]:g}..{self.bounds[1]:g}",
            "table": [dict(v) for v in self.values],
        }


def _format_value(value: Mapping[str, Any], fmt: str) -> str:
    low, high = format(value["low"], fmt), format(value["high"], fmt)
    text = f"{value['knob']}: {format(value['estimate'], fmt)} [{low}, {high}]"
    return text + (f" (n={value['n']})" if value.get("n") is not None else "")


def _clean_table(rule: VerdictRule, table: pd.DataFrame) -> list[dict[str, Any]]:
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"{rule.claim}: judge takes a DataFrame, got {type(table).__name__}")
    missing = [c for c in ("knob", "estimate", "low", "high") if c not in table.columns]
    if missing:
        raise KeyError(
            f"{rule.claim}: the table needs columns knob, estimate, low, high; missing {missing}"
        )
    if table.empty:
        raise ValueError(f"{rule.claim}: the table has no rows (one per knob value)")
    if table["knob"].duplicated().any():
        raise ValueError(f"{rule.claim}: each knob value must appear once")
    values = []
    for row in table.to_dict("records"):
        estimate, low, high = (float(row[c]) for c in ("estimate", "low", "high"))
        if not all(math.isfinite(x) for x in (estimate, low, high)):
            raise ValueError(f"{rule.claim}: non-finite number at {rule.knob}={row['knob']}")
        if not low <= estimate <= high:
            raise ValueError(
                f"{rule.claim}: at {rule.knob}={row['knob']} the estimate {estimate} lies "
                f"outside its interval [{low}, {high}]"
            )
        if rule.bounds is not None and not rule.bounds[0] <= low <= high <= rule.bounds[1]:
            raise ValueError(
                f"{rule.claim}: at {rule.knob}={row['knob']} the interval [{low}, {high}] leaves "
                f"the quantity's range {rule.bounds} (use a Wilson interval, worldlab.stats.wilson_interval)"
            )
        knob = row["knob"]
        knob = knob.item() if hasattr(knob, "item") else knob
        value = {"knob": knob, "estimate": estimate, "low": low, "high": high}
        if "n" in table.columns and pd.notna(row["n"]):
            value["n"] = int(row["n"])
        values.append(value)
    return values


def observed_sign(value: Mapping[str, float], reference: float, margin: float | None) -> str:
    """``"0"`` when the interval lies within ``reference ± margin`` (a difference too small to
    matter, even if it excludes the reference); else ``"+"``/``"-"`` when it excludes
    ``reference`` on that side; ``"?"`` when it includes it."""
    if margin is not None and reference - margin <= value["low"] <= value["high"] <= (
        reference + margin
    ):
        return "0"
    if value["low"] > reference:
        return "+"
    if value["high"] < reference:
        return "-"
    return "?"


_SIDE = {"+": "above", "-": "below", "0": "within the margin of", "?": "including"}
_PREDICTED = {"+": "an increase", "-": "a decrease", "0": "no difference"}


def judge(rule: VerdictRule, table: pd.DataFrame | None = None) -> VerdictRow:
    """Apply ``rule`` to ``table`` (one row per knob value: ``knob``, ``estimate``, ``low``,
    ``high`` — a 95% interval — and optionally ``n``) and generate the row's finding.

    Returns
    -------
    VerdictRow whose ``status`` follows the rule in the module docstring.
    """
    camp = rule.claim_camp()
    predictions = tuple(sorted(rule.predictions.items()))
    if rule.untestable:
        if table is not None:
            raise ValueError(f"{rule.claim}: an untestable row takes no table")
        finding = "Not tested by this toy." + (f" {rule.note}" if rule.note else "")
        return VerdictRow(
            rule.claim,
            rule.quantity,
            rule.knob,
            "untestable",
            finding,
            rule.cannot_show,
            (),
            predictions,
            rule.bounds,
            rule.fmt,
        )
    if camp not in rule.predictions:
        raise ValueError(
            f"{rule.claim} is a claim of camp {camp!r}: its rule must give that camp's prediction"
        )
    if table is None:
        raise ValueError(f"{rule.claim}: judge needs the measured table")
    values = _clean_table(rule, table)
    signs = [observed_sign(v, rule.reference, rule.margin) for v in values]
    claimed = rule.predictions[camp]
    if rule.derivation:
        status = "derivation"
    elif len(set(signs)) > 1:
        status = "mixed"
    elif signs[0] == "?":
        status = NO_DIFFERENCE
    elif signs[0] == claimed:
        status = "supported"
    else:
        status = "contradicted"
    finding = _finding(rule, values, signs, claimed, status)
    return VerdictRow(
        rule.claim,
        rule.quantity,
        rule.knob,
        status,
        finding,
        rule.cannot_show,
        tuple(values),
        predictions,
        rule.bounds,
        rule.fmt,
    )


def _finding(
    rule: VerdictRule, values: list[dict[str, Any]], signs: list[str], claimed: str, status: str
) -> str:
    ref = format(rule.reference, "g")
    numbers = "; ".join(
        f"{format(v['estimate'], rule.fmt)} [{format(v['low'], rule.fmt)}, "
        f"{format(v['high'], rule.fmt)}]"
        + (f" at {rule.knob} = {v['knob']}" if len(values) > 1 else "")
        for v in values
    )
    n = {v.get("n") for v in values} - {None}
    runs = f", {n.pop()} {rule.unit} each" if len(n) == 1 else ""
    single = len(values) == 1 and rule.knob != "setting"
    scope = f" ({rule.knob} = {values[0]['knob']})" if single else ""
    text = f"{rule.quantity}{scope}: {numbers} (95% intervals{runs}). "
    if status == "mixed":
        groups: dict[str, list[str]] = {}
        for value, sign in zip(values, signs, strict=True):
            groups.setdefault(sign, []).append(str(value["knob"]))
        parts = [f"{_SIDE[s]} {ref} at {rule.knob} = {', '.join(k)}" for s, k in groups.items()]
        text += "The result depends on the knob: " + "; ".join(parts) + "."
    elif status == NO_DIFFERENCE:
        text += f"Every interval includes {ref}: no difference this toy can see."
    elif status == "derivation":
        text += "True by construction of the toy, not evidence about the claim."
    else:
        where = "every interval lies" if len(values) > 1 else "the interval lies"
        side = {
            "+": f"above {ref}",
            "-": f"below {ref}",
            "0": f"within ±{rule.margin or 0:g} of {ref}",
        }
        verb = "as" if status == "supported" else "against what"
        text += (
            f"{where.capitalize()} {side[signs[0]]}, {verb} the claim predicts "
            f"({_PREDICTED[claimed]})."
        )
    if rule.note:
        text += f" {rule.note}"
    return text


# ---- showing a verdict ------------------------------------------------------------------------


def _markdown(rows: list[Mapping[str, Any]]) -> str:
    lines = ["| claim | what this toy showed | what it cannot show | status |", "|---|---|---|---|"]
    for row in rows:
        cells = [row["claim"], row["finding"], row["cannot_show"], row["status"]]
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def verdict_table(lesson: str) -> pd.DataFrame:
    """One lesson's committed verdict: claim → what the toy showed → what it cannot show → status."""
    verdicts = load_verdicts()
    rows = verdicts[verdicts["lesson"] == lesson]
    if rows.empty:
        raise ValueError(f"no verdict rows for lesson {lesson!r} in data/verdicts/")
    table = rows[list(VERDICT_COLUMNS)].drop(columns="lesson").set_index("claim")
    return table.rename(
        columns={"finding": "what this toy showed", "cannot_show": "what it cannot show"}
    )


def show_verdict(lesson: str, rows: list[VerdictRow] | None = None) -> None:
    """Display a lesson's verdict as a Markdown table (it renders the same on the website).

    With ``rows`` (from :func:`judge`) the table is the computed verdict, and the same rows are
    emitted as :data:`VERDICT_MIME` data, which the build harvests into
    ``data/verdicts/<lesson>.csv``. Without ``rows`` the committed file is shown (a lesson whose
    verdict is not computed yet).
    """
    from IPython.display import display

    if rows is None:
        table = verdict_table(lesson)
        records = [
            {
                "claim": claim,
                "finding": r["what this toy showed"],
                "cannot_show": r["what it cannot show"],
                "status": r["status"],
            }
            for claim, r in table.iterrows()
        ]
        display({"text/markdown": _markdown(records)}, raw=True)
        return
    if not rows or not all(isinstance(row, VerdictRow) for row in rows):
        raise TypeError("show_verdict takes a non-empty list of VerdictRow (from judge)")
    keys = [(row.claim, row.quantity) for row in rows]
    if len(set(keys)) != len(keys):
        raise ValueError("two verdict rows share a claim and a quantity")
    records = [row.record(lesson) for row in rows]
    payload = {
        "lesson": lesson,
        "fresh": fresh_seeds_active(),
        "seeds_used": list(_SEEDS_USED),
        "rows": records,
    }
    display({"text/markdown": _markdown(records), VERDICT_MIME: payload}, raw=True)
