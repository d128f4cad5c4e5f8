"""The debate: its argument map as tidy tables, and the lessons' verdicts on its claims.

Modules:
    argument_map    claims, replies and the committed verdict rows (``data/``), as DataFrames
    verdicts        verdicts as code: a declared rule turns measured intervals into a status
"""

from worldlab.debate.argument_map import (
    CAMPS,
    COMPUTED_COLUMNS,
    NO_DIFFERENCE,
    RELATIONS,
    VERDICT_COLUMNS,
    VERDICT_STATUSES,
    WEAK_STATUSES,
    claim_statuses,
    filter_map,
    load_claims,
    load_edges,
    load_verdicts,
)
from worldlab.debate.verdicts import (
    SEEDS_ENV,
    VERDICT_MIME,
    VerdictRow,
    VerdictRule,
    fresh_seeds_active,
    judge,
    show_verdict,
    verdict_seeds,
    verdict_table,
)

__all__ = [
    "CAMPS",
    "COMPUTED_COLUMNS",
    "NO_DIFFERENCE",
    "RELATIONS",
    "SEEDS_ENV",
    "VERDICT_COLUMNS",
    "VERDICT_MIME",
    "VERDICT_STATUSES",
    "WEAK_STATUSES",
    "VerdictRow",
    "VerdictRule",
    "claim_statuses",
    "filter_map",
    "fresh_seeds_active",
    "judge",
    "load_claims",
    "load_edges",
    "load_verdicts",
    "show_verdict",
    "verdict_seeds",
    "verdict_table",
]
