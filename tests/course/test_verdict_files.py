"""data/verdicts/ is what the lessons computed, and fresh seeds re-judge it.

Every lesson whose solution shows a computed verdict (``show_verdict(lesson, rows)``) has a
``data/verdicts/<id>.csv`` that is exactly what the build harvests from the executed solution: no
row, number or status in it was typed. Lessons whose verdict is still typed are listed in
``TYPED`` and the list must shrink, never grow.
"""

import re

import nbformat
import pytest
from course_helpers import HEADER

from worldlab.course.build import solution_sources
from worldlab.course.execution import execute_notebook
from worldlab.course.fresh_verdicts import fresh_verdicts
from worldlab.course.lessons import Lesson, all_lessons
from worldlab.course.markings import instructor_notebook
from worldlab.course.verdicts import harvest, verdict_csv, verdict_path

LESSONS = all_lessons()
#: Lessons whose verdict is still typed prose (issue 24 converts them one by one).
TYPED: set[str] = set()
NUMBER = re.compile(r"[-+−]?\d+\.\d+")


def _harvested(lesson):
    return harvest(nbformat.read(lesson.solution, as_version=4), lesson.id)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_verdict_file_is_what_the_build_harvested(lesson):
    rows = _harvested(lesson)
    if lesson.id in TYPED:
        assert rows is None, f"{lesson.id} computes its verdict now: remove it from TYPED"
        return
    assert rows is not None, f"{lesson.id}: its solution shows no computed verdict"
    assert verdict_path(lesson).read_bytes() == verdict_csv(rows), (
        f"data/verdicts/{lesson.id}.csv is not what the build harvested: run "
        f"`worldlab build {lesson.id}`, never edit the file"
    )
    for row in rows:
        # the rule's own declared constants (its margin and reference) are not measurements
        declared = re.sub(r"±[\d.]+|(?:above|below|including|of) [\d.]+", "", row["finding"])
        shown = set(NUMBER.findall(declared))
        measured = set(NUMBER.findall(row["values"]))
        assert shown <= measured, (
            f"{lesson.id} {row['claim']}: the finding quotes {sorted(shown - measured)}, "
            "which the measured values do not hold"
        )


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_proportion_intervals_stay_in_their_range(lesson):
    for row in _harvested(lesson) or []:
        if not row["bounds"]:
            continue
        low_bound, high_bound = (float(x) for x in row["bounds"].split(".."))
        for value in row["table"]:
            assert low_bound <= value["low"] <= value["high"] <= high_bound, (lesson.id, row)


FAKE = (
    HEADER
    + """
# Lesson 99 — a verdict that holds and one that does not

```{code-cell} ipython3
import numpy as np
import pandas as pd
from worldlab.debate import VerdictRule, judge, show_verdict, verdict_seeds

seeds = np.array(verdict_seeds(range(10)))

def table(values):
    half = 2 * values.std(ddof=1) / np.sqrt(len(values))
    m = values.mean()
    return pd.DataFrame({"knob": [1], "estimate": [m], "low": [m - half], "high": [m + half]})

stable = VerdictRule("C22", "a gain that every seed shows", predictions={"O": "+", "S": "0"})
shaped = VerdictRule("C24", "a gap the lesson's seeds made", predictions={"S": "-", "O": "0"})
rows = [judge(stable, table(1 + 0.01 * (seeds % 3))), judge(shaped, table(seeds / 100 - 5))]
show_verdict("99-fake", rows)
```
"""
)


def test_fresh_seeds_rejudge_a_lesson_and_catch_a_changed_status(tmp_path, monkeypatch):
    # A maintainer's shell with the fresh-seed variable set does not leak into a build's run.
    monkeypatch.setenv("WORLDLAB_VERDICT_SEEDS", "1000:30")
    lesson = Lesson("99-fake", tmp_path)
    lesson.source.parent.mkdir(parents=True)
    lesson.source.write_text(FAKE)
    verdict_path(lesson).parent.mkdir(parents=True)
    nb = solution_sources(instructor_notebook(lesson.source, lesson.id))
    executed = execute_notebook(nb, lesson.source.parent, label="fake")
    committed = harvest(executed, lesson.id)
    assert [row["status"] for row in committed] == ["supported", "supported"]
    verdict_path(lesson).write_bytes(verdict_csv(committed))

    rows, problems = fresh_verdicts([lesson], seeds=4, start=1000, report=lambda text: None)
    assert not problems
    by_claim = {row.claim: row for row in rows}
    assert by_claim["C22"].holds and by_claim["C22"].fresh_values.startswith("1: +1.0")
    assert not by_claim["C24"].holds and by_claim["C24"].fresh_status == "contradicted"
    assert "CHANGES" in by_claim["C24"].text() and "lesson:" in by_claim["C24"].text()

    typed = Lesson("98-typed", tmp_path)
    typed.source.parent.mkdir(parents=True)
    typed.source.write_text(FAKE.replace('show_verdict("99-fake", rows)', "print(rows)"))
    rows, problems = fresh_verdicts([typed], seeds=4, report=lambda text: None)
    assert not rows and "typed, not computed" in problems[0]


def test_the_fresh_command_on_a_real_lesson(capsys):
    """``worldlab verdicts --fresh 12 --seeds 3``: every row reported with both values (cheap)."""
    from worldlab.cli import main
    from worldlab.course.lessons import resolve
    from worldlab.course.verdicts import read_committed

    (lesson,) = resolve(["12"])
    code = main(["verdicts", "--fresh", "12", "--seeds", "3", "--start", "5000"])
    out = capsys.readouterr().out
    committed = read_committed(lesson)
    assert out.count("    lesson: ") == len(committed) == out.count("    fresh:  ")
    assert out.count("(n=3)") >= len(committed), "fresh values come from the 3 fresh worlds"
    assert code == (1 if "CHANGES" in out else 0)
