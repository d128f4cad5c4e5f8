"""Accessibility fixes of the built HTML that Sphinx's and myst-nb's own markup needs.

Each fix names the WCAG 2.1 rule axe-core reports without it (``tests/browser`` runs axe-core on
every page). They are exact strings: when a new Sphinx or theme writes something else, the fix no
longer applies and the axe-core test fails, naming the rule.
"""

from __future__ import annotations

from pathlib import Path

#: (what Sphinx or myst-nb writes, what it becomes, the axe-core rule it satisfies)
FIXES = (
    # The theme's search button is named "Search" while it shows "Search Ctrl+K" (WCAG 2.5.3).
    (
        ' title="Search" aria-label="Search" data-bs-placement',
        ' title="Search (Ctrl+K)" data-bs-placement',
        "label-content-name-mismatch",
    ),
    # myst-nb names every fold "Toggle hidden content" while it shows "Show the solution":
    # a control's accessible name must contain its visible text (WCAG 2.5.3).
    (
        '<summary aria-label="Toggle hidden content">',
        "<summary>",
        "label-content-name-mismatch",
    ),
    # docutils puts role="doc-biblioentry" (no longer allowed in a list in ARIA 1.2) inside
    # role="list": a list must hold list items (WCAG 1.3.1).
    ('class="citation" id="', 'class="citation" role="listitem" id="', "aria-required-children"),
    (' role="doc-biblioentry"', "", "aria-required-children"),
)


def fix_pages(html: Path) -> int:
    """Apply :data:`FIXES` to every page of a built site; return how many pages changed."""
    changed = 0
    for page in html.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        fixed = text
        for before, after, _rule in FIXES:
            fixed = fixed.replace(before, after)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")
            changed += 1
    return changed
