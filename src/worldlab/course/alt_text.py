"""The build's half of alt text on outputs: solutions' figures and reference figures carry it.

JupyterLab 4 ignores an output's metadata when it draws an ``image/png``, so the alt text of a
figure (its cell's ``mystnb.image.alt``) reaches a screen reader only as HTML: the build adds
``text/html`` with ``<img src="data:…" alt="…">`` beside each figure of the executed solution
(JupyterLab prefers it to the PNG, and its sanitizer keeps ``img``'s ``src`` and ``alt``), and
writes the alt text into each reference figure's PNG, where the kernel-side
``worldlab.plots.alt_text`` reads it back. (The tooling never imports the kit's face, so the few
lines of markup are written in both places; ``tests/unit/test_alt_text.py`` keeps them equal.)
"""

from __future__ import annotations

import html
import struct
import zlib

from nbformat import NotebookNode

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_KEYWORD = b"Description"


def cell_alt_text(cell: NotebookNode) -> str | None:
    """A cell's alt text (``mystnb.image.alt``), on one line, or None."""
    alt = ((cell.get("metadata", {}).get("mystnb") or {}).get("image") or {}).get("alt")
    return " ".join(str(alt).split()) if alt else None


def image_html(png_base64: str, alt: str) -> str:
    """``<img>`` with the PNG inline and its text alternative."""
    data = "".join(png_base64.split())
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}">'


def add_alt_text_to_outputs(notebook: NotebookNode) -> int:
    """Give each figure output of a cell with alt text a ``text/html`` twin carrying it.

    Returns the number of outputs changed. Outputs that already have HTML are left alone.
    """
    changed = 0
    for cell in notebook.cells:
        alt = cell_alt_text(cell) if cell.cell_type == "code" else None
        if not alt:
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" in data and "text/html" not in data:
                data["text/html"] = image_html(data["image/png"], alt)
                changed += 1
    return changed


def png_with_alt_text(png: bytes, alt: str) -> bytes:
    """``png`` with ``alt`` in an ``iTXt`` "Description" chunk right after its header.

    Raises
    ------
    ValueError
        if ``png`` is not a PNG.
    """
    if png[:8] != PNG_SIGNATURE or png[12:16] != b"IHDR":
        raise ValueError("not a PNG image (no PNG signature and IHDR chunk at its start)")
    header_end = 8 + 12 + struct.unpack(">I", png[8:12])[0]
    text = PNG_KEYWORD + b"\x00\x00\x00" + b"\x00" + b"\x00" + alt.encode("utf-8")
    chunk = (
        struct.pack(">I", len(text))
        + b"iTXt"
        + text
        + struct.pack(">I", zlib.crc32(b"iTXt" + text))
    )
    return png[:header_end] + chunk + png[header_end:]
