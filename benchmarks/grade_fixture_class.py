"""Plain ``nbgrader autograde`` against ``worldlab grade`` on nbgrader's own fixture assignment.

    python benchmarks/grade_fixture_class.py [--students 30 2] [--jobs N] [--repeat K]

The assignment is nbgrader's autograde test notebook (``submitted-unchanged.ipynb`` from the
installed package, released with nbgrader); half the class hands in nbgrader's answered
fixture (``submitted-changed.ipynb``), half the untouched release. Its cells run in
milliseconds, so the times are the graders' own cost: start-up, kernels, gradebook, files. The
2-student class is the fixed cost of a run, the class of 30 adds the per-submission cost. Unlike
``grade_class.py`` it needs nothing of this course in the kernel, so it also measures a grader
run from a working copy other than the one installed in the environment.

With ``--repeat K`` the graders take turns K times on fresh copies and the fastest run of each
is reported (on a shared machine the slowest runs measure the neighbours).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _fixtures() -> Path:
    import nbgrader

    return Path(nbgrader.__file__).parent / "tests" / "apps" / "files"


def _env(root: Path) -> dict:
    env = {**os.environ, "WORLDLAB_ROOT": str(root)}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("MPLBACKEND", None)
    return env


def make_course(root: Path, students: int) -> None:
    """A course with assignment ``ps1`` released by nbgrader and ``students`` submissions."""
    files = _fixtures()
    (root / "course" / "ps1").mkdir(parents=True)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copy(files / "submitted-unchanged.ipynb", root / "course" / "ps1" / "p1.ipynb")
    for number in range(students):
        folder = root / "grading" / "submitted" / f"student{number:03d}" / "ps1"
        folder.mkdir(parents=True)
        fixture = "submitted-changed" if number % 2 == 0 else "submitted-unchanged"
        shutil.copy(files / f"{fixture}.ipynb", folder / "p1.ipynb")
    timed([sys.executable, "-m", "nbgrader", "generate_assignment", "ps1", "--force"], root)


def timed(command: list[str], root: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=root, env=_env(root), capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr[-2000:]}")
    return seconds


def compare(students: int, jobs: int, repeat: int) -> tuple[list[float], list[float]]:
    plains, safes = [], []
    for _ in range(max(1, repeat)):
        with tempfile.TemporaryDirectory(prefix="worldlab-bench-") as scratch:
            plain, safe = Path(scratch) / "plain", Path(scratch) / "safe"
            make_course(plain, students)
            make_course(safe, students)
            plains.append(timed([sys.executable, "-m", "nbgrader", "autograde", "ps1"], plain))
            grade = [sys.executable, "-m", "worldlab", "grade", "ps1", "--jobs", str(jobs)]
            safes.append(timed(grade, safe))
    return plains, safes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, nargs="+", default=[30, 2])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    print(
        f"nbgrader's fixture assignment, {os.cpu_count()} cores, "
        f"safe grader with {args.jobs} parallel sandboxed kernels"
    )
    print(f"{'students':>8} {'plain s':>8} {'safe s':>8} {'safe / plain':>13}  runs (plain | safe)")
    for students in args.students:
        plains, safes = compare(students, args.jobs, args.repeat)
        plain, safe = min(plains), min(safes)
        runs = f"{', '.join(f'{t:.1f}' for t in plains)} | {', '.join(f'{t:.1f}' for t in safes)}"
        print(f"{students:>8} {plain:>8.1f} {safe:>8.1f} {safe / plain:>13.2f}  {runs}", flush=True)


if __name__ == "__main__":
    main()
