"""Shared pytest set-up.

Plain-Python tests draw with the non-interactive Agg backend, chosen *in this process only*:
``MPLBACKEND`` in the environment would reach the kernels that notebook tests start and silently
drop their inline figures. Importing pyplot here also builds matplotlib's font cache once, before
any kernel starts, so no kernel prints "building the font cache" on stderr.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

SEEDS = range(10)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")
