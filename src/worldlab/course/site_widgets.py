"""The website's page of live-drawn controls: a lesson's demos executed with the widget state saved.

``solutions/`` is executed headless with static figures and no widget state (reproducible bytes,
see :mod:`worldlab.course.execution`), so its demos show as images. For the site, one lesson's
solution notebook is executed again, into the build folder, *with* its widgets and their state
saved; the demos' cells make the page ``interactive-figures``, where the vendored Jupyter widget
manager draws the controls and the saved figure without a kernel.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat import NotebookNode

from worldlab.course.execution import ipc_config, kernel_environment
from worldlab.course.site_pages import SiteError

DEMO_CALL = "interactive_demo("
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def demo_cells(nb: NotebookNode) -> list[int]:
    """Indices of the code cells that show an interactive demo."""
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and DEMO_CALL in c.source]


def execute_with_widgets(solution: Path, cache: Path, timeout: int = 180) -> NotebookNode:
    """``solution`` executed with its widget state stored; reused from ``cache`` when unchanged."""
    digest = hashlib.sha256(solution.read_bytes()).hexdigest()
    stamp = cache.with_suffix(".sha256")
    if cache.is_file() and stamp.is_file() and stamp.read_text() == digest:
        return nbformat.read(cache, as_version=4)
    nb = nbformat.read(solution, as_version=4)
    with (
        kernel_environment(widgets=True),
        tempfile.TemporaryDirectory(prefix="worldlab-site-") as tmp,
    ):
        client = NotebookClient(
            nb,
            config=ipc_config(Path(tmp)),
            kernel_name=nb.metadata.get("kernelspec", {}).get("name", "python3"),
            timeout=timeout,
            resources={"metadata": {"path": str(solution.parent)}},
            record_timing=False,
            store_widget_state=True,
        )
        try:
            client.execute()
        except Exception as exc:
            raise SiteError(
                f"{solution}: executing it with widgets for the site failed: "
                f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1] if str(exc) else ''}"
            ) from None
    if not nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state"):
        raise SiteError(f"{solution}: executed with widgets, but no widget state was saved")
    cache.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, cache)
    stamp.write_text(digest)
    return nb


def widget_page(lesson_id: str, executed: NotebookNode) -> NotebookNode:
    """The ``interactive-figures`` page: an introduction, then each demo with its text."""
    intro = (
        "# Interactive figures\n\n"
        "In JupyterLab every lesson's demos have controls (sliders, menus) that redraw the figure "
        "from the lesson's code. The lesson pages of this site show each demo's figure at its "
        "default settings. This page shows the demos of "
        f"{{doc}}`lesson {lesson_id[:2]} </lessons/{lesson_id}>` as the widgets themselves: the "
        "lesson was executed with the widget state saved, and the Jupyter widget manager, served "
        "by this site, draws the controls and the figure saved with them.\n\n"
        "A web page has no Python behind it, so moving a control here does not redraw the figure. "
        "To play with it, open the lesson in JupyterLab (see its page) or on Binder."
    )
    cells = [nbformat.v4.new_markdown_cell(intro)]
    indices = demo_cells(executed)
    if not indices:
        raise SiteError(f"solutions/{lesson_id}: no cell calls {DEMO_CALL}…)")
    for index in indices:
        before = executed.cells[index - 1] if index > 0 else None
        if before is not None and before.cell_type == "markdown":
            cells.append(before)
        cells.append(executed.cells[index])
        after = executed.cells[index + 1] if index + 1 < len(executed.cells) else None
        if after is not None and after.cell_type == "markdown" and after.source.startswith("*Fig"):
            cells.append(after)
    page = nbformat.v4.new_notebook(cells=cells, metadata=dict(executed.metadata))
    for cell in page.cells[1:]:  # the lesson's headings become this page's sections
        if cell.cell_type == "markdown":
            cell.source = re.sub(r"^#+ ", "## ", cell.source, flags=re.M)
    return page
