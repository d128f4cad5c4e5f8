"""Compute lesson 14's verdict rows from its experiment, and write (or check) them.

    python data/verdicts/make_14_verdicts.py            # seeds 0-9, writes the CSV beside this file
    python data/verdicts/make_14_verdicts.py --fresh    # seeds 1000-1029, checks each status holds

The losses are the lesson's reference answers, loaded from its source; the rules that turn the
paired intervals into statuses are in ``worldlab.representations.experiments.verdict_rows``.
"""

import argparse
import sys
from pathlib import Path

from worldlab.course.references import load_reference
from worldlab.representations.experiments import sweep, verdict_rows

LESSON = "14-predicting-in-a-representation"
HERE = Path(__file__).resolve().parent
STRENGTHS = (0.0, 1.0, 4.0)


def compute(seeds):
    loss = load_reference(LESSON, "embedding_prediction_loss")
    penalty = load_reference(LESSON, "variance_covariance_penalty")
    return verdict_rows(sweep(seeds, STRENGTHS, loss, penalty), LESSON)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="re-judge on seeds 1000-1029")
    args = parser.parse_args()
    path = HERE / f"{LESSON}.csv"
    if not args.fresh:
        compute(range(10)).to_csv(path, index=False, lineterminator="\n")
        print(f"wrote {path}")
        return 0
    import pandas as pd

    stored = pd.read_csv(path, dtype=str).set_index("claim")["status"]
    fresh = compute(range(1000, 1030)).set_index("claim")
    changed = 0
    for claim, row in fresh.iterrows():
        same = row["status"] == stored[claim]
        changed += not same
        print(f"{claim}: stored {stored[claim]}, fresh {row['status']}  {row['finding']}")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
