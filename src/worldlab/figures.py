"""Figures that still teach while a student's function is unfinished.

A figure drawn with a student's function shows nothing while that function raises
``NotImplementedError``. :func:`figure_or_reference` draws it when it can and otherwise shows the
reference figure, an image the build takes from the executed ``solutions/`` notebook and ships
beside the student notebook as ``figures/<name>.png`` (pictures only: no code leaks), with a
one-line note, so a stuck learner can read on::

    figure_or_reference(lambda: plot_surprise(surprise), "05-surprise-curve")

The reference figure carries its cell's alt text (the build writes it into the PNG), and is shown
as an ``<img alt>`` beside the PNG so that JupyterLab passes it to a screen reader
(:mod:`worldlab.plots.alt_text`). A demo whose drawing falls back to the reference figure locks
its controls (:func:`worldlab.widgets.interactive_demo` reads :func:`fallbacks_since`).
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: The folder, beside the lesson notebook, that holds the reference figures.
FIGURES_FOLDER = "figures"
NOTE = (
    "(An exercise this figure uses is not finished yet: here is the reference figure. "
    "Finish the exercise and run this cell again to draw your own.)"
)
#: Every fall-back to a reference figure in this kernel, in order: ``{"name", "exercise"}``.
_FALLBACKS: list[dict[str, str | None]] = []


def reference_figure_path(name: str) -> Path:
    """Where the reference figure ``name`` sits, relative to the notebook's folder."""
    return Path(FIGURES_FOLDER) / f"{name}.png"


def unfinished_exercise(error: BaseException) -> str | None:
    """The function that raised ``error``: the innermost frame of its traceback, which for an
    unfinished exercise is the student's stub (``raise NotImplementedError()``). None when that
    frame is a lambda or a module."""
    frame, name = error.__traceback__, None
    while frame is not None:
        name = frame.tb_frame.f_code.co_name
        frame = frame.tb_next
    return None if name is None or name.startswith("<") else name


def fallbacks_since(start: int) -> list[dict[str, str | None]]:
    """The fall-backs to a reference figure after the first ``start`` (see
    ``len(fallbacks_since(0))`` for the count so far)."""
    return list(_FALLBACKS[start:])


def show_reference(name: str, note: str | None = NOTE) -> None:
    """Show the reference figure ``name`` after ``note``, with its alt text for screen readers."""
    from IPython.display import display

    from worldlab.plots.alt_text import image_html, png_alt_text

    if note:
        print(note)
    path = reference_figure_path(name)
    if not path.is_file():
        print(f"(The reference figure {path} is missing from this folder.)")
        return
    png = path.read_bytes()
    alt = png_alt_text(png) or f"The reference figure {name}, drawn by the lesson's solution."
    data = base64.b64encode(png).decode("ascii")
    bundle = {
        "image/png": data,
        "text/html": image_html(data, alt),
        "text/plain": f"<reference figure {name}>",
    }
    display(bundle, raw=True)


def figure_or_reference(draw: Callable[[], Any], name: str) -> None:
    """Run ``draw()`` and show its figure; while an exercise is unfinished, show the reference.

    Parameters
    ----------
    draw
        Draws one figure with matplotlib (it may call the student's functions). It need not call
        ``plt.show()``: this function does.
    name
        The reference figure's name, unique within the lesson (letters, digits, ``-``, ``_``).
    """
    import matplotlib.pyplot as plt

    try:
        draw()
    except NotImplementedError as error:
        plt.close("all")
        _FALLBACKS.append({"name": name, "exercise": unfinished_exercise(error)})
        show_reference(name)
        return None
    plt.show()
    return None
