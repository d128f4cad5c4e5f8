"""The classroom test's helpers on the import path, and its step timings in the summary."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import loop  # noqa: E402


def pytest_terminal_summary(terminalreporter):
    for reason in loop.NOT_RUN:
        terminalreporter.write_sep("!", "the classroom loop (end to end) did NOT run", yellow=True)
        terminalreporter.write_line(reason.replace(" -> ", "\n  fix: "))
    if loop.TIMINGS:
        terminalreporter.write_sep("-", "classroom loop: seconds per step")
        terminalreporter.write_line(loop.timing_table(loop.TIMINGS))
