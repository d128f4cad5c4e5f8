"""A demo whose exercise is unfinished shows the reference figure with its controls disabled.

Lessons 09–11 showed sliders that moved and redrew nothing while an exercise was unfinished (the
callback fell back to the same reference figure at every setting). Now the demo says which
exercise unlocks it and disables its controls until the cell is run again.
"""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
import pytest
from PIL import Image

from worldlab import figures, widgets


def count_surprise(counts):
    """A student's stub, as nbgrader releases it."""
    raise NotImplementedError()


def finished(counts):
    return counts


@pytest.fixture
def lesson_folder(tmp_path, monkeypatch):
    """A kernel in a lesson's folder, live (not headless), with a reference figure."""
    monkeypatch.delenv(widgets.STATIC_FIGURES_ENV, raising=False)
    monkeypatch.setattr(plt, "show", lambda: None)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "figures").mkdir()
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "#0072B2").save(buffer, format="PNG")
    (tmp_path / "figures" / "09-demo.png").write_bytes(buffer.getvalue())
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: shown.append(a[0]))
    return shown


def _draw(channels, step):
    plt.plot(range(channels), [step(c) for c in range(channels)])


def _controls(demo):
    return [child for child in demo.children if hasattr(child, "disabled")]


def test_a_demo_that_falls_back_to_its_reference_is_locked_and_names_the_exercise(lesson_folder):
    from ipywidgets import HTML, IntSlider

    widgets.interactive_demo(
        lambda channels: figures.figure_or_reference(
            lambda: _draw(channels, count_surprise), "09-demo"
        ),
        channels=IntSlider(value=30, min=1, max=60),
    )
    demo = next(item for item in lesson_folder if hasattr(item, "children"))
    assert isinstance(demo.children[0], HTML)
    assert "count_surprise" in demo.children[0].value and "locked" in demo.children[0].value
    controls = _controls(demo)
    assert controls and all(control.disabled for control in controls)
    plt.close("all")


def test_a_demo_whose_callback_raises_shows_the_named_reference_locked(lesson_folder):
    from ipywidgets import IntSlider

    widgets.interactive_demo(
        lambda channels: _draw(channels, count_surprise),
        reference="09-demo",
        channels=IntSlider(value=30, min=1, max=60),
    )
    demo = next(item for item in lesson_folder if hasattr(item, "children"))
    assert "count_surprise" in demo.children[0].value
    assert all(control.disabled for control in _controls(demo))
    plt.close("all")


def test_without_a_reference_an_unfinished_demo_still_raises(lesson_folder):
    from ipywidgets import IntSlider

    with pytest.raises(NotImplementedError):
        widgets.interactive_demo(
            lambda channels: _draw(channels, count_surprise),
            channels=IntSlider(value=30, min=1, max=60),
        )
    plt.close("all")


def test_a_finished_demo_is_live(lesson_folder):
    from ipywidgets import IntSlider

    widgets.interactive_demo(
        lambda channels: figures.figure_or_reference(lambda: _draw(channels, finished), "09-demo"),
        channels=IntSlider(value=30, min=1, max=60),
    )
    demo = next(item for item in lesson_folder if hasattr(item, "children"))
    assert not any("locked" in str(getattr(child, "value", "")) for child in demo.children)
    assert not any(control.disabled for control in _controls(demo))
    plt.close("all")


def test_headless_the_locked_line_is_printed(lesson_folder, monkeypatch, capsys):
    from ipywidgets import IntSlider

    monkeypatch.setenv(widgets.STATIC_FIGURES_ENV, "1")
    widgets.interactive_demo(
        lambda channels: _draw(channels, count_surprise),
        reference="09-demo",
        channels=IntSlider(value=30, min=1, max=60),
    )
    out = capsys.readouterr().out
    assert "Controls locked: finish the exercise `count_surprise`" in out
    plt.close("all")


def test_the_unfinished_exercise_is_the_function_that_raised():
    try:
        (lambda: count_surprise(3))()
    except NotImplementedError as error:
        assert figures.unfinished_exercise(error) == "count_surprise"
    try:
        (lambda: (_ for _ in ()).throw(NotImplementedError()))()
    except NotImplementedError as error:
        assert figures.unfinished_exercise(error) is None
