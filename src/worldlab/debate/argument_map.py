"""The debate's argument map as tidy tables, and the verdict rows the lessons wrote.

``claims``: one row per claim — ``id`` (C01…C33, as in THREAD.md), ``camp`` (``O`` optimist,
``S`` skeptic, ``E`` side thread), ``topic``, ``topic_title``, ``paraphrase``.
``edges``: one row per reply — ``source`` answers ``target`` with ``relation`` ``supports`` or
``rebuts``, and ``why`` in a few words.
"""

from __future__ import annotations

import pandas as pd

from worldlab.paths import data_dir, data_file

CAMPS = {"O": "optimists", "S": "skeptic", "E": "side thread"}
RELATIONS = ("supports", "rebuts")


def load_claims() -> pd.DataFrame:
    """The claims table (32 rows), in id order."""
    claims = pd.read_csv(data_file("debate", "claims.csv"), dtype=str)
    return claims.sort_values("id", ignore_index=True)


def load_edges() -> pd.DataFrame:
    """The edges table: which claim answers which, and how."""
    return pd.read_csv(data_file("debate", "edges.csv"), dtype=str)


def filter_map(
    claims: pd.DataFrame,
    edges: pd.DataFrame,
    camp: str | None = None,
    topic: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep the claims of one camp and/or topic (``None`` keeps all) and the edges between them.

    Returns
    -------
    (claims, edges) restricted to the chosen claims; both keep their columns.
    """
    if camp is not None and camp not in CAMPS:
        raise ValueError(f"camp must be one of {sorted(CAMPS)} or None, got {camp!r}")
    topics = set(claims["topic"])
    if topic is not None and topic not in topics:
        raise ValueError(f"topic must be one of {sorted(topics)} or None, got {topic!r}")
    keep = pd.Series(True, index=claims.index)
    if camp is not None:
        keep &= claims["camp"] == camp
    if topic is not None:
        keep &= claims["topic"] == topic
    chosen = claims[keep]
    ids = set(chosen["id"])
    inside = edges["source"].isin(ids) & edges["target"].isin(ids)
    return chosen.reset_index(drop=True), edges[inside].reset_index(drop=True)


#: What a lesson can find about a claim (the course-wide verdict colours claims by it). The first
#: three and "no difference this toy can see" come from a declared rule applied to an interval
#: (:func:`worldlab.debate.verdicts.judge`); "derivation" marks a row true by construction,
#: "untestable" a claim the toy cannot test.
NO_DIFFERENCE = "no difference this toy can see"
VERDICT_STATUSES = (
    "supported",
    "contradicted",
    "mixed",
    NO_DIFFERENCE,
    "derivation",
    "untestable",
)
#: Columns every verdict file has; files the build harvests from a lesson's computed verdict also
#: have :data:`COMPUTED_COLUMNS` (what was measured, over which knob, and the numbers).
VERDICT_COLUMNS = ("lesson", "claim", "finding", "cannot_show", "status")
COMPUTED_COLUMNS = ("quantity", "knob", "values", "predictions", "bounds")
#: Statuses that say nothing about the claim in the world: they give way to any other.
WEAK_STATUSES = ("untestable", "derivation")


def load_verdicts() -> pd.DataFrame:
    """Every lesson's verdict rows, from ``data/verdicts/<lesson>.csv``.

    Columns: ``lesson``, ``claim`` (a claim id), ``finding`` (what the lesson's toy showed, with
    its interval), ``cannot_show`` (what the toy cannot show), ``status`` (one of
    :data:`VERDICT_STATUSES`, said of the claim), then :data:`COMPUTED_COLUMNS` (empty for a file
    that was typed rather than harvested by the build). One file per lesson, so that the lesson's
    own verdict table and the course-wide map are drawn from the same rows.
    """
    folder = data_dir() / "verdicts"
    frames = []
    for path in sorted(folder.glob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        missing = [c for c in VERDICT_COLUMNS if c not in frame.columns]
        if missing:
            raise ValueError(f"{path.name}: verdict files need the columns {VERDICT_COLUMNS}")
        extra = set(frame.columns) - set(VERDICT_COLUMNS) - set(COMPUTED_COLUMNS)
        if extra:
            raise ValueError(f"{path.name}: unknown verdict columns {sorted(extra)}")
        frames.append(frame)
    columns = list(VERDICT_COLUMNS + COMPUTED_COLUMNS)
    if not frames:
        return pd.DataFrame(columns=columns)
    verdicts = pd.concat(frames, ignore_index=True).astype(object).fillna("")
    verdicts = verdicts.reindex(columns=columns, fill_value="")
    bad = sorted(set(verdicts["status"]) - set(VERDICT_STATUSES))
    if bad:
        raise ValueError(f"unknown verdict status {bad}: use one of {VERDICT_STATUSES}")
    return verdicts


def claim_statuses(verdicts: pd.DataFrame) -> pd.Series:
    """One status per judged claim, combining the lessons that judged it.

    A toy that cannot test a claim, or a row true by construction, says nothing against a lesson
    that measured it, so :data:`WEAK_STATUSES` count only when no lesson found more (``derivation``
    before ``untestable``); of the remaining statuses, one common status is kept and disagreeing
    lessons give ``mixed``.

    Parameters
    ----------
    verdicts
        Rows with at least the columns ``claim`` and ``status`` (e.g. :func:`load_verdicts`).

    Returns
    -------
    Series of status strings indexed by claim id (sorted); claims without a row are absent.
    """
    missing = {"claim", "status"} - set(verdicts.columns)
    if missing:
        raise KeyError(f"verdicts need the columns claim and status, missing {sorted(missing)}")
    bad = sorted(set(verdicts["status"]) - set(VERDICT_STATUSES))
    if bad:
        raise ValueError(f"unknown verdict status {bad}: use one of {VERDICT_STATUSES}")
    if verdicts.empty:
        return pd.Series(dtype=str, name="status")

    def combine(statuses: pd.Series) -> str:
        found = set(statuses)
        strong = found - set(WEAK_STATUSES)
        if not strong:
            return "derivation" if "derivation" in found else "untestable"
        return strong.pop() if len(strong) == 1 else "mixed"

    return verdicts.groupby("claim", sort=True)["status"].agg(combine).rename("status")
