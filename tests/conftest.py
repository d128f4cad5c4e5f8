"""Shared pytest set-up.

Plain-Python tests draw with the non-interactive Agg backend, chosen *in this process only*:
``MPLBACKEND`` in the environment would reach the kernels that notebook tests start and silently
drop their inline figures. Importing pyplot here also builds matplotlib's font cache once, before
any kernel starts, so no kernel prints "building the font cache" on stderr.
"""

import os
from pathlib import Path

# Small matrices: one BLAS thread is faster than several fighting over two cores (also for the
# kernels that notebook tests start, which inherit this).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

SEEDS = range(10)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


ROOT = Path(__file__).resolve().parents[1]

from slow_modules import SLOW_MODULES  # noqa: E402


def pytest_collection_modifyitems(config, items):
    slow = pytest.mark.slow
    for item in items:
        if Path(str(item.path)).resolve().relative_to(ROOT).as_posix() in SLOW_MODULES:
            item.add_marker(slow)


@pytest.fixture
def sigint_as_in_a_terminal():
    """Ctrl-C delivered as in a terminal: SIGINT unblocked and raising KeyboardInterrupt.

    Some library started in this process earlier (a kernel app, a CLI) may leave SIGINT ignored
    or blocked, and a grader started from here inherits that; tests of the grader's Ctrl-C
    handling need the disposition a person's terminal gives.
    """
    import signal

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    blocked = signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        signal.signal(signal.SIGINT, previous)
