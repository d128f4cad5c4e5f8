"""Execute every solution notebook headless and print seconds and peak memory per notebook.

    python benchmarks/run_notebooks.py [LESSON ...]

Budgets (DESIGN.md): each notebook under 30 s (aim 15 s), the whole course under 4 min. Memory is
the kernel's peak resident set size, read inside the kernel after the last cell.
"""

from __future__ import annotations

import sys
import time

import nbformat

from worldlab.course.build import solution_sources
from worldlab.course.execution import execute_notebook
from worldlab.course.lessons import resolve
from worldlab.course.markings import instructor_notebook

PEAK_MEMORY_CELL = (
    "import resource, sys\n"
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, file=sys.stdout)"
)


def measure(lesson) -> tuple[float, float]:
    """(seconds, peak MiB) of executing one lesson's solution notebook from a fresh kernel."""
    nb = solution_sources(instructor_notebook(lesson.source, lesson.id))
    nb.cells.append(nbformat.v4.new_code_cell(PEAK_MEMORY_CELL))
    start = time.perf_counter()
    execute_notebook(nb, lesson.source.parent, label=lesson.id)
    seconds = time.perf_counter() - start
    peak_mib = float(nb.cells[-1].outputs[-1]["text"].strip())
    return seconds, peak_mib


def main(argv: list[str]) -> int:
    lessons = resolve(argv)
    print(f"{'lesson':<34} {'seconds':>8} {'peak MiB':>9}  budget")
    total = 0.0
    over = False
    for lesson in lessons:
        seconds, peak = measure(lesson)
        total += seconds
        verdict = "ok" if seconds < 30 else "OVER 30 s"
        over |= seconds >= 30
        print(f"{lesson.id:<34} {seconds:>8.1f} {peak:>9.0f}  {verdict}", flush=True)
    print(f"{'total':<34} {total:>8.1f} {'':>9}  {'ok' if total < 240 else 'OVER 4 min'}")
    return 1 if over or total >= 240 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
