import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from worldlab.debate import filter_map, load_claims, load_edges

DATA = Path(__file__).resolve().parents[2] / "data" / "debate"


def test_claims_cover_c01_to_c33_once():
    claims = load_claims()
    assert list(claims["id"]) == [f"C{i:02d}" for i in range(1, 34)]
    assert set(claims["camp"]) <= {"O", "S", "E"}
    assert claims["paraphrase"].str.len().between(20, 120).all()


def test_edges_join_existing_claims_without_self_loops():
    claims, edges = load_claims(), load_edges()
    ids = set(claims["id"])
    assert set(edges["source"]) <= ids and set(edges["target"]) <= ids
    assert set(edges["relation"]) == {"supports", "rebuts"}
    assert not (edges["source"] == edges["target"]).any()
    assert not edges.duplicated(["source", "target"]).any()


def test_csvs_are_what_the_script_writes(tmp_path):
    script = DATA / "make_argument_map.py"
    code = f"import runpy, pathlib; m = runpy.run_path({str(script)!r}); m['write_tables'](pathlib.Path({str(tmp_path)!r}))"
    subprocess.run([sys.executable, "-c", code], check=True)
    for name in ("claims.csv", "edges.csv"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name


def test_paraphrases_never_quote():
    assert not load_claims()["paraphrase"].str.contains(r'"').any()
    assert not any(re.search(r"\bhttps?://", text) for text in load_claims()["paraphrase"])


def test_filter_map_keeps_edges_inside_the_selection():
    claims, edges = load_claims(), load_edges()
    chosen, links = filter_map(claims, edges, camp="S", topic="core")
    assert set(chosen["camp"]) == {"S"} and set(chosen["topic"]) == {"core"}
    assert set(links["source"]) | set(links["target"]) <= set(chosen["id"])
    assert isinstance(links, pd.DataFrame) and len(links) > 0


def test_filter_map_rejects_unknown_camp():
    with pytest.raises(ValueError, match="camp must be one of"):
        filter_map(load_claims(), load_edges(), camp="Z")


def test_claim_statuses_combine_lessons():
    from worldlab.debate import claim_statuses

    verdicts = pd.DataFrame(
        {
            "claim": ["C01", "C01", "C02", "C02", "C03", "C04", "C04"],
            "status": [
                "supported",
                "supported",
                "supported",
                "contradicted",
                "untestable",
                "untestable",
                "contradicted",
            ],
        }
    )
    status = claim_statuses(verdicts)
    assert status.to_dict() == {
        "C01": "supported",
        "C02": "mixed",
        "C03": "untestable",
        "C04": "contradicted",  # a toy that cannot test a claim does not outvote one that can
    }
    assert claim_statuses(verdicts.iloc[:0]).empty
    with pytest.raises(ValueError, match="unknown verdict status"):
        claim_statuses(pd.DataFrame({"claim": ["C01"], "status": ["maybe"]}))
