"""Are a lesson's hidden checks fair on every grading seed? Run them on many and count.

    worldlab check --seeds N [LESSON ...]

Under ``worldlab grade`` every submission gets its own grading seed, so a check is fair only if
it gives the same verdict on every seed: on each of ``N`` seeds, in this process,

* the **reference** answers pass every check;
* the **stub** of an exercise (the student notebook's ``raise NotImplementedError()``, the other
  exercises left as the reference) fails every check of that exercise;
* each **wrong answer** in the lesson's test notes (``tests/course/wrong_answers/<id>.py``, the
  other exercises left as the reference) fails a check of *its own* exercise on at least
  :data:`LEAST_CATCH_SHARE` of the seeds. A wrong answer that only another exercise's check
  catches is charged to the wrong exercise, and counts as not caught.

A check judges the exercise whose answer cell it follows (statement, stub, hints, visible test,
hidden checks). The report gives, per check, the seeds on which it misjudged and its slowest
seed; per wrong answer, the share of seeds on which it was caught and a seed on which it escaped.
"""

from __future__ import annotations

import runpy
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from worldlab.course.hidden_checks import hidden_blocks, run_hidden_checks
from worldlab.course.lessons import Lesson
from worldlab.course.references import (
    answer_names,
    exercise_of_tests,
    load_reference,
    load_stubs,
)

#: A wrong answer must be caught on at least this share of the seeds.
LEAST_CATCH_SHARE = 0.95


@dataclass
class CheckRecord:
    """One hidden check over the seeds: where the reference failed, where the stub passed."""

    lesson: str
    test_id: str
    check: str
    exercise: str
    seeds: int = 0
    reference_failures: dict[int, str] = field(default_factory=dict)
    stub_passes: list[int] = field(default_factory=list)
    slowest: tuple[float, int] = (0.0, -1)

    @property
    def fair(self) -> bool:
        return not self.reference_failures and not self.stub_passes


@dataclass
class WrongRecord:
    """One wrong answer over the seeds: where its own exercise's checks caught it."""

    lesson: str
    exercise: str
    what: str
    caught: list[int] = field(default_factory=list)
    escaped: list[int] = field(default_factory=list)
    caught_elsewhere: list[int] = field(default_factory=list)

    @property
    def share(self) -> float:
        total = len(self.caught) + len(self.escaped)
        return len(self.caught) / total if total else float("nan")

    @property
    def fair(self) -> bool:
        return self.share >= LEAST_CATCH_SHARE


@dataclass
class SeedReport:
    """Everything ``worldlab check --seeds`` measured for some lessons."""

    checks: list[CheckRecord] = field(default_factory=list)
    wrong: list[WrongRecord] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.fair for c in self.checks) and all(w.fair for w in self.wrong)


def wrong_answers(lesson: Lesson) -> list[tuple[str, str, Callable]]:
    """The lesson's hand-written wrong answers, ``(exercise, what is wrong, function)``."""
    path = lesson.root / "tests" / "course" / "wrong_answers" / f"{lesson.id}.py"
    return list(runpy.run_path(str(path)).get("WRONG_ANSWERS", [])) if path.is_file() else []


def grading_seeds(n: int, first: int = 1) -> list[int]:
    """``n`` grading seeds, ``first``, ``first + 1``, ... (the same run gives the same seeds)."""
    if n < 1:
        raise ValueError(f"the number of seeds must be at least 1, got {n}")
    return list(range(first, first + n))


def measure_lesson(
    lesson: Lesson,
    seeds: Iterable[int],
    progress: Callable[[str], None] | None = None,
) -> SeedReport:
    """Run every hidden check of ``lesson`` on each seed with references, stubs and wrong answers."""
    seeds = list(seeds)
    names = answer_names(lesson.id, lesson.root)
    reference = {name: load_reference(lesson.id, name, lesson.root) for name in names}
    stubs = load_stubs(lesson.id, lesson.root)
    owner = exercise_of_tests(lesson.id, lesson.root)
    blocks = hidden_blocks(lesson.id, lesson.root)
    by_exercise: dict[tuple[str, ...], list[tuple[str, str]]] = {}
    for test_id, block in blocks:
        by_exercise.setdefault(owner.get(test_id, ()), []).append((test_id, block))

    report = SeedReport()
    records: dict[tuple[str, str], CheckRecord] = {}
    cases = [
        WrongRecord(lesson.id, name, what)
        for name, what, _ in wrong_answers(lesson)
        if name in names
    ]
    functions = [fn for name, _, fn in wrong_answers(lesson) if name in names]
    for index, seed in enumerate(seeds):
        if progress:
            progress(f"{lesson.id}: seed {seed} ({index + 1}/{len(seeds)})")
        # the reference, one check at a time so each is timed
        for test_id, block in blocks:
            started = time.monotonic()
            results = run_hidden_checks(lesson.id, reference, blocks=[(test_id, block)], seed=seed)
            spent = time.monotonic() - started
            for result in results:
                key = (test_id, result.check)
                if key not in records:
                    exercise = ", ".join(owner.get(test_id, ("?",)))
                    records[key] = CheckRecord(lesson.id, test_id, result.check, exercise)
                record = records[key]
                record.seeds += 1
                record.slowest = max(record.slowest, (spent / len(results), seed))
                if not result.passed:
                    record.reference_failures[seed] = result.failure or ""
        # the stub of each exercise, the others left as the reference
        for exercise, own in by_exercise.items():
            if not exercise:
                continue
            namespace = {**reference, **{n: stubs[n] for n in exercise if n in stubs}}
            for result in run_hidden_checks(lesson.id, namespace, blocks=own, seed=seed):
                if result.passed:
                    records[(result.test_id, result.check)].stub_passes.append(seed)
        # each wrong answer, judged by its own exercise's checks
        for case, function in zip(cases, functions, strict=True):
            exercise = next((e for e in by_exercise if case.exercise in e), ())
            own = by_exercise.get(exercise, [])
            namespace = {**reference, case.exercise: function}
            results = run_hidden_checks(
                lesson.id, namespace, blocks=own, seed=seed, stop_at_first_failure=True
            )
            if any(not r.passed for r in results):
                case.caught.append(seed)
                continue
            case.escaped.append(seed)
            others = [b for b in blocks if b not in own]
            results = run_hidden_checks(
                lesson.id, namespace, blocks=others, seed=seed, stop_at_first_failure=True
            )
            if any(not r.passed for r in results):
                case.caught_elsewhere.append(seed)
    report.checks = list(records.values())
    report.wrong = cases
    return report


def _seeds(seeds: list[int], most: int = 5) -> str:
    shown = ", ".join(str(s) for s in seeds[:most])
    return shown + (f", … ({len(seeds)} in all)" if len(seeds) > most else "")


def format_report(report: SeedReport) -> str:
    """The table ``worldlab check --seeds`` prints: one line per check, then per wrong answer."""
    header = (
        f"{'lesson':<30} {'check':<44} {'seeds':>5} {'ref ok':>6} {'stub ✗':>6} "
        f"{'slowest':>12}  worst seed"
    )
    lines = [header, "-" * len(header)]
    for c in report.checks:
        ref_ok = c.seeds - len(c.reference_failures)
        stub_failed = c.seeds - len(c.stub_passes)
        if c.reference_failures:
            seed, message = next(iter(c.reference_failures.items()))
            worst = f"reference fails on seed {seed}: {message[:120]}"
        elif c.stub_passes:
            worst = f"stub passes on seed {c.stub_passes[0]}"
        else:
            worst = f"none misjudged (slowest seed {c.slowest[1]})"
        slowest = f"{c.slowest[0]:.2f} s"
        name = f"{c.test_id}:{c.check}"
        if len(name) > 44:
            name = name[:43] + "…"
        lines.append(
            f"{c.lesson:<30} {name:<44} {c.seeds:>5} {ref_ok:>6} {stub_failed:>6} "
            f"{slowest:>12}  {worst}"
        )
    lines += ["", f"{'lesson':<30} {'exercise':<26} {'caught':>7}  wrong answer"]
    lines.append("-" * len(header))
    for w in report.wrong:
        mark = "" if w.fair else "  <-- under 95%"
        escaped = f"; escapes on seed {w.escaped[0]}" if w.escaped else ""
        elsewhere = (
            f"; caught only by another exercise's check on {len(w.caught_elsewhere)} seeds"
            if w.caught_elsewhere
            else ""
        )
        lines.append(
            f"{w.lesson:<30} {w.exercise:<26} {w.share:>7.0%}  {w.what}{escaped}{elsewhere}{mark}"
        )
    unfair = [c for c in report.checks if not c.fair]
    weak = [w for w in report.wrong if not w.fair]
    lines.append("")
    lines.append(
        "fair on every seed"
        if report.ok
        else f"{len(unfair)} check(s) misjudge the reference or a stub; "
        f"{len(weak)} wrong answer(s) caught on under {LEAST_CATCH_SHARE:.0%} of the seeds"
    )
    return "\n".join(lines)
