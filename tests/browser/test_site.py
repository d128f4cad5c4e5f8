"""The website in a real browser: every page opens whole, nothing leaves the site.

The site is built with ``worldlab site``'s code into a temporary folder and served on 127.0.0.1.
Any request to another host is blocked and counted as a failure; every image must load, every
local link must reach a page; figures, MathJax and a widget drawn from saved state render; the
search finds a glossary term. One screenshot per lesson goes to ``site/_build/screenshots/``.
"""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from worldlab.course import site_check
from worldlab.course.site import build_site

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "site" / "_build" / "screenshots"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass


@pytest.fixture(scope="module")
def site(browser, tmp_path_factory):  # browser first: no chromium, no build
    built = build_site(
        build_dir=tmp_path_factory.mktemp("site"),
        vendor_dir=ROOT / "site" / "_build" / "vendor",
        echo=lambda line: None,
    )
    handler = functools.partial(_QuietHandler, directory=str(built.html))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield built, f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def page(browser, site):
    _, base = site
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.outside, tab.failed = [], []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(base) or url.startswith("data:") or url.startswith("blob:"):
            request_route.continue_()
        else:
            tab.outside.append(url)
            request_route.abort()

    tab.route("**/*", route)
    tab.on("response", lambda r: tab.failed.append(f"{r.status} {r.url}") if r.status >= 400 else 0)
    yield tab
    context.close()


def _open(tab, url: str) -> None:
    tab.outside.clear()
    tab.failed.clear()
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
    pages = [p.relative_to(built.html).as_posix() for p in site_check.html_pages(built.html)]
    assert len(pages) > len(built.lessons) + 5
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name in pages:
        _open(page, base + name)
        assert not page.outside, f"{name} asked for something outside the site: {page.outside}"
        assert not page.failed, f"{name}: failed requests {page.failed}"
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


def test_a_widget_renders_from_saved_state(site, page):
    _, base = site
    _open(page, base + "interactive-figures.html")
    page.wait_for_selector(".widget-interact", timeout=20_000)
    controls = page.locator(".widget-interact select, .widget-interact .widget-slider")
    assert controls.count() > 0, "the widget manager drew no controls"
    figure = page.locator(".widget-output img").first
    figure.wait_for(timeout=20_000)
    assert figure.evaluate("img => img.naturalWidth") > 100
    assert "Error displaying widget" not in page.inner_text("body")
    assert not page.outside


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
