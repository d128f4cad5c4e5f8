"""``worldlab site``: build the course website offline from the executed ``solutions/``.

Steps, all into one git-ignored build folder (``site/_build/`` by default):

1. draw every lesson's demos for every setting of their controls, in parallel, cached by the
   demo's code and the kit (:mod:`worldlab.course.site_demos`);
2. stage the page sources of ``site/`` and, for every lesson folder of ``solutions/`` (the lesson
   list is whatever is there), a copy of its executed notebook made into a page for a
   self-learner (downloads, folded solutions, live demos: :mod:`worldlab.course.site_lessons`);
3. generate the pages derived from the course: lesson map, argument map and verdict explorer,
   set-up commands and the instructor guide (from the README);
4. vendor MathJax and axe-core from npm (``site/vendor.py``);
5. run Sphinx with ``-W --keep-going -n`` (any warning fails the build), put the downloads and
   demo figures beside the lesson pages, then check every built page: a local link or image
   that points nowhere, an image without alt text or a script or stylesheet from outside the
   site fails the build too.

This module drives Sphinx, npm and a kernel; it never imports the science.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from worldlab.course import site_a11y, site_check, site_lessons, site_pages
from worldlab.course.lessons import LESSON_ID
from worldlab.course.site_demos import DemoGrid, GridBounds, render_demos
from worldlab.course.site_pages import LessonHeader, SiteError
from worldlab.paths import repo_root

#: Image outputs that get alt text.
IMAGE_MIMES = ("image/png", "image/jpeg", "image/svg+xml", "image/gif")


@dataclass(frozen=True)
class SiteBuild:
    """A finished build: where the HTML is, how many pages a reader can open, and how long."""

    html: Path
    pages: int
    lessons: list[str]
    seconds: float
    demo_figures: dict[str, int]


def solution_lessons(root: Path) -> list[str]:
    """Lesson ids that have an executed notebook in ``solutions/`` (in id order)."""
    folder = root / "solutions"
    found = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if not (path.is_dir() and LESSON_ID.match(path.name)):
            continue
        if not (path / f"{path.name}.ipynb").is_file():
            raise SiteError(f"{path} holds no {path.name}.ipynb: run `worldlab build {path.name}`")
        found.append(path.name)
    if not found:
        raise SiteError(f"no executed lessons under {folder}: run `worldlab build` first")
    return found


def _plain(markdown: str) -> str:
    text = re.sub(r"[*_`]", "", markdown)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return " ".join(text.split())


def _has_alt(cell: NotebookNode) -> bool:
    options = cell.metadata.get("mystnb", {})
    return bool(options.get("image", {}).get("alt") or options.get("figure", {}).get("alt"))


def add_alt_text(nb: NotebookNode) -> dict[str, int]:
    """Give every figure cell of ``nb`` alt text in the form myst-nb reads; count the sources.

    The lesson's own (``mystnb: image: alt`` or ``figure: alt`` in the cell metadata) is kept.
    Without one, the figure's caption (the ``*Figure N — …*`` cell after it) is used; failing
    that, a generic description.
    """
    counts = {"lesson": 0, "caption": 0, "generic": 0}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if not any(set(o.get("data", {})) & set(IMAGE_MIMES) for o in cell.get("outputs", [])):
            continue
        if _has_alt(cell):
            counts["lesson"] += 1
            continue
        after = nb.cells[index + 1] if index + 1 < len(nb.cells) else None
        if after is not None and after.cell_type == "markdown" and after.source.startswith("*Fig"):
            alt, source = _plain(after.source), "caption"
        else:
            alt, source = "Figure drawn by the code above.", "generic"
        cell.metadata.setdefault("mystnb", {}).setdefault("image", {})["alt"] = alt
        counts[source] += 1
    return counts


def _write(path: Path, data: str | bytes) -> None:
    """Write ``path`` only when its content changes (Sphinx then rebuilds only what changed)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if path.is_file() and path.read_bytes() == raw:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)


def _argument_map_png(nb: NotebookNode) -> bytes | None:
    import base64

    for cell in nb.cells:
        if cell.cell_type == "code" and "draw_argument_map(" in cell.source:
            for output in cell.get("outputs", []):
                if "image/png" in output.get("data", {}):
                    return base64.b64decode(output["data"]["image/png"])
    return None


GENERATED = re.compile(r"^<!-- generated: ([a-z-]+) -->$", re.M)


def fill_in(page: Path, generated: dict[str, str]) -> str:
    """A page source with each ``<!-- generated: NAME -->`` line replaced by that content."""

    def replace(match: re.Match) -> str:
        if match.group(1) not in generated:
            known = ", ".join(sorted(generated))
            raise SiteError(f"{page}: unknown generated content {match.group(1)!r} ({known})")
        return generated[match.group(1)]

    return GENERATED.sub(replace, page.read_text(encoding="utf-8"))


def read_settings(site_dir: Path) -> dict:
    """``site/site.toml``, with its repository address checked."""
    settings = tomllib.loads((site_dir / "site.toml").read_text(encoding="utf-8"))
    site_lessons.repository(settings)
    return settings


def grid_bounds(settings: dict, ci: bool | None = None) -> GridBounds:
    """The demos' grid bounds of ``site.toml``: its ``ci_`` ones with ``ci`` (default: whether
    ``CI=true``)."""
    demos = settings.get("demos", {})
    if ci is None:
        ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    prefix = "ci_" if ci else ""
    default = GridBounds()
    return GridBounds(
        int(demos.get(f"{prefix}max_steps", demos.get("max_steps", default.max_steps))),
        int(demos.get(f"{prefix}max_figures", demos.get("max_figures", default.max_figures))),
    )


def repository_block(settings: dict) -> str:
    """The front page's paragraph on where the course's repository is (none: the downloads)."""
    url = site_lessons.repository(settings)["url"]
    if not url:
        return (
            "Each lesson page offers its student notebook (with its files) and its solution "
            "notebook for download; the commands below install the lab kit the notebooks import, "
            "from a copy of the course's repository.\n"
        )
    return (
        f"The course's repository is <{url}>: copy it with `git clone {url}`. Each lesson page "
        "also offers its student notebook (with its files) and its solution notebook for "
        "download.\n"
    )


def stage(
    root: Path,
    site_dir: Path,
    source: Path,
    echo: Callable[[str], None],
    lessons: list[str],
    settings: dict,
    grids: dict[str, list[DemoGrid]],
) -> None:
    """Write every page source into ``source`` (lesson pages with their live demos)."""
    wanted: set[Path] = set()

    def put(relative: str, data: str | bytes) -> None:
        _write(source / relative, data)
        wanted.add((source / relative).resolve())

    generated: dict[str, str] = {}
    headers: list[LessonHeader] = []
    alt_counts = {"lesson": 0, "caption": 0, "generic": 0}
    folded = 0
    sections: dict[tuple[str, str], tuple[str, str]] = {}
    argument_map = None
    for lesson_id in lessons:
        nb = nbformat.read(root / "solutions" / lesson_id / f"{lesson_id}.ipynb", as_version=4)
        headers.append(site_pages.lesson_header(lesson_id, nb))
        sections.update(site_pages.claim_sections(lesson_id, nb))
        argument_map = argument_map or _argument_map_png(nb)
        for key, value in add_alt_text(nb).items():
            alt_counts[key] += value
        site_lessons.drop_machine_outputs(nb)
        site_lessons.place_demos(nb, lesson_id, grids.get(lesson_id, []))
        instructor_path = root / "course" / lesson_id / f"{lesson_id}.ipynb"
        instructor = (
            nbformat.read(instructor_path, as_version=4) if instructor_path.is_file() else None
        )
        folded += site_lessons.fold_solutions(nb, instructor)
        nb.cells.insert(
            1, nbformat.v4.new_markdown_cell(site_lessons.open_box(settings, lesson_id))
        )
        put(f"lessons/{lesson_id}.ipynb", nbformat.writes(nb))
    echo(
        f"site: {len(lessons)} lessons; figure alt text from the lessons {alt_counts['lesson']}, "
        f"from captions {alt_counts['caption']}, generic {alt_counts['generic']}; "
        f"{folded} solutions folded"
    )
    if argument_map:
        put("_generated/argument-map.png", argument_map)
    readme = root / "README.md"
    generated["lesson-map"] = site_pages.lesson_map(headers)
    generated["debate"] = site_pages.debate_page(
        root / "data" / "debate",
        headers,
        "/_generated/argument-map.png" if argument_map else None,
        sections,
    )
    generated["setup"] = site_pages.setup_commands(readme)
    generated["repository"] = repository_block(settings)
    generated["instructor"] = site_pages.readme_section(readme, "Instructor guide")
    for path in sorted(site_dir.glob("*.md")):
        put(path.name, fill_in(path, generated))
    put("references.bib", (site_dir / "references.bib").read_bytes())
    # Pages of lessons that left solutions/ must not linger in the staged sources.
    for path in source.rglob("*"):
        if path.is_file() and path.resolve() not in wanted:
            path.unlink()


def place_files(
    root: Path, html: Path, lessons: list[str], grids: dict[str, list[DemoGrid]]
) -> dict[str, int]:
    """Put each lesson's downloads and demo figures beside its page; count the figures."""
    import shutil as _shutil

    figures = {}
    for lesson_id in lessons:
        student, solution = site_lessons.download_names(lesson_id)
        site_lessons.student_zip(root, lesson_id, html / "lessons" / student)
        _shutil.copyfile(
            root / "solutions" / lesson_id / f"{lesson_id}.ipynb", html / "lessons" / solution
        )
        figures[lesson_id] = 0
        for grid in grids.get(lesson_id, []):
            target = html / "lessons" / lesson_id / f"demo-{grid.number}"
            _shutil.copytree(grid.folder, target, ignore=_shutil.ignore_patterns("*.json"))
            figures[lesson_id] += grid.manifest["figures"]
    return figures


def run_sphinx(site_dir: Path, source: Path, build: Path, vendor_static: Path) -> None:
    """Sphinx's HTML build, every warning an error (all warnings are listed before it fails)."""
    command = [
        sys.executable,
        "-m",
        "sphinx",
        "-b",
        "html",
        "-W",
        "--keep-going",
        "-n",
        "-q",
        "-c",
        str(site_dir),
        "-d",
        str(build / "doctrees"),
        str(source),
        str(build / "html"),
    ]
    # A full build every time: pages of lessons that left solutions/ must not linger.
    for stale in (build / "html", build / "doctrees"):
        shutil.rmtree(stale, ignore_errors=True)
    env = dict(os.environ, WORLDLAB_SITE_VENDOR=str(vendor_static))
    result = subprocess.run(command, env=env)
    if result.returncode != 0:
        raise SiteError(
            f"Sphinx failed (exit {result.returncode}): every warning above is an error; "
            f"the sources it read are in {source}"
        )


def _vendor(site_dir: Path, work: Path) -> Path:
    """Run ``site/vendor.py`` (kept beside the site's configuration) and return its static folder."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("worldlab_site_vendor", site_dir / "vendor.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    try:
        return module.vendor(work, site_dir / "package.json")
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        raise SiteError(f"vendoring the site's JavaScript failed: {exc}") from None


def build_site(
    root: Path | None = None,
    build_dir: Path | None = None,
    site_dir: Path | None = None,
    vendor_dir: Path | None = None,
    echo: Callable[[str], None] = print,
    demo_cache: Path | None = None,
    bounds: GridBounds | None = None,
) -> SiteBuild:
    """Build the website; raise :class:`SiteError` on any warning or broken page.

    Parameters
    ----------
    root
        Repository root (default: this checkout).
    build_dir
        Where everything goes (default ``site/_build``); the HTML is ``build_dir/html``.
    site_dir
        The site's configuration and page sources (default ``root/site``).
    vendor_dir
        Where the vendored JavaScript is kept (default ``build_dir/vendor``); share one between
        builds to run npm once.
    demo_cache
        Where the demos' drawn figures are cached (default ``build_dir/demo-cache``); share one
        between builds to draw each demo once.
    bounds
        The demos' grid bounds (default: :func:`grid_bounds` of ``site.toml``).
    """
    started = time.perf_counter()
    root = (root or repo_root()).resolve()
    site_dir = (site_dir or root / "site").resolve()
    build = (build_dir or site_dir / "_build").resolve()
    source = build / "source"
    settings = read_settings(site_dir)
    lessons = solution_lessons(root)
    bounds = bounds or grid_bounds(settings)
    step = time.perf_counter()
    grids = render_demos(
        root, lessons, (demo_cache or build / "demo-cache").resolve(), bounds, echo=echo
    )
    echo(
        f"site: demo figures ready in {time.perf_counter() - step:.1f} s (at most "
        f"{bounds.max_steps} positions a slider, {bounds.max_figures} figures a demo)"
    )
    stage(root, site_dir, source, echo, lessons, settings, grids)
    step = time.perf_counter()
    static = _vendor(site_dir, (vendor_dir or build / "vendor").resolve())
    echo(f"site: JavaScript vendored in {time.perf_counter() - step:.1f} s")

    step = time.perf_counter()
    run_sphinx(site_dir, source, build, static)
    echo(f"site: Sphinx built the pages in {time.perf_counter() - step:.1f} s")
    html = build / "html"
    figures = place_files(root, html, lessons, grids)
    site_a11y.fix_pages(html)
    found = site_check.problems(html)
    if found:
        listing = "\n  ".join(found[:30])
        more = f"\n  … and {len(found) - 30} more" if len(found) > 30 else ""
        raise SiteError(f"the built site has {len(found)} problem(s):\n  {listing}{more}")
    pages = len(site_check.content_pages(html))
    (build / "build.json").write_text(
        json.dumps(
            {"lessons": lessons, "pages": pages, "demo_figures": figures, "bounds": vars(bounds)},
            indent=1,
        )
    )
    return SiteBuild(html, pages, lessons, time.perf_counter() - started, figures)


def remove(build_dir: Path) -> None:
    """Delete a build folder (``worldlab site --clean``)."""
    shutil.rmtree(build_dir, ignore_errors=True)
