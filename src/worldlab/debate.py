"""The debate's argument map as two tidy tables.

``claims``: one row per claim — ``id`` (C01…C32, as in THREAD.md), ``camp`` (``O`` optimist,
``S`` skeptic, ``E`` side thread), ``topic``, ``topic_title``, ``paraphrase``.
``edges``: one row per reply — ``source`` answers ``target`` with ``relation`` ``supports`` or
``rebuts``, and ``why`` in a few words.
"""

from __future__ import annotations

import pandas as pd

from worldlab.paths import data_file

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
