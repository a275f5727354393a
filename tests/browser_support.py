"""Machinery of the real-browser test: JupyterLab on localhost, driven by headless Chromium.

The browser test does not run the chapters: nbval executes every chapter anyway, and
re-running each one up to its explorers in JupyterLab doubled their cost. Instead, small
*fixture* notebooks in ``tests/fixtures/`` build the same explorer classes on small data
(random tables, tiny untrained or briefly trained models) in a few seconds each:
``explorer_demo.ipynb`` (two toy explorers that prove the machinery) and
``explorers_partN.ipynb`` (the explorers of one part of the course, grouped so that a kernel
pays TensorFlow's import once per part). A no-browser test checks that every explorer class
a chapter constructs in its explorer cells is constructed in some fixture's explorer cell.

``tests/test_browser.py`` uses these things from here:

- :func:`fixture_notebooks` finds the fixture notebooks that have an explorer cell (a code
  cell tagged ``"explorer"``), :func:`explorer_cells` the indices of those cells;
  :func:`chapter_notebooks` lists the chapters and :func:`explorer_classes` reads which
  explorer classes a notebook's explorer cells construct (parsed from their source, so a
  chapter that starts using a new explorer is noticed without editing the test).
- :class:`JupyterLabServer` copies the notebooks into a temporary folder (JupyterLab
  autosaves, and the repository must stay untouched) and serves them on a free
  ``127.0.0.1`` port with a random token and throwaway settings. Its kernels get a
  ``TMPDIR`` inside that folder, so files a notebook writes before its last explorer
  (its cleanup cells are not run) are removed with the server.
- :class:`NotebookPage` opens one notebook in a browser page, runs it up to its last
  explorer cell, and reads or drives what a learner sees: cell errors, widgets that
  failed or are still loading, each explorer's controls, its figure.

Nothing here imports TensorFlow, Playwright or JupyterLab at import time.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
EXPLORER_TAG = "explorer"
# The first-open prompt "Would you like to get notified about official Jupyter news?"
ANNOUNCEMENTS_PLUGIN = "@jupyterlab/apputils-extension:announcements"

# What ipywidgets' JupyterLab manager writes when a widget cannot be shown.
WIDGET_LOADING_TEXT = "Loading widget..."
WIDGET_ERROR_TEXT = "Error displaying widget"
WIDGET_ERROR_SELECTOR = ".jupyter-widgets-error-widget"
# What Explorer.update puts before the message of a rejected value ("&#9888; peak: expected ...").
REJECTED_MARK = "\u26a0"


# --------------------------------------------------------------------------- finding notebooks


def explorer_cells(notebook: Path) -> list[int]:
    """Indices (among all cells) of the code cells tagged ``"explorer"``."""
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    return [
        i
        for i, cell in enumerate(cells)
        if cell["cell_type"] == "code" and EXPLORER_TAG in cell.get("metadata", {}).get("tags", [])
    ]


def fixture_notebooks(fixtures: Path = FIXTURES) -> list[Path]:
    """The notebooks in ``fixtures`` with an explorer cell, by name (``explorer_demo`` first)."""
    return [nb for nb in sorted(Path(fixtures).glob("*.ipynb")) if explorer_cells(nb)]


def chapter_notebooks(root: Path = ROOT) -> list[Path]:
    """Every chapter: ``notebooks/NN_*.ipynb``, by number."""
    return sorted((Path(root) / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def constructed_explorers(source: str) -> set[str]:
    """Names of the classes called in ``source`` whose name ends in ``Explorer``.

    ``FeatureMapExplorer(...)`` and ``explorers.FeatureMapExplorer(...)`` count; a class
    statement, a comment or a string that mentions one does not. IPython syntax
    (``%matplotlib inline``) is turned into Python first, as the kernel does.
    """
    import ast

    from IPython.core.inputtransformer2 import TransformerManager

    tree = ast.parse(TransformerManager().transform_cell(source))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name.endswith("Explorer") and name != "Explorer":
                names.add(name)
    return names


def explorer_classes(notebook: Path) -> dict[int, set[str]]:
    """Explorer cell index -> the explorer classes that cell constructs."""
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    return {i: constructed_explorers(_source(cells[i])) for i in explorer_cells(notebook)}


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


# --------------------------------------------------------------------------- the browser


def chromium_path() -> str | None:
    """Chromium's executable: env ``DLCOURSE_CHROMIUM``, else ``chromium`` on PATH."""
    configured = os.environ.get("DLCOURSE_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def missing_requirements() -> str | None:
    """Why the browser test cannot run here, or ``None`` when it can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install playwright; no browser download needed)"
    try:
        import jupyterlab  # noqa: F401
        import jupyterlab_widgets  # noqa: F401
    except ImportError as err:
        return f"JupyterLab or its widget extension is not installed ({err.name})"
    if chromium_path() is None:
        return (
            "Chromium was not found (Debian/Ubuntu: apt-get install chromium; "
            "or point DLCOURSE_CHROMIUM at a Chromium executable)"
        )
    return None


def launch_chromium(playwright):
    """Headless Chromium from the system package, with the flags this machine needs."""
    return playwright.chromium.launch(
        executable_path=chromium_path(), headless=True, args=CHROMIUM_FLAGS
    )


# --------------------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")


class JupyterLabServer:
    """JupyterLab serving copies of ``notebooks`` from a temporary folder.

    Use as a context manager; leaving it stops the server, its kernels and removes the
    temporary folder. ``url(name)`` is the address that opens a notebook in a fresh
    workspace (so notebooks opened earlier are not restored next to it).
    """

    def __init__(self, notebooks: list[Path], *, start_timeout: float = 120.0):
        self.notebooks = [Path(nb) for nb in notebooks]
        self.start_timeout = start_timeout
        self.token = uuid.uuid4().hex
        self.port = None
        self.process = None
        self.tmp = None
        self.log_path = None

    # -- setting up
    def _prepare(self) -> dict:
        self.tmp = Path(tempfile.mkdtemp(prefix="dlcourse-lab-"))
        served = self.tmp / "served"
        served.mkdir()
        (self.tmp / "kernel-tmp").mkdir()
        for nb in self.notebooks:
            shutil.copy2(nb, served / nb.name)
        config = self.tmp / "config"
        _write_json(
            config / "labconfig" / "page_config.json",
            {"disabledExtensions": {ANNOUNCEMENTS_PLUGIN: True}},
        )
        settings = self.tmp / "settings"
        _write_json(
            settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings",
            {"fetchNews": "false", "checkForUpdates": False},
        )
        env = dict(os.environ)
        env.update(
            JUPYTER_CONFIG_DIR=str(config),
            JUPYTER_RUNTIME_DIR=str(self.tmp / "runtime"),
            JUPYTERLAB_SETTINGS_DIR=str(settings),
            JUPYTERLAB_WORKSPACES_DIR=str(self.tmp / "workspaces"),
            IPYTHONDIR=str(self.tmp / "ipython"),
            # what a notebook writes to tempfile.mkdtemp() goes when the server stops
            TMPDIR=str(self.tmp / "kernel-tmp"),
            # kernels import this checkout's dlhelpers, as nbval and the benchmark do
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        )
        env.pop("JUPYTER_PREFER_ENV_PATH", None)
        return env

    def _command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.tmp / 'served'}",
            "--LabApp.expose_app_in_browser=True",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",  # no PyPI look-ups from a closed network
        ] + (["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])

    def start(self) -> JupyterLabServer:
        env = self._prepare()
        last_error = None
        for _attempt in range(3):  # a free port can be taken between probing and binding
            self.port = free_port()
            self.log_path = self.tmp / f"lab-{self.port}.log"
            with open(self.log_path, "wb") as log:
                self.process = subprocess.Popen(
                    self._command(),
                    cwd=self.tmp / "served",
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its kernels share its process group
                )
            try:
                self._wait_until_ready()
                return self
            except RuntimeError as err:
                last_error = err
                self._stop_process()
        self.stop()
        raise RuntimeError(f"JupyterLab did not start: {last_error}")

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"it exited with code {self.process.returncode}:\n{self.log()}")
            try:
                self.api("GET", "/api/status")
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.5)
        raise RuntimeError(f"no answer within {self.start_timeout:.0f} s:\n{self.log()}")

    # -- using
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, notebook_name: str, workspace: str) -> str:
        return f"{self.base_url}/lab/workspaces/{workspace}/tree/{notebook_name}?token={self.token}"

    def api(self, method: str, path: str):
        request = urllib.request.Request(
            self.base_url + path, method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """Stop every session's kernel (frees the memory a TensorFlow kernel holds)."""
        for session in self.api("GET", "/api/sessions"):
            self.api("DELETE", f"/api/sessions/{session['id']}")

    def log(self, last: int = 4000) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-last:]

    # -- stopping
    def _stop_process(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)  # the server and its kernels
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            except ProcessLookupError:
                pass
        # kernels may outlive a server that exited on its own: end the rest of the group
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process = None

    def stop(self) -> None:
        self._stop_process()
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None

    def __enter__(self) -> JupyterLabServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# --------------------------------------------------------------------------- one notebook

# JavaScript run in the page. ``window.jupyterapp`` exists because the server is started
# with --LabApp.expose_app_in_browser=True.
_JS_PANEL = """
(name) => {
  const app = window.jupyterapp;
  if (!app || !app.shell) return false;
  const w = app.shell.currentWidget;
  return !!(w && w.content && w.context && w.context.path.endsWith(name) && w.sessionContext);
}
"""

_JS_PREPARE = """
async () => {
  const panel = window.jupyterapp.shell.currentWidget;
  await panel.context.ready;
  await panel.sessionContext.ready;
  const cells = panel.content.widgets;
  cells.forEach((cell, i) => cell.node.setAttribute('data-dl-cell', String(i)));
  return {cells: cells.length, kernel: panel.sessionContext.session?.kernel?.name ?? null};
}
"""

# Select the last explorer cell, "Run All Above Selected Cell", then run that cell: what a
# learner does from the Run menu. The promise resolves when every cell has finished.
_JS_RUN_UP_TO = """
async (last) => {
  window.__dlRun = {done: false, error: null};
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  const run = async () => {
    panel.content.activeCellIndex = last;
    panel.content.deselectAll();
    if (last > 0) await app.commands.execute('notebook:run-all-above');
    panel.content.activeCellIndex = last;
    panel.content.deselectAll();
    await app.commands.execute('notebook:run-cell');
  };
  run().then(() => { window.__dlRun.done = true; },
             (e) => { window.__dlRun.error = String(e); window.__dlRun.done = true; });
  return true;
}
"""

_JS_CELL_STATES = """
(last) => {
  const panel = window.jupyterapp.shell.currentWidget;
  const out = [];
  panel.content.widgets.slice(0, last + 1).forEach((cell, i) => {
    if (cell.model.type !== 'code') return;
    const outputs = cell.model.outputs.toJSON();
    out.push({
      index: i,
      execution_count: cell.model.executionCount,
      errors: outputs.filter(o => o.output_type === 'error')
                     .map(o => `${o.ename}: ${o.evalue}`),
      stderr: outputs.filter(o => o.output_type === 'stream' && o.name === 'stderr')
                     .map(o => Array.isArray(o.text) ? o.text.join('') : o.text),
    });
  });
  return out;
}
"""

# Every widget view shown at the top level of a cell's output: one per displayed explorer.
_ROOTS = ".jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output > .jupyter-widgets"

# Kinds of control a learner can change, and how to find their DOM element.
CONTROL_SELECTORS = {
    "slider": ".widget-slider, .widget-hslider, .widget-vslider",
    "dropdown": ".widget-dropdown",
    "toggle-buttons": ".widget-toggle-buttons",
    "radio": ".widget-radio",
    "select": ".widget-select",
    "checkbox": ".widget-checkbox",
    "toggle-button": ".widget-toggle-button",
    "text": ".widget-text, .widget-textarea",
}
_ANY_CONTROL = ", ".join(CONTROL_SELECTORS.values())


@dataclass
class Change:
    """What happened when one control was changed."""

    action: str
    before: str
    after: str
    seconds: float
    earlier_attempts: list[str]


class NotebookPage:
    """One notebook open in a browser page of a :class:`JupyterLabServer`."""

    def __init__(self, browser, server: JupyterLabServer, name: str, *, timeout_s: float):
        self.server = server
        self.name = name
        self.timeout_ms = timeout_s * 1000
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.page.on(
            "console",
            lambda msg: (
                self.console.append(f"{msg.type}: {msg.text}")
                if msg.type in ("error", "warning")
                else None
            ),
        )
        self.page.on("pageerror", lambda err: self.console.append(f"pageerror: {err}"))

    def close(self) -> None:
        try:
            self.context.close()
        finally:
            try:
                self.server.shutdown_kernels()
            except OSError:  # the server is gone; stopping it ends its kernels anyway
                pass

    def console_tail(self, n: int = 15) -> str:
        return "\n".join(self.console[-n:]) or "(nothing)"

    # -- opening and running
    def open(self) -> dict:
        workspace = "dl-" + uuid.uuid4().hex[:8]
        self.page.goto(self.server.url(self.name, workspace), timeout=self.timeout_ms)
        self.page.wait_for_function(_JS_PANEL, arg=self.name, timeout=self.timeout_ms)
        return self.page.evaluate(_JS_PREPARE)

    def run_up_to(self, last: int) -> None:
        """Run every cell up to and including cell ``last``; wait until all finished."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        self.page.evaluate(_JS_RUN_UP_TO, last)
        try:
            # a dialog (e.g. "Kernel Restarting" after the kernel died) ends the wait early
            self.page.wait_for_function(
                "() => (window.__dlRun && window.__dlRun.done) || !!document.querySelector('.jp-Dialog')",
                timeout=self.timeout_ms,
                polling=500,
            )
        except PlaywrightTimeout:
            waiting = [s["index"] for s in self.cell_states(last) if s["execution_count"] is None]
            raise AssertionError(
                f"cells 0..{last} did not finish within {self.timeout_ms / 1000:.0f} s; "
                f"not run yet: {waiting}; open dialogs: {self.dialogs()}"
            ) from None
        if self.dialogs():
            raise AssertionError(f"JupyterLab opened a dialog while running: {self.dialogs()}")
        error = self.page.evaluate("() => window.__dlRun.error")
        if error:
            raise AssertionError(f"running the cells failed in JupyterLab: {error}")

    def cell_states(self, last: int) -> list[dict]:
        return self.page.evaluate(_JS_CELL_STATES, last)

    def cell(self, index: int):
        return self.page.locator(f'[data-dl-cell="{index}"]')

    # -- widgets
    def widget_problems(self, last: int) -> list[str]:
        """Widgets in cells ``0..last`` that failed or are still loading, with their text.

        Cells after ``last`` were not run: their saved outputs may point at widgets of an
        old kernel, which JupyterLab reports as not found; they are not looked at.
        """
        return self.page.evaluate(
            """([last, loading, failed, errorSel]) => {
              const found = [];
              const ran = node => {
                const cell = node.closest('[data-dl-cell]');
                return cell && Number(cell.dataset.dlCell) <= last ? cell.dataset.dlCell : null;
              };
              document.querySelectorAll('.jp-OutputArea-output').forEach(node => {
                const text = node.textContent.trim();
                const cell = ran(node);
                if (cell !== null && (text.startsWith(loading) || text.startsWith(failed)))
                  found.push(`cell ${cell}: ${text.slice(0, 200)}`);
              });
              document.querySelectorAll(errorSel).forEach(node => {
                const cell = ran(node);
                if (cell !== null)
                  found.push(`cell ${cell}: a widget failed to render (${node.textContent.trim().slice(0, 300)})`);
              });
              return found;
            }""",
            [last, WIDGET_LOADING_TEXT, WIDGET_ERROR_TEXT, WIDGET_ERROR_SELECTOR],
        )

    def wait_for_widgets(self, last: int, timeout_s: float) -> list[str]:
        """Wait while widgets in cells ``0..last`` are loading; return the problems left."""
        deadline = time.monotonic() + timeout_s
        problems = self.widget_problems(last)
        while any(WIDGET_LOADING_TEXT in p for p in problems) and time.monotonic() < deadline:
            time.sleep(0.5)
            problems = self.widget_problems(last)
        return problems

    def explorers(self, cell_index: int) -> list:
        """Locators of the explorer widgets displayed by one cell."""
        roots = self.cell(cell_index).locator(_ROOTS)
        return [roots.nth(i) for i in range(roots.count())]

    @staticmethod
    def controls(explorer) -> list[tuple[str, object]]:
        """``(kind, locator)`` of each control of an explorer, in display order.

        Controls inside the explorer's output area (a widget drawn as a result) are not
        counted: they are not what the learner drives.
        """
        handles = explorer.locator(_ANY_CONTROL).element_handles()
        found = []
        for handle in handles:
            if handle.evaluate("n => !!n.closest('.widget-output')"):
                continue
            # an inner element of a control (e.g. a slider's readout) is not a new control
            if handle.evaluate(f"(n) => !!n.parentElement.closest({json.dumps(_ANY_CONTROL)})"):
                continue
            kind = next(
                k
                for k, sel in CONTROL_SELECTORS.items()
                if handle.evaluate(f"(n) => n.matches({json.dumps(sel)})")
            )
            found.append((kind, handle))
        return found

    @staticmethod
    def display_signature(explorer) -> str:
        """What the explorer shows as its result: the figures' sources and printed text.

        The control row and the message line are left out, so moving a control without
        a new result does not count as a change.
        """
        return explorer.evaluate(
            """root => {
              const outs = [...root.querySelectorAll('.widget-output')];
              return outs.map(o => [...o.querySelectorAll('img')].map(i => i.src).join('|')
                                   + '\\u0000' + o.innerText).join('\\u0001');
            }"""
        )

    @staticmethod
    def message_text(explorer) -> str:
        return explorer.evaluate(
            """root => [...root.querySelectorAll('.widget-html')]
                         .filter(n => !n.closest('.widget-output'))
                         .map(n => n.innerText).join(' | ')"""
        )

    # -- driving one control like a learner
    def actions(self, kind: str, control) -> list[tuple[str, callable]]:
        """Ways a learner changes this control, each ``(description, do_it)``; at most two."""
        if kind == "slider":
            handle = control.query_selector(".noUi-handle")

            def press(key):
                def do():
                    handle.focus()
                    self.page.keyboard.press(key)

                return do

            return [
                (f"press {key} on the slider", press(key)) for key in ("ArrowRight", "ArrowLeft")
            ]
        if kind in ("dropdown", "select"):
            select = control.query_selector("select")
            current = select.evaluate("s => s.value")
            options = select.evaluate("s => [...s.options].map(o => o.value)")
            return [
                (
                    f"choose {select.evaluate('(s, v) => [...s.options].find(o => o.value === v).text', v)!r}",
                    lambda v=v: select.select_option(v),
                )
                for v in options
                if v != current
            ][:2]
        if kind == "toggle-buttons":
            buttons = control.query_selector_all("button:not(.mod-active)")
            return [(f"click {b.inner_text()!r}", b.click) for b in buttons[:2]]
        if kind == "radio":
            radios = control.query_selector_all("input[type=radio]:not(:checked)")
            return [("click another radio button", r.click) for r in radios[:2]]
        if kind == "checkbox":
            box = control.query_selector("input[type=checkbox]")
            return [("click the checkbox", box.click)]
        if kind == "toggle-button":
            return [("click the toggle button", control.click)]
        if kind == "text":
            box = control.query_selector("input, textarea")
            return [(f"type {text!r} + Enter", self._typer(box, text)) for text in _new_texts(box)]
        return []

    def type_into(self, control, text: str) -> None:
        """Type ``text`` into a text control and press Enter, as a learner does."""
        self._typer(control.query_selector("input, textarea"), text)()

    @staticmethod
    def _typer(box, text: str):
        def do():
            box.fill(text)
            box.press("Enter")
            box.evaluate("n => n.blur()")

        return do

    @staticmethod
    def control_state(control) -> str:
        """The value a control shows (its inputs, slider position and readout)."""
        return control.evaluate(
            """n => [...n.querySelectorAll('input, select, textarea')].map(i =>
                      i.type === 'checkbox' || i.type === 'radio' ? String(i.checked) : i.value)
                    .concat([...n.querySelectorAll('[aria-valuenow]')]
                      .map(h => h.getAttribute('aria-valuenow')))
                    .concat([...n.querySelectorAll('.widget-readout, button.mod-active')]
                      .map(r => r.innerText)).join('|')"""
        )

    def try_action(self, explorer, control, description: str, do, wait_s: float):
        """Do one action; return a :class:`Change` if the result changed, else a reason."""
        before = self.display_signature(explorer)
        message_before = self.message_text(explorer)
        state_before = self.control_state(control)
        start = time.monotonic()
        do()
        while time.monotonic() - start < wait_s:
            self.page.wait_for_timeout(250)
            after = self.display_signature(explorer)
            if after != before and self._settled(explorer, after):
                return Change(description, before, after, time.monotonic() - start, [])
            message = self.message_text(explorer)
            if message != message_before and REJECTED_MARK in message and not _has_content(after):
                break  # the explorer rejected the value: it showed why and cleared its result
            # (a message that was cleared is not a rejection: after a rejected value the
            # explorer clears the message first and shows the new figure a moment later)
        moved = self.control_state(control) != state_before
        message = self.message_text(explorer)
        return (
            f"{description}: the control {'changed' if moved else 'did NOT change'}, but no new "
            f"figure or text appeared (waited {time.monotonic() - start:.0f} s)"
            + (f" (message now: {message!r})" if message != message_before else "")
        )

    def change_until_response(self, explorer, kinds_order: list[str], wait_s: float) -> Change:
        """Change controls (preferring kinds in ``kinds_order``) until the result changes.

        Raises AssertionError listing every attempt when no change made the explorer respond.
        """
        attempts = []
        rank = {kind: i for i, kind in enumerate(kinds_order)}
        controls = sorted(self.controls(explorer), key=lambda kc: rank.get(kc[0], len(rank)))
        for kind, control in controls:
            for description, do in self.actions(kind, control):
                outcome = self.try_action(explorer, control, f"{kind}: {description}", do, wait_s)
                if isinstance(outcome, Change):
                    outcome.earlier_attempts = attempts
                    return outcome
                attempts.append(outcome)
        raise AssertionError(
            "the explorer did not respond to its controls:\n  "
            + "\n  ".join(attempts or ["no control that a learner can change was found"])
            + f"\nbrowser console (last lines):\n{self.console_tail()}"
        )

    def _settled(self, explorer, seen: str) -> bool:
        """True when the shown result is non-empty and still the same a moment later."""
        if not _has_content(seen):
            return False
        self.page.wait_for_timeout(300)
        return self.display_signature(explorer) == seen

    def dialogs(self) -> list[str]:
        """Text of every open JupyterLab dialog (e.g. a kernel that died)."""
        return [d.inner_text()[:300] for d in self.page.query_selector_all(".jp-Dialog")]


def _has_content(signature: str) -> bool:
    return bool(signature.replace("\u0000", "").replace("\u0001", "").strip())


def _new_texts(box) -> list[str]:
    """Two values to type into a text box: a number one step away, or an edited string."""
    current = box.input_value()
    try:
        number = float(current)
    except ValueError:
        # a shorter text is more often still valid (a date, a sentence) than a longer one
        return [current[:-1], current + current[-1:]] if current else ["a", "b"]
    step = 1 if number.is_integer() else 0.5
    return [f"{number + step:g}", f"{number - step:g}"]
