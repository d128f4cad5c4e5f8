"""Every lesson meets the lesson contract of DESIGN.md in the parts a program can see.

Header (claims, prerequisites, time), two folded hints before each exercise's visible test, a
folded "Think first" prompt, alt text on every figure, a verdict drawn from data/verdicts/, and
a link for every paper in further reading.
"""

import re

import nbformat
import pytest

from worldlab.course.lessons import all_lessons
from worldlab.course.markings import instructor_notebook
from worldlab.debate import VERDICT_STATUSES, load_claims, load_verdicts

LESSONS = all_lessons()
CLAIM_ID = re.compile(r"\bC\d\d\b")


def _cells(lesson):
    return instructor_notebook(lesson.source, lesson.id).cells


def _kind(cell) -> str:
    meta = cell.metadata.get("nbgrader", {})
    if cell.cell_type == "code" and meta.get("solution") and not meta.get("grade"):
        return "answer"
    if meta.get("grade") and not meta.get("solution"):
        return "test"
    return cell.cell_type


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_header_names_claims_prerequisites_and_time(lesson):
    head = _cells(lesson)[0].source
    for label in ("**Debate claims:**", "**Prerequisites:**", "**Estimated time:**"):
        assert label in head, f"{lesson.id}: the first cell needs a {label} line"
    assert CLAIM_ID.search(head), f"{lesson.id}: the header names no claim id (C01…C33)"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_two_folded_hints_come_before_each_visible_test(lesson):
    cells = _cells(lesson)
    for index, cell in enumerate(cells):
        if _kind(cell) != "answer":
            continue
        between = []
        for later in cells[index + 1 :]:
            if _kind(later) == "test":
                break
            between.append(later.source)
        text = "\n".join(between)
        name = cell.metadata["nbgrader"]["grade_id"]
        first, second = text.find("<summary>Hint 1"), text.find("<summary>Hint 2")
        assert 0 <= first < second, (
            f"{lesson.id}: exercise {name} needs <details><summary>Hint 1 …</summary> then "
            "Hint 2, between its stub and its visible test"
        )


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_there_is_a_think_first_prompt(lesson):
    text = "\n".join(c.source for c in _cells(lesson) if c.cell_type == "markdown")
    assert "<summary>Think first" in text, f"{lesson.id}: no folded 'Think first' prediction"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_every_figure_has_alt_text(lesson):
    solution = nbformat.read(lesson.solution, as_version=4)
    for cell in solution.cells:
        drew = any("image/png" in o.get("data", {}) for o in cell.get("outputs", []))
        if cell.cell_type != "code" or not drew:
            continue
        mystnb = cell.metadata.get("mystnb", {})
        alt = mystnb.get("image", {}).get("alt") or mystnb.get("figure", {}).get("alt")
        assert alt and len(alt) > 20, (
            f"{lesson.id}: the figure cell {cell.source.splitlines()[0]!r} needs a text "
            "alternative in its mystnb: image: alt: option"
        )


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_verdict_comes_from_the_verdict_data(lesson):
    sources = "\n".join(c.source for c in _cells(lesson))
    # the committed verdict, show_verdict("<id>"), or a computed one, show_verdict("<id>", rows)
    assert f'show_verdict("{lesson.id}"' in sources, f"{lesson.id}: no show_verdict cell"
    verdicts = load_verdicts()
    rows = verdicts[verdicts["lesson"] == lesson.id]
    assert not rows.empty, f"data/verdicts/{lesson.id}.csv is missing or empty"
    known = set(load_claims()["id"])
    assert set(rows["claim"]) <= known, f"{lesson.id}: verdict names unknown claims"
    assert set(rows["status"]) <= set(VERDICT_STATUSES)
    header_claims = set(CLAIM_ID.findall(_cells(lesson)[0].source))
    assert set(rows["claim"]) <= header_claims or lesson.id.startswith("00-"), (
        f"{lesson.id}: the verdict judges claims the header does not name"
    )


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_every_further_reading_has_a_link(lesson):
    text = lesson.source.read_text()
    _, _, reading = text.partition("**Further reading**")
    assert reading, f"{lesson.id}: no **Further reading** section"
    entries = re.findall(r"(?m)^- (.+(?:\n  .+)*)", reading)
    assert entries, f"{lesson.id}: further reading lists nothing"
    for entry in entries:
        assert re.search(r"https://\S+", entry), (
            f"{lesson.id}: further-reading entry without a link (a DOI or arXiv link for a "
            f"paper): {entry[:70]!r}"
        )


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_hidden_tests_are_checks_run_outside_the_kernel(lesson):
    """Each hidden block holds only imports and @hidden_test checks (course/README.md)."""
    import ast

    from worldlab.course.markings import BEGIN_HIDDEN, END_HIDDEN

    streams = []
    for cell in _cells(lesson):
        if BEGIN_HIDDEN not in cell.source:
            continue
        before, _, rest = cell.source.partition(BEGIN_HIDDEN)
        block, _, after = rest.partition(END_HIDDEN)
        outside = [line for line in (before + after).splitlines() if line.strip()]
        assert all(line.lstrip().startswith("#") for line in outside), (
            f"{lesson.id}: a hidden-test cell holds code outside its hidden block"
        )
        tree = ast.parse(block)
        checks = []
        for node in tree.body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                continue
            assert isinstance(node, ast.FunctionDef), (
                f"{lesson.id}: a hidden block may hold only imports and checks, found "
                f"{ast.unparse(node)[:60]!r}"
            )
            decorator = node.decorator_list[0] if node.decorator_list else None
            assert (
                isinstance(decorator, ast.Call) and ast.unparse(decorator.func) == "hidden_test"
            ), f"{lesson.id}: {node.name} must be decorated with @hidden_test(globals(), stream=N)"
            stream = {k.arg: k.value for k in decorator.keywords}.get("stream")
            streams.append(ast.literal_eval(stream) if stream is not None else 0)
            checks.append(node.name)
        assert checks, f"{lesson.id}: a hidden block with no check"
    assert streams, f"{lesson.id} has no hidden checks"
    assert len(streams) == len(set(streams)), f"{lesson.id}: two checks share a stream {streams}"


def test_every_claim_is_tested_or_declared_untestable_by_a_lesson():
    """C01…C33 each appear in the header and the verdict of a lesson other than the map (00).

    A verdict row is either a finding with its interval or "untestable" with the reason.
    """
    covered_by_headers, covered_by_verdicts = set(), set()
    verdicts = load_verdicts()
    for lesson in LESSONS:
        if lesson.id.startswith("00-"):
            continue
        from worldlab.course.catalog import lesson_header

        covered_by_headers |= set(lesson_header(lesson).claims)
        covered_by_verdicts |= set(verdicts.loc[verdicts["lesson"] == lesson.id, "claim"])
    every = {f"C{number:02d}" for number in range(1, 34)}
    assert every <= covered_by_headers, (
        f"claims no lesson names: {sorted(every - covered_by_headers)}"
    )
    assert every <= covered_by_verdicts, (
        f"claims no verdict judges: {sorted(every - covered_by_verdicts)}"
    )
