"""Figures that still teach while a student's function is unfinished.

A figure drawn with a student's function shows nothing while that function raises
``NotImplementedError``. :func:`figure_or_reference` draws it when it can and otherwise shows the
reference figure, an image the build takes from the executed ``solutions/`` notebook and ships
beside the student notebook as ``figures/<name>.png`` (pictures only: no code leaks), with a
one-line note, so a stuck learner can read on::

    figure_or_reference(lambda: plot_surprise(surprise), "05-surprise-curve")
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

#: The folder, beside the lesson notebook, that holds the reference figures.
FIGURES_FOLDER = "figures"


def reference_figure_path(name: str) -> Path:
    """Where the reference figure ``name`` sits, relative to the notebook's folder."""
    return Path(FIGURES_FOLDER) / f"{name}.png"


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
    from IPython.display import Image, display

    try:
        draw()
    except NotImplementedError:
        plt.close("all")
        path = reference_figure_path(name)
        print(
            "(An exercise this figure uses is not finished yet: here is the reference figure. "
            "Finish the exercise and run this cell again to draw your own.)"
        )
        if path.is_file():
            display(Image(filename=str(path)))
        else:
            print(f"(The reference figure {path} is missing from this folder.)")
        return None
    plt.show()
    return None
