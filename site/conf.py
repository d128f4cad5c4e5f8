"""Sphinx configuration of the course website (built by ``worldlab site``).

``worldlab site`` (src/worldlab/course/site.py) first stages the page sources of this folder, the
executed lessons of ``solutions/`` and the pages it generates (lesson map, argument map, verdict,
instructor guide) into ``site/_build/source``, vendors MathJax from npm into ``site/_build/vendor``
(site/vendor.py), then runs Sphinx with this file, failing on any warning. Nothing is executed
here and nothing is loaded from the network by the pages. The repository address comes from
``site.toml`` (none: no repository button).
"""

import os
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
SETTINGS = tomllib.loads((HERE / "site.toml").read_text(encoding="utf-8"))
REPOSITORY = SETTINGS.get("repository", {}).get("url", "").strip().rstrip("/")
VENDOR_STATIC = Path(os.environ.get("WORLDLAB_SITE_VENDOR", HERE / "_build" / "vendor" / "static"))

project = "Predicting the World"
author = "The Predicting the World authors"
copyright = "the Predicting the World authors, MIT licence"
language = "en"

extensions = ["myst_nb", "sphinxcontrib.bibtex"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
suppress_warnings = []

# The lessons are rendered as committed in solutions/ (executed by `worldlab build`): the site
# never runs a notebook.
nb_execution_mode = "off"
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
# A figure output carries an <img alt> as text/html beside its PNG, for JupyterLab's screen
# readers (worldlab.plots.alt_text); the site draws the PNG itself, with the cell's alt text.
nb_mime_priority_overrides = [("html", "image/png", 25), ("dirhtml", "image/png", 25)]

# Served from the site itself (vendored from npm at build time), never from a CDN.
mathjax_path = "vendor/mathjax/tex-mml-chtml.js"
# The demos are live through the site's own demos.js (figures drawn at build time), not through
# saved widget state: no widget manager, so no page can ask a CDN for one.
nb_ipywidgets_js = {}

bibtex_bibfiles = ["references.bib"]
bibtex_default_style = "plain"
bibtex_reference_style = "author_year"

html_theme = "sphinx_book_theme"
html_title = "Predicting the World"
html_static_path = ["_static", str(VENDOR_STATIC)]
html_css_files = ["site.css"]
html_js_files = ["demos.js", "verdicts.js"]
html_theme_options = {
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "use_download_button": True,
    "home_page_in_toc": False,
    "repository_url": REPOSITORY,
    "use_repository_button": bool(REPOSITORY),
}
# The theme's light/dark switch starts from "auto" (an empty mode logged a console error).
html_context = {"default_mode": "auto"}
html_favicon = "_static/favicon.svg"  # else each browser asks for a missing /favicon.ico
html_last_updated_fmt = None
html_copy_source = True
