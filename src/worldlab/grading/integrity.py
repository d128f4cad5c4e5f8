"""What the trusted side adds to a submission's run so that student code cannot fake its grade.

* :func:`job_fields` — computed once per lesson from the instructor's and the released notebooks:
  the hidden checks that run in the grader (:mod:`worldlab.grading.remote_checks`), the secret seed
  (read from the grader's ``WORLDLAB_GRADING_SEED``; it never enters the kernel's environment),
  each graded cell's points as released, and the hidden tests' lines (for redaction).
* :func:`apply_release_points` — points and cell kinds come from the release, never from the
  student's metadata.
* :func:`with_seed_literal` — an in-kernel hidden block gets the seed as a literal at grading time.
* :func:`redact_hidden_lines` — an output line that reproduces a hidden test's line is removed from
  the autograded notebook (so from the feedback), and flagged outside the tests.
"""

from __future__ import annotations

import ast
import hashlib
import hmac
import re

from nbformat import NotebookNode

from worldlab.course.markings import BEGIN_HIDDEN, END_HIDDEN
from worldlab.grading.remote_checks import HiddenCheck, hidden_checks, split_hidden

#: Shortest hidden-test line that is redacted when it shows up in an output.
MIN_REDACTED_LINE = 8
REDACTED = "[a line of the hidden tests, removed by the grader]"
#: Flag (a run reason) when a non-test cell printed hidden-test text.
HIDDEN_TEXT_IN_OUTPUT = "hidden-test text in the output"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _meta(cell: NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def _is_test(cell: NotebookNode) -> bool:
    meta = _meta(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def release_points(release: NotebookNode) -> dict[str, dict]:
    """``grade_id -> the release's nbgrader metadata`` of every graded or locked cell."""
    return {
        _meta(c)["grade_id"]: dict(_meta(c))
        for c in release.cells
        if _meta(c).get("grade_id") and (_meta(c).get("grade") or _meta(c).get("locked"))
    }


def hidden_lines(instructor: NotebookNode, release: NotebookNode) -> tuple[str, ...]:
    """The hidden blocks' lines worth redacting (long enough, not also in the release's code)."""
    public = {
        line.strip()
        for cell in release.cells
        if cell.cell_type == "code"
        for line in cell.source.splitlines()
    }
    lines: dict[str, None] = {}
    for cell in instructor.cells:
        parts = split_hidden(cell.source) if _is_test(cell) else None
        if parts is None:
            continue
        for line in [BEGIN_HIDDEN, END_HIDDEN, *parts[1].splitlines()]:
            stripped = line.strip()
            if len(stripped) >= MIN_REDACTED_LINE and stripped not in public:
                lines[stripped] = None
    return tuple(lines)


def job_fields(instructor: NotebookNode, release: NotebookNode) -> dict:
    """The integrity fields of a :class:`~worldlab.grading.execute.Job` for one lesson."""
    from worldlab.grading.visible_checks import visible_tests
    from worldlab.testing import grading_seed

    return {
        "checks": hidden_checks(instructor),
        "visible": visible_tests(instructor),
        "seed": grading_seed(),
        "points": release_points(release),
        "hidden_lines": hidden_lines(instructor, release),
    }


#: Bits of secret an instructor's seed should have (below it, ``worldlab grade`` warns).
SECRET_BITS = 128


def submission_seed(secret: int, *parts: str) -> int:
    """The seed of one submission's hidden checks: a 128-bit HMAC of ``parts`` keyed by ``secret``.

    ``parts`` name the submission (assignment, student, notebook, the digest of its files), so
    inputs seen in one student's feedback say nothing about another student's, nor about the
    inputs of a resubmission, while a regrade of the same files repeats itself. Without the secret
    the seed cannot be recomputed, and the secret cannot be recovered from seeds.
    """
    message = "\0".join(parts).encode("utf-8", "surrogatepass")
    digest = hmac.new(str(int(secret)).encode(), message, hashlib.sha256).digest()
    return int.from_bytes(digest[:16], "big")


def apply_release_points(nb: NotebookNode, points: dict[str, dict]) -> None:
    """Make every graded cell's nbgrader metadata (points, kind) the release's (in place)."""
    for cell in nb.cells:
        meta = _meta(cell)
        released = points.get(meta.get("grade_id"))
        if released is None:
            continue
        cell.metadata["nbgrader"] = dict(released)


def seed_line(seed: int) -> str:
    """The line that gives an in-kernel hidden block its ``grading_rng`` (redacted from outputs)."""
    return (
        "grading_rng = (lambda _seed: lambda stream=0: "
        f"__import__('numpy').random.default_rng([_seed, stream]))({int(seed)})"
    )


def with_seed_literal(source: str, seed: int) -> str:
    """``source`` with its hidden block drawing ``grading_rng`` from the literal ``seed``."""
    parts = split_hidden(source)
    if parts is None or "grading_rng" not in parts[1]:
        return source
    before, rest = source.split(BEGIN_HIDDEN, 1)
    block, after = rest.split(END_HIDDEN, 1)
    block = re.sub(r"\b(?:worldlab\s*\.\s*)?testing\s*\.\s*grading_rng\s*\(", "grading_rng(", block)
    lines = block.split("\n")
    insert_at = 1  # after the marker's line break
    try:
        for node in ast.parse(block).body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                insert_at = (node.end_lineno or node.lineno) - 1 + 1
    except SyntaxError:
        pass
    lines.insert(insert_at, seed_line(seed))
    return before + BEGIN_HIDDEN + "\n".join(lines) + END_HIDDEN + after


def _redact_text(text: str, hidden: tuple[str, ...]) -> tuple[str, int]:
    out, hits = [], 0
    for line in text.split("\n"):
        plain = _ANSI.sub("", line)
        if plain.strip() and any(h in plain for h in hidden):
            out.append(REDACTED)
            hits += 1
        else:
            out.append(line)
    return "\n".join(out), hits


def redact_hidden_lines(nb: NotebookNode, hidden: tuple[str, ...]) -> str | None:
    """Remove every output line holding a hidden test's line (in place); a flag, or None."""
    if not hidden:
        return None
    flagged = []
    for index, cell in enumerate(nb.cells):
        hits = 0
        for out in cell.get("outputs", []):
            kind = out.get("output_type")
            if kind == "stream":
                out["text"], n = _redact_text(out.get("text", ""), hidden)
                hits += n
            elif kind in ("execute_result", "display_data"):
                for mime, value in (out.get("data") or {}).items():
                    if isinstance(value, str):
                        out["data"][mime], n = _redact_text(value, hidden)
                        hits += n
            elif kind == "error":
                out["evalue"], n = _redact_text(str(out.get("evalue", "")), hidden)
                hits += n
                lines = [_redact_text(str(t), hidden) for t in out.get("traceback", [])]
                out["traceback"] = [t for t, _ in lines]
                hits += sum(n for _, n in lines)
        if hits and not _is_test(cell):
            flagged.append(f"cell {index}, {hits} line(s) removed")
    if not flagged:
        return None
    return f"{HIDDEN_TEXT_IN_OUTPUT} ({'; '.join(flagged)})"


__all__ = [
    "HiddenCheck",
    "apply_release_points",
    "hidden_lines",
    "job_fields",
    "redact_hidden_lines",
    "release_points",
    "seed_line",
    "with_seed_literal",
]
