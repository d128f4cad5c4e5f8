"""The ``worldlab`` command: build and check the course (grading commands join later).

    worldlab build [LESSON ...]   regenerate course/<id>/<id>.ipynb, notebooks/ and solutions/
    worldlab check [LESSON ...]   execute and validate lessons, print seconds per notebook
    worldlab lessons              list the lessons

LESSON is an id such as ``00-the-debate`` or its number ``00``; none means every lesson.
"""

from __future__ import annotations

import argparse
import sys

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
    commands.add_parser("lessons", help="list the lessons")
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


def _run(args: argparse.Namespace) -> int:
    from worldlab.course import lessons as lesson_index

    if args.command == "lessons":
        for lesson in lesson_index.resolve(None):
            print(lesson.id)
        return 0
    chosen = lesson_index.resolve(args.lessons)
    if args.command == "build":
        from worldlab.course.build import build

        build(chosen, execute=not args.no_execute)
        return 0
    if args.command == "check":
        from worldlab.course.check import check

        results = check(chosen)
        return 0 if all(item.ok for item in results) else 1
    raise AssertionError(args.command)


if __name__ == "__main__":
    sys.exit(main())
