"""A style check on every figure the lessons' solutions draw: no text on text, no legend on data.

Run by the course tooling only: when a notebook is executed headless (``worldlab build`` and
``check`` set ``WORLDLAB_STATIC_FIGURES=1``), :func:`install_figure_check` (called by
``use_course_style()``) adds to each figure's display bundle a
``application/vnd.worldlab.figure-style+json`` entry listing its problems, when it has any. The
check measures the boxes during the figure's own draw for its PNG (:func:`watch_figure`), in
the frame the PNG shows: tens of milliseconds a figure. ``tests/course/test_figure_style.py``
reads the entries from the executed ``solutions/``.

Two problems are found:

- **text boxes that overlap**: any two visible texts of the figure (titles, axis labels, tick
  labels, annotations, legend entries of different legends) whose boxes overlap by more than
  a sliver (a y-label over the next panel's title; "world 1" printed over "phase 1");
- **a legend over data**: a legend box inside an axes that covers a data point (a marker, a
  line's vertex or a point along its segments, a scatter point) or part of a bar.
"""

from __future__ import annotations

from typing import Any

import numpy as np

STYLE_MIME = "application/vnd.worldlab.figure-style+json"
#: Every pyplot figure is watched from its creation (matplotlib's ``figure.hooks``).
WATCH_HOOK = "worldlab.plots.figure_style:watch_figure"
#: Overlaps smaller than this many square pixels, or this share of the smaller box, are slivers.
MIN_OVERLAP_PX2 = 6.0
MIN_OVERLAP_SHARE = 0.05
#: Points along a line segment checked under a legend (its vertices alone miss long segments).
SAMPLES_PER_SEGMENT = 8


def _texts(fig) -> list[tuple[Any, str]]:
    """(text artist, owner) for every visible, non-empty text of the figure; texts with the same
    owner (one legend) are laid out together and never compared."""
    found = []

    seen: set[int] = set()

    def add(text, owner):
        if text is None or id(text) in seen:
            return  # the suptitle is also among fig.texts
        if text.get_visible() and text.get_text().strip():
            seen.add(id(text))
            found.append((text, owner))

    add(getattr(fig, "_suptitle", None), "suptitle")
    add(getattr(fig, "_supxlabel", None), "supxlabel")
    add(getattr(fig, "_supylabel", None), "supylabel")
    for text in fig.texts:
        add(text, id(text))
    for index, ax in enumerate(fig.axes):
        if not ax.get_visible():
            continue
        for title in (ax.title, ax._left_title, ax._right_title):
            add(title, id(title))
        for axis in (ax.xaxis, ax.yaxis) if ax.axison else ():
            if not axis.get_visible():
                continue
            add(axis.label, id(axis.label))
            low, high = sorted(axis.get_view_interval())
            margin = 1e-9 * max(1.0, abs(high - low))
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if low - margin <= tick.get_loc() <= high + margin:  # ticks outside are not drawn
                    add(tick.label1, id(tick.label1))
                    add(tick.label2, id(tick.label2))
        for text in ax.texts:
            add(text, id(text))
        legend = ax.get_legend()
        if legend is not None and legend.get_visible():
            for text in legend.get_texts():
                add(text, ("legend", index))
    for index, legend in enumerate(fig.legends):
        if legend.get_visible():
            for text in legend.get_texts():
                add(text, ("figure legend", index))
    return found


def _overlap(a, b) -> float:
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return width * height if width > 0 and height > 0 else 0.0


def overlapping_texts(fig, renderer) -> list[str]:
    """Pairs of texts whose boxes overlap, as ``"'a' overlaps 'b'"``."""
    boxes = [(text, owner, text.get_window_extent(renderer)) for text, owner in _texts(fig)]
    problems = []
    for i, (text, owner, box) in enumerate(boxes):
        for other, other_owner, other_box in boxes[i + 1 :]:
            if owner == other_owner:
                continue
            area = _overlap(box, other_box)
            smaller = min(box.width * box.height, other_box.width * other_box.height)
            if area > MIN_OVERLAP_PX2 and area > MIN_OVERLAP_SHARE * smaller:
                problems.append(f"{text.get_text()!r} overlaps {other.get_text()!r}")
    return problems


def _data_points(ax) -> np.ndarray:
    """Display coordinates (n, 2) of the data an axes draws: markers, line vertices and points
    along line segments, scatter offsets."""
    points = [np.empty((0, 2))]
    for line in ax.lines:
        if not line.get_visible() or line.get_transform() != ax.transData:
            continue  # axhline/axvline are guides in axes coordinates, not data
        xy = np.asarray(line.get_xydata(), dtype=float)
        xy = xy[np.isfinite(xy).all(axis=1)]
        if len(xy) == 0:
            continue
        if line.get_linestyle() not in ("None", "", " ") and len(xy) > 1:
            steps = np.linspace(0.0, 1.0, SAMPLES_PER_SEGMENT, endpoint=False)
            starts, ends = xy[:-1], xy[1:]
            along = starts[:, None, :] + (ends - starts)[:, None, :] * steps[None, :, None]
            xy = np.vstack([along.reshape(-1, 2), xy[-1:]])
        points.append(ax.transData.transform(xy))
    for collection in ax.collections:
        offsets = np.asarray(collection.get_offsets(), dtype=float)
        if not collection.get_visible() or offsets.ndim != 2 or len(offsets) < 1:
            continue
        if collection.get_offset_transform() != ax.transData:
            continue
        offsets = offsets[np.isfinite(offsets).all(axis=1)]
        points.append(ax.transData.transform(offsets))
    return np.vstack(points)


def _bars(ax, renderer) -> list:
    from matplotlib.patches import Rectangle

    return [
        patch.get_window_extent(renderer)
        for patch in ax.patches
        if isinstance(patch, Rectangle)
        and patch.get_visible()
        and patch.get_data_transform() == ax.transData
        and patch.get_height() != 0
    ]


def legends_over_data(fig, renderer) -> list[str]:
    """Legends whose box covers data of an axes, as ``"legend covers 3 points of 'title'"``."""
    problems = []
    legends = [ax.get_legend() for ax in fig.axes] + list(fig.legends)
    for legend in legends:
        if legend is None or not legend.get_visible():
            continue
        box = legend.get_window_extent(renderer).padded(-2.0)
        for ax in fig.axes:
            if not ax.get_visible() or _overlap(box, ax.get_window_extent(renderer)) == 0:
                continue
            points = _data_points(ax)
            inside = (
                (points[:, 0] > box.x0)
                & (points[:, 0] < box.x1)
                & (points[:, 1] > box.y0)
                & (points[:, 1] < box.y1)
            )
            bars = sum(_overlap(box, bar) > MIN_OVERLAP_PX2 for bar in _bars(ax, renderer))
            name = ax.get_title() or ax.get_ylabel() or f"axes {fig.axes.index(ax) + 1}"
            if inside.any():
                problems.append(f"the legend covers {int(inside.sum())} data point(s) of {name!r}")
            if bars:
                problems.append(f"the legend covers {bars} bar(s) of {name!r}")
    return problems


def figure_problems(fig, renderer=None) -> list[str]:
    """Every style problem of a figure (empty when it is clean).

    With ``renderer`` (a draw in progress), the boxes are measured where that draw put them;
    without, the figure is laid out again first (no rendering).
    """
    if renderer is None:
        fig.draw_without_rendering()
        renderer = fig.canvas.get_renderer()
    return overlapping_texts(fig, renderer) + legends_over_data(fig, renderer)


def _checked(fig, renderer=None) -> list[str]:
    try:
        return figure_problems(fig, renderer)
    except Exception as error:  # a check must never break a lesson's figure
        return [f"the style check failed: {type(error).__name__}: {error}"]


def _measure_on_draw(event) -> None:
    fig = event.canvas.figure
    fig._worldlab_style_problems = _checked(fig, event.renderer)


def watch_figure(fig) -> None:
    """Measure ``fig`` at each of its draws (an entry of ``rcParams["figure.hooks"]``).

    The inline backend saves a figure with ``bbox_inches="tight"``, which draws it in a cropped
    frame and places the axis labels there; measured after the save, the labels sit elsewhere.
    Measuring during the draw sees the figure exactly as its PNG shows it.
    """
    fig.canvas.mpl_connect("draw_event", _measure_on_draw)


def _report(fig) -> dict | None:
    problems = getattr(fig, "_worldlab_style_problems", None)
    if problems is None:  # a figure pyplot did not make: measure it now
        problems = _checked(fig)
    return {"problems": problems} if problems else None


def install_figure_check(shell: Any | None = None) -> bool:
    """Add the style report to every figure's display bundle, under the course tooling only.

    Returns True when the check is (already) installed.
    """
    from worldlab.widgets import static_figures

    if not static_figures():
        return False
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
    formatters = getattr(getattr(shell, "display_formatter", None), "formatters", None)
    if formatters is None:
        return False
    if STYLE_MIME in formatters:
        return True
    from IPython.core.formatters import JSONFormatter
    from matplotlib.figure import FigureBase

    formatter = JSONFormatter(parent=shell.display_formatter)
    formatter.format_type = STYLE_MIME
    # On FigureBase, not Figure: the inline backend pops Figure from every formatter when it
    # starts (matplotlib_inline's select_figure_formats), which would drop this one.
    formatter.for_type(FigureBase, _report)
    formatters[STYLE_MIME] = formatter
    import matplotlib as mpl

    if WATCH_HOOK not in mpl.rcParams["figure.hooks"]:
        mpl.rcParams["figure.hooks"] = [*mpl.rcParams["figure.hooks"], WATCH_HOOK]
    return True
