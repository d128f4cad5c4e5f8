"""Lesson 02's headline effects, on the mean over 10 seeds with margins."""

import numpy as np
import pandas as pd
import pytest

from worldlab import world_model_tests as wm

SEEDS = range(10)
K_VALUES = (0, 1, 2, 3, 4, 5, 6)


@pytest.fixture(scope="module")
def kgrams():
    rows = [row for seed in SEEDS for row in wm.kgram_experiment(seed, K_VALUES)]
    return pd.DataFrame(rows).groupby("model")[["legality", "compression", "distinction"]].mean()


@pytest.fixture(scope="module")
def probes():
    return pd.DataFrame([wm.probe_experiment(seed) for seed in SEEDS])


def test_every_kgram_picks_legal_moves(kgrams):
    assert kgrams.loc["k=0", "legality"] > 0.75
    for k in K_VALUES[1:]:
        assert kgrams.loc[f"k={k}", "legality"] > 0.85, f"k={k}"
    assert kgrams.loc["k=1", "legality"] > 0.99, "undoing the last move is always legal"


def test_no_kgram_passes_both_vafa_tests_but_the_oracle_does(kgrams):
    for k in K_VALUES:
        row = kgrams.loc[f"k={k}"]
        assert min(row["compression"], row["distinction"]) < 0.5, f"k={k} passed both"
    assert kgrams.loc["oracle"].tolist() == [1.0, 1.0, 1.0]


def test_short_contexts_compress_long_contexts_distinguish(kgrams):
    assert kgrams.loc["k=1", "compression"] > 0.95 and kgrams.loc["k=1", "distinction"] < 0.05
    assert kgrams.loc["k=6", "distinction"] > 0.8 and kgrams.loc["k=6", "compression"] < 0.2


def test_probe_needs_controls(probes):
    means = probes.mean()
    assert means["raw_input"] > 0.99, "the cell is linear in the one-hot history"
    assert means["trained"] > means["random_init"] + 0.08
    assert (probes["trained"] - probes["random_init"]).min() > 0
    assert means["trained"] < means["raw_input"] - 0.03, "the network loses some of the input"
    assert means["random_init"] > 0.6, "even an untrained network keeps most of it"


def test_network_picks_legal_moves_yet_fails_distinction(probes):
    means = probes.mean()
    assert means["legality"] > 0.97
    assert means["distinction"] < 0.5
    assert np.all(probes["distinction"] < 0.8)
