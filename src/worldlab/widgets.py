"""Interactive demos that still make sense when nobody is there to move a slider.

A demo is a plain function that draws one figure from its arguments (and ends with
``plt.show()``, or the figure stays frozen when a slider moves in JupyterLab). In JupyterLab,
:func:`interactive_demo` shows it once, with exactly the controls it is given: a keyword argument
of the callback that has no control keeps its default and gets no slider. When the notebook is
executed headless by the course tooling (``worldlab build``/``check``, which set
``WORLDLAB_STATIC_FIGURES=1``), it draws the figure once with the controls' values instead, so
solutions/ shows a real figure. When the website is built, it draws the figure for every setting
of the controls instead (:mod:`worldlab.demo_grid`), and the page swaps them as the controls move.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable
from typing import Any

# Set by worldlab.course.execution for every kernel it starts (the face never imports tooling).
STATIC_FIGURES_ENV = "WORLDLAB_STATIC_FIGURES"


def static_figures() -> bool:
    """True when the notebook runs headless under the course tooling."""
    return os.environ.get(STATIC_FIGURES_ENV, "") not in ("", "0")


def _controls(controls: dict[str, Any]) -> dict[str, Any]:
    import ipywidgets

    return {
        name: control
        if isinstance(control, ipywidgets.Widget)
        else ipywidgets.interactive.widget_from_abbrev(control)
        for name, control in controls.items()
    }


def build_demo(callback: Callable[..., Any], **controls: Any):
    """The ``ipywidgets.interactive`` of ``callback`` with only ``controls``, not displayed.

    ``ipywidgets.interactive`` would add a control for every keyword default of ``callback``
    (with ranges it guesses, often invalid); the callback is wrapped so that only the named
    controls exist. Tests use this to inspect a demo's controls.
    """
    import ipywidgets

    widgets = _controls(controls)

    def bound(**values: Any) -> Any:
        return callback(**values)

    bound.__signature__ = inspect.Signature(
        [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY) for name in widgets]
    )
    bound.__name__ = getattr(callback, "__name__", "demo")
    return ipywidgets.interactive(bound, **widgets)


def locked_line(exercise: str | None) -> str:
    """The one line a locked demo shows above its disabled controls."""
    which = f"the exercise <code>{exercise}</code>" if exercise else "the exercise it uses"
    return (
        f"Controls locked: finish {which}, then run this cell again to move them. "
        "Until then the figure is the reference figure."
    )


def _lock(demo: Any, exercise: str | None) -> None:
    """Disable every control of ``demo`` and put :func:`locked_line` above them."""
    import ipywidgets

    for child in demo.children:
        if not isinstance(child, ipywidgets.Output) and hasattr(child, "disabled"):
            child.disabled = True
    demo.children = (ipywidgets.HTML(locked_line(exercise)), *demo.children)


def interactive_demo(
    callback: Callable[..., Any], reference: str | None = None, **controls: Any
) -> None:
    """Show ``callback`` once with one control per keyword, or draw it once headless.

    Parameters
    ----------
    callback
        Draws one figure from keyword arguments and ends with ``plt.show()``.
    reference
        The name of the demo's reference figure (as in ``figure_or_reference``), shown while an
        exercise the callback needs is unfinished. Not needed when the callback itself draws
        through ``figure_or_reference(…, name)``.
    **controls
        ipywidgets controls (``IntSlider(...)``, ``Dropdown(...)``) or ipywidgets' abbreviations
        (``(1, 20)``, ``["a", "b"]``, ``True``); their current values are the defaults.

    While an exercise the demo needs is unfinished (the first drawing raises
    ``NotImplementedError``, or falls back to the reference figure inside the callback), the demo
    shows the reference figure with its controls **disabled** and one line naming the exercise
    that unlocks them: controls that move and redraw nothing would mislead. Without a reference
    figure to show, it raises ``NotImplementedError`` (and shows nothing), so that a surrounding
    ``figure_or_reference`` can show one.

    Returns None, so a cell that ends with the call shows the demo once (no ``Out[n]`` copy).
    """
    from worldlab import demo_grid, figures

    plan = demo_grid.active_plan()
    if plan is not None:  # the website's build: draw every setting, show nothing
        demo_grid.render_planned(plan, callback, _controls(controls))
        return None
    start = len(figures.fallbacks_since(0))
    if static_figures():
        widgets = _controls(controls)
        try:
            callback(**{name: widget.value for name, widget in widgets.items()})
        except NotImplementedError as error:
            if reference is None:
                raise
            figures.show_reference(reference)
            print(_plain(locked_line(figures.unfinished_exercise(error))))
            return None
        fallbacks = figures.fallbacks_since(start)
        if fallbacks:
            print(_plain(locked_line(fallbacks[0]["exercise"])))
        else:
            print(
                "(Static figure with the default settings: run the notebook to move the controls.)"
            )
        return None
    from IPython.display import display

    from worldlab.plots.alt_text import keep_cell_alt

    unfinished: list[str | None] = []
    draw = keep_cell_alt(callback)  # a redraw (a control moved) keeps the cell's alt text

    def first_draw_reports(**values: Any) -> Any:
        try:
            return draw(**values)
        except NotImplementedError as error:
            unfinished.append(figures.unfinished_exercise(error))
            raise

    demo = build_demo(first_draw_reports, **controls)  # draws once with the default values
    fallbacks = figures.fallbacks_since(start)
    if unfinished:
        if reference is None:  # let a surrounding figure_or_reference show the reference
            raise NotImplementedError("an exercise this demo uses is not finished yet")
        demo.out.clear_output()
        with demo.out:
            figures.show_reference(reference)
        _lock(demo, unfinished[0])
    elif fallbacks:  # the callback drew the reference figure itself
        _lock(demo, fallbacks[0]["exercise"])
    display(demo)
    return None


def _plain(html_line: str) -> str:
    return html_line.replace("<code>", "`").replace("</code>", "`")
