"""Execute notebooks headless, the way the course wants them executed."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbformat import NotebookNode
from traitlets.config import Config

from worldlab.course.errors import ExecutionFailed

#: Set for every kernel the tooling starts: interactive demos draw a static figure instead of
#: widgets, so executed notebooks (solutions/, CI) show every default figure.
STATIC_FIGURES_ENV = "WORLDLAB_STATIC_FIGURES"
#: Fresh verdict seeds (``worldlab verdicts --fresh``): never inherited from the caller's shell.
VERDICT_SEEDS_ENV = "WORLDLAB_VERDICT_SEEDS"

#: What every headless kernel gets: static demo figures, and a fixed hash seed so that grading
#: and solution outputs do not depend on set ordering.
HEADLESS_KERNEL_ENV = {STATIC_FIGURES_ENV: "1", "PYTHONHASHSEED": "0"}


@contextmanager
def kernel_environment(extra: dict[str, str] | None = None):
    """Environment a headless kernel inherits.

    ``MPLBACKEND`` is removed on purpose: a non-inline backend in the kernel's environment
    silently drops every inline figure from executed notebooks. ``extra`` adds variables (e.g.
    the fresh verdict seeds of ``worldlab verdicts --fresh``).
    """
    saved = dict(os.environ)
    os.environ.pop("MPLBACKEND", None)
    os.environ.update(HEADLESS_KERNEL_ENV)
    os.environ.pop(VERDICT_SEEDS_ENV, None)
    os.environ.update(extra or {})
    # The lessons' matrices are small: one BLAS thread is faster than several fighting for cores.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def execute_notebook(
    nb: NotebookNode,
    cwd: Path,
    label: str,
    timeout: int = 120,
    allow_errors: bool = False,
    env: dict[str, str] | None = None,
) -> NotebookNode:
    """Run every cell of ``nb`` in a fresh kernel started in ``cwd``; fail on the first error.

    Outputs are written into ``nb`` (no timing metadata, no widget state, so the result is
    reproducible). Raises :class:`ExecutionFailed` naming ``label`` and the failing cell; with
    ``allow_errors`` every cell runs and errors stay in the outputs, as in "Run All" for a
    student whose exercises are unfinished. ``env`` adds variables to the kernel's environment.
    """
    kernel_name = nb.metadata.get("kernelspec", {}).get("name", "python3")
    with (
        kernel_environment(extra=env),
        tempfile.TemporaryDirectory(prefix="worldlab-kernel-") as sockets,
    ):
        client = NotebookClient(
            nb,
            config=ipc_config(Path(sockets)),  # nbclient owns (and shuts down) the kernel
            kernel_name=kernel_name,
            timeout=timeout,
            resources={"metadata": {"path": str(cwd)}},
            record_timing=False,
            store_widget_state=False,
            allow_errors=allow_errors,
        )
        try:
            client.execute()
        except CellExecutionError as exc:
            index = _failing_cell(nb)
            summary = f"{exc.ename}: {exc.evalue}".strip()
            raise ExecutionFailed(f"{label}: cell {index} failed: {summary}") from None
        except Exception as exc:  # kernel died, timeout: name the notebook anyway
            raise ExecutionFailed(
                f"{label}: execution failed: {type(exc).__name__}: {exc}"
            ) from None
    return nb


def ipc_config(sockets: Path) -> Config:
    """Config for kernels that talk over Unix sockets in ``sockets``.

    Unix sockets instead of TCP: nothing listens on the network, and the kernel does not warn
    about unencrypted TCP on every start.
    """
    return Config({"KernelManager": {"transport": "ipc", "ip": str(sockets / "kernel")}})


def _failing_cell(nb: NotebookNode) -> int | str:
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return f"{index} ({cell.get('id', '?')})"
    return "?"
