"""Vendor the website's JavaScript from the npm registry into a folder of static files.

MathJax and axe-core are installed with ``npm`` at the exact versions of ``site/package.json``
into a git-ignored work folder. The files the pages load (MathJax) are copied into
``<static>/vendor/``: a reader's browser loads them from the site itself, never from a CDN. The
browser tests' tools (axe-core, the accessibility checker they inject into each page) go to
``<work>/tools/``, outside the site.

Run alone: ``python site/vendor.py site/_build/vendor``; ``worldlab site`` calls it.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: What is copied from each package (a folder or file, relative to the package), and where to:
#: ``static/vendor/<name>`` is served by the site, ``tools/<name>`` is for the tests only.
COPIES = {
    "mathjax": ("es5", "static/vendor/mathjax"),
    "axe-core": ("axe.min.js", "tools/axe-core/axe.min.js"),
}
#: Not needed by the pages: MathJax's speech engine and every source map.
SKIP = shutil.ignore_patterns("sre", "*.map", "*-amd.js")


def vendor(work: Path, package_json: Path = HERE / "package.json") -> Path:
    """Install the pinned packages under ``work`` and return the static folder to serve.

    Parameters
    ----------
    work
        A git-ignored folder; ``work/npm`` holds ``node_modules``, ``work/static/vendor`` the
        copies the site serves, ``work/tools`` those only the tests use. Re-running with an unchanged ``package.json`` reuses both.
    package_json
        The pinned dependencies.

    Returns
    -------
    ``work/static``, to be added to Sphinx's ``html_static_path``.
    """
    spec = json.loads(package_json.read_text())
    digest = hashlib.sha256(package_json.read_bytes()).hexdigest()[:16]
    static = work / "static"
    stamp = work / ".package-json-sha256"
    if stamp.is_file() and stamp.read_text() == digest:
        return static
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(
            "npm is not installed: the website vendors MathJax and the widget manager from the "
            "npm registry at build time (Debian: apt-get install npm)"
        )
    npm_dir = work / "npm"
    npm_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(package_json, npm_dir / "package.json")
    subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
        cwd=npm_dir,
        check=True,
    )
    for folder in (static, work / "tools"):
        shutil.rmtree(folder, ignore_errors=True)
    for package in spec["dependencies"]:
        inner, name = COPIES[package]
        source = npm_dir / "node_modules" / package / inner
        target = work / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=SKIP)
        elif source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        else:
            raise RuntimeError(f"npm installed {package} without its {inner} ({source})")
    stamp.write_text(digest)
    return static


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python site/vendor.py WORK_FOLDER")
    print(vendor(Path(sys.argv[1])))
