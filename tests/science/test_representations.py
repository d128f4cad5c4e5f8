"""Lesson 14's findings over 10 fresh worlds, paired, with margins.

Each could have failed: the pixel predictor could have kept the agent under strong distractors
(had the distractor been unpredictable, or the bottleneck wide enough), the latent predictor
could have lost to pixels without distractors, the tokens could have kept meaning places, and
the anti-collapse term could have made no difference.
"""

import pytest

from worldlab.course.references import load_reference
from worldlab.representations.experiments import sweep
from worldlab.representations.models import train_latent_predictor
from worldlab.stats import paired_difference_table
from worldlab.worlds import distracted_strip

LESSON = "14-predicting-in-a-representation"
SEEDS = range(1000, 1010)


@pytest.fixture(scope="module")
def losses():
    return (
        load_reference(LESSON, "embedding_prediction_loss"),
        load_reference(LESSON, "variance_covariance_penalty"),
    )


@pytest.fixture(scope="module")
def results(losses):
    return sweep(SEEDS, (0.0, 4.0), *losses)


def paired_table(results, a, b, value):
    return paired_difference_table(results, "strength", "arm", a, b, value)


def at(table, strength):
    return table.set_index("knob").loc[strength]


def test_without_distractors_pixels_do_as_well_as_the_latent_predictor(results):
    """The other camp's setting: no distractor, nothing for pixels to waste capacity on."""
    for value in ("readout", "planning"):
        row = at(paired_table(results, "latent", "pixels", value), 0.0)
        assert row["low"] < 0.05 and row["estimate"] < 0.1, (value, row.to_dict())
    means = results[results["strength"] == 0].groupby("arm")["readout"].mean()
    assert means["pixels"] > 0.95


def test_with_dominant_distractors_the_latent_predictor_wins(results):
    readout = at(paired_table(results, "latent", "pixels", "readout"), 4.0)
    planning = at(paired_table(results, "latent", "pixels", "planning"), 4.0)
    assert readout["low"] > 0.5, readout.to_dict()
    assert planning["low"] > 0.25, planning.to_dict()


def test_image_tokens_plan_without_distractors_and_fail_with_them(results):
    clean = at(paired_table(results, "image tokens", "latent", "planning"), 0.0)
    noisy = at(paired_table(results, "image tokens", "latent", "planning"), 4.0)
    assert clean["estimate"] > 0.0 and noisy["high"] < -0.4, (clean.to_dict(), noisy.to_dict())


def test_the_anti_collapse_term_matters(results):
    for strength in (0.0, 4.0):
        row = at(paired_table(results, "latent", "latent, no anti-collapse", "planning"), strength)
        assert row["low"] > 0.0, row.to_dict()
    spread = results.groupby("arm")["spread"].mean()
    assert spread["latent, no anti-collapse"] < 0.1 < 0.5 < spread["latent"]


def test_without_the_term_the_loss_falls_because_the_embeddings_shrink(losses):
    loss, penalty = losses
    x, a, x_next, _ = distracted_strip.collect(1000, 1.0, n_episodes=20, n_steps=30).transitions()
    free = train_latent_predictor(x, a, x_next, 4, loss=loss)
    held = train_latent_predictor(x, a, x_next, 4, loss=loss, penalty=penalty, weight=1.0)
    assert free.history["loss"][-1] < 0.01 * free.history["loss"][0]
    assert free.history["spread"][-1] < 0.1 * free.history["spread"][0]
    assert held.history["spread"][-1] > 0.5
    assert held.history["loss"][-1] > 10 * free.history["loss"][-1]
