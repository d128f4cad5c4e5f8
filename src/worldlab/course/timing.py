"""How long a lesson takes a first-time reader: the course's time rule, applied to a source.

The rule and the reasons for its constants are written in ``course/README.md`` ("How long a
lesson takes"); this module is that rule as code. :func:`section_times` splits a lesson source at
its ``##`` headings and prices each part; :func:`time_line` writes the header's
``**Estimated time:**`` line from it, and ``worldlab times --write`` puts that line into the
source. ``tests/course/test_lesson_times.py`` fails when a header disagrees with the rule.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from worldlab.course.markings import BEGIN_HIDDEN, END_HIDDEN, instructor_notebook

#: Words a minute for reading prose and code as a student sees it (see course/README.md).
READING_WPM = 130
#: Minutes to run a code cell and look at what it printed.
RUN_CELL_MIN = 0.25
#: Minutes to study a figure (a cell with alt text) or the verdict table against its caption.
FIGURE_MIN = 1.0
#: Minutes to play with an interactive demo.
DEMO_MIN = 3.0
#: Minutes to answer a folded "Think first" prompt (predict, then write the prediction down).
PREDICT_MIN = 2.0
#: Minutes for a coding exercise: the stub, the hints, a first try, a failed visible test, a fix.
EXERCISE_MIN = 12.0
#: Minutes for a design task (choose, build or justify something; beat the trivial choices).
DESIGN_TASK_MIN = 20.0
#: Minutes for a reflection question when it states no length.
REFLECTION_MIN = 8.0
#: Words a minute when composing a written answer.
WRITING_WPM = 20

#: Parts a reader may skip; they are left out of the estimate.
OPTIONAL_SECTIONS = ("going further",)
TIME_LABEL = "**Estimated time:**"
_WORD_RANGE = re.compile(r"(\d+)\s*(?:[–-]|to)\s*(\d+)\s+words")
_DESIGN = re.compile(r"^#{2,4}\s.*design task", re.I | re.M)


@dataclass
class SectionTime:
    """The priced parts of one section of a lesson (minutes, unrounded)."""

    title: str
    label: str
    words: int = 0
    code_cells: int = 0
    figures: int = 0
    demos: int = 0
    predictions: int = 0
    exercises: int = 0
    design_tasks: int = 0
    writing: list[float] = field(default_factory=list)

    @property
    def minutes(self) -> float:
        """Minutes a first-time reader spends on this section, by the rule."""
        return (
            self.words / READING_WPM
            + self.code_cells * RUN_CELL_MIN
            + self.figures * FIGURE_MIN
            + self.demos * DEMO_MIN
            + self.predictions * PREDICT_MIN
            + self.exercises * EXERCISE_MIN
            + self.design_tasks * DESIGN_TASK_MIN
            + sum(self.writing)
        )


def _words(text: str) -> int:
    return len(text.split())


def _without_time_line(text: str) -> str:
    """A header cell without its time line (the line must not price itself)."""
    lines, kept, skipping = text.split("\n"), [], False
    for line in lines:
        if line.startswith(TIME_LABEL):
            skipping = True
            continue
        if skipping and (not line.strip() or line.startswith("**")):
            skipping = False
        if not skipping:
            kept.append(line)
    return "\n".join(kept)


def _without_further_reading(text: str) -> str:
    """Markdown up to a "Further reading" list: the references are for later, not this sitting."""
    match = re.search(r"^\**#*\s*further reading", text, re.I | re.M)
    return text[: match.start()] if match else text


def _visible_code(source: str) -> str:
    """A test cell's code as the student sees it: hidden tests removed."""
    return re.sub(re.escape(BEGIN_HIDDEN) + r".*?" + re.escape(END_HIDDEN), "", source, flags=re.S)


def _reflection_minutes(question: str) -> float:
    """Minutes to write one answer: the upper bound of a stated length at
    :data:`WRITING_WPM`, or :data:`REFLECTION_MIN`."""
    ranges = _WORD_RANGE.findall(question)
    if ranges:
        return max(REFLECTION_MIN, max(int(high) for _, high in ranges) / WRITING_WPM)
    return REFLECTION_MIN


def _label(title: str) -> str:
    """``§3`` for a numbered section, else the title's first word or two (``the claim``)."""
    number = re.match(r"(\d+[a-z]?)\.", title)
    if number:
        return f"§{number.group(1)}"
    words = re.sub(r"[^\w\s-]", "", title.lower()).split()
    return " ".join(words[:2] if words[:1] == ["the"] else words[:1])


def section_times(source: Path, lesson_id: str | None = None) -> list[SectionTime]:
    """Price each ``##`` section of a lesson source by the time rule.

    The part before the first ``##`` heading (title, header, objectives) is the section
    ``"start"``. Sections named in :data:`OPTIONAL_SECTIONS` and "Further reading" lists are
    left out. An exercise is an answer cell (nbgrader's solution markers); it is a design task
    when a heading above it in its section says "Design task". A reflection is a manually graded
    answer cell; its model answer is not read (students write their own).

    Returns
    -------
    One :class:`SectionTime` per section, in order.
    """
    source = Path(source)
    notebook = instructor_notebook(source, lesson_id or source.stem)
    sections = [SectionTime(title="start", label="start")]
    design_level = 0  # the level of the "Design task" heading we are under, 0 if none
    previous_markdown = ""
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown":
            if meta.get("solution") and meta.get("grade"):  # a written answer
                # the model answer is not read: the student writes their own; a design task's
                # minutes include writing its justification
                if not design_level:
                    sections[-1].writing.append(_reflection_minutes(previous_markdown))
                continue
            previous_markdown = cell.source
            text = _without_further_reading(_without_time_line(cell.source))
            # A cell may hold several headings: each part is read in its own section.
            for part in re.split(r"^(?=#{2,4}\s)", text, flags=re.M):
                heading = re.match(r"^(#{2,4})\s+(.+)$", part, re.M)
                if heading:
                    level, title = len(heading.group(1)), heading.group(2).strip()
                    if level == 2:
                        sections.append(SectionTime(title=title, label=_label(title)))
                    if _DESIGN.match(heading.group(0)):
                        design_level = level
                    elif level <= design_level:  # a heading as high as the task's ends it
                        design_level = 0
                current = sections[-1]
                current.words += _words(part)
                current.predictions += len(re.findall(r"<summary>\s*Think first", part, re.I))
            continue
        current = sections[-1]
        if meta.get("solution") and not meta.get("grade"):  # an answer cell: an exercise
            if design_level:
                current.design_tasks += 1
                design_level = 0  # one design task, however many cells it spans
            else:
                current.exercises += 1
            continue
        code = _visible_code(cell.source)
        current.words += _words(code)
        current.code_cells += 1
        options = cell.metadata.get("mystnb", {})
        if (options.get("image") or {}).get("alt") or "show_verdict(" in code:
            current.figures += 1
        if re.search(r"\b(interactive_demo|build_demo)\(", code):
            current.demos += 1
    return [
        section
        for section in sections
        if section.title.lower() not in OPTIONAL_SECTIONS and section.minutes > 0
    ]


def lesson_minutes(source: Path) -> tuple[int, list[tuple[str, int]]]:
    """The lesson's total minutes and each section's (label, minutes), rounded to whole minutes;
    the total is the sum of the rounded sections, so the header adds up."""
    parts = [(s.label, max(1, math.floor(s.minutes + 0.5))) for s in section_times(source)]
    return sum(m for _, m in parts), parts


def time_line(source: Path) -> str:
    """The header's ``**Estimated time:**`` line for a lesson, wrapped at 100 characters."""
    total, parts = lesson_minutes(source)
    # a section's label and its minutes stay on one line (\x00 is a space that does not wrap)
    breakdown = ", ".join(f"{label} {minutes}".replace(" ", "\x00") for label, minutes in parts)
    text = (
        f"{TIME_LABEL} {total} minutes for a first-time reader, by section: {breakdown} "
        f"(the course's time rule: {READING_WPM} words a minute, {EXERCISE_MIN:g} minutes an "
        f"exercise, {DESIGN_TASK_MIN:g} a design task, {REFLECTION_MIN:g} or more a reflection)."
    )
    return _wrap(text, 100).replace("\x00", " ")


def _wrap(text: str, width: int) -> str:
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


def _time_span(text: str) -> tuple[int, int]:
    """Start and end offsets of the header's time line (it may wrap onto several lines)."""
    start = text.find("\n" + TIME_LABEL)
    if start < 0:
        raise ValueError(f"no line starting with {TIME_LABEL} in the lesson's header")
    start += 1
    end = text.find("\n", start)
    while end >= 0:
        following = text[end + 1 : text.find("\n", end + 1)]
        if not following.strip() or following.startswith("**"):
            break
        end = text.find("\n", end + 1)
    return start, end


def stated_time_line(source: Path) -> str:
    """The header's time line as the source states it now."""
    text = Path(source).read_text(encoding="utf-8")
    start, end = _time_span(text)
    return text[start:end]


def write_time_line(source: Path) -> bool:
    """Put the rule's time line into the source's header; True if the file changed."""
    source = Path(source)
    text = source.read_text(encoding="utf-8")
    start, end = _time_span(text)
    new = text[:start] + time_line(source) + text[end:]
    if new == text:
        return False
    source.write_text(new, encoding="utf-8")
    return True
