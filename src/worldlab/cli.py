"""The ``worldlab`` command: build, check and grade the course.

    worldlab build [LESSON ...]   regenerate course/<id>/<id>.ipynb, notebooks/ and solutions/
    worldlab check [LESSON ...]   execute and validate lessons, print seconds per notebook
    worldlab check --mutants [LESSON ...]   share of planted mutants the tests catch, per exercise
    worldlab check --seeds N [LESSON ...]   hidden checks on N grading seeds: reference, stubs, wrong
    worldlab classroom up|down|status|doctor   JupyterHub + nbgrader exchange on this machine (root)
    worldlab verdicts [LESSON ...]   show the committed verdict rows (data/verdicts/)
    worldlab verdicts --fresh [LESSON ...] [--seeds N]   re-judge them on fresh seeds (maintainer)
    worldlab lessons              list the lessons
    worldlab times [--write] [LESSON ...]   each lesson's minutes by section, by the time rule
    worldlab collect ASSIGNMENT ZIP   unpack an LMS download into grading/submitted/
    worldlab grade ASSIGNMENT         autograde every submission, sandboxed and in parallel
    worldlab export ASSIGNMENT        per-student and per-exercise grade CSVs
    worldlab report ASSIGNMENT        the class report (CSV and HTML with figures)
    worldlab site                 build the website from solutions/ into site/_build/html

LESSON is an id such as ``00-the-debate`` or its number ``00``; none means every lesson.
ASSIGNMENT is a lesson, or any nbgrader assignment of the course folder (``course/ps1/`` with its
source notebooks and no ``ps1.md``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from worldlab.course.errors import CourseError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="worldlab", description="Build, check and grade the Predicting the World course."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="regenerate student and solution notebooks")
    build.add_argument("lessons", nargs="*", metavar="LESSON")
    build.add_argument(
        "--no-execute",
        action="store_true",
        help="skip executing solutions (course/ and notebooks/ only)",
    )
    check = commands.add_parser("check", help="execute and validate lessons with nbgrader")
    check.add_argument("lessons", nargs="*", metavar="LESSON")
    check.add_argument(
        "--mutants",
        action="store_true",
        help="plant small mutants in each reference answer and report the share the tests catch",
    )
    check.add_argument(
        "--seeds",
        type=int,
        default=None,
        metavar="N",
        help="run every hidden check on N grading seeds with the reference, the stubs and the "
        "wrong answers of tests/course/wrong_answers/; fail unless every verdict is right",
    )
    check.add_argument(
        "--first-seed",
        type=int,
        default=1,
        metavar="S",
        help="with --seeds: the first grading seed (S, S+1, ...; default 1)",
    )
    verdicts = commands.add_parser(
        "verdicts", help="show the verdict rows; --fresh re-judges them on fresh seeds"
    )
    verdicts.add_argument("lessons", nargs="*", metavar="LESSON")
    verdicts.add_argument(
        "--fresh",
        action="store_true",
        help="execute each lesson again on fresh seeds and compare every row's status; exits 1 "
        "when a status changes",
    )
    verdicts.add_argument(
        "--seeds", type=int, default=30, help="number of fresh seeds (default 30)"
    )
    verdicts.add_argument("--start", type=int, default=1000, help="first fresh seed (default 1000)")
    verdicts.add_argument(
        "--report", type=Path, default=None, help="also write the comparison to this CSV file"
    )
    verdicts.add_argument(
        "--timeout", type=int, default=1800, help="seconds per cell of a fresh run (default 1800)"
    )
    from worldlab.course.classroom.commands import add_parser as add_classroom

    add_classroom(commands)
    commands.add_parser("lessons", help="list the lessons")
    times = commands.add_parser(
        "times", help="each lesson's minutes by section (the time rule of course/README.md)"
    )
    times.add_argument("lessons", nargs="*", metavar="LESSON")
    times.add_argument(
        "--write", action="store_true", help="put the rule's time line into each lesson's header"
    )
    grade = commands.add_parser(
        "grade", help="autograde every submission of a lesson or nbgrader assignment, safely"
    )
    grade.add_argument("lesson", metavar="ASSIGNMENT")
    grade.add_argument(
        "--student",
        action="append",
        dest="students",
        metavar="ID",
        help="grade only this student (repeatable)",
    )
    grade.add_argument("--force", action="store_true", help="regrade unchanged submissions too")
    grade.add_argument("--jobs", type=int, default=None, help="parallel kernels (default: cores)")
    grade.add_argument(
        "--cell-timeout",
        type=float,
        default=None,
        help="seconds per cell (default: the course's c.Execute.timeout, as nbgrader)",
    )
    grade.add_argument("--notebook-timeout", type=float, default=600.0, help="seconds per notebook")
    grade.add_argument("--memory-mb", type=int, default=2048, help="memory per kernel (MiB)")
    grade.add_argument(
        "--unsafe-no-sandbox",
        action="store_true",
        help="run student code WITHOUT the bubblewrap sandbox (only for code you trust)",
    )
    collect = commands.add_parser("collect", help="unpack an LMS zip into grading/submitted/")
    collect.add_argument("lesson", metavar="ASSIGNMENT")
    collect.add_argument("zip", type=Path, metavar="ZIP")
    collect.add_argument(
        "--pattern",
        default=None,
        help="regular expression with a group (?P<student>...) matched against each file's "
        "path in the zip (default: Canvas file names)",
    )
    for name, text in (
        ("export", "write per-student and per-exercise grade CSVs"),
        ("report", "write the class report (CSV and HTML with figures)"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("lesson", metavar="ASSIGNMENT")
    site = commands.add_parser("site", help="build the website from solutions/ (site/_build/html)")
    site.add_argument(
        "--build-dir", type=Path, default=None, help="build folder (default: site/_build)"
    )
    site.add_argument("--clean", action="store_true", help="start from an empty build folder")
    site.add_argument(
        "--coarse",
        action="store_true",
        help="draw the demos on the coarser grid of site/site.toml's ci_ bounds (as CI and the "
        "tests do)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except CourseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _times(args: argparse.Namespace, chosen: list) -> int:
    from worldlab.course.timing import lesson_minutes, write_time_line

    for lesson in chosen:
        total, parts = lesson_minutes(lesson.source)
        over = "  (over 90 minutes)" if total > 90 else ""
        print(f"{lesson.id}: {total} min{over} — " + ", ".join(f"{k} {m}" for k, m in parts))
        if args.write and write_time_line(lesson.source):
            print(f"  wrote the time line of {lesson.source.relative_to(lesson.root)}")
    return 0


def _run(args: argparse.Namespace) -> int:
    from worldlab.course import lessons as lesson_index

    if args.command == "lessons":
        for lesson in lesson_index.resolve(None):
            print(lesson.id)
        return 0
    if args.command == "grade":
        return _grade(args)
    if args.command == "site":
        return _site(args)
    if args.command == "classroom":
        from worldlab.course.classroom.commands import run as classroom

        return classroom(args)
    if args.command in ("collect", "export", "report"):
        return _grading_files(args)
    chosen = lesson_index.resolve(args.lessons)
    if args.command == "verdicts":
        return _verdicts(args, chosen)
    if args.command == "times":
        return _times(args, chosen)
    if args.command == "build":
        from worldlab.course.build import build

        build(chosen, execute=not args.no_execute)
        return 0
    if args.command == "check" and args.seeds is not None:
        from worldlab.course.seeds import SeedReport, format_report, grading_seeds, measure_lesson

        if args.seeds < 1:
            raise CourseError(f"--seeds needs at least 1 seed, got {args.seeds}")
        report = SeedReport()
        for lesson in chosen:
            part = measure_lesson(
                lesson,
                grading_seeds(args.seeds, args.first_seed),
                progress=lambda text: print(text, file=sys.stderr, flush=True),
            )
            report.checks += part.checks
            report.wrong += part.wrong
        print(format_report(report))
        return 0 if report.ok else 1
    if args.command == "check" and args.mutants:
        from worldlab.course.mutants import format_scores, score_lesson

        scores = []
        for lesson in chosen:
            print(f"mutating {lesson.id}", file=sys.stderr)
            scores += score_lesson(lesson)
        print(format_scores(scores))
        return 0
    if args.command == "check":
        from worldlab.course.check import check

        results = check(chosen)
        return 0 if all(item.ok for item in results) else 1
    raise AssertionError(args.command)


def _verdicts(args: argparse.Namespace, chosen: list) -> int:
    from worldlab.course.verdicts import MIN_FRESH_SEEDS, read_committed

    if not args.fresh:
        for lesson in chosen:
            for row in read_committed(lesson):
                values = row.get("values") or "(typed verdict)"
                print(f"{lesson.id} {row['claim']} {row['status']}: {values}")
        return 0
    from worldlab.course.fresh_verdicts import fresh_verdicts, write_report

    if args.seeds < MIN_FRESH_SEEDS:
        print(
            f"note: {args.seeds} fresh seeds; a verdict is judged on at least {MIN_FRESH_SEEDS}",
            file=sys.stderr,
        )
    rows, problems = fresh_verdicts(
        chosen,
        seeds=args.seeds,
        start=args.start,
        timeout=args.timeout,
        report=lambda text: print(text, file=sys.stderr),
    )
    for row in rows:
        print(row.text())
    for problem in problems:
        print(f"cannot re-judge {problem}")
    if args.report is not None:
        write_report(rows, args.report)
    changed = [row for row in rows if not row.holds]
    print(
        f"{len(rows) - len(changed)} of {len(rows)} row(s) keep their status on seeds "
        f"{args.start}–{args.start + args.seeds - 1}; {len(problems)} lesson(s) not re-judged"
    )
    return 1 if changed or problems else 0


def _grade(args: argparse.Namespace) -> int:
    import os

    from worldlab.course.nbgrader_setup import skip_unused_format_checkers

    skip_unused_format_checkers()  # before nbformat is imported

    from worldlab.course.lessons import resolve_assignment
    from worldlab.grading.execute import Limits
    from worldlab.grading.pipeline import GradeOptions, grade
    from worldlab.paths import repo_root

    assignment = resolve_assignment(args.lesson)
    if args.unsafe_no_sandbox:
        print(
            "WARNING: grading WITHOUT the sandbox (--unsafe-no-sandbox): student code runs with "
            "your rights and can read the solutions, change the gradebook and use the network.",
            file=sys.stderr,
        )
    options = GradeOptions(
        jobs=args.jobs or max(1, os.cpu_count() or 1),
        limits=Limits(
            cell_timeout=args.cell_timeout,
            notebook_timeout=args.notebook_timeout,
            memory_bytes=args.memory_mb * 1024**2,
        ),
        sandbox=not args.unsafe_no_sandbox,
        force=args.force,
        students=args.students,
    )
    import signal

    def _stop(signum, frame):  # a terminated run cleans up its sandboxes like a Ctrl-C
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    grade(repo_root(), assignment, options)
    return 0


def _site(args: argparse.Namespace) -> int:
    from worldlab.course.site import build_site, grid_bounds, read_settings, remove
    from worldlab.paths import repo_root

    build_dir = args.build_dir or repo_root() / "site" / "_build"
    if args.clean:
        remove(build_dir)
    bounds = grid_bounds(read_settings(repo_root() / "site"), ci=True) if args.coarse else None
    result = build_site(build_dir=build_dir, bounds=bounds)
    figures = ", ".join(f"{lesson[:2]}: {n}" for lesson, n in result.demo_figures.items())
    print(f"site: demo figures per lesson: {figures} ({sum(result.demo_figures.values())} in all)")
    print(
        f"site: {result.pages} pages ({len(result.lessons)} lessons) in {result.html} "
        f"in {result.seconds:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())


def _grading_files(args: argparse.Namespace) -> int:
    from worldlab.course.lessons import resolve_assignment
    from worldlab.grading.pipeline import Course
    from worldlab.paths import repo_root

    assignment = resolve_assignment(args.lesson)
    course = Course.load(repo_root(), assignment)
    if args.command == "collect":
        from worldlab.grading.collect import CANVAS_PATTERN, collect_zip

        result = collect_zip(
            args.zip,
            assignment,
            course.submitted,
            args.pattern or CANVAS_PATTERN,
            course.notebooks,
        )
        for line in result.lines():
            print(line, file=sys.stderr if line.startswith("warning") else sys.stdout)
        return 0
    from worldlab.grading.report import export, report

    if args.command == "export":
        for path in export(course):
            print(f"wrote {path}")
        return 0
    print(f"wrote {report(course)}")
    return 0
