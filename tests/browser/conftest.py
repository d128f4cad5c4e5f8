"""Real-browser tests: Playwright (from PyPI, driver only) driving Debian's chromium.

Never ``playwright install``: it downloads browsers. The tests use the system's chromium
(``apt-get install chromium``, ``.ci/run`` does it). Without chromium they skip with the reason;
in CI (``CI=true``) a missing chromium is a failure, never a skip.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def chromium_path() -> str | None:
    """Debian's chromium, or the browser named by ``WORLDLAB_CHROMIUM`` (absent if missing)."""
    chosen = os.environ.get("WORLDLAB_CHROMIUM")
    if chosen is not None:
        return chosen if Path(chosen).is_file() else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None


def _unavailable(reason: str):
    if in_ci():
        pytest.fail(f"{reason} — in CI (CI=true) the browser tests must run, not skip")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        _unavailable("Debian's chromium is not installed (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
