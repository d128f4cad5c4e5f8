"""The debate's argument map as two tidy tables.

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


#: What a lesson can find about a claim (the course-wide verdict colours claims by it).
VERDICT_STATUSES = ("supported", "contradicted", "mixed", "untestable")
VERDICT_COLUMNS = ("lesson", "claim", "finding", "cannot_show", "status")


def load_verdicts() -> pd.DataFrame:
    """Every lesson's verdict rows, from ``data/verdicts/<lesson>.csv``.

    Columns: ``lesson``, ``claim`` (a claim id), ``finding`` (what the lesson's toy showed, with
    its interval), ``cannot_show`` (what the toy cannot show), ``status`` (one of
    :data:`VERDICT_STATUSES`, said of the claim). One file per lesson, so that the lesson's own
    verdict table and the course-wide map are drawn from the same rows.
    """
    folder = data_dir() / "verdicts"
    frames = [pd.read_csv(path, dtype=str) for path in sorted(folder.glob("*.csv"))]
    if not frames:
        return pd.DataFrame(columns=list(VERDICT_COLUMNS))
    verdicts = pd.concat(frames, ignore_index=True)
    if tuple(verdicts.columns) != VERDICT_COLUMNS:
        raise ValueError(
            f"verdict files need the columns {VERDICT_COLUMNS}, got {tuple(verdicts.columns)}"
        )
    bad = sorted(set(verdicts["status"]) - set(VERDICT_STATUSES))
    if bad:
        raise ValueError(f"unknown verdict status {bad}: use one of {VERDICT_STATUSES}")
    return verdicts


def claim_statuses(verdicts: pd.DataFrame) -> pd.Series:
    """One status per judged claim, combining the lessons that judged it.

    A toy that cannot test a claim says nothing against one that can, so ``untestable`` counts
    only when no lesson found more; of the remaining statuses, one common status is kept and
    disagreeing lessons give ``mixed``.

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
        if found != {"untestable"}:
            found.discard("untestable")
        return found.pop() if len(found) == 1 else "mixed"

    return verdicts.groupby("claim", sort=True)["status"].agg(combine).rename("status")


def verdict_table(lesson: str) -> pd.DataFrame:
    """One lesson's verdict: claim → what the toy showed → what it cannot show → status."""
    verdicts = load_verdicts()
    rows = verdicts[verdicts["lesson"] == lesson]
    if rows.empty:
        raise ValueError(f"no verdict rows for lesson {lesson!r} in data/verdicts/")
    table = rows.drop(columns="lesson").set_index("claim")
    return table.rename(
        columns={"finding": "what this toy showed", "cannot_show": "what it cannot show"}
    )


def show_verdict(lesson: str) -> None:
    """Display a lesson's verdict as a Markdown table (it renders the same on the website)."""
    from IPython.display import Markdown, display

    table = verdict_table(lesson)
    lines = ["| claim | what this toy showed | what it cannot show | status |", "|---|---|---|---|"]
    for claim, row in table.iterrows():
        cells = [claim, row["what this toy showed"], row["what it cannot show"], row["status"]]
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    display(Markdown("\n".join(lines)))
