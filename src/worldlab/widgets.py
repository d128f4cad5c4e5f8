"""Interactive demos that still make sense when nobody is there to move a slider.

A demo is a plain function that draws one figure from its arguments (and ends with
``plt.show()``, or the figure stays frozen when a slider moves in JupyterLab). In JupyterLab,
:func:`interactive_demo` shows it with controls. When the notebook is executed headless by the
course tooling (``worldlab build``/``check``, which set ``WORLDLAB_STATIC_FIGURES=1``), it draws
the figure once with the default values instead, so solutions/ shows a real figure.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

# Set by worldlab.course.execution for every kernel it starts (the face never imports tooling).
STATIC_FIGURES_ENV = "WORLDLAB_STATIC_FIGURES"


def static_figures() -> bool:
    """True when the notebook runs headless under the course tooling."""
    return os.environ.get(STATIC_FIGURES_ENV, "") not in ("", "0")


def interactive_demo(callback: Callable[..., Any], **controls: Any):
    """Show ``callback`` with one control per keyword, or draw it once headless.

    Parameters
    ----------
    callback
        Draws one figure from keyword arguments and ends with ``plt.show()``.
    **controls
        ipywidgets controls (``IntSlider(...)``, ``Dropdown(...)``) or ipywidgets' abbreviations
        (``(1, 20)``, ``["a", "b"]``, ``True``); their current values are the defaults.

    Returns
    -------
    The ``ipywidgets.interactive`` shown, or ``None`` when drawn statically.
    """
    import ipywidgets
    from IPython.display import display

    widgets = {
        name: control
        if isinstance(control, ipywidgets.Widget)
        else ipywidgets.interactive.widget_from_abbrev(control)
        for name, control in controls.items()
    }
    if static_figures():
        callback(**{name: widget.value for name, widget in widgets.items()})
        print("(Static figure with the default settings: run the notebook to move the controls.)")
        return None
    demo = ipywidgets.interactive(callback, **widgets)
    display(demo)
    return demo
