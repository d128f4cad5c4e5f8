"""Lesson 09's headline effects over seeds, with margins, including where the trap disappears."""

import pytest

from worldlab.course.references import load_reference
from worldlab.curiosity.agents import exploration_table, surprise_sweep
from worldlab.stats import paired_difference

LESSON = "09-curiosity-and-its-trap"


@pytest.fixture(scope="module")
def table():
    ref = {
        n: load_reference(LESSON, n)
        for n in ("count_surprise", "learning_progress", "coverage_curve")
    }
    agents = ["random", "surprise", "count", "progress"]
    return exploration_table(
        range(100, 112),
        [30, 1],
        agents,
        400,
        ref["count_surprise"],
        ref["learning_progress"],
        ref["coverage_curve"],
    )


def test_curious_agents_beat_the_random_walk(table):
    """Could fail: planning toward novelty could be no faster than a random walk in this maze."""
    noisy = table[table.channels == 30]
    for agent in ("count", "progress"):
        d = paired_difference(noisy, by="agent", a=agent, b="random", value="coverage")
        assert d["ci_low"] > 0.2, (agent, d)


def test_prediction_error_falls_into_the_tv_and_the_trap_needs_the_noise(table):
    """The skeptic-of-curiosity's prediction (trapped with noise) and the curiosity camp's
    (explores well without it) are both tested; either could have failed."""
    noisy, quiet = table[table.channels == 30], table[table.channels == 1]
    d = paired_difference(noisy, by="agent", a="surprise", b="count", value="tv_share")
    assert d["ci_low"] > 0.02, d
    lost = paired_difference(noisy, by="agent", a="count", b="surprise", value="coverage")
    assert lost["ci_low"] > 0.1, lost
    gained = paired_difference(quiet, by="agent", a="surprise", b="random", value="coverage")
    assert gained["ci_low"] > 0.15, gained
    assert quiet[quiet.agent == "surprise"]["tv_share"].mean() < 0.02


@pytest.fixture(scope="module")
def sweep():
    surprise = load_reference(LESSON, "count_surprise")
    return surprise_sweep(range(300, 310), [1, 30], ["after", "before"], 400, surprise)


def test_the_trap_depends_on_how_surprise_is_defined(sweep):
    """Could fail either way: both definitions could be hooked by the TV, or neither; noise could
    cost the agent nothing."""
    noisy, quiet = sweep[sweep.channels == 30], sweep[sweep.channels == 1]
    hooked = paired_difference(noisy, by="agent", a="after", b="random", value="tv_share")
    assert hooked["ci_low"] > 0.02 and hooked["mean"] > 0.1, hooked  # left after the update
    free = paired_difference(noisy, by="agent", a="before", b="random", value="tv_share")
    assert -0.05 < free["ci_low"] <= free["ci_high"] < 0.05, free  # surprise when it happened
    explores = paired_difference(noisy, by="agent", a="before", b="random", value="coverage")
    assert explores["ci_low"] > 0.1, explores
    for kind in ("after", "before"):  # noise costs every definition some coverage
        loud = paired_difference(noisy, by="agent", a=kind, b="random", value="coverage")
        calm = paired_difference(quiet, by="agent", a=kind, b="random", value="coverage")
        assert calm["mean"] > loud["mean"] + 0.05, (kind, calm, loud)
