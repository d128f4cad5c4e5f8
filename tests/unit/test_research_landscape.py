"""The research landscape and its searchers: shapes, inputs, budgets, and what they report."""

import numpy as np
import pytest

from worldlab.course.references import load_reference
from worldlab.research.search import (
    allocation_cost,
    check_allocation,
    evolve,
    hill_climb,
    judge_search,
    no_judge_allocation,
    random_search,
    run_allocation,
)
from worldlab.worlds.research_landscape import ResearchLandscape

LESSON = "11-ideas-and-experiments"


@pytest.fixture(scope="module")
def mutate():
    return load_reference(LESSON, "mutate")


def test_landscape_is_seeded_scaled_and_has_isolated_spikes():
    a, b = ResearchLandscape(3), ResearchLandscape(3)
    every = a.all_configs()
    assert every.shape == (4**6, 6)
    assert np.array_equal(a.quality(every), b.quality(every))
    known = a.known_quality(every)
    assert abs(known.mean()) < 1e-9 and abs(known.std() - 1.0) < 1e-9
    assert a.is_spike(every).sum() == 2
    spike_quality = a.quality(a.spikes)
    assert np.allclose(spike_quality, a.gap_filling_optimum + a.spike_gap)
    assert a.quality(every[~a.is_spike(every)]).max() == pytest.approx(a.gap_filling_optimum)


def test_landscape_checks_its_inputs():
    land = ResearchLandscape(0)
    with pytest.raises(ValueError, match="shape"):
        land.quality(np.zeros((2, 5), dtype=int))
    with pytest.raises(ValueError, match="integer in 0..3"):
        land.quality(np.full(6, 4))
    with pytest.raises(ValueError, match="rho"):
        land.judge(land.all_configs()[:3], 1.5, np.random.default_rng(0))
    with pytest.raises(ValueError, match="at least 2 knobs"):
        ResearchLandscape(0, n_knobs=1)


def test_judge_has_the_stated_correlation_and_is_blind_to_spikes():
    land = ResearchLandscape(1)
    every = land.all_configs()
    rng = np.random.default_rng(0)
    for rho in (0.0, 0.5, 0.9):
        r = np.corrcoef(land.judge(every, rho, rng), land.known_quality(every))[0, 1]
        assert abs(r - rho) < 0.05
    assert np.array_equal(land.judge(land.spikes, 1.0, rng), land.known_quality(land.spikes))


def test_experiments_cost_what_they_say_and_noise_zero_is_the_truth(mutate):
    land = ResearchLandscape(2)
    rng = np.random.default_rng(1)
    assert random_search(land, 20, 0.5, rng)["spent"] == 20
    climb = hill_climb(land, 21, 0.0, rng, mutate, replicates=2)
    assert climb["spent"] <= 21 and len(climb["accepted"]) == 9
    # without noise, an accepted step is a true improvement and the report is the truth
    assert (climb["true_gain"][climb["accepted"]] > 0).all()
    assert climb["reported"] == pytest.approx(climb["true"])
    assert evolve(land, 17, 0.3, rng, mutate, children=4)["spent"] == 17
    judged = judge_search(land, 10, 0.3, rng, n_ideas=100, rho=0.5, replicates=2, judge_cost=0.05)
    assert judged["n_tests"] == 2 and judged["spent"] == 4
    with pytest.raises(ValueError, match="no budget"):
        judge_search(land, 1, 0.3, rng, n_ideas=100, rho=0.5, judge_cost=0.05)


def test_allocations_are_checked_and_costed():
    plan = {"n_ideas": 100, "n_tests": 10, "replicates": 2}
    assert allocation_cost(plan, 0.1) == pytest.approx(30.0)
    check_allocation(plan, 30, 0.1)
    for bad, message in (
        ({"n_ideas": 5, "n_tests": 10, "replicates": 1}, "cannot exceed"),
        ({"n_ideas": 100, "n_tests": 10, "replicates": 2}, "more than the budget"),
        ({"n_ideas": 10, "n_tests": 1.5, "replicates": 1}, "positive integer"),
        ({"n_ideas": 10}, "exactly the keys"),
    ):
        with pytest.raises(ValueError, match=message):
            check_allocation(bad, 29, 0.1)
    baseline = no_judge_allocation(48, 0.05)
    assert allocation_cost(baseline, 0.05) <= 48 and baseline["n_tests"] == 45
    result = run_allocation(
        ResearchLandscape(0), baseline, 48, 0.5, 0.3, 0.05, np.random.default_rng(0)
    )
    assert result["spent"] == 45 and result["judge_spent"] == pytest.approx(2.25)


def test_the_demo_and_every_figure_draw(mutate):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from worldlab.research.experiments import budget_curves, gap_or_spike, levers
    from worldlab.research.plots import (
        plot_budget_curves,
        plot_gap_or_spike,
        plot_levers,
        search_demo,
    )
    from worldlab.widgets import build_demo

    plot_budget_curves(budget_curves(range(3), [8, 16], 0.3, mutate))
    plot_levers(levers(range(3), [0.0, 1.0], [0.3], budget=8, repeats=1))
    plot_gap_or_spike(gap_or_spike(range(3), 16, 0.3, mutate, repeats=1))
    from ipywidgets import FloatSlider, IntSlider

    demo = build_demo(
        lambda budget, noise, rho: search_demo(budget, noise, rho, mutate, seeds=range(2)),
        budget=IntSlider(value=16, min=8, max=256, step=8),
        noise=FloatSlider(value=0.3, min=0.0, max=3.0),
        rho=FloatSlider(value=0.5, min=0.0, max=1.0),
    )
    for control in demo.children[:3]:
        for end in (control.min, control.max):
            control.value = end  # each end of each control draws without an error
    plt.close("all")


def test_select_held_out_chooses_on_the_first_half_and_reports_with_the_rest():
    from worldlab.research.experiments import select_held_out

    scores = np.array([[0.0, 0.0, 5.0, 5.0], [1.0, 1.0, 0.0, 0.0]])
    assert select_held_out(scores) == (1, 0.0)
    # odd replicates: the choosing part is the smaller one
    assert select_held_out(np.array([[1.0, 0.0, 0.0], [0.0, 9.0, 9.0]])) == (0, 0.0)
    with pytest.raises(ValueError, match="n_replicates >= 2"):
        select_held_out(np.ones((3, 1)))
