"""A demo's figure for every setting of its controls: what makes the website's demos live.

A web page has no Python behind it, so the website shows a demo (:func:`worldlab.widgets.
interactive_demo`) as plain HTML controls over figures drawn in advance: the site build runs the
lesson with :data:`GRID_ENV` naming a plan, and each demo then calls its own callback (the same
plain, tested function the lesson uses) once per setting of its controls and saves the figures.

The grid is bounded: a slider keeps at most ``max_steps`` positions (its step is coarsened,
always keeping the default value) and a demo at most ``max_figures`` figures (the slider with
the most positions is coarsened further until the product fits). A slider left with one position
is fixed at its default on the website.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import math
import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from worldlab.plots.palette import COLORS

#: Names the JSON plan of a site build (set only in the kernels the site build starts).
GRID_ENV = "WORLDLAB_DEMO_GRID"
#: How the figures are stored: lossy WebP (a tenth of a PNG's size for these plots).
IMAGE_SUFFIX = ".webp"
IMAGE_QUALITY = 82
IMAGE_DPI = 80
#: Bumped whenever the files written here change, so that cached grids are redrawn.
FORMAT_VERSION = 1


class DemoGridError(ValueError):
    """A demo cannot be drawn as a grid (names the demo and the control at fault)."""


@dataclass(frozen=True)
class GridControl:
    """One control of a demo as the website draws it.

    Attributes
    ----------
    name
        The callback's keyword argument.
    label
        What the control is called on screen (the widget's description).
    kind
        ``"slider"``, ``"select"`` or ``"checkbox"``.
    values
        The values the callback receives, one per position, in order.
    labels
        How each value is shown, one per position.
    default
        Index of the default value in ``values``.
    """

    name: str
    label: str
    kind: str
    values: tuple
    labels: tuple[str, ...]
    default: int

    def thinned(self, stride: int) -> GridControl:
        """Every ``stride``-th position counted from the default (the default always kept)."""
        keep = _stride_indices(len(self.values), self.default, stride)
        return replace(
            self,
            values=tuple(self.values[i] for i in keep),
            labels=tuple(self.labels[i] for i in keep),
            default=keep.index(self.default),
        )


def _stride_indices(n: int, default: int, stride: int) -> list[int]:
    return list(range(default % stride, n, stride))


def _number_label(value: float, fmt: str) -> str:
    try:
        return format(value, fmt)
    except ValueError:
        return str(value)


def control_of(name: str, widget: Any) -> GridControl:
    """The grid control for an ipywidgets control (slider, log slider, menu or checkbox).

    Raises :class:`DemoGridError` for a widget kind the website cannot draw.
    """
    label = (getattr(widget, "description", "") or name).strip()
    kind = type(widget).__name__
    if hasattr(widget, "_options_labels") and hasattr(widget, "_options_values"):
        values = tuple(widget._options_values)
        labels = tuple(str(text) for text in widget._options_labels)
        return GridControl(name, label, "select", values, labels, values.index(widget.value))
    if isinstance(getattr(widget, "value", None), bool):
        return GridControl(name, label, "checkbox", (False, True), ("off", "on"), int(widget.value))
    if all(hasattr(widget, attribute) for attribute in ("min", "max", "step", "value")):
        low, high, step = widget.min, widget.max, widget.step
        if not step or step <= 0:
            raise DemoGridError(f"control {name!r} ({kind}) has no positive step")
        count = int(round((high - low) / step)) + 1
        exponents = [low + i * step for i in range(count)]
        base = getattr(widget, "base", None)
        if kind == "FloatLogSlider" and base:
            values = [float(base) ** e for e in exponents]
            position = math.log(widget.value, base)
        else:
            values = [int(round(e)) if isinstance(widget.value, int) else e for e in exponents]
            position = widget.value
        values = [round(v, 12) if isinstance(v, float) else v for v in values]
        default = min(range(count), key=lambda i: abs(exponents[i] - position))
        values[default] = widget.value  # exactly what the lesson's figure was drawn with
        fmt = getattr(widget, "readout_format", "") or ("d" if isinstance(values[0], int) else "")
        labels = tuple(_number_label(v, fmt) for v in values)
        return GridControl(name, label, "slider", tuple(values), labels, default)
    raise DemoGridError(f"control {name!r} is a {kind}: the website draws sliders, menus, boxes")


def coarsen(controls: Sequence[GridControl], max_steps: int, max_figures: int) -> list[GridControl]:
    """The controls with sliders thinned to at most ``max_steps`` positions each and the whole
    grid to at most ``max_figures`` figures (menus and checkboxes keep every position).

    Raises :class:`DemoGridError` when the menus alone need more than ``max_figures`` figures.
    """
    if max_steps < 1 or max_figures < 1:
        raise DemoGridError(f"bounds must be positive (max_steps={max_steps}, {max_figures=})")
    strides = {}
    for control in controls:
        if control.kind == "slider":
            stride = 1
            while len(control.thinned(stride).values) > max_steps:
                stride += 1
            strides[control.name] = stride

    def current() -> list[GridControl]:
        return [c.thinned(strides[c.name]) if c.name in strides else c for c in controls]

    while math.prod(len(c.values) for c in current()) > max_figures:
        sizes = {c.name: len(c.values) for c in current() if c.name in strides}
        if not sizes or max(sizes.values()) == 1:
            fixed = math.prod(len(c.values) for c in current())
            raise DemoGridError(
                f"the demo's menus alone have {fixed} settings, more than {max_figures} figures"
            )
        widest = max(sizes, key=lambda name: (sizes[name], name))
        original = next(c for c in controls if c.name == widest)
        while len(original.thinned(strides[widest]).values) == sizes[widest]:
            strides[widest] += 1
    return current()


@contextlib.contextmanager
def _no_show():
    """``plt.show()`` leaves the figure open (the grid saves it) instead of displaying it."""
    import matplotlib.pyplot as plt

    saved = plt.show
    plt.show = lambda *args, **kwargs: None
    try:
        yield
    finally:
        plt.show = saved


def _save_open_figures(path: Path) -> None:
    """Save every open matplotlib figure (stacked when there are several) to ``path``; close."""
    import matplotlib.pyplot as plt
    from PIL import Image

    numbers = plt.get_fignums()
    if not numbers:
        raise DemoGridError("the demo's callback drew no matplotlib figure")
    images = []
    for number in numbers:
        buffer = io.BytesIO()
        plt.figure(number).savefig(buffer, format="png", dpi=IMAGE_DPI, bbox_inches="tight")
        buffer.seek(0)
        images.append(Image.open(buffer).convert("RGB"))
    plt.close("all")
    width = max(image.width for image in images)
    whole = Image.new("RGB", (width, sum(image.height for image in images)), COLORS["white"])
    top = 0
    for image in images:
        whole.paste(image, (0, top))
        top += image.height
    whole.save(path, format="WEBP", quality=IMAGE_QUALITY, method=4)


def render_grid(
    callback: Callable[..., Any], controls: Sequence[GridControl], folder: Path
) -> dict:
    """Draw ``callback`` at every setting of ``controls`` into ``folder``; return its manifest.

    Figure ``k`` (``k.webp``) is the setting whose positions, read as the digits of a number in
    row-major order over ``controls``, give ``k``. ``manifest.json`` holds the controls, the
    figure size and whatever the callback printed, per figure.
    """
    import matplotlib.pyplot as plt
    from PIL import Image

    folder = Path(folder)
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    plt.close("all")
    started = time.perf_counter()
    texts = []
    positions = [range(len(control.values)) for control in controls]
    for index, setting in enumerate(itertools.product(*positions)):
        values = {c.name: c.values[i] for c, i in zip(controls, setting, strict=True)}
        printed = io.StringIO()
        with _no_show(), contextlib.redirect_stdout(printed):
            callback(**values)
        _save_open_figures(partial / f"{index}{IMAGE_SUFFIX}")
        texts.append(printed.getvalue().strip())
    with Image.open(partial / f"0{IMAGE_SUFFIX}") as first:
        size = first.size
    manifest = {
        "format": FORMAT_VERSION,
        "controls": [
            {key: value for key, value in asdict(c).items() if key != "values"} for c in controls
        ],
        "figures": math.prod(len(p) for p in positions),
        "size": size,
        "texts": texts if any(texts) else [],
        "seconds": round(time.perf_counter() - started, 2),
    }
    manifest = json.loads(json.dumps(manifest))  # tuples as lists, as read back
    (partial / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(partial, folder)
    return manifest


#: How many demos the running kernel has met (the plan lists them in the notebook's order).
_demos_seen = [0]


def active_plan() -> dict | None:
    """The site build's plan for this kernel, or None outside a site build."""
    path = os.environ.get(GRID_ENV, "")
    if not path:
        return None
    return json.loads(Path(path).read_text(encoding="utf-8"))


def render_planned(plan: dict, callback: Callable[..., Any], widgets: dict[str, Any]) -> None:
    """Draw the next demo of the plan (in the notebook's order), unless its grid is cached.

    The plan (JSON, written by the site build) holds ``max_steps``, ``max_figures`` and one entry
    ``{"folder": ..., "render": bool}`` per demo cell.
    """
    index = _demos_seen[0]
    _demos_seen[0] += 1
    demos = plan["demos"]
    if index >= len(demos):
        raise DemoGridError(f"demo {index + 1} ran, but the plan lists only {len(demos)} demos")
    entry = demos[index]
    if not entry["render"]:
        return
    controls = [control_of(name, widget) for name, widget in widgets.items()]
    controls = coarsen(controls, plan["max_steps"], plan["max_figures"])
    render_grid(callback, controls, Path(entry["folder"]))
