"""Grade one generated class twice: plain ``nbgrader autograde`` against ``worldlab grade``.

    python benchmarks/grade_class.py [--lesson 00-the-debate] [--students 30 2] [--jobs N] [--repeat K]

Prints, for each class size (by default 30 students, and 2: a small class measures the fixed
cost of a run, start-up included), the total seconds of both graders and their ratio, and
the overhead per submission of the safe grader beyond the notebook's own execution time (measured
by executing the solution notebook once, headless, in this process), and the peak resident memory
of a grading worker (the largest ``worker_mb`` of the run record; the kernel it drives is counted
apart, under its own limit). The class mixes correct,
partial and untouched submissions. Budget (DESIGN.md): overhead under 1 s per submission; the safe
grader no slower than plain nbgrader on 2 cores, faster on more.

With ``--repeat K`` the two graders take turns K times on fresh copies of the class, and the
fastest run of each is reported (on a shared machine the slowest runs measure the neighbours).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from course_helpers import subprocess_env  # noqa: E402
from grading_helpers import answered, copy_real_lessons, release  # noqa: E402

from worldlab.course.build import solution_sources  # noqa: E402
from worldlab.course.execution import execute_notebook  # noqa: E402
from worldlab.course.lessons import resolve  # noqa: E402
from worldlab.course.markings import instructor_notebook  # noqa: E402


def make_class(root: Path, lesson: str, size: int) -> None:
    import nbformat

    correct, stub = answered(root, lesson), release(root, lesson)
    for number in range(size):
        nb = stub if number % 5 == 4 else correct
        folder = root / "grading" / "submitted" / f"student{number:03d}" / lesson
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{lesson}.ipynb")


def timed(command: list[str], root: Path) -> float:
    env = subprocess_env({"WORLDLAB_ROOT": str(root)})
    start = time.perf_counter()
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr[-2000:]}")
    return seconds


def notebook_seconds(lesson_id: str) -> float:
    lesson = resolve([lesson_id])[0]
    nb = solution_sources(instructor_notebook(lesson.source, lesson.id))
    start = time.perf_counter()
    execute_notebook(nb, lesson.source.parent, label=lesson.id)
    return time.perf_counter() - start


def worker_peak_mb(root: Path, lesson: str) -> float:
    """The largest peak resident memory (MiB) of one grading worker in the run's record."""
    runs = json.loads((root / "grading" / "runs" / f"{lesson}.json").read_text())
    return max((entry.get("worker_mb") or 0.0) for entry in runs.values())


def compare(args: argparse.Namespace, students: int) -> tuple[float, float, float]:
    """Fastest of ``args.repeat`` turns of each grader on a fresh class of ``students``, and
    the largest worker's peak memory (MiB) over the safe grader's turns."""
    nbgrader = [sys.executable, "-m", "nbgrader"]
    grade = [sys.executable, "-m", "worldlab", "grade", args.lesson, "--jobs", str(args.jobs)]
    plains, safes, peaks = [], [], []
    for _ in range(max(1, args.repeat)):
        with tempfile.TemporaryDirectory(prefix="worldlab-bench-") as scratch:
            plain_root = copy_real_lessons(Path(scratch) / "plain", [args.lesson])
            safe_root = copy_real_lessons(Path(scratch) / "safe", [args.lesson])
            for root in (plain_root, safe_root):
                make_class(root, args.lesson, students)
                timed([*nbgrader, "generate_assignment", args.lesson, "--force"], root)
            plains.append(timed([*nbgrader, "autograde", args.lesson], plain_root))
            safes.append(timed(grade, safe_root))
            peaks.append(worker_peak_mb(safe_root, args.lesson))
            shutil.rmtree(plain_root / "grading" / "autograded", ignore_errors=True)
    if len(plains) > 1:
        print(f"{students} students, plain runs (s): {', '.join(f'{t:.1f}' for t in plains)}")
        print(f"{students} students, safe runs (s):  {', '.join(f'{t:.1f}' for t in safes)}")
    return min(plains), min(safes), max(peaks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lesson", default="00-the-debate")
    parser.add_argument(
        "--students",
        type=int,
        nargs="+",
        default=[30, 2],
        help="class sizes to compare (default: 30 and 2: a class, and the fixed cost of a run)",
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()

    own = notebook_seconds(args.lesson)
    results = {n: compare(args, n) for n in args.students}
    print(
        f"submissions of {args.lesson}, {os.cpu_count()} cores, "
        f"safe grader with {args.jobs} parallel sandboxed kernels"
    )
    print(f"{'students':>8} {'plain s':>8} {'safe s':>8} {'safe s / sub':>13} {'safe / plain':>13}")
    for n, (plain, safe, _) in results.items():
        print(f"{n:>8} {plain:>8.1f} {safe:>8.1f} {safe / n:>13.2f} {safe / plain:>13.2f}")
    print(f"notebook alone (headless, one kernel): {own:.2f} s")
    peak = max(peak for _, _, peak in results.values())
    print(f"peak resident memory of one grading worker: {peak:.0f} MiB")
    n = max(results)
    cost = results[n][1] * args.jobs / n
    print(
        f"safe grader, core-seconds per submission ({n} students): {cost:.2f} "
        f"(overhead beyond the notebook: {cost - own:+.2f} s)"
    )


if __name__ == "__main__":
    main()
