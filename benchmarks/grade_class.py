"""Grade one generated class twice: plain ``nbgrader autograde`` against ``worldlab grade``.

    python benchmarks/grade_class.py [--lesson 00-the-debate] [--students 30] [--jobs N] [--repeat K]

Prints, side by side, seconds per submission and in total for both graders and their ratio, and
the overhead per submission of the safe grader beyond the notebook's own execution time (measured
by executing the solution notebook once, headless, in this process). The class mixes correct,
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lesson", default="00-the-debate")
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()

    nbgrader = [sys.executable, "-m", "nbgrader"]
    grade = [sys.executable, "-m", "worldlab", "grade", args.lesson, "--jobs", str(args.jobs)]
    own = notebook_seconds(args.lesson)
    plains, safes, peaks = [], [], []
    for _ in range(max(1, args.repeat)):
        with tempfile.TemporaryDirectory(prefix="worldlab-bench-") as scratch:
            plain_root = copy_real_lessons(Path(scratch) / "plain", [args.lesson])
            safe_root = copy_real_lessons(Path(scratch) / "safe", [args.lesson])
            for root in (plain_root, safe_root):
                make_class(root, args.lesson, args.students)
                timed([*nbgrader, "generate_assignment", args.lesson, "--force"], root)
            plains.append(timed([*nbgrader, "autograde", args.lesson], plain_root))
            safes.append(timed(grade, safe_root))
            runs = json.loads((safe_root / "grading" / "runs" / f"{args.lesson}.json").read_text())
            peaks.append(max(entry.get("worker_mb", 0.0) for entry in runs.values()))
            shutil.rmtree(plain_root / "grading" / "autograded", ignore_errors=True)
    plain, safe = min(plains), min(safes)
    if len(plains) > 1:
        print(f"plain runs (s): {', '.join(f'{t:.1f}' for t in plains)}")
        print(f"safe runs (s):  {', '.join(f'{t:.1f}' for t in safes)}")

    n = args.students
    print(
        f"class of {n} submissions of {args.lesson}, {os.cpu_count()} cores, "
        f"safe grader with {args.jobs} parallel sandboxed kernels"
    )
    print(f"{'grader':<34} {'total s':>8} {'s / submission':>15}")
    print(f"{'plain nbgrader autograde':<34} {plain:>8.1f} {plain / n:>15.2f}")
    print(f"{'worldlab grade (sandboxed)':<34} {safe:>8.1f} {safe / n:>15.2f}")
    print(f"ratio safe / plain: {safe / plain:.2f}")
    print(f"notebook alone (headless, one kernel): {own:.2f} s")
    print(f"peak resident memory of a grading worker (its kernel apart): {max(peaks):.0f} MiB")
    cost = safe * args.jobs / n
    print(
        f"safe grader, core-seconds per submission: {cost:.2f} "
        f"(overhead beyond the notebook: {cost - own:+.2f} s)"
    )


if __name__ == "__main__":
    main()
