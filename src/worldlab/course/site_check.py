"""Checks of the built website's HTML: every local link and image resolves, nothing is remote.

Used by ``worldlab site`` after Sphinx (a build with a broken link or a remote script fails) and
by the tests on the built pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

#: Pages Sphinx writes for its own machinery, not for readers.
MACHINERY_PAGES = {"genindex.html", "search.html", "py-modindex.html"}


@dataclass
class PageRefs:
    """What one HTML page refers to."""

    path: Path
    links: list[str] = field(default_factory=list)  # <a href>
    images: list[tuple[str, str | None]] = field(default_factory=list)  # (src, alt)
    scripts: list[str] = field(default_factory=list)  # <script src>
    stylesheets: list[str] = field(default_factory=list)  # <link rel=stylesheet href>
    other: list[str] = field(default_factory=list)  # other <link href>, <source src>, …


class _Collector(HTMLParser):
    def __init__(self, refs: PageRefs):
        super().__init__(convert_charrefs=True)
        self.refs = refs

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.refs.links.append(values["href"])
        elif tag == "img" and values.get("src"):
            self.refs.images.append((values["src"], values.get("alt")))
        elif tag == "script" and values.get("src"):
            self.refs.scripts.append(values["src"])
        elif tag == "link" and values.get("href"):
            rel = (values.get("rel") or "").split()
            target = self.refs.stylesheets if "stylesheet" in rel else self.refs.other
            target.append(values["href"])
        elif tag in ("iframe", "source", "embed") and values.get("src"):
            self.refs.other.append(values["src"])


def page_refs(path: Path) -> PageRefs:
    """Parse one built page."""
    refs = PageRefs(path)
    _Collector(refs).feed(path.read_text(encoding="utf-8"))
    return refs


def html_pages(html: Path) -> list[Path]:
    """Every HTML page of a built site (``_static`` excluded), sorted."""
    return sorted(p for p in html.rglob("*.html") if "_static" not in p.relative_to(html).parts)


def content_pages(html: Path) -> list[Path]:
    """The pages a reader reads (Sphinx's index and search pages excluded)."""
    return [p for p in html_pages(html) if p.relative_to(html).as_posix() not in MACHINERY_PAGES]


def is_remote(url: str) -> bool:
    """True for a URL that leaves the site (``http:``, ``https:`` or protocol-relative)."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") or url.startswith("//")


def _local_target(page: Path, url: str) -> Path | None:
    parts = urlsplit(url)
    if parts.scheme or url.startswith("//") or not parts.path:
        return None  # remote, mailto:, data:, or a fragment of the same page
    return (page.parent / unquote(parts.path)).resolve()


def problems(html: Path) -> list[str]:
    """Everything wrong with a built site, one line each (empty when all is well).

    A local link or image that points nowhere, an image without alt text, and any script or
    stylesheet loaded from outside the site.
    """
    found = []
    for page in html_pages(html):
        refs = page_refs(page)
        name = page.relative_to(html).as_posix()
        for url in refs.scripts + refs.stylesheets:
            if is_remote(url):
                found.append(f"{name}: loads {url} from outside the site")
        for url in refs.links + [src for src, _ in refs.images] + refs.scripts + refs.stylesheets:
            target = _local_target(page, url)
            if target is not None and not (target.is_file() or (target / "index.html").is_file()):
                found.append(f"{name}: {url} does not exist")
        for src, alt in refs.images:
            if not (alt or "").strip():
                found.append(f"{name}: image {src[:60]} has no alt text")
    return found
