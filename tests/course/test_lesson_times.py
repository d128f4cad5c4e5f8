"""Each lesson's header states the time the course's rule gives it, section by section.

The rule (course/README.md, "How long a lesson takes") is :mod:`worldlab.course.timing`;
``worldlab times --write LESSON`` writes the header's time line from it. A header may lag the
rule by the rule's own grain (a minute or 10% a section, 5% in total), so a small edit to the
prose does not fail here, a new section or exercise does.
"""

from __future__ import annotations

import re
import textwrap

import pytest
from course_helpers import HEADER

from worldlab.course import timing
from worldlab.course.lessons import all_lessons

LESSONS = all_lessons()
STATED = re.compile(r"(\d+) minutes for a first-time reader, by section: (.*?) \(", re.S)


def parse_time_line(line: str) -> tuple[int, list[tuple[str, int]]]:
    """(total, [(label, minutes), …]) from a header's time line written by the rule."""
    match = STATED.search(" ".join(line.split()))
    if not match:
        raise ValueError(f"not a time line the rule writes: {line!r}")
    parts = []
    for part in match.group(2).split(", "):
        label, _, minutes = part.rpartition(" ")
        parts.append((label, int(minutes)))
    return int(match.group(1)), parts


def _close(stated: float, rule: float, share: float, floor: float) -> bool:
    return abs(stated - rule) <= max(floor, share * rule)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_header_time_agrees_with_the_rule(lesson):
    fix = f"run `worldlab times --write {lesson.id}` and rebuild the lesson"
    try:
        total, stated = parse_time_line(timing.stated_time_line(lesson.source))
    except ValueError as exc:
        pytest.fail(f"{lesson.id}: {exc}; {fix}")
    rule_total, rule = timing.lesson_minutes(lesson.source)
    assert [label for label, _ in stated] == [label for label, _ in rule], (
        f"{lesson.id}: the header's sections {[k for k, _ in stated]} are not the lesson's "
        f"{[k for k, _ in rule]}; {fix}"
    )
    assert total == sum(m for _, m in stated), f"{lesson.id}: the header's sections do not add up"
    for (label, minutes), (_, expected) in zip(stated, rule, strict=True):
        assert _close(minutes, expected, 0.10, 1), (
            f"{lesson.id} {label}: the header says {minutes} min, the rule {expected}; {fix}"
        )
    assert _close(total, rule_total, 0.05, 1), (
        f"{lesson.id}: the header says {total} min, the rule {rule_total}; {fix}"
    )


LESSON = HEADER + textwrap.dedent(
    """
    # Lesson 99 — A tiny lesson

    **Debate claims:** C01.
    **Prerequisites:** none.
    **Estimated time:** 1 minute.
    **Something else:** stays.

    ## The claim in plain words

    {prose}

    ```{{code-cell}} ipython3
    ---
    mystnb:
      image:
        alt: a figure
    ---
    x = 1 + 1
    ```

    ## 1. A section

    <details><summary>Think first</summary>What do you expect?</details>

    ### Exercise 1 — Design task: choose something

    ```{{code-cell}} ipython3
    def choose():
        ### BEGIN SOLUTION
        return 1
        ### END SOLUTION
    ```

    ### Exercise 2 — Double

    ```{{code-cell}} ipython3
    def double(x):
        ### BEGIN SOLUTION
        return 2 * x
        ### END SOLUTION
    ```

    ```{{code-cell}} ipython3
    :test: double_hidden
    :points: 1

    # one visible line
    ### BEGIN HIDDEN TESTS
    assert double(2) == 4 and double(3) == 6 and double(4) == 8 and double(5) == 10
    ### END HIDDEN TESTS
    ```

    ## 2. Reflection

    Why? Write 150–200 words.

    +++ {{"answer": "why", "points": 2}}

    A long model answer that no student reads {filler}

    ## Going further

    {prose}
    """
)


def test_the_rule_prices_each_part_of_a_section(tmp_path):
    source = tmp_path / "99-tiny.md"
    source.write_text(LESSON.format(prose="word " * 260, filler="word " * 500), encoding="utf-8")
    sections = {s.label: s for s in timing.section_times(source, "99-tiny")}
    assert list(sections) == ["start", "the claim", "§1", "§2"], "Going further is optional"
    claim = sections["the claim"]
    # the heading (6 words), the prose (260) and the code cell (5 words)
    assert (claim.words, claim.code_cells, claim.figures) == (6 + 260 + 5, 1, 1)
    one = sections["§1"]
    assert (one.design_tasks, one.exercises, one.predictions) == (1, 1, 1)
    assert one.code_cells == 1 and one.words < 40, "hidden tests are not read, answers not priced"
    assert sections["§2"].writing == [200 / timing.WRITING_WPM], "the stated length sets the time"
    assert sections["§2"].words < 20, "the model answer is not read"
    assert sections["start"].words == 7 + 3 + 2 + 3, "the time line does not price itself"


def test_write_time_line_replaces_only_the_time_line_and_is_stable(tmp_path):
    source = tmp_path / "99-tiny.md"
    source.write_text(LESSON.format(prose="word " * 260, filler="x"), encoding="utf-8")
    before = source.read_text(encoding="utf-8")
    assert timing.write_time_line(source)
    after = source.read_text(encoding="utf-8")
    assert "**Something else:** stays." in after and "1 minute." not in after
    assert after.replace(timing.stated_time_line(source), "") == before.replace(
        "**Estimated time:** 1 minute.", ""
    )
    total, parts = parse_time_line(timing.stated_time_line(source))
    assert (total, parts) == timing.lesson_minutes(source)
    assert not timing.write_time_line(source), "writing twice changes nothing"


def test_a_header_without_a_time_line_is_named(tmp_path):
    source = tmp_path / "99-tiny.md"
    source.write_text(HEADER + "\n# Lesson\n\nno header\n", encoding="utf-8")
    with pytest.raises(ValueError, match="Estimated time"):
        timing.stated_time_line(source)
