"""Alt text reaches JupyterLab's screen-reader path: figure outputs carry it as HTML.

JupyterLab 4 draws ``image/png`` without alt; it prefers ``text/html`` and keeps ``<img alt>``.
"""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path

import nbformat
import pytest
from PIL import Image

from worldlab.course import alt_text as build_side
from worldlab.plots import alt_text as kernel_side

ALT = 'Two lines "learner" & <baseline>; the gap — 0.3 — stays.'


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "#0072B2").save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_png_carries_its_alt_text_and_stays_a_valid_png():
    png = build_side.png_with_alt_text(_png(), ALT)
    assert kernel_side.png_alt_text(png) == ALT
    assert kernel_side.png_alt_text(_png()) is None
    image = Image.open(io.BytesIO(png))
    image.load()  # a bad chunk CRC would raise here
    assert image.size == (4, 3)
    with pytest.raises(ValueError, match="not a PNG"):
        build_side.png_with_alt_text(b"GIF89a", ALT)


def test_both_sides_write_the_same_markup_and_escape_the_alt_text():
    data = base64.b64encode(_png()).decode()
    html = build_side.image_html(data + "\n", ALT)
    assert html == kernel_side.image_html(data, ALT)
    assert html.startswith(f'<img src="data:image/png;base64,{data}" alt="')
    assert 'alt="Two lines &quot;learner&quot; &amp; &lt;baseline&gt;' in html


def test_the_build_gives_each_figure_of_a_cell_with_alt_text_an_html_twin():
    data = base64.b64encode(_png()).decode()
    figure = nbformat.v4.new_output(
        "display_data", data={"image/png": data, "text/plain": "<Figure>"}
    )
    with_alt = nbformat.v4.new_code_cell("plot()", outputs=[figure])
    with_alt.metadata["mystnb"] = {"image": {"alt": "A line\n  rising."}}
    without = nbformat.v4.new_code_cell("plot()", outputs=[nbformat.from_dict(dict(figure))])
    notebook = nbformat.v4.new_notebook(cells=[with_alt, without])
    assert build_side.add_alt_text_to_outputs(notebook) == 1
    assert with_alt.outputs[0].data["text/html"] == build_side.image_html(data, "A line rising.")
    assert "text/html" not in without.outputs[0].data
    assert build_side.add_alt_text_to_outputs(notebook) == 0, "HTML already there is kept"


class _Publisher:
    def __init__(self):
        self.sent = []

    def publish(self, data, metadata=None, **kwargs):
        self.sent.append(data)


class _Kernel:
    def __init__(self, cell_id):
        self.cell_id = cell_id

    def get_parent(self, channel="shell"):
        return {"metadata": {"cellId": self.cell_id}} if self.cell_id else {}


class _Shell:
    def __init__(self, cell_id, session):
        self.display_pub = _Publisher()
        self.kernel = _Kernel(cell_id)
        self.user_ns = {"__session__": session}


def _session_notebook(tmp_path: Path) -> Path:
    cell = nbformat.v4.new_code_cell("plot()")
    cell.id = "c007-figure"
    cell.metadata["mystnb"] = {"image": {"alt": ALT}}
    path = tmp_path / "lesson.ipynb"
    path.write_text(json.dumps(nbformat.v4.new_notebook(cells=[cell])), encoding="utf-8")
    return path


def test_a_kernel_adds_the_running_cells_alt_text_to_its_images(tmp_path):
    path = _session_notebook(tmp_path)
    shell = _Shell("c007-figure", str(path))
    published = shell.display_pub
    assert kernel_side.install_alt_text(shell) and kernel_side.install_alt_text(shell)
    png = base64.b64encode(_png()).decode()
    shell.display_pub.publish({"image/png": png, "text/plain": "<Figure>"}, {})
    shell.display_pub.publish({"text/plain": "42"}, {})
    assert published.sent[0]["text/html"] == kernel_side.image_html(png, ALT)
    assert published.sent[1] == {"text/plain": "42"}
    assert len(published.sent) == 2, "installing twice wraps once"


@pytest.mark.parametrize(
    "cell_id, session", [(None, "x.ipynb"), ("c007-figure", None), ("other-cell", "lesson.ipynb")]
)
def test_without_a_cell_id_a_session_or_an_alt_text_images_are_left_alone(
    tmp_path, monkeypatch, cell_id, session
):
    _session_notebook(tmp_path)
    monkeypatch.chdir(tmp_path)  # Jupyter Server's session path is relative: the kernel's cwd
    shell = _Shell(cell_id, session)
    assert kernel_side.current_cell_alt(shell) is None


def test_a_relative_session_path_is_found_in_the_kernels_folder(tmp_path, monkeypatch):
    _session_notebook(tmp_path)
    monkeypatch.chdir(tmp_path)
    shell = _Shell("c007-figure", "notebooks/03-x/lesson.ipynb")
    assert kernel_side.current_cell_alt(shell) == ALT


def test_the_reference_figure_is_shown_with_its_alt_text(tmp_path, monkeypatch):
    from worldlab import figures

    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: shown.append((a, k)))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "figures").mkdir()
    png = build_side.png_with_alt_text(_png(), ALT)
    (tmp_path / "figures" / "03-curve.png").write_bytes(png)

    def unfinished():
        raise NotImplementedError

    figures.figure_or_reference(unfinished, "03-curve")
    [((bundle,), options)] = shown
    assert options == {"raw": True}
    assert bundle["image/png"] == base64.b64encode(png).decode()
    assert re.search(r'alt="Two lines &quot;learner&quot;', bundle["text/html"])


def test_jupyterlab_prefers_html_to_png_and_keeps_img_alt():
    """The premise of this module, checked on the JupyterLab that is installed: the HTML
    renderer ranks before the image renderer, both are safe (so untrusted notebooks pick HTML
    too), and the sanitizer keeps ``img``'s ``src`` and ``alt`` and checks no scheme on ``src``."""
    jupyterlab = pytest.importorskip("jupyterlab")
    static = Path(jupyterlab.__file__).parent / "static"
    cores = [p.read_text(encoding="utf-8", errors="replace") for p in static.glob("jlab_core*.js")]
    core = next((text for text in cores if 'mimeTypes:["text/html"],defaultRank' in text), None)
    if core is None:
        pytest.skip("this JupyterLab's bundle is laid out differently; check by hand")
    html = re.search(r'safe:!0,mimeTypes:\["text/html"\],defaultRank:(\d+)', core)
    image = re.search(
        r'safe:!0,mimeTypes:\["image/bmp","image/png"[^\]]*\],defaultRank:(\d+)', core
    )
    assert html and image and int(html.group(1)) < int(image.group(1))
    allowed = re.search(r'img:\[("align".{0,200}?"width")\]', core)
    assert allowed and '"alt"' in allowed.group(1) and '"src"' in allowed.group(1)
    assert 'allowedSchemesAppliedToAttributes:["href","cite"]' in core


def test_jupyterlab_sends_the_cells_metadata_and_the_alt_text_is_read_from_it():
    class Kernel:
        def get_parent(self, channel="shell"):
            return {"metadata": {"cellId": "x", "mystnb": {"image": {"alt": "A  line\n rising."}}}}

    shell = _Shell(None, None)
    shell.kernel = Kernel()
    assert kernel_side.current_cell_alt(shell) == "A line rising."


def test_a_demos_redraw_keeps_the_alt_text_of_the_cell_that_built_it(tmp_path):
    """A control that moves redraws while the kernel handles a widget message, not a cell."""
    path = _session_notebook(tmp_path)
    shell = _Shell("c007-figure", str(path))
    published = shell.display_pub
    kernel_side.install_alt_text(shell)
    png = base64.b64encode(_png()).decode()

    def redraw():
        shell.display_pub.publish({"image/png": png, "text/plain": "<Figure>"}, {})

    kept = kernel_side.keep_cell_alt(redraw, shell)
    shell.kernel.cell_id = None  # now a comm message is being handled: no cell
    redraw()
    kept()
    assert "text/html" not in published.sent[0], "a bare redraw finds no cell"
    assert published.sent[1]["text/html"] == kernel_side.image_html(png, ALT)
    redraw()
    assert "text/html" not in published.sent[2], "the pin ends with the callback"
