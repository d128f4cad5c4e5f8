"""The website (``worldlab site``): what the built HTML holds, and that a broken page fails.

The site is built once for this module into a temporary folder (npm's packages are cached in
``site/_build/vendor``, the demos' figures, on CI's coarser grid, in ``site/_build/demo-cache``);
the browser tests in ``tests/browser`` open the pages themselves.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from site_helpers import ROOT, TEST_BOUNDS, VENDOR, build_for_tests

from worldlab.course import site_check, site_lessons, site_pages
from worldlab.course.site import solution_lessons
from worldlab.course.site_pages import SiteError


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_for_tests(tmp_path_factory.mktemp("site"))


class _Text(HTMLParser):
    """The text of a page (code included, highlighting spans joined back)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.details: list[dict] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "details":
            self.details.append(dict(attrs))

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _page(path: Path) -> _Text:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _between(source: str, begin: str, end: str) -> list[str]:
    lines, inside = [], False
    for line in source.splitlines():
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif inside and len(line.strip()) > 25 and not line.strip().startswith("#"):
            lines.append(line.strip())
    return lines


def test_lesson_pages_are_the_folders_of_solutions(built):
    folders = sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir())
    assert built.lessons == solution_lessons(ROOT) == folders
    for lesson in built.lessons:
        assert (built.html / "lessons" / f"{lesson}.html").is_file(), f"no page for {lesson}"
    lesson_map = (built.html / "lessons.html").read_text()
    for lesson in built.lessons:
        assert f'href="lessons/{lesson}.html"' in lesson_map, f"the lesson map misses {lesson}"
    assert json.loads((built.html.parent / "build.json").read_text())["pages"] == built.pages


def test_no_page_loads_anything_from_outside_the_site(built):
    pages = site_check.html_pages(built.html)
    assert len(pages) >= built.pages > len(built.lessons)
    for page in pages:
        refs = site_check.page_refs(page)
        remote = [
            u for u in refs.scripts + refs.stylesheets + refs.other if site_check.is_remote(u)
        ]
        assert not remote, f"{page.name} loads {remote} from outside the site"
    math_pages = [p for p in pages if "vendor/mathjax/tex-mml-chtml.js" in p.read_text()]
    assert math_pages, "no page loads the vendored MathJax"
    assert (built.html / "_static" / "vendor" / "mathjax" / "tex-mml-chtml.js").is_file()
    assert not (built.html / "_static" / "vendor" / "axe-core").exists(), "axe is for tests only"
    assert (VENDOR / "tools" / "axe-core" / "axe.min.js").is_file()
    assert site_check.problems(built.html) == []


def test_hidden_tests_absent_solutions_in_place(built):
    for lesson in built.lessons:
        text = "".join(_page(built.html / "lessons" / f"{lesson}.html").parts)
        instructor = nbformat.read(ROOT / "course" / lesson / f"{lesson}.ipynb", as_version=4)
        hidden, solved, visible = [], [], []
        for cell in instructor.cells:
            hidden += _between(cell.source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
            solved += _between(cell.source, "BEGIN SOLUTION", "END SOLUTION")
            visible.append(
                re.sub(
                    r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS", "", cell.source, flags=re.S
                )
            )
        assert "BEGIN HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text
        assert "YOUR ANSWER HERE" not in text, f"{lesson}: a student placeholder reached the site"
        leaked = [line for line in hidden if line in text and line not in "\n".join(visible)]
        assert not leaked, f"{lesson}: hidden-test lines on the site: {leaked[:3]}"
        assert solved, f"{lesson}: no solution lines to look for"
        shown = [line for line in solved if line in text]
        assert len(shown) == len(solved), f"{lesson}: solutions missing: {set(solved) - set(shown)}"


def test_every_figure_has_alt_text_and_hints_stay_folded(built):
    for lesson in built.lessons:
        page = built.html / "lessons" / f"{lesson}.html"
        refs = site_check.page_refs(page)
        solution = nbformat.read(ROOT / "solutions" / lesson / f"{lesson}.ipynb", as_version=4)
        figures = sum(
            "image/png" in output.get("data", {})
            for cell in solution.cells
            if "interactive_demo(" not in cell.source  # a demo's figure is live: see below
            for output in cell.get("outputs", [])
        )
        demos = sum("interactive_demo(" in cell.source for cell in solution.cells)
        figure_images = [(src, alt) for src, alt in refs.images if "_images/" in src]
        assert len(figure_images) >= figures > 0, f"{lesson}: figures missing on its page"
        demo_images = [(src, alt) for src, alt in refs.images if "/demo-" in src]
        assert len(demo_images) == demos, f"{lesson}: {demos} demos, {len(demo_images)} figures"
        figure_images += demo_images
        assert all((alt or "").strip() for _, alt in figure_images), f"{lesson}: image without alt"
        folded = _page(page).details
        hints = sum(cell.source.count("<details") for cell in solution.cells)
        instructor = nbformat.read(ROOT / "course" / lesson / f"{lesson}.ipynb", as_version=4)
        hints += len(site_lessons.solution_cells(instructor))  # each solution folded too
        assert len(folded) == hints, f"{lesson}: {hints} folded blocks in the lesson, {len(folded)}"
        assert not any("open" in attrs for attrs in folded), f"{lesson}: a hint is unfolded"


def test_every_demo_is_live_with_its_figures_beside_the_page(built):
    for lesson in built.lessons:
        solution = nbformat.read(ROOT / "solutions" / lesson / f"{lesson}.ipynb", as_version=4)
        demos = sum(
            "interactive_demo(" in c.source for c in solution.cells if c.cell_type == "code"
        )
        html = (built.html / "lessons" / f"{lesson}.html").read_text()
        assert html.count('class="wl-demo"') == demos, f"{lesson}: {demos} demos in the lesson"
        assert "Static figure with the default settings" not in html
        figures = 0
        for number in range(1, demos + 1):
            folder = built.html / "lessons" / lesson / f"demo-{number}"
            drawn = sorted(folder.glob("*.webp"))
            assert len(drawn) >= 2, f"{lesson} demo {number}: fewer than two settings drawn"
            assert len(drawn) <= TEST_BOUNDS.max_figures or "select" in html
            figures += len(drawn)
        assert built.demo_figures[lesson] == figures
    assert "demos.js" in (built.html / "lessons" / f"{built.lessons[0]}.html").read_text()


def test_downloads_are_the_student_notebook_and_the_solution(built):
    for lesson in built.lessons:
        page = (built.html / "lessons" / f"{lesson}.html").read_text()
        student, solution = site_lessons.download_names(lesson)
        assert f'href="{student}"' in page and f'href="{solution}"' in page
        with zipfile.ZipFile(built.html / "lessons" / student) as archive:
            names = archive.namelist()
            assert f"{lesson}/{lesson}.ipynb" in names
            figures = sorted((ROOT / "notebooks" / lesson / "figures").glob("*"))
            assert len([n for n in names if "/figures/" in n]) == len(figures)
            notebook = archive.read(f"{lesson}/{lesson}.ipynb").decode()
        assert notebook == (ROOT / "notebooks" / lesson / f"{lesson}.ipynb").read_text()
        assert "raise NotImplementedError" in notebook
        downloaded = (built.html / "lessons" / solution).read_bytes()
        assert downloaded == (ROOT / "solutions" / lesson / f"{lesson}.ipynb").read_bytes()


def test_solutions_are_folded_after_the_hints(built):
    for lesson in built.lessons:
        html = (built.html / "lessons" / f"{lesson}.html").read_text()
        instructor = nbformat.read(ROOT / "course" / lesson / f"{lesson}.ipynb", as_version=4)
        solutions = site_lessons.solution_cells(instructor)
        assert html.count(f">{site_lessons.SHOW_SOLUTION}<") == len(solutions) > 0
        # In page order: H for a hint's fold, S for a solution's; every S comes after an H.
        order = "".join(
            "S" if site_lessons.SHOW_SOLUTION in match.group(0) else "H"
            for match in re.finditer(r"<details.*?</summary>", html, re.S)
            if "Hint" in match.group(0) or site_lessons.SHOW_SOLUTION in match.group(0)
        )
        assert order.count("S") == len(solutions)
        assert not order.startswith("S") and "SS" not in order, f"{lesson}: {order}"


def test_no_placeholder_repository_and_no_launch_button_without_one(built):
    for page in site_check.html_pages(built.html):
        text = page.read_text()
        assert "OWNER/" not in text, f"{page.name} has a placeholder address"
        assert "mybinder.org" not in text, f"{page.name} has a launch button with no repository"
    settings = {"repository": {"url": "https://github.com/course-org/predicting-the-world"}}
    box = site_lessons.open_box(settings, "03-x")
    assert "https://mybinder.org/v2/gh/course-org/predicting-the-world/HEAD?labpath=" in box
    assert "notebooks%2F03-x%2F03-x.ipynb" in box
    assert "mybinder" not in site_lessons.open_box({"repository": {"url": ""}}, "03-x")
    gitlab = {"repository": {"url": "https://gitlab.com/org/course"}}
    assert site_lessons.binder_url(gitlab, "03-x") is None
    for bad in ("https://github.com/OWNER/predicting-the-world", "github.com/x/y"):
        with pytest.raises(SiteError, match="repository url"):
            site_lessons.repository({"repository": {"url": bad}})


def test_the_verdict_explorer_links_each_row_to_the_lesson_section(built):
    html = (built.html / "debate.html").read_text()
    assert 'class="table verdict-explorer' in html or "verdict-explorer" in html
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", html.split("verdict-explorer", 1)[1], re.S)
    verdicts = sum(
        len(site_pages.read_csv(p, site_pages.VERDICT_COLUMNS))
        for p in (ROOT / "data" / "verdicts").glob("*.csv")
    )
    links = [re.findall(r'href="(lessons/[^"]+)"', row) for row in rows[1 : verdicts + 1]]
    assert len(links) == verdicts and all(len(found) == 2 for found in links)
    for _, section in links:
        page, _, anchor = section.partition("#")
        assert anchor, f"verdict row links to {section} without a section"
        assert f'id="{anchor}"' in (built.html / page).read_text(), f"no section {anchor}"
    assert "verdicts.js" in html


def test_glossary_instructor_guide_and_references(built):
    glossary = "".join(_page(built.html / "glossary.html").parts)
    for term in ("closure", "monofact rate", "missing mass", "pass@k", "coverage", "BWT"):
        assert term in glossary
    assert "blocking" in glossary
    readme = (ROOT / "README.md").read_text()
    guide = "".join(_page(built.html / "instructor.html").parts)
    assert "worldlab grade" in guide and "bubblewrap" in guide
    assert "## Instructor guide" in readme
    references = "".join(_page(built.html / "references.html").parts)
    assert "calibrated language models must hallucinate" in references.lower()
    assert "arXiv:2311.14648" in references


def test_verdict_table_when_the_csv_exists(tmp_path):
    data = tmp_path / "debate"
    shutil.copytree(ROOT / "data" / "debate", data)
    header = site_pages.LessonHeader("04-x", "Lesson 04", {"Debate claims": "C05 and C08"})
    without = site_pages.debate_page(data, [header], None)
    assert "data/verdicts/" in without and "| C05 |" in without
    (tmp_path / "verdicts").mkdir()
    (tmp_path / "verdicts" / "04-x.csv").write_text(
        "lesson,claim,finding,cannot_show,status\n04,C05,hallucinates at N1/N,real LLMs,supported\n"
    )
    with_verdicts = site_pages.debate_page(data, [header], None)
    assert "* - {doc}`04 </lessons/04-x>`\n  - C05\n  - skeptic\n  - hallucinates at N1/N\n" in (
        with_verdicts
    )
    assert ":class: verdict-explorer" in with_verdicts
    (tmp_path / "verdicts" / "04-x.csv").write_text("lesson,claim\n04,C05\n")
    with pytest.raises(SiteError, match="missing column"):
        site_pages.debate_page(data, [header], None)


def test_claim_ranges_expand_and_compress():
    claims = list(site_pages.claim_ids("C09–C11 and C14; C21"))
    assert claims == ["C09", "C10", "C11", "C14", "C21"]
    assert site_pages.claim_ranges(claims) == "C09–C11, C14, C21"


def _tiny_course(root: Path, extra_markdown: str) -> None:
    shutil.copy(ROOT / "README.md", root / "README.md")
    shutil.copytree(ROOT / "data" / "debate", root / "data" / "debate")
    title = "# Lesson 00 — Tiny\n\n**Debate claims:** C04.\n**Estimated time:** 1 minute."
    demo = (
        "import ipywidgets\nimport matplotlib.pyplot as plt\n"
        "from worldlab.widgets import interactive_demo\n\n"
        "def show(n):\n    plt.plot(range(n + 2))\n    plt.show()\n\n"
        "_ = interactive_demo(show, n=ipywidgets.IntSlider(1, 0, 3))"
    )
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell(title), nbformat.v4.new_code_cell(demo)],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    )
    (root / "solutions" / "00-tiny").mkdir(parents=True)
    nbformat.write(nb, root / "solutions" / "00-tiny" / "00-tiny.ipynb")
    broken = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# Lesson 01 — Broken\n\n" + extra_markdown)]
    )
    (root / "solutions" / "01-broken").mkdir()
    nbformat.write(broken, root / "solutions" / "01-broken" / "01-broken.ipynb")


@pytest.mark.parametrize(
    "markdown, named",
    [
        ("See {doc}`a page that does not exist </nowhere>`.", "nowhere"),
        ("![a figure](missing-figure.png)", "missing-figure.png"),
        ("See {term}`no such glossary term`.", "no such glossary term"),
    ],
)
def test_a_broken_page_fails_the_build_and_names_the_problem(
    tmp_path, tmp_path_factory, capfd, markdown, named
):
    _tiny_course(tmp_path, markdown)
    with pytest.raises(SiteError, match="Sphinx failed"):
        build_for_tests(
            tmp_path / "build", root=tmp_path, site_dir=ROOT / "site", echo=lambda line: None
        )
    assert named in capfd.readouterr().err


def test_machine_readable_outputs_leave_the_page_and_the_rest_stays():
    verdict = nbformat.v4.new_output(
        "display_data",
        data={"text/html": "<table></table>", "application/vnd.worldlab.verdict+json": {}},
    )
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("show_verdict()")])
    nb.cells[0].outputs = [verdict]
    assert site_lessons.drop_machine_outputs(nb) == 1
    assert list(nb.cells[0].outputs[0].data) == ["text/html"]
