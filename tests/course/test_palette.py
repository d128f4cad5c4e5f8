"""Colours keep one meaning across the course: every figure takes its colours from the palette.

The kit's drawing code and the lessons' code cells may name a colour only through
:mod:`worldlab.plots.palette` (``PALETTE["blue"]``, ``COLORS["grey"]``, ``ROLE["learner"]``,
``colormap("score")``…). A hex code, a matplotlib colour name (``"grey"``, ``"tab:red"``,
``"C3"``) or a colour map's name written anywhere else fails here, with the file and the line.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import matplotlib as mpl
import matplotlib.colors as mcolors
import pytest

from worldlab.course.lessons import all_lessons
from worldlab.plots import palette

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "worldlab"
#: The palette itself, and the course tooling (it draws no figure: it builds, checks, grades).
NOT_DRAWING = ("plots/palette.py", "course/", "grading/", "cli.py", "__main__.py")
HEX = re.compile(r"^#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")
NAMED = (
    {name for name in mcolors.CSS4_COLORS}
    | set(mcolors.TABLEAU_COLORS)
    | {f"C{i}" for i in range(10)}
)
COLORMAP_NAMES = set(mpl.colormaps)
#: Calls whose string argument names a palette entry, not a raw colour.
PALETTE_CALLS = {"color", "colormap"}
COLORMAP_CALLS = {"get_cmap"}

#: Lessons whose own code cells still name colours directly: {lesson: sorted literals}. The
#: lesson's helper converts them (``color="grey"`` → ``color=COLORS["grey"]`` with ``COLORS``
#: imported from ``worldlab.plots.palette``) and removes the entry. The test needs each list to
#: be exact, so it shrinks as lessons are converted and cannot go stale.
PENDING: dict[str, list[str]] = {}


def _code_cells(source: Path) -> list[str]:
    """The Python of each code cell of a lesson source (options and magics removed)."""
    text = source.read_text(encoding="utf-8")
    cells = []
    for cell in re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", text, re.S):
        lines = cell.split("\n")
        if lines and lines[0].strip() == "---":  # the cell's YAML options
            lines = lines[lines.index("---", 1) + 1 :]
        while lines and re.match(r"^:[\w-]+:", lines[0]):  # short-form options (:tags: …)
            lines = lines[1:]
        # IPython magics and shell escapes are not Python.
        cells.append("\n".join("" if ln.lstrip()[:1] in "%!" else ln for ln in lines))
    return cells


def _lesson_colours(source: Path) -> list[str]:
    return sorted(value for cell in _code_cells(source) for _, value in raw_colours(cell))


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def raw_colours(code: str) -> list[tuple[int, str]]:
    """(line, literal) of every colour written directly in ``code``: a hex code or a colour
    name anywhere, a colour map's name as ``cmap=`` or ``get_cmap(…)``. A string that indexes
    a table (``PALETTE["blue"]``) or is passed to the palette's ``color``/``colormap`` is a
    name the palette resolves, so it is not raw."""
    tree = ast.parse(code)
    exempt: set[int] = set()
    cmap_args: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript):
            exempt.add(id(node.slice))
        elif isinstance(node, ast.Call):
            name = _call_name(node)
            if name in PALETTE_CALLS:
                exempt.update(id(arg) for arg in node.args)
            if name in COLORMAP_CALLS:
                cmap_args.update(id(arg) for arg in node.args)
            cmap_args.update(id(kw.value) for kw in node.keywords if kw.arg == "cmap")
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if id(node) in exempt:
            continue
        value = node.value
        if HEX.match(value) or value in NAMED or value.startswith(("xkcd:", "tab:")):
            found.append((node.lineno, value))
        elif id(node) in cmap_args and value in COLORMAP_NAMES:
            found.append((node.lineno, value))
    return sorted(found)


def _kit_files() -> list[Path]:
    return sorted(
        path
        for path in PACKAGE.rglob("*.py")
        if not path.relative_to(PACKAGE).as_posix().startswith(NOT_DRAWING)
    )


def test_the_scanner_finds_raw_colours_and_passes_named_ones():
    code = (
        'ax.plot(x, color="grey")\n'
        'ax.bar(x, y, color=["#0072B2", PALETTE["blue"]])\n'
        'plt.imshow(a, cmap="viridis")\n'
        'plt.get_cmap("gray")\n'
        'ax.text(0, 0, "tab:red")\n'
        'ax.plot(x, color=COLORS["grey"], label="grey")\n'
        'ax.imshow(a, cmap=colormap("score"))\n'
        'color("learner")\n'
    )
    assert raw_colours(code) == [
        (1, "grey"),
        (2, "#0072B2"),
        (3, "viridis"),
        (4, "gray"),
        (5, "tab:red"),
        (6, "grey"),  # a label that is a colour's name is still flagged: rename the label
    ]


@pytest.mark.parametrize("path", _kit_files(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_the_kit_names_colours_only_through_the_palette(path):
    found = raw_colours(path.read_text(encoding="utf-8"))
    assert not found, (
        f"{path.relative_to(ROOT)} writes colours directly: "
        + ", ".join(f"line {line}: {value!r}" for line, value in found)
        + " — name them from worldlab.plots.palette (COLORS, ROLE, CAMP, colormap)"
    )


@pytest.mark.parametrize("lesson", all_lessons(ROOT), ids=lambda lesson: lesson.id)
def test_lessons_name_colours_only_through_the_palette(lesson):
    found = _lesson_colours(lesson.source)
    pending = sorted(PENDING.get(lesson.id, []))
    assert found == pending, (
        f"{lesson.id}'s code cells write colours directly: {found} (PENDING in this test lists "
        f"{pending}). Name them from worldlab.plots.palette (e.g. COLORS['grey']), and update "
        "PENDING to what is left"
    )


def test_pending_names_only_lessons_that_exist():
    ids = {lesson.id for lesson in all_lessons(ROOT)}
    assert set(PENDING) <= ids, sorted(set(PENDING) - ids)


def test_every_palette_colour_is_okabe_ito_or_grey():
    for name, value in palette.COLORS.items():
        red, green, blue = mcolors.to_rgb(value)
        is_grey = red == green == blue
        assert value in palette.OKABE_ITO.values() or is_grey, (name, value)
    for table in (palette.CAMP, palette.ROLE):
        assert set(table.values()) <= set(palette.COLORS.values())
    for look in (*palette.VERDICT.values(), palette.NO_VERDICT):
        assert {look.fill, look.ink} <= set(palette.COLORS.values())


def test_roles_and_camps_and_statuses_each_have_their_own_colour():
    assert len(set(palette.CAMP.values())) == len(palette.CAMP)
    assert len(set(palette.ROLE.values())) == len(palette.ROLE)
    fills = [look.fill for look in palette.VERDICT.values()] + [palette.NO_VERDICT.fill]
    assert len(set(fills)) == len(fills)


def test_no_verdict_fill_is_a_camp_colour_or_orange_beside_vermillion():
    """00's Fig 7 drew "contradicted" orange inside a vermillion sceptic ring: two colours a
    reader takes for one. A status fill must differ from every camp's ring."""
    rings = set(palette.CAMP.values()) | {palette.OKABE_ITO["orange"]}
    for status, look in palette.VERDICT.items():
        assert look.fill not in rings, status


def test_palette_lookups_name_what_exists():
    assert palette.color("learner") == palette.OKABE_ITO["blue"]
    assert palette.color("S") == palette.OKABE_ITO["vermillion"]
    with pytest.raises(KeyError, match="roles"):
        palette.color("teal")
    assert palette.colormap("score").name == "cividis"
    with pytest.raises(KeyError, match="score"):
        palette.colormap("rainbow")
