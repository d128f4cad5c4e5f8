"""Seconds per step of the one-machine classroom loop (JupyterHub, 1 instructor, 3 students).

    sudo .venv/bin/python benchmarks/classroom_loop.py [--runs N]

Runs the classroom test (``tests/classroom``: real Linux users, JupyterHub, the exchange, the
formgrader, ``worldlab grade``) N times and prints the seconds of each step, the median over
the runs when N > 1. Needs what the test needs (root, useradd, bubblewrap, npm or an installed
configurable-http-proxy, a Python every user can run: ``WORLDLAB_CLASSROOM_PYTHON``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "classroom"))

from loop import timing_table  # noqa: E402


def one_run() -> list[tuple[str, float]]:
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "timings.json"
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/classroom"],
            cwd=REPO,
            env={**os.environ, "WORLDLAB_CLASSROOM_TIMINGS": str(target)},
            capture_output=True,
            text=True,
        )
        if result.returncode != 0 or not target.exists():
            sys.exit(f"the classroom test did not pass:\n{result.stdout[-3000:]}")
        return [tuple(row) for row in json.loads(target.read_text())]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    runs = [one_run() for _ in range(parser.parse_args().runs)]
    steps = [name for name, _ in runs[0]]
    medians = [(name, statistics.median(run[i][1] for run in runs)) for i, name in enumerate(steps)]
    print(f"classroom loop, {len(runs)} run(s), median seconds per step")
    print(timing_table(medians))


if __name__ == "__main__":
    main()
