"""The website in a real browser: every page opens whole, nothing leaves the site.

The site is built with ``worldlab site``'s code into a temporary folder (the demos on CI's
coarser grid, cached in ``site/_build/demo-cache``) and served on 127.0.0.1. Any request to
another host is blocked and counted as a failure; every image must load, every local link must
reach a page, no page logs a console error or shows a placeholder address; figures and MathJax
render; every demo's controls change its figure; each lesson's download is the student notebook;
solutions are folded after the hints; no page scrolls sideways at a phone's 390 px; axe-core
(vendored from npm, injected into each page) finds no serious or critical WCAG 2.1 AA violation;
the search finds a glossary term. One screenshot per lesson goes to ``site/_build/screenshots/``.
"""

from __future__ import annotations

import functools
import json
import re
import threading
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest
from site_helpers import VENDOR, build_for_tests

from worldlab.course import site_check, site_lessons

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "site" / "_build" / "screenshots"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass


@pytest.fixture(scope="module")
def site(browser, tmp_path_factory):  # browser first: no chromium, no build
    built = build_for_tests(tmp_path_factory.mktemp("site"), echo=lambda line: None)
    handler = functools.partial(_QuietHandler, directory=str(built.html))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield built, f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def _tab(browser, base: str, **options):
    context = browser.new_context(**options)
    tab = context.new_page()
    tab.outside, tab.failed, tab.errors = [], [], []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(base) or url.startswith("data:") or url.startswith("blob:"):
            request_route.continue_()
        else:
            tab.outside.append(url)
            request_route.abort()

    tab.route("**/*", route)
    tab.on("response", lambda r: tab.failed.append(f"{r.status} {r.url}") if r.status >= 400 else 0)
    tab.on("console", lambda m: tab.errors.append(m.text) if m.type == "error" else 0)
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    return context, tab


@pytest.fixture(scope="module")
def page(browser, site):
    context, tab = _tab(browser, site[1], viewport={"width": 1280, "height": 900})
    yield tab
    context.close()


@pytest.fixture(scope="module")
def phone(browser, site):
    context, tab = _tab(browser, site[1], viewport={"width": 390, "height": 844}, is_mobile=True)
    yield tab
    context.close()


def _pages(built) -> list[str]:
    return [p.relative_to(built.html).as_posix() for p in site_check.html_pages(built.html)]


def _open(tab, url: str) -> None:
    tab.outside.clear()
    tab.failed.clear()
    tab.errors.clear()
    tab.goto(url, wait_until="load")
    tab.wait_for_load_state("networkidle")


def _broken_images(tab) -> list[str]:
    return tab.evaluate(
        """() => [...document.images]
            .filter(img => !(img.complete && img.naturalWidth > 0))
            .map(img => img.getAttribute('src').slice(0, 80))"""
    )


def test_every_page_opens_whole(site, page):
    built, base = site
    pages = _pages(built)
    assert len(pages) > len(built.lessons) + 5
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name in pages:
        _open(page, base + name)
        assert not page.outside, f"{name} asked for something outside the site: {page.outside}"
        assert not page.failed, f"{name}: failed requests {page.failed}"
        assert not page.errors, f"{name}: console errors {page.errors}"
        assert "OWNER/" not in page.content(), f"{name} shows a placeholder address"
        assert not _broken_images(page), f"{name}: images that did not load {_broken_images(page)}"
        links = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
        for link in links:
            if not link.startswith(base):
                continue
            path = urlsplit(link).path.lstrip("/") or "index.html"
            target = built.html / path
            assert target.is_file() or (target / "index.html").is_file(), (
                f"{name} links to a missing page {link}"
            )
        if name.startswith("lessons/"):
            figures = page.locator(".cell_output img")
            assert figures.count() > 0, f"{name}: no figure rendered"
            assert page.locator("details[open]").count() == 0, f"{name}: a hint is unfolded"
            page.screenshot(path=str(SCREENSHOTS / f"{name[8:-5]}.png"), full_page=True)
    shots = sorted(p.stem for p in SCREENSHOTS.glob("*.png"))
    assert set(built.lessons) <= set(shots)


def test_hints_are_folded_until_opened(site, page):
    _, base = site
    _open(page, base + "lessons/00-the-debate.html")
    hint = page.locator("details").first
    inside = hint.locator("p").first
    assert not inside.is_visible(), "a hint's text shows before it is opened"
    hint.locator("summary").click()
    assert inside.is_visible()


def _figure(tab, demo) -> str:
    image = demo.locator("img.wl-demo-figure")
    tab.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle(), timeout=10_000
    )
    return image.get_attribute("src")


def test_moving_each_demo_control_changes_the_figure(site, page):
    built, base = site
    moved = 0
    for lesson in built.lessons:
        _open(page, f"{base}lessons/{lesson}.html")
        demos = page.locator(".wl-demo.wl-demo-ready")
        expected = (built.html / "lessons" / f"{lesson}.html").read_text().count('class="wl-demo"')
        assert demos.count() == expected > 0, f"{lesson}: demos not set up by demos.js"
        for d in range(demos.count()):
            demo = demos.nth(d)
            controls = demo.locator("input[type=range], select")
            assert controls.count() > 0, f"{lesson} demo {d + 1} has nothing to move"
            for c in range(controls.count()):
                # From the default setting, move this control one step and back.
                control = controls.nth(c)
                before = _figure(page, demo)
                is_menu = control.evaluate("e => e.tagName") == "SELECT"
                if is_menu:
                    current = control.evaluate("e => e.selectedIndex")
                    count = control.locator("option").count()
                    control.select_option(index=(current + 1) % count)
                else:
                    control.focus()
                    at_end = control.evaluate("e => e.value === e.max")
                    page.keyboard.press("ArrowLeft" if at_end else "ArrowRight")
                after = _figure(page, demo)
                assert after != before, f"{lesson} demo {d + 1}: control {c + 1} left the figure"
                files = [built.html / "lessons" / src for src in (before, after)]
                assert files[0].read_bytes() != files[1].read_bytes(), (
                    f"{lesson} demo {d + 1}: control {c + 1} shows the same picture"
                )
                alt = demo.locator("img.wl-demo-figure").get_attribute("alt")
                assert alt.strip(), f"{lesson} demo {d + 1}: a figure without alt text"
                if is_menu:
                    control.select_option(index=current)
                else:
                    page.keyboard.press("ArrowRight" if at_end else "ArrowLeft")
                assert _figure(page, demo) == before, "moving back does not restore the figure"
                moved += 1
        assert not page.outside and not page.failed and not page.errors
    assert moved >= len(built.lessons)


def _reference_lines(lesson: str) -> list[str]:
    instructor = nbformat.read(ROOT / "course" / lesson / f"{lesson}.ipynb", as_version=4)
    lines, inside = [], False
    for cell in instructor.cells:
        for line in cell.source.splitlines():
            if "BEGIN SOLUTION" in line:
                inside = True
            elif "END SOLUTION" in line:
                inside = False
            elif inside and len(line.strip()) > 20 and not line.strip().startswith("#"):
                lines.append(line.strip())
    return lines


def test_each_lesson_downloads_its_student_notebook(site, page, tmp_path):
    built, base = site
    for lesson in built.lessons:
        _open(page, f"{base}lessons/{lesson}.html")
        with page.expect_download() as download:
            page.locator("a.download-student").click()
        saved = tmp_path / f"{lesson}.zip"
        download.value.save_as(saved)
        with zipfile.ZipFile(saved) as archive:
            notebook = nbformat.reads(archive.read(f"{lesson}/{lesson}.ipynb").decode(), 4)
        code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
        assert "raise NotImplementedError" in code, f"{lesson}: the download is not the student's"
        leaked = [line for line in _reference_lines(lesson) if line in code]
        assert not leaked, f"{lesson}: the student download holds reference code {leaked[:2]}"


def test_solutions_are_folded_and_come_after_the_hints(site, page):
    built, base = site
    for lesson in built.lessons:
        _open(page, f"{base}lessons/{lesson}.html")
        cells = page.locator("div.cell.tag_hide-input")
        assert cells.count() > 0, f"{lesson}: no folded solution"
        for i in range(cells.count()):
            cell = cells.nth(i)
            fold = cell.locator("details").first
            assert fold.get_attribute("open") is None, f"{lesson}: a solution is unfolded"
            assert site_lessons.SHOW_SOLUTION in fold.locator("summary").inner_text()
            assert not cell.locator(".cell_input pre").first.is_visible()
            before = cell.evaluate("e => e.previousElementSibling.textContent")
            assert "Hint" in before, f"{lesson}: solution {i + 1} does not follow its hints"
        first = cells.first
        first.locator("summary").first.click()
        assert first.locator(".cell_input pre").first.is_visible()


def test_no_page_scrolls_sideways_on_a_phone(site, phone):
    built, base = site
    wide = []
    for name in _pages(built):
        _open(phone, base + name)
        width = phone.evaluate("() => document.documentElement.scrollWidth")
        if width > 391:
            culprits = phone.evaluate(
                """() => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                    .slice(0, 3).map(e => e.tagName + '.' + e.className)"""
            )
            wide.append(f"{name}: {width} px ({culprits})")
    assert not wide, "pages wider than a 390 px phone:\n" + "\n".join(wide)


AXE = VENDOR / "tools" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def test_axe_finds_no_serious_accessibility_violation(site, page, browser):
    built, base = site
    assert AXE.is_file(), "axe-core is vendored by the site build (site/vendor.py)"
    # Two tabs check two pages at once (axe runs in each tab's renderer: one core each).
    context, second = _tab(browser, base, viewport={"width": 1280, "height": 900})
    names, found = _pages(built), []
    for start in range(0, len(names), 2):
        batch = list(zip((page, second), names[start : start + 2], strict=False))
        for tab, name in batch:
            _open(tab, base + name)
            tab.add_script_tag(path=str(AXE))
            tab.evaluate(
                "tags => { window.axeResult = axe.run(document, {runOnly: {type: 'tag', "
                "values: tags}, resultTypes: ['violations']}); }",
                WCAG_21_AA,
            )
        for tab, name in batch:
            for violation in tab.evaluate("() => window.axeResult")["violations"]:
                if violation["impact"] in ("serious", "critical"):
                    where = [node["target"] for node in violation["nodes"][:3]]
                    found.append(f"{name}: {violation['id']} ({violation['impact']}) at {where}")
    context.close()
    assert len(names) > len(built.lessons) + 5
    assert not found, "axe-core (WCAG 2.1 AA):\n" + "\n".join(found)


def test_the_verdict_explorer_filters_by_claim(site, page):
    _, base = site
    _open(page, base + "debate.html")
    rows = page.locator("table.verdict-explorer tbody tr")
    total = rows.count()
    page.select_option("#verdict-filter-claim", "C06")
    shown = page.locator("table.verdict-explorer tbody tr:not([hidden])")
    assert 0 < shown.count() < total
    assert all("C06" in shown.nth(i).inner_text() for i in range(shown.count()))
    assert re.search(r"\d+ of \d+ verdicts shown", page.inner_text(".verdict-count"))
    link = shown.first.locator("a[href*='#']").last.get_attribute("href")
    assert "lessons/" in link and "#" in link
    assert json.dumps(page.errors) == "[]"


def test_math_is_typeset_by_the_vendored_mathjax(site, page):
    built, base = site
    math_pages = [
        p.relative_to(built.html).as_posix()
        for p in site_check.html_pages(built.html)
        if 'class="math' in p.read_text()
    ]
    assert math_pages, "no page has math"
    _open(page, base + math_pages[0])
    page.wait_for_selector("mjx-container", timeout=20_000)
    assert not page.outside


def test_search_finds_a_glossary_term(site, page):
    _, base = site
    _open(page, base + "search.html?q=monofact")
    hit = page.locator('#search-results a[href*="glossary"]')
    hit.first.wait_for(timeout=20_000)
    assert hit.count() >= 1
