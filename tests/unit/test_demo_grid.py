"""The demos' grids for the website: controls read from widgets, bounds kept, every figure drawn."""

from __future__ import annotations

import json
import math

import ipywidgets
import matplotlib
import pytest

from worldlab import demo_grid, widgets
from worldlab.course import site_demos
from worldlab.demo_grid import DemoGridError, GridControl, coarsen, control_of, render_grid

matplotlib.use("Agg")


def test_controls_are_read_from_sliders_menus_and_boxes():
    seeds = control_of("n", ipywidgets.IntSlider(value=5, min=3, max=30, description="seeds"))
    assert seeds.kind == "slider" and seeds.label == "seeds"
    assert seeds.values == tuple(range(3, 31)) and seeds.values[seeds.default] == 5
    rate = control_of("r", ipywidgets.FloatSlider(value=0.3, min=0.02, max=1.0, step=0.02))
    assert len(rate.values) == 50 and rate.values[rate.default] == 0.3
    assert rate.labels[rate.default] == "0.30"
    ewc = control_of("lam", ipywidgets.FloatLogSlider(value=100.0, base=10, min=0, max=4, step=0.5))
    assert ewc.values[0] == 1.0 and ewc.values[-1] == 10_000.0 and ewc.values[ewc.default] == 100
    menu = control_of("camp", ipywidgets.Dropdown(options=[("all", "all"), ("optimists", "O")]))
    assert menu.kind == "select" and menu.values == ("all", "O") and menu.labels[1] == "optimists"
    box = control_of("on", ipywidgets.Checkbox(value=True))
    assert box.kind == "checkbox" and box.values[box.default] is True
    with pytest.raises(DemoGridError, match="'words'"):
        control_of("words", ipywidgets.Text(value="hi"))


def _slider(name: str, n: int, default: int) -> GridControl:
    return GridControl(name, name, "slider", tuple(range(n)), tuple(map(str, range(n))), default)


def test_coarsening_keeps_the_bounds_and_every_default():
    menu = GridControl("menu", "menu", "select", ("a", "b", "c"), ("a", "b", "c"), 1)
    controls = [_slider("a", 50, 14), _slider("b", 11, 0), menu, _slider("c", 80, 79)]
    for max_steps, max_figures in [(12, 150), (3, 30), (2, 3)]:
        thin = coarsen(controls, max_steps, max_figures)
        assert math.prod(len(c.values) for c in thin) <= max_figures
        for before, after in zip(controls, thin, strict=True):
            assert after.values[after.default] == before.values[before.default]
            if before.kind == "slider":
                assert 1 <= len(after.values) <= max_steps
                steps = {b - a for a, b in zip(after.values, after.values[1:], strict=False)}
                assert len(steps) <= 1, "a coarsened slider moves in equal steps"
            else:
                assert after == before, "menus keep every option"
    short = coarsen([_slider("b", 11, 0), menu], 12, 150)
    assert len(short[0].values) == 11, "a short slider keeps its steps"
    with pytest.raises(DemoGridError, match="menus alone have 3"):
        coarsen(controls, 12, 2)


def test_every_setting_is_drawn_and_numbered_in_row_major_order(tmp_path):
    import matplotlib.pyplot as plt

    drawn = []

    def draw(width, colour):
        drawn.append((width, colour))
        plt.figure(figsize=(1 + width, 1))
        plt.plot([0, 1], color=colour)
        print(f"width {width}")
        plt.show()

    controls = [
        _slider("width", 3, 1),
        GridControl("colour", "colour", "select", ("red", "blue"), ("red", "blue"), 0),
    ]
    manifest = render_grid(draw, controls, tmp_path / "grid")
    assert drawn == [(w, c) for w in range(3) for c in ("red", "blue")]
    files = sorted(p.name for p in (tmp_path / "grid").iterdir())
    assert files == sorted([f"{k}.webp" for k in range(6)] + ["manifest.json"])
    assert manifest["figures"] == 6 and manifest["texts"][4] == "width 2"
    assert json.loads((tmp_path / "grid" / "manifest.json").read_text()) == manifest
    from PIL import Image

    widths = [Image.open(tmp_path / "grid" / f"{k}.webp").width for k in (0, 2, 4)]
    assert widths[0] < widths[1] < widths[2], "figure k is setting k"
    assert not plt.get_fignums()


def test_interactive_demo_draws_the_planned_grid_in_a_site_build(tmp_path, monkeypatch):
    import matplotlib.pyplot as plt

    plan = tmp_path / "plan.json"
    plan.write_text(
        json.dumps(
            {
                "max_steps": 3,
                "max_figures": 6,
                "demos": [
                    {"folder": str(tmp_path / "one"), "render": True},
                    {"folder": str(tmp_path / "cached"), "render": False},
                ],
            }
        )
    )
    monkeypatch.setenv(demo_grid.GRID_ENV, str(plan))
    monkeypatch.setattr(demo_grid, "_demos_seen", [0])

    def draw(n, kind):
        plt.plot(range(n))
        plt.title(kind)
        plt.show()

    controls = {"n": ipywidgets.IntSlider(value=5, min=1, max=30), "kind": ["a", "b"]}
    assert widgets.interactive_demo(draw, **controls) is None
    manifest = json.loads((tmp_path / "one" / "manifest.json").read_text())
    assert manifest["figures"] == 6
    assert [len(c["labels"]) for c in manifest["controls"]] == [3, 2]
    widgets.interactive_demo(draw, **controls)  # cached: nothing drawn
    assert not (tmp_path / "cached").exists()
    with pytest.raises(DemoGridError, match="plan lists only 2"):
        widgets.interactive_demo(draw, **controls)


def test_the_site_tooling_and_the_kit_agree_on_the_grid_contract():
    assert site_demos.GRID_ENV == demo_grid.GRID_ENV
    assert site_demos.IMAGE_SUFFIX == demo_grid.IMAGE_SUFFIX
    assert site_demos.FORMAT_VERSION == demo_grid.FORMAT_VERSION
