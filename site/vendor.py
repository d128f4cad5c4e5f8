"""Vendor the website's JavaScript from the npm registry into a folder of static files.

MathJax and the Jupyter widget manager (``@jupyter-widgets/html-manager``) are installed with
``npm`` at the exact versions of ``site/package.json`` into a git-ignored work folder, then the
files the pages load are copied into ``<static>/vendor/``. A reader's browser loads them from the
site itself, never from a CDN.

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

#: Files and folders copied from each package (relative to the package), and where they go.
COPIES = {
    "mathjax": ("es5", "mathjax"),
    "@jupyter-widgets/html-manager": ("dist", "html-manager"),
}
#: Not needed by the pages: MathJax's speech engine and every source map.
SKIP = shutil.ignore_patterns("sre", "*.map", "*-amd.js")


def vendor(work: Path, package_json: Path = HERE / "package.json") -> Path:
    """Install the pinned packages under ``work`` and return the static folder to serve.

    Parameters
    ----------
    work
        A git-ignored folder; ``work/npm`` holds ``node_modules``, ``work/static/vendor`` the
        copies. Re-running with an unchanged ``package.json`` reuses both.
    package_json
        The pinned dependencies.

    Returns
    -------
    ``work/static``, to be added to Sphinx's ``html_static_path``.
    """
    spec = json.loads(package_json.read_text())
    digest = hashlib.sha256(package_json.read_bytes()).hexdigest()[:16]
    static = work / "static"
    stamp = static / "vendor" / ".package-json-sha256"
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
    target = static / "vendor"
    if target.exists():
        shutil.rmtree(target)
    for package in spec["dependencies"]:
        inner, name = COPIES[package]
        source = npm_dir / "node_modules" / package / inner
        if not source.is_dir():
            raise RuntimeError(f"npm installed {package} without its {inner}/ folder ({source})")
        shutil.copytree(source, target / name, ignore=SKIP)
    stamp.write_text(digest)
    return static


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python site/vendor.py WORK_FOLDER")
    print(vendor(Path(sys.argv[1])))
