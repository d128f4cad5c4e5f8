"""Honest file reads: opening a file the assignment ships is not a tampering signal.

The scanner flags every ``open(`` or ``glob(`` in a student's code, since code that reads the
notebook or the grader's files is how tests get read. An assignment that ships a data file
beside its notebooks (``données brutes.txt``) asks the student to open it, so a line whose
every ``open``/``glob`` call names, as a plain string, a file the assignment ships is not flagged
for that (any other signal of the line still is).
"""

from __future__ import annotations

import ast
import io
import tokenize

from worldlab.grading.tamper import SIGNALS, TamperSignal, code_lines

#: The scanner's reason for file reads (see :data:`worldlab.grading.tamper.SIGNALS`).
READS_FILES = "reads the notebook or other files"
_CALLS = {"open", "glob"}


def _opens_only(line: str, shipped: frozenset[str]) -> bool:
    """Whether every ``open(``/``glob(`` call of ``line`` has a shipped file name as a literal."""
    try:
        tokens = [
            t
            for t in tokenize.generate_tokens(io.StringIO(line).readline)
            if t.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT)
        ]
    except (tokenize.TokenError, SyntaxError):
        tokens = []  # an unfinished line: judge what was read
    except Exception:
        return False
    calls = 0
    for index, token in enumerate(tokens):
        if token.type != tokenize.NAME or token.string not in _CALLS:
            continue
        calls += 1
        following = tokens[index + 1 : index + 3]
        if len(following) < 2 or following[0].string != "(":
            return False
        if following[1].type != tokenize.STRING:
            return False
        try:
            name = ast.literal_eval(following[1].string)
        except (ValueError, SyntaxError):
            return False
        if not isinstance(name, str) or name.removeprefix("./") not in shipped:
            return False
    return calls > 0


def drop_shipped_reads(signals: list[TamperSignal], shipped: frozenset[str]) -> list[TamperSignal]:
    """``signals`` without file reads of shipped files; a line that also matches another of the
    scanner's patterns keeps a signal with that reason."""
    kept = []
    for signal in signals:
        if signal.reason != READS_FILES or not _opens_only(signal.line, shipped):
            kept.append(signal)
            continue
        (code,) = code_lines(signal.line.replace("\n", " "))  # a '#' in a string stays code
        for reason, pattern in SIGNALS:
            if reason != READS_FILES and pattern.search(code):
                kept.append(TamperSignal(signal.cell, signal.line_number, signal.line, reason))
                break
    return kept
