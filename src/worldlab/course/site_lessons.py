"""A lesson's page on the website, made from its executed notebook for a self-learner.

From ``solutions/<id>/<id>.ipynb`` the site keeps every cell and output, and:

- puts an "open this lesson" box under the title: the student notebook with its files as one zip,
  the solution notebook, the command that opens it, and a Binder button when a public repository
  is configured (``site/site.toml``; never a placeholder);
- folds each exercise's solution under "Show the solution", after the hints (the order is
  statement, hints, solution, visible test);
- shows each demo as plain HTML controls over its pre-drawn figures (:mod:`site_demos`).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from urllib.parse import quote

import nbformat
from nbformat import NotebookNode

from worldlab.course.site_demos import DemoGrid, demo_html
from worldlab.course.site_pages import SiteError

SHOW_SOLUTION = "Show the solution"
#: A fixed time stamp for the files of a zip, so that an unchanged lesson gives the same bytes.
ZIP_TIME = (2020, 1, 1, 0, 0, 0)
GITHUB = re.compile(r"^https://github\.com/([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+?)(?:\.git)?/?$")


def repository(settings: dict) -> dict:
    """The ``[repository]`` settings, checked: ``url`` is empty or an ``https://`` address."""
    section = dict(settings.get("repository", {}))
    url = str(section.get("url", "")).strip()
    if url and (not url.startswith("https://") or "OWNER" in url):
        raise SiteError(
            f"site/site.toml: repository url {url!r} must be an https:// address of the real "
            "repository, or empty (then no repository link or launch button is drawn)"
        )
    section["url"] = url.rstrip("/")
    section.setdefault("ref", "HEAD")
    section.setdefault("binder", True)
    return section


def binder_url(settings: dict, lesson_id: str) -> str | None:
    """Binder's address for a lesson's student notebook, or None (no public GitHub repository)."""
    repo = repository(settings)
    match = GITHUB.match(repo["url"])
    if not (match and repo["binder"]):
        return None
    path = quote(f"notebooks/{lesson_id}/{lesson_id}.ipynb", safe="")
    return f"https://mybinder.org/v2/gh/{match.group(1)}/{repo['ref']}?labpath={path}"


def download_names(lesson_id: str) -> tuple[str, str]:
    """The two downloads of a lesson page, relative to the ``lessons/`` folder."""
    return f"{lesson_id}/{lesson_id}-student.zip", f"{lesson_id}/{lesson_id}-solution.ipynb"


def open_box(settings: dict, lesson_id: str) -> str:
    """The "open this lesson" box put under each lesson's title."""
    student, solution = download_names(lesson_id)
    text = (
        ":::{admonition} Do this lesson yourself\n:class: tip open-lesson\n\n"
        f'<a class="download-student" href="{student}" download>Download the student '
        "notebook</a> (a zip: the notebook, with the exercises to do, and its <code>figures/"
        f'</code> folder) or <a class="download-solution" href="{solution}" download>the '
        "solution notebook</a> (this page as a notebook).\n\n"
        "After the {doc}`two set-up commands </index>` (once), unzip it and open it with\n\n"
        f"```bash\njupyter lab {lesson_id}/{lesson_id}.ipynb\n```\n\n"
        "(from a copy of the repository it is `notebooks/"
        f"{lesson_id}/{lesson_id}.ipynb`). The demos on this page are live; in JupyterLab their "
        "sliders take every value, and your own functions draw the figures."
    )
    launch = binder_url(settings, lesson_id)
    if launch:
        text += (
            f"\n\n**On Binder**, with nothing to install: [launch the student notebook on Binder]"
            f"({launch}) (Binder builds the repository's `environment.yml`; your changes are lost "
            "when the session ends)."
        )
    return text + "\n:::"


def solution_cells(instructor: NotebookNode) -> list[int]:
    """Indices of the exercise code cells (nbgrader ``solution`` cells) of the instructor notebook."""
    return [
        index
        for index, cell in enumerate(instructor.cells)
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution")
    ]


def fold_solutions(nb: NotebookNode, instructor: NotebookNode | None) -> int:
    """Fold each exercise's solution under "Show the solution", after its hints; return how many.

    The executed notebook and the instructor notebook have the same cells (``worldlab build``
    makes one from the other), which tells which code cells are exercises. A solution directly
    followed by its hints (a markdown cell of ``<details>``) moves after them.
    """
    if instructor is None:
        return 0
    if len(instructor.cells) != len(nb.cells):
        raise SiteError(
            "the solution and instructor notebooks have different cells: run `worldlab build`"
        )
    indices = solution_cells(instructor)
    for index in indices:
        cell = nb.cells[index]
        tags = cell.metadata.setdefault("tags", [])
        if "hide-input" not in tags:
            tags.append("hide-input")
        cell.metadata.setdefault("mystnb", {}).update(
            code_prompt_show=SHOW_SOLUTION, code_prompt_hide="Hide the solution"
        )
    for index in sorted(indices, reverse=True):
        after = nb.cells[index + 1] if index + 1 < len(nb.cells) else None
        if after is not None and after.cell_type == "markdown" and "<details" in after.source:
            nb.cells[index], nb.cells[index + 1] = after, nb.cells[index]
    return len(indices)


#: Outputs for machines, not readers (e.g. the verdict rows ``show_verdict`` emits for the build).
MACHINE_MIME_PREFIX = "application/vnd.worldlab."


def drop_machine_outputs(nb: NotebookNode) -> int:
    """Remove the course's machine-readable output types (no renderer; the page shows the rest)."""
    dropped = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for mime in [m for m in data if m.startswith(MACHINE_MIME_PREFIX)]:
                del data[mime]
                dropped += 1
    return dropped


def _alt(cell: NotebookNode) -> str:
    options = cell.metadata.get("mystnb", {})
    return (
        options.get("image", {}).get("alt")
        or options.get("figure", {}).get("alt")
        or "The demo's figure at its default settings."
    )


def place_demos(nb: NotebookNode, lesson_id: str, grids: list[DemoGrid]) -> None:
    """Replace each demo cell's static figure by the live demo (controls over drawn figures)."""
    for grid in grids:
        cell = nb.cells[grid.cell]
        if "interactive_demo(" not in cell.source:
            raise SiteError(f"solutions/{lesson_id}: cell {grid.cell} is not demo {grid.number}")
        base = f"{lesson_id}/demo-{grid.number}/"
        cell.outputs = [
            nbformat.v4.new_output(
                "display_data",
                data={"text/html": demo_html(grid, base, " ".join(_alt(cell).split()))},
            )
        ]
        # The lesson's alt text is now the live figure's; the static image is gone.
        cell.metadata.get("mystnb", {}).pop("image", None)


def student_zip(root: Path, lesson_id: str, target: Path) -> int:
    """Zip ``notebooks/<id>/`` (notebook, ``figures/``, data) into ``target``; return its files.

    The archive holds one folder named after the lesson, with fixed time stamps.
    """
    folder = root / "notebooks" / lesson_id
    notebook = folder / f"{lesson_id}.ipynb"
    if not notebook.is_file():
        raise SiteError(f"{notebook} is missing: run `worldlab build {lesson_id}`")
    files = sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and ".ipynb_checkpoints" not in p.parts and "__pycache__" not in p.parts
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            info = zipfile.ZipInfo(f"{lesson_id}/{path.relative_to(folder).as_posix()}", ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    return len(files)
