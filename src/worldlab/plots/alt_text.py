"""Figures whose text alternative reaches a screen reader in JupyterLab.

A figure's alt text is written once, in its cell's options (``mystnb.image.alt``). JupyterLab 4
draws an ``image/png`` output with an ``<img>`` that has no ``alt`` (its image renderer ignores
the output's metadata), so the text never reaches a screen reader there. JupyterLab prefers
``text/html`` to ``image/png`` in a bundle (rank 50 against 90, both "safe", so in untrusted
notebooks too), and its sanitizer keeps ``<img>`` with ``src`` and ``alt``: an output that carries
``<img src="data:image/png;base64,…" alt="…">`` beside its ``image/png`` is read aloud.

- In a student's kernel, :func:`install_alt_text` (called by ``use_course_style()``) adds that
  HTML to every image the current cell displays, with the alt text of the cell (found by the
  cell id JupyterLab sends with each execution, in the notebook file of the session).
- ``worldlab build`` adds it to the figures of the executed ``solutions/`` and writes the alt text
  into each reference figure's PNG (an ``iTXt`` "Description" chunk), which
  :func:`worldlab.figures.figure_or_reference` reads back when it shows that figure.
"""

from __future__ import annotations

import base64
import html
import json
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: The PNG text keyword that holds a reference figure's alt text (a keyword PNG defines).
PNG_KEYWORD = b"Description"
#: The alt text a demo's redraw uses while it runs (:func:`keep_cell_alt`), else None.
_PINNED: list[str] = []


def image_html(png_base64: str, alt: str) -> str:
    """``<img>`` with the PNG inline and its text alternative (the markup the build writes too)."""
    data = "".join(png_base64.split())
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}">'


def png_alt_text(png: bytes) -> str | None:
    """The alt text a PNG carries in an ``iTXt`` "Description" chunk, or None."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    at = 8
    while at + 8 <= len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind, data = png[at + 4 : at + 8], png[at + 8 : at + 8 + length]
        if kind == b"iTXt":
            keyword, _, rest = data.partition(b"\x00")
            if keyword == PNG_KEYWORD and len(rest) >= 2 and rest[0] == 0:
                _language, _, rest = rest[2:].partition(b"\x00")
                _translated, _, text = rest.partition(b"\x00")
                return text.decode("utf-8")
        if kind == b"IEND":
            break
        at += 12 + length
    return None


def with_alt_text(data: dict[str, Any], alt: str | None) -> dict[str, Any]:
    """A display bundle with ``text/html`` carrying ``alt`` beside its ``image/png``.

    Bundles without a PNG, with HTML already, or without an alt text come back unchanged.
    """
    png = data.get("image/png")
    if not alt or png is None or "text/html" in data:
        return data
    if isinstance(png, bytes):
        png = base64.b64encode(png).decode("ascii")
    return {**data, "text/html": image_html(png, alt)}


def _alt_of(metadata: dict) -> str | None:
    """The alt text in a cell's metadata (``mystnb.image.alt``), on one line, or None."""
    alt = ((metadata.get("mystnb") or {}).get("image") or {}).get("alt")
    return " ".join(str(alt).split()) if alt else None


def _cell_alt_texts(path: Path, cache: dict) -> dict[str, str]:
    stamp = path.stat().st_mtime_ns
    if cache.get("path") != path or cache.get("stamp") != stamp:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        texts = {}
        for cell in cells:
            alt = _alt_of(cell.get("metadata", {}))
            if cell.get("id") and alt:
                texts[cell["id"]] = alt
        cache.update(path=path, stamp=stamp, texts=texts)
    return cache["texts"]


def current_cell_alt(shell: Any, cache: dict | None = None) -> str | None:
    """The alt text of the cell the kernel is running.

    JupyterLab 4 sends each execution with the cell's metadata and id
    (``{...cell.metadata, cellId}``): the alt text is read from there, or else from the
    session's notebook file (Jupyter Server names it in ``__session__``) by the cell's id. None
    in a headless run or a console, or when the cell has no alt text.
    """
    cache = {} if cache is None else cache
    try:
        parent = shell.kernel.get_parent()
    except Exception:  # not an ipykernel, or no message being handled
        return None
    metadata = (parent or {}).get("metadata") or {}
    # JupyterLab 4 sends the cell's own metadata with each execution, and its id.
    alt = _alt_of(metadata)
    if alt:
        return alt
    cell_id = metadata.get("cellId")
    session = shell.user_ns.get("__session__")
    if not cell_id or not session:
        return None
    candidates = [Path(session), Path.cwd() / Path(session).name]
    for path in candidates:
        if path.suffix == ".ipynb" and path.is_file():
            try:
                return _cell_alt_texts(path, cache).get(cell_id)
            except (OSError, ValueError):
                return None
    return None


def keep_cell_alt(callback: Callable[..., Any], shell: Any | None = None) -> Callable[..., Any]:
    """``callback``, drawing with the alt text of the cell that runs this call.

    A demo redraws when a control moves: the kernel then handles a widget's message, not a
    cell's execution, and :func:`current_cell_alt` finds no cell. The wrapped callback shows its
    figures with the alt text of the cell that built the demo.
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return callback
        shell = get_ipython()
    alt = current_cell_alt(shell) if shell is not None else None
    if not alt:
        return callback

    def drawing(*args: Any, **kwargs: Any) -> Any:
        _PINNED.append(alt)
        try:
            return callback(*args, **kwargs)
        finally:
            _PINNED.pop()

    drawing.__name__ = getattr(callback, "__name__", "demo")
    return drawing


def install_alt_text(shell: Any | None = None) -> bool:
    """Make every image a cell displays carry the cell's alt text as ``text/html``.

    Wraps the kernel's display publisher once (calling it again does nothing). Returns False
    outside IPython.
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
    publisher = getattr(shell, "display_pub", None)
    if publisher is None:
        return False
    if getattr(publisher, "_worldlab_alt_text", False):
        return True
    publish, cache = publisher.publish, {}

    def publish_with_alt_text(data, *args, **kwargs):
        if isinstance(data, dict) and "image/png" in data and "text/html" not in data:
            alt = _PINNED[-1] if _PINNED else current_cell_alt(shell, cache)
            data = with_alt_text(data, alt)
        return publish(data, *args, **kwargs)

    publisher.publish = publish_with_alt_text
    publisher._worldlab_alt_text = True
    return True
