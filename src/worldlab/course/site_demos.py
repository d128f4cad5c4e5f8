"""The website's live demos: every lesson's demos drawn for every setting, cached, in parallel.

Each lesson of ``solutions/`` that has demos (cells calling ``interactive_demo(``) is executed
again in a kernel whose :data:`worldlab.GRID_ENV` names a plan: each demo then draws its
figure for every setting of its controls (bounded, see :mod:`worldlab.demo_grid`) into a cache
folder. A grid is cached under a key made of the kit's sources (``src/worldlab`` without the
tooling, and ``data/``), the bounds and the lesson's code up to the demo's cell, so a rebuild
redraws only what changed. Lessons are executed in parallel, one kernel per core.

The lesson page then shows each demo as plain HTML controls over those figures
(:func:`demo_html`), and the site's own ``demos.js`` swaps the figure as a control moves.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat import NotebookNode

import worldlab
from worldlab.course.execution import ipc_config, kernel_environment
from worldlab.course.site_pages import SiteError

DEMO_CALL = "interactive_demo("
#: The contract with :mod:`worldlab.demo_grid` (the tooling never imports the face; a test
#: checks the two agree): the plan's environment variable, the figures' file suffix, and the
#: version of what it writes.
GRID_ENV = "WORLDLAB_DEMO_GRID"
IMAGE_SUFFIX = ".webp"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class GridBounds:
    """At most ``max_steps`` positions per slider, ``max_figures`` figures per demo."""

    max_steps: int = 10
    max_figures: int = 100


@dataclass(frozen=True)
class DemoGrid:
    """One demo's drawn grid: the lesson, its number there (from 1), its cell and its files."""

    lesson: str
    number: int
    cell: int
    folder: Path

    @property
    def manifest(self) -> dict:
        return json.loads((self.folder / "manifest.json").read_text(encoding="utf-8"))


def demo_cells(nb: NotebookNode) -> list[int]:
    """Indices of the code cells that show an interactive demo."""
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and DEMO_CALL in c.source]


def kit_digest(root: Path) -> str:
    """A digest of what a demo's figures depend on besides the lesson: the kit and ``data/``."""
    kit = Path(worldlab.__file__).resolve().parent
    digest = hashlib.sha256(f"worldlab {worldlab.__version__}\n".encode())
    tooling = {"course", "grading", "cli.py", "__main__.py"}  # never imported by a lesson
    files = [p for p in sorted(kit.rglob("*.py")) if not tooling & set(p.relative_to(kit).parts)]
    data = root / "data"
    files += sorted(p for p in data.rglob("*") if p.is_file()) if data.is_dir() else []
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def demo_keys(nb: NotebookNode, kit: str, bounds: GridBounds) -> list[str]:
    """One cache key per demo cell: the kit, the bounds and the lesson's code up to that cell."""
    keys, code = [], []
    wanted = set(demo_cells(nb))
    head = f"{kit}\n{bounds}\nformat {FORMAT_VERSION}\n"
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            code.append(cell.source)
        if index in wanted:
            keys.append(hashlib.sha256((head + "\0".join(code)).encode()).hexdigest()[:24])
    return keys


def _run_lesson(
    solution: Path, nb: NotebookNode, plan: Path, env: dict[str, str], timeout: int
) -> None:
    with tempfile.TemporaryDirectory(prefix="worldlab-demos-") as sockets:
        client = NotebookClient(
            nb,
            config=ipc_config(Path(sockets)),
            kernel_name=nb.metadata.get("kernelspec", {}).get("name", "python3"),
            timeout=timeout,
            resources={"metadata": {"path": str(solution.parent)}},
            record_timing=False,
            store_widget_state=False,
        )
        try:
            client.execute(env=dict(env, **{GRID_ENV: str(plan)}))
        except Exception as exc:
            last = str(exc).strip().splitlines()[-1] if str(exc).strip() else ""
            raise SiteError(
                f"{solution}: drawing its demos for the site failed: {type(exc).__name__}: {last}"
            ) from None


def render_demos(
    root: Path,
    lessons: list[str],
    cache: Path,
    bounds: GridBounds,
    jobs: int | None = None,
    echo: Callable[[str], None] = print,
    timeout: int = 3600,
) -> dict[str, list[DemoGrid]]:
    """Every demo of ``lessons`` drawn as a grid (cached in ``cache``); the grids per lesson.

    Lessons with a demo not yet in the cache are executed (up to their last such demo) with a
    plan, ``jobs`` kernels at a time (default: one per core).
    """
    cache.mkdir(parents=True, exist_ok=True)
    kit = kit_digest(root)
    grids: dict[str, list[DemoGrid]] = {}
    work = []
    for lesson in lessons:
        solution = root / "solutions" / lesson / f"{lesson}.ipynb"
        nb = nbformat.read(solution, as_version=4)
        cells = demo_cells(nb)
        folders = [cache / key for key in demo_keys(nb, kit, bounds)]
        grids[lesson] = [
            DemoGrid(lesson, n + 1, cell, folder)
            for n, (cell, folder) in enumerate(zip(cells, folders, strict=True))
        ]
        missing = [not (folder / "manifest.json").is_file() for folder in folders]
        if any(missing):
            last = max(cell for cell, needed in zip(cells, missing, strict=True) if needed)
            nb.cells = nb.cells[: last + 1]
            for cell in nb.cells:
                if cell.cell_type == "code":
                    cell.outputs = []
            plan = cache / "plans" / f"{lesson}.json"
            plan.parent.mkdir(exist_ok=True)
            demos = [{"folder": str(f), "render": m} for f, m in zip(folders, missing, strict=True)]
            plan.write_text(json.dumps({**bounds.__dict__, "demos": demos}, indent=1))
            work.append((lesson, solution, nb, plan))
    if work:
        jobs = max(1, min(jobs or os.cpu_count() or 1, len(work)))
        echo(f"site: drawing the demos of {len(work)} lesson(s), {jobs} at a time")
        with kernel_environment():
            env = dict(os.environ)

        def run(item: tuple) -> None:
            lesson, solution, nb, plan = item
            started = time.perf_counter()
            _run_lesson(solution, nb, plan, env, timeout)
            echo(f"site: demos of {lesson} drawn in {time.perf_counter() - started:.1f} s")

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(run, work))
    for lesson, found in grids.items():
        for grid in found:
            if not (grid.folder / "manifest.json").is_file():
                raise SiteError(
                    f"solutions/{lesson}: demo {grid.number} (cell {grid.cell}) drew no figures: "
                    "did its interactive_demo( call run?"
                )
    return grids


def _control_html(demo_id: str, index: int, control: dict) -> str:
    ident = f"{demo_id}-c{index}"
    label = html.escape(control["label"])
    labels = control["labels"]
    default = control["default"]
    if len(labels) == 1:
        return (
            f'<div class="wl-control wl-fixed"><span class="wl-label">{label}</span> '
            f"<output>{html.escape(labels[0])}</output> "
            '<span class="wl-fixed-note">(fixed on this page)</span></div>'
        )
    if control["kind"] == "slider":
        return (
            f'<div class="wl-control"><label for="{ident}">{label}</label> '
            f'<input type="range" id="{ident}" min="0" max="{len(labels) - 1}" step="1" '
            f'value="{default}" aria-valuetext="{html.escape(labels[default])}" '
            f"data-labels='{html.escape(json.dumps(labels), quote=True)}'> "
            f'<output for="{ident}">{html.escape(labels[default])}</output></div>'
        )
    options = "".join(
        f'<option value="{i}"{" selected" if i == default else ""}>{html.escape(text)}</option>'
        for i, text in enumerate(labels)
    )
    return (
        f'<div class="wl-control"><label for="{ident}">{label}</label> '
        f'<select id="{ident}">{options}</select></div>'
    )


def demo_html(grid: DemoGrid, base: str, alt: str) -> str:
    """The demo as plain HTML: its controls, the default figure and the figures' folder.

    Parameters
    ----------
    grid
        The drawn grid.
    base
        The figures' folder relative to the page (ending with ``/``).
    alt
        The default figure's alt text (the lesson's); other settings get a description of the
        setting, written by ``demos.js``.
    """
    manifest = grid.manifest
    controls = manifest["controls"]
    demo_id = f"demo-{grid.lesson[:2]}-{grid.number}"
    default = 0
    for control in controls:
        default = default * len(control["labels"]) + control["default"]
    width, height = manifest["size"]
    live = sum(len(c["labels"]) > 1 for c in controls)
    texts = manifest.get("texts") or []
    parts = [
        f'<div class="wl-demo" id="{demo_id}" data-base="{html.escape(base)}" '
        f'data-suffix="{IMAGE_SUFFIX}">',
        f'<div class="wl-demo-controls" role="group" aria-label="Controls of demo {grid.number}">',
        *(_control_html(demo_id, i, c) for i, c in enumerate(controls)),
        "</div>",
        f'<img class="wl-demo-figure" src="{html.escape(base)}{default}{IMAGE_SUFFIX}" '
        f'width="{width}" height="{height}" alt="{html.escape(alt)}" '
        f'data-default-alt="{html.escape(alt)}" data-default="{default}">',
        f'<pre class="wl-demo-text"{"" if texts and texts[default] else " hidden"}>'
        f"{html.escape(texts[default] if texts else '')}</pre>",
        f'<p class="wl-demo-note" aria-live="polite">Live without Python: the {manifest["figures"]}'
        f" figures of this demo were drawn in advance for every setting of its {live} "
        "control(s), sliders in coarser steps than in JupyterLab. Open the lesson in JupyterLab "
        "for every value.</p>",
    ]
    if texts:
        parts.append(
            '<script type="application/json" class="wl-demo-texts">'
            + json.dumps(texts).replace("</", "<\\/")
        )
        parts[-1] += "</script>"
    parts.append("</div>")
    return "\n".join(parts)
