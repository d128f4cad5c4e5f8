"""Numbers a lesson's text quotes come from its outputs: nobody types a result into the prose.

Every number in a lesson's markdown — prose, captions, summaries, model answers — must be one
that an output of the executed solution (``solutions/<id>/<id>.ipynb``) prints, at the precision
the text gives it ("about 0.41" matches a printed 0.4132; "34%" matches 0.341 or 34.1%), or a
setting written in the lesson's own code (``s = 0.9``, ``range(30)``: a reader can see it is set,
not measured) or in an exercise's test (the rule a statement quotes: "at least 0.8 on 20 seeds"),
or one of the constants below. A number that is none of these was typed, and
drifts from the output the moment a seed or a default changes: print it from a cell (or insert
it with myst-nb's ``glue``) instead.

Lessons not yet fixed are listed in :data:`PENDING` with the numbers still typed. The test
needs each list to be exact: it fails when a number is fixed (take it off the list) as well as
when a new one appears, so the list only shrinks.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

import nbformat
import pytest

from worldlab.course.lessons import all_lessons
from worldlab.course.markings import instructor_notebook

ROOT = Path(__file__).resolve().parents[2]
LESSONS = all_lessons(ROOT)

#: Constants any lesson may write without printing them: counts up to ten (exercises, hints,
#: panels, "one of 3 moves"), the level of every interval (95%, from the 2.5% and 97.5%
#: quantiles, ±1.96 standard errors for a normal) and the base of a share (100%).
CONSTANTS = {*(str(n) for n in range(11)), "95", "100", "2.5", "97.5", "1.96"}
#: Words after which a number is a label, not a quantity: "Figure 7", "§5", "lesson 03",
#: "Exercise 2", "claim C04", "phase 1", "world 2", "Hint 1", "step 3", "seed 4".
LABELS = (
    r"§|[Ss]ections?|[Ff]ig(?:ure)?s?\.?|[Ee]xercises?|[Hh]ints?|[Ll]essons?|[Cc]laims?|[Pp]arts?"
    r"|[Tt]ables?|[Pp]hases?|[Ww]orlds?|[Ss]teps?|[Ss]eeds?|[Tt]asks?|[Rr]eflections?|[Qq]uestions?"
    r"|[Pp]anels?|[Rr]ooms?|[Ll]evels?"
)
_LABELLED = re.compile(rf"(?:{LABELS})\s*\d+[a-z]?(?:\s*(?:–|-|,|and|or|to|&)\s*\d+[a-z]?)*")
#: A number as prose writes it: sign (ASCII or Unicode minus), thousands separators, decimals,
#: an optional percent. Not part of a word or an identifier (C04, x2, 3-gram, 1e-3, v1.2).
NUMBER = re.compile(
    r"(?<![\w.\-−/])([+\-−±]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(\s?%)?(?![\w\-]|\.\d)"
)
YEAR = re.compile(r"^(19\d\d|20[0-3]\d)$")

#: Lessons whose text still quotes numbers no output prints: {lesson: numbers as written}.
PENDING: dict[str, list[str]] = {}


def _clean_markdown(text: str) -> str:
    """Markdown without what holds numbers that are not quantities: links and URLs, HTML tags,
    headings' numbers, list numbering, the header's time line (computed by the time rule) and
    the further-reading list (volumes, pages, years)."""
    text = re.split(r"^\**#*\s*further reading", text, maxsplit=1, flags=re.I | re.M)[0]
    text = re.sub(r"^\*\*Estimated time:\*\*.*?(?=^\s*$|^\*\*|\Z)", "", text, flags=re.M | re.S)
    text = re.sub(r"https?://\S+|doi:\S+|arXiv:\S+", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)  # link targets
    text = re.sub(r"<[^>]+>", " ", text)  # HTML tags (<details>, <img …>)
    text = re.sub(r"^#+\s*\d+[a-z]?\.?", "", text, flags=re.M)  # "## 5. …"
    text = re.sub(r"^\s*\d+\.\s", "", text, flags=re.M)  # ordered lists
    text = re.sub(r"\d[\d,]*(?:\s*[–-]\s*\d[\d,]*)?\s+words\b", " ", text)  # "200–300 words"
    return _LABELLED.sub(" ", text)


def _value(sign: str, digits: str, decimals: str | None) -> float:
    value = float(digits.replace(",", "") + (decimals or ""))
    return -value if sign in "-−" and sign else value


def prose_numbers(text: str) -> list[tuple[str, float, int, bool]]:
    """(as written, value, decimals, is a percentage) for every quantity in markdown text."""
    found = []
    for match in NUMBER.finditer(_clean_markdown(text)):
        sign, digits, decimals, percent = match.groups()
        written = match.group(0).strip()
        if YEAR.match(digits) and not decimals and not percent:
            continue
        places = len(decimals) - 1 if decimals else 0
        found.append((written, _value(sign, digits, decimals), places, bool(percent)))
    return found


_ANY_NUMBER = re.compile(r"[+\-−]?\d[\d,]*(?:\.\d+)?(?:[eE][+\-]?\d+)?")


def _numbers_in(text: str) -> set[float]:
    text = re.sub(r"(?<=\d)_(?=\d)", "", text)  # 4_000 in code
    values = set()
    for token in _ANY_NUMBER.findall(text):
        token = token.replace("−", "-").replace(",", "")
        try:
            values.add(abs(float(token)))
        except ValueError:
            continue
    return values


def _output_text(output) -> str:
    if output.get("output_type") == "stream":
        return output.get("text", "")
    data = output.get("data", {})
    parts = [data.get(kind, "") for kind in ("text/plain", "text/markdown", "text/html")]
    # machine outputs the lesson prints (a verdict's rows), not the figure-style check's report
    parts += [
        str(value)
        for kind, value in data.items()
        if kind.endswith("+json") and "figure-style" not in kind
    ]
    return re.sub(r"<[^>]+>", " ", "\n".join(str(p) for p in parts))


@cache
def _printed(lesson_id: str) -> frozenset[float]:
    """Every number the executed solution prints (absolute values)."""
    path = ROOT / "solutions" / lesson_id / f"{lesson_id}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    values = set()
    for cell in notebook.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            values |= _numbers_in(_output_text(output))
    return frozenset(values)


@cache
def _lesson(lesson_id: str):
    lesson = next(lesson for lesson in LESSONS if lesson.id == lesson_id)
    return instructor_notebook(lesson.source, lesson.id)


def _settings(lesson_id: str) -> frozenset[float]:
    """Numbers written in the lesson's code: settings a reader sees set, and the rules of its
    checks (an exercise statement that says "at least 0.8 on 20 seeds" quotes its test's code,
    visible or hidden, and drifts from it the moment the test changes — so it must match)."""
    values = set()
    for cell in _lesson(lesson_id).cells:
        if cell.cell_type == "code":
            values |= _numbers_in(cell.source)
    return frozenset(values)


def matches(value: float, places: int, percent: bool, candidates: frozenset[float]) -> bool:
    """True if a printed number rounds to ``value`` at the text's precision (a percentage also
    matches a printed share, 34% ~ 0.341)."""
    target, half = abs(value), 0.5 * 10.0**-places + 1e-9
    for candidate in candidates:
        if abs(candidate - target) <= half:
            return True
        if percent and abs(100 * candidate - target) <= half:
            return True
    return False


def typed_numbers(lesson_id: str) -> list[str]:
    """The numbers of a lesson's markdown that no output prints and no setting or constant
    explains, as written, in order."""
    printed, settings = _printed(lesson_id), _settings(lesson_id)
    typed = []
    for cell in _lesson(lesson_id).cells:
        if cell.cell_type != "markdown":
            continue
        for written, value, places, percent in prose_numbers(cell.source):
            bare = written.lstrip("+-−±").replace("%", "").strip()
            if bare in CONSTANTS:
                continue
            if matches(value, places, percent, printed):
                continue
            if not percent and matches(value, places, False, settings):
                continue
            typed.append(written)
    return typed


def test_the_scanner_reads_numbers_as_prose_writes_them():
    text = (
        "## 5. Results\n\n1. first\n\nFigure 7 and §4 and lessons 00–07 show it (150–250 words): about 0.41 "
        "(−0.157) on 3,350 tokens, 34% of the time, C04 and 3-gram aside, in 2018 "
        "(https://arxiv.org/abs/1709.06560).\n\n**Further reading**\n\n- Efron (1979), 7(1), 1–26."
    )
    assert [w for w, *_ in prose_numbers(text)] == ["0.41", "−0.157", "3,350", "34%"]
    [(_, value, places, percent)] = prose_numbers("a drop of −0.34 here")
    assert (value, places, percent) == (-0.34, 2, False)


def test_matching_follows_the_precision_of_the_text():
    printed = frozenset({0.4132, 0.965, 12.0})
    assert matches(0.41, 2, False, printed)
    assert matches(41, 0, True, printed), "41% is a printed share of 0.4132"
    assert not matches(34, 0, True, printed), "01 §5: 34% where the cell prints 0.413"
    assert not matches(0.92, 2, False, printed), "02 §4: 0.92 where the cell prints 0.965"
    assert matches(12, 0, False, printed) and not matches(12.5, 1, False, printed)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_every_number_in_the_text_is_printed_by_the_lesson(lesson):
    typed = typed_numbers(lesson.id)
    pending = PENDING.get(lesson.id, [])
    new = sorted((Counter(typed) - Counter(pending)).elements())
    fixed = sorted((Counter(pending) - Counter(typed)).elements())
    assert not new, (
        f"{lesson.id}: the text quotes {new}, which no output of solutions/{lesson.id} prints "
        "(nor a setting in its code, nor a constant of this test): print the number from a "
        "cell, or glue it, instead of typing it"
    )
    assert not fixed, (
        f"{lesson.id}: {fixed} are no longer typed in the text; take them off PENDING in "
        "tests/course/test_prose_numbers.py"
    )


def test_pending_names_only_lessons_that_exist():
    assert set(PENDING) <= {lesson.id for lesson in LESSONS}


if __name__ == "__main__":  # print PENDING as it should be now (for the maintainer to paste)
    print("PENDING: dict[str, list[str]] = {")
    for lesson in LESSONS:
        if typed := typed_numbers(lesson.id):
            print(f"    {lesson.id!r}: {typed!r},")
    print("}")
