"""The website as the tests build it: shared npm and demo caches, CI's coarser demo grid."""

from __future__ import annotations

import fcntl
from pathlib import Path

from worldlab.course.site import build_site, grid_bounds, read_settings

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "site" / "_build" / "vendor"
DEMO_CACHE = ROOT / "site" / "_build" / "demo-cache"
#: The tests draw the demos on CI's coarser grid (site.toml's ci_ bounds), whatever the machine.
TEST_BOUNDS = grid_bounds(read_settings(ROOT / "site"), ci=True)


def build_for_tests(build_dir: Path, **options):
    """``build_site`` as the tests run it (``worldlab site --coarse`` fills the same caches).

    Test processes running side by side (``pytest -n 2``) build one at a time: the npm and demo
    caches are shared, and the first build fills them for the others.
    """
    options.setdefault("vendor_dir", VENDOR)
    DEMO_CACHE.parent.mkdir(parents=True, exist_ok=True)
    with open(DEMO_CACHE.parent / ".tests-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return build_site(build_dir=build_dir, demo_cache=DEMO_CACHE, bounds=TEST_BOUNDS, **options)
