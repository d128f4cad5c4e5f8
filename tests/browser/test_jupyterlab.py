"""Every lesson the way a student meets it: JupyterLab in a real browser.

One ``jupyter lab`` for the module (started from the repository root on 127.0.0.1, with a token
and private Jupyter folders, autosave off so nothing is written back), one browser page, the
lessons in sequence. For each lesson:

- the student notebook, run to the end (past each failing cell, as a student stuck on an exercise
  would go on): the only errors are the unfinished exercises (``NotImplementedError``) and their
  own test cells; each demo is shown once, with exactly the controls the lesson names, without
  "Error displaying widget"; moving each control redraws its figure;
- the solution notebook, run all: no error;
- in both, every figure the lesson gives alt text reaches the page with it (`<img alt>`).

Then the Nbgrader menu is present and its formgrader lists every assignment.
"""

from __future__ import annotations

import ast
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "site" / "_build" / "screenshots"  # failures of demos, to look at
LESSONS = sorted(
    p.name for p in (ROOT / "notebooks").iterdir() if (p / f"{p.name}.ipynb").is_file()
)
RUN_TIMEOUT_MS = 300_000
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

#: JupyterLab user settings for the test: no news toast, no update check, and above all no
#: autosave (the lessons' committed notebooks must never receive the test's outputs).
SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A running JupyterLab: yields (base URL, token)."""
    home = tmp_path_factory.mktemp("jupyter")
    env = {
        k: v for k, v in os.environ.items() if k not in ("MPLBACKEND", "WORLDLAB_STATIC_FIGURES")
    }
    folders = {
        "JUPYTER_CONFIG_DIR": "config",
        "JUPYTER_DATA_DIR": "data",
        "JUPYTER_RUNTIME_DIR": "runtime",
        "IPYTHONDIR": "ipython",
        "MPLCONFIGDIR": "matplotlib",
        "JUPYTERLAB_SETTINGS_DIR": "lab-settings",
        "JUPYTERLAB_WORKSPACES_DIR": "lab-workspaces",
    }
    for name, folder in folders.items():
        (home / folder).mkdir()
        env[name] = str(home / folder)
    for relative, values in SETTINGS.items():
        path = home / "lab-settings" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    token, port = secrets.token_hex(16), _free_port()
    log = (home / "jupyter-lab.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={ROOT}",
            "--LabApp.expose_app_in_browser=True",
            # checkpoints outside the repository: notebooks/<id>/ must hold what the build made
            f"--FileCheckpoints.checkpoint_dir={home / 'checkpoints'}",
        ]
        # CI runs as root (a fresh Debian machine); jupyter refuses root without this flag.
        + (["--allow-root"] if os.geteuid() == 0 else []),
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as reply:
                if reply.status == 200:
                    break
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            pytest.fail(f"jupyter lab did not start: see {home / 'jupyter-lab.log'}")
        time.sleep(0.5)
    originals = {
        path: path.read_bytes()
        for lesson in LESSONS
        for path in (
            ROOT / "notebooks" / lesson / f"{lesson}.ipynb",
            ROOT / "solutions" / lesson / f"{lesson}.ipynb",
        )
    }
    yield base, token
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()
    changed = [path for path, data in originals.items() if path.read_bytes() != data]
    for path in changed:
        path.write_bytes(originals[path])
    assert not changed, f"JupyterLab wrote into committed notebooks (restored): {changed}"


@pytest.fixture(scope="module")
def page(browser, lab):
    base, token = lab
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    tab.goto(f"{base}/lab?reset&token={token}")
    tab.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=120_000)
    tab.wait_for_selector("#jp-main-statusbar", timeout=120_000)
    yield tab
    context.close()


def _open(page, path: str) -> None:
    """Open a notebook in the page and wait for its kernel ("| Idle" in the status bar)."""
    page.evaluate(
        """async (path) => {
            const app = window.jupyterapp;
            const panel = await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
            await panel.context.ready;
            await panel.sessionContext.ready;
        }""",
        path,
    )
    page.wait_for_function(
        """() => {
            const bar = document.querySelector('#jp-main-statusbar');
            return bar && bar.textContent.includes('| Idle');
        }""",
        timeout=120_000,
    )


def _run_to_the_end(page) -> list[dict]:
    """Run all cells; after a failing cell go on below it. Return every error, in order.

    Outputs are cleared first, so a cell that never ran has no execution count. After an error
    the kernel aborts what is queued for a moment (``stop_on_error``); requests sent in that
    moment are aborted too, so cells left unrun without an error are run again, a few times.
    """
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
    errors: list[dict] = []
    command = "notebook:run-all-cells"
    start, retries = 0, 0
    while True:
        done = page.evaluate(
            """async ([command, start, timeout]) => {
                const app = window.jupyterapp;
                const notebook = app.shell.currentWidget.content;
                notebook.activeCellIndex = start;
                const run = app.commands.execute(command);
                const late = new Promise(r => setTimeout(() => r('timeout'), timeout));
                return await Promise.race([run, late]);
            }""",
            [command, start, RUN_TIMEOUT_MS],
        )
        assert done != "timeout", f"cells still running after {RUN_TIMEOUT_MS / 1000} s"
        new = [e for e in _errors(page) if e["index"] >= start]
        if new:
            errors.append(new[0])
            start = new[0]["index"] + 1
        else:
            unrun = _first_unrun(page, start)
            if done is True or unrun is None:
                return errors
            retries += 1
            assert retries <= 5, f"cells from {unrun} on were aborted {retries} times"
            page.wait_for_timeout(1000)
            start = unrun
        if start >= page.evaluate(
            "() => window.jupyterapp.shell.currentWidget.content.widgets.length"
        ):
            return errors
        command = "notebook:run-all-below"


def _first_unrun(page, start: int) -> int | None:
    """The first code cell from ``start`` on that holds code and has not run, or None."""
    index = page.evaluate(
        """(start) => window.jupyterapp.shell.currentWidget.content.widgets.findIndex(
            (cell, i) => i >= start && cell.model.type === 'code'
                && cell.model.sharedModel.getSource().trim() !== ''
                && cell.model.executionCount === null)""",
        start,
    )
    return None if index < 0 else index


def _errors(page) -> list[dict]:
    return page.evaluate(
        """() => {
            const notebook = window.jupyterapp.shell.currentWidget.content;
            const found = [];
            notebook.widgets.forEach((cell, index) => {
                if (cell.model.type !== 'code') return;
                for (const output of cell.model.outputs.toJSON()) {
                    if (output.output_type === 'error') {
                        found.push({
                            index,
                            ename: output.ename,
                            evalue: String(output.evalue).slice(0, 200),
                            nbgrader: cell.model.getMetadata('nbgrader') || {},
                            source: cell.model.sharedModel.getSource().slice(0, 80),
                        });
                    }
                }
            });
            return found;
        }"""
    )


def _figures_without_alt(page) -> list[str]:
    """Cells whose figure has alt text in the lesson but reaches the reader without it.

    Every ``<img>`` a cell with ``mystnb.image.alt`` shows must carry a non-empty ``alt`` (what a
    screen reader reads in JupyterLab), a demo's redrawn figure too.
    """
    return page.evaluate(
        """() => {
            const notebook = window.jupyterapp.shell.currentWidget.content;
            const found = [];
            notebook.widgets.forEach((cell, index) => {
                if (cell.model.type !== 'code') return;
                const options = cell.model.getMetadata('mystnb') || {};
                const alt = (options.image || {}).alt;
                if (!alt) return;
                const images = [...cell.node.querySelectorAll('.jp-OutputArea-output img')];
                const bare = images.filter(img => !(img.getAttribute('alt') || '').trim());
                if (bare.length) found.push(`cell ${index}: ${bare.length} of `
                    + `${images.length} images without alt text`);
            });
            return found;
        }"""
    )


def _close(page) -> None:
    """Close the notebook without saving and shut its kernel down."""
    page.evaluate(
        """async () => {
            const panel = window.jupyterapp.shell.currentWidget;
            await panel.sessionContext.shutdown();
            panel.context.model.dirty = false;
            panel.close();
        }"""
    )


def _named_controls(source: str) -> int | None:
    """How many controls an ``interactive_demo(...)`` call names (None if it uses ``**``)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "interactive_demo":
            if any(keyword.arg is None for keyword in node.keywords):
                return None
            return len(node.keywords)
    return None


def _demo_cells(page) -> list[dict]:
    return page.evaluate(
        """([view]) => {
            const notebook = window.jupyterapp.shell.currentWidget.content;
            const found = [];
            notebook.widgets.forEach((cell, index) => {
                const source = cell.model.sharedModel.getSource();
                if (cell.model.type !== 'code' || !source.includes('interactive_demo(')) return;
                const outputs = cell.model.outputs.toJSON();
                const views = outputs.filter(o => o.data && o.data[view]).length;
                const text = outputs.map(o => [].concat(o.text || (o.data && o.data['text/plain'])
                    || []).join('')).join(' ');
                found.push({index, source, views, text});
            });
            return found;
        }""",
        [WIDGET_VIEW],
    )


def _figure_hash(cell) -> str | None:
    return cell.evaluate(
        """node => {
            const img = node.querySelector('.widget-interact .widget-output img')
                || node.querySelector('.widget-interact img');
            if (!img) return null;
            let h = 0;
            const s = img.src;
            for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
            return `${s.length}:${h}`;
        }"""
    )


def _wait_for_new_figure(page, cell, before: str | None, what: str) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        now = _figure_hash(cell)
        if now is not None and now != before:
            return now
        page.wait_for_timeout(250)
    raise AssertionError(f"moving {what} did not change the figure")


#: The note worldlab.figures.figure_or_reference prints above a reference figure.
REFERENCE_NOTE = "is not finished yet"


#: What a demo cell shows a stuck student instead of the widget (worldlab.figures, or a note).
FALLBACK_MARKS = (REFERENCE_NOTE, "to use this demo")


def _shows_a_fallback(demo: dict) -> bool:
    """Read from the cell's outputs in the notebook model, not from the page still rendering."""
    return any(mark in demo["text"] for mark in FALLBACK_MARKS)


def _cell(page, index: int):
    """The locator of the notebook's cell ``index`` (the model's index, marked on its node).

    ``.jp-Cell`` by position would do while every cell is in the page, but JupyterLab's windowing
    may leave cells out of the page or render them late: the mark names the cell itself.
    """
    page.evaluate(
        """(index) => {
            document.querySelectorAll('[data-worldlab-cell]')
                .forEach(node => node.removeAttribute('data-worldlab-cell'));
            const notebook = window.jupyterapp.shell.currentWidget.content;
            notebook.widgets[index].node.setAttribute('data-worldlab-cell', String(index));
        }""",
        index,
    )
    return page.locator(f"[data-worldlab-cell='{index}']")


def _check_demo(page, demo: dict) -> bool:
    """Check one demo; False when it shows the reference figure of an unfinished exercise."""
    index = demo["index"]
    page.evaluate(
        """async (index) => {
            const notebook = window.jupyterapp.shell.currentWidget.content;
            await notebook.scrollToItem(index, 'start');
        }""",
        index,
    )
    cell = _cell(page, index)
    where = f"cell {index} ({demo['source'].splitlines()[0][:50]!r})"
    widget = cell.locator(".widget-interact").first
    try:  # in the page first, then scrolled to: an off-screen cell may be rendered late
        widget.wait_for(state="attached", timeout=60_000)
        widget.scroll_into_view_if_needed(timeout=30_000)
        widget.wait_for(state="visible", timeout=30_000)
    except PlaywrightTimeout as exc:
        shown = "Error displaying widget" in (cell.text_content() or "")
        raise AssertionError(
            f"{where}: {'Error displaying widget' if shown else 'the widget never appeared'}"
        ) from exc
    assert "Error displaying widget" not in (cell.text_content() or ""), where
    sliders = widget.locator(".noUi-handle")
    selects = widget.locator("select")
    checkboxes = widget.locator("input[type=checkbox]")
    toggles = widget.locator(".widget-toggle-buttons")
    controls = sliders.count() + selects.count() + checkboxes.count() + toggles.count()
    named = _named_controls(demo["source"])
    if named is not None:
        assert controls == named, f"{where}: {controls} controls shown, the lesson names {named}"
    before = _figure_hash(cell)
    assert before is not None, f"{where}: the demo shows no figure"
    if REFERENCE_NOTE in (widget.text_content() or ""):
        # The demo needs an exercise the student has not finished: it shows the reference figure
        # (worldlab.figures) and cannot redraw; its controls are moved in the solution notebook.
        return False
    for i in range(sliders.count()):
        handle = sliders.nth(i)
        at_end = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
        handle.focus()
        handle.press("ArrowLeft" if at_end else "ArrowRight")
        before = _wait_for_new_figure(page, cell, before, f"slider {i + 1} of {where}")
    for i in range(selects.count()):
        select = selects.nth(i)
        count = select.locator("option").count()
        current = select.evaluate("s => s.selectedIndex")
        select.select_option(index=(current + 1) % count)
        before = _wait_for_new_figure(page, cell, before, f"menu {i + 1} of {where}")
    for i in range(checkboxes.count()):
        checkboxes.nth(i).click()
        before = _wait_for_new_figure(page, cell, before, f"checkbox {i + 1} of {where}")
    for i in range(toggles.count()):
        toggles.nth(i).locator("button:not(.mod-active)").first.click()
        before = _wait_for_new_figure(page, cell, before, f"buttons {i + 1} of {where}")
    return True


def _allowed(error: dict) -> bool:
    """An unfinished exercise (its answer cell raising NotImplementedError) or its test."""
    marks = error["nbgrader"]
    if marks.get("solution") and not marks.get("grade"):
        return error["ename"] == "NotImplementedError"
    return bool(marks.get("grade"))


@pytest.mark.parametrize("lesson", LESSONS)
def test_student_notebook(page, lesson):
    """Every problem of the lesson is collected, then reported together."""
    _open(page, f"notebooks/{lesson}/{lesson}.ipynb")
    problems = []
    try:
        errors = _run_to_the_end(page)
        problems += [
            f"cell {e['index']} raised {e['ename']}: {e['evalue']} outside the exercises and "
            f"their tests ({e['source'].splitlines()[0]!r})"
            for e in errors
            if not _allowed(e)
        ]
        problems += _figures_without_alt(page)
        demos = _demo_cells(page)
        if not demos:
            problems.append("no interactive demo")
        for demo in demos:
            if demo["views"] == 0 and _shows_a_fallback(demo):
                continue  # a stuck student's demo: reference figure or a note; checked in solutions
            if demo["views"] != 1:
                problems.append(
                    f"demo in cell {demo['index']} is shown {demo['views']} times, not once"
                )
            try:
                _check_demo(page, demo)
            except AssertionError as exc:
                problems.append(str(exc).splitlines()[0])
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                shot = SCREENSHOTS / f"jupyterlab-{lesson}-cell{demo['index']}.png"
                _cell(page, demo["index"]).screenshot(path=shot)
    finally:
        _close(page)
    assert not problems, f"{lesson}:\n- " + "\n- ".join(problems)


@pytest.mark.parametrize("lesson", LESSONS)
def test_solution_notebook(page, lesson):
    """Run all with no error; every demo's controls redraw its figure (exercises are finished)."""
    _open(page, f"solutions/{lesson}/{lesson}.ipynb")
    try:
        errors = _run_to_the_end(page)
        assert not errors, "; ".join(
            f"cell {e['index']} {e['ename']}: {e['evalue']}" for e in errors
        )
        missing = _figures_without_alt(page)
        assert not missing, "figures a screen reader cannot read: " + "; ".join(missing)
        for demo in _demo_cells(page):
            assert demo["views"] == 1, (
                f"demo in cell {demo['index']} is shown {demo['views']} times"
            )
            assert _check_demo(page, demo), (
                f"cell {demo['index']}: a solution's demo shows a reference figure"
            )
        missing = _figures_without_alt(page)
        assert not missing, "after the demos moved: " + "; ".join(missing)
    finally:
        _close(page)


def test_nbgrader_menu_and_formgrader(page, lab):
    menu = page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader")
    assert menu.count() == 1, "JupyterLab has no Nbgrader menu"
    menu.click()
    page.locator(".lm-Menu-itemLabel").get_by_text("Formgrader", exact=True).click()
    frame = page.frame_locator("iframe[src*='formgrader']")
    for lesson in LESSONS:
        frame.locator("td, a", has_text=lesson).first.wait_for(timeout=60_000)
