"""Lesson 03's figures draw one figure from the tables the lesson computes."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from worldlab.language.plots import plot_reversal, plot_routes


def test_plot_routes_draws_one_point_per_route_in_the_given_order():
    rng = np.random.default_rng(0)
    order = ["add-k, k = 1, n = 2", "word classes, n = 4"]
    routes = pd.DataFrame(
        [{"route": r, "seed": s, "outside − inside": rng.normal()} for r in order for s in range(3)]
    )
    plt.close("all")
    plot_routes(routes, order)
    (ax,) = plt.gcf().axes
    assert [label.get_text() for label in ax.get_yticklabels()] == order  # the first on top
    assert ax.get_yticks()[0] > ax.get_yticks()[-1]
    plt.close("all")


def test_plot_reversal_draws_both_models_on_both_panels():
    rows = [
        {"model": m, "reverse_fraction": f, "seed": s, "heldout_reverse": 0.1, "heldout_rank": 0.4}
        for m in ("untied", "tied + weight decay")
        for f in (0.1, 0.9)
        for s in range(3)
    ]
    plt.close("all")
    plot_reversal(pd.DataFrame(rows), [0.1, 0.9])
    left, right = plt.gcf().axes
    for ax in (left, right):
        labels = ax.get_legend_handles_labels()[1]
        assert {"untied", "tied + weight decay"} <= set(labels)
    plt.close("all")
