"""The course as a learner meets it: JupyterLab in a real (headless) Chromium.

For every notebook with an explorer cell (a code cell tagged ``"explorer"``): open it in
JupyterLab, run it up to its last explorer cell, and check that no cell failed, that no
widget shows "Error displaying widget" or stays "Loading widget...", that each explorer
shows its controls, and that changing a control of each explorer changes its figure or
printed result. A screenshot of each explorer, before and after the change, goes to
``$DLCOURSE_ARTIFACTS`` (default: a new temporary folder; its path is printed).

Needs Playwright (PyPI) and Debian's ``chromium``. Without them the tests skip, unless
``DLCOURSE_REQUIRE_BROWSER=1`` (set by ``.ci/run``), where they fail.

Environment: ``DLCOURSE_CHROMIUM`` (browser executable), ``DLCOURSE_ARTIFACTS`` (screenshots),
``DLCOURSE_BROWSER_TIMEOUT`` (seconds allowed to run one notebook, default 900).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import pytest

import browser_support as bs

NOTEBOOKS = bs.explorer_notebooks()
RUN_TIMEOUT_S = float(os.environ.get("DLCOURSE_BROWSER_TIMEOUT", "900"))
WIDGET_TIMEOUT_S = 60.0  # for widgets to finish rendering once the cells have run
RESPONSE_TIMEOUT_S = 45.0  # for an explorer to show a new result after a control changed
# Preference for the control to drive: a slider first (what the course promises).
DRIVE_ORDER = ["slider", "dropdown", "toggle-buttons", "radio", "text", "checkbox"]

pytestmark = pytest.mark.browser


def _require_browser() -> None:
    reason = bs.missing_requirements()
    if reason is None:
        return
    if os.environ.get("DLCOURSE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"DLCOURSE_REQUIRE_BROWSER=1 but the browser test cannot run: {reason}")
    pytest.skip(f"real-browser test skipped: {reason}")


@pytest.fixture(scope="session")
def artifacts() -> Path:
    configured = os.environ.get("DLCOURSE_ARTIFACTS")
    path = Path(configured) if configured else Path(tempfile.mkdtemp(prefix="dlcourse-browser-"))
    path.mkdir(parents=True, exist_ok=True)
    print(f"\nbrowser-test screenshots: {path}")
    return path


@pytest.fixture(scope="session")
def lab():
    """One JupyterLab server (serving temporary copies) per test process."""
    _require_browser()
    with bs.JupyterLabServer(NOTEBOOKS) as server:
        yield server


@pytest.fixture(scope="session")
def browser(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = bs.launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def notebook_page(browser, lab, request):
    pages = []

    def open_page(name: str) -> bs.NotebookPage:
        page = bs.NotebookPage(browser, lab, name, timeout_s=RUN_TIMEOUT_S)
        pages.append(page)
        return page

    yield open_page
    for page in pages:
        page.close()


def _check_cells(states: list[dict], last: int) -> None:
    errors = [f"cell {s['index']}: {e}" for s in states for e in s["errors"]]
    assert not errors, "cells failed in JupyterLab:\n" + "\n".join(errors)
    not_run = [s["index"] for s in states if s["execution_count"] is None]
    assert not not_run, f"cells up to {last} should all have run; these did not: {not_run}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_explorers_render_and_respond(notebook, notebook_page, artifacts, record_property):
    cells = bs.explorer_cells(notebook)
    page = notebook_page(notebook.name)
    start = time.monotonic()
    opened = page.open()
    assert opened["kernel"] == "python3", f"no Python kernel started: {opened}"
    page.run_up_to(cells[-1])
    run_s = time.monotonic() - start
    record_property("run_seconds", round(run_s, 1))
    print(f"{notebook.name}: opened and ran cells 0..{cells[-1]} in {run_s:.1f} s")

    _check_cells(page.cell_states(cells[-1]), cells[-1])
    problems = page.wait_for_widgets(WIDGET_TIMEOUT_S)
    assert not problems, "widgets did not render:\n" + "\n".join(problems)

    for cell in cells:
        explorers = page.explorers(cell)
        assert explorers, (
            f"explorer cell {cell} shows no widget (outputs: "
            f"{page.cell(cell).locator('.jp-Cell-outputArea').inner_text()[:300]!r})"
        )
        for k, explorer in enumerate(explorers):
            label = f"{notebook.stem}__cell{cell}_explorer{k}"
            controls = page.controls(explorer)
            assert controls, f"{label}: the explorer shows no control a learner can change"
            for kind, control in controls:
                assert control.is_visible(), f"{label}: a {kind} control is not visible"
                box = control.bounding_box()
                assert box and box["width"] > 0 and box["height"] > 0, f"{label}: empty {kind}"
            shown = page.display_signature(explorer)
            assert "data:image/png" in shown or shown.strip("\x00\x01 \n"), (
                f"{label}: the explorer shows neither a figure nor text"
            )
            explorer.screenshot(path=artifacts / f"{label}_before.png")
            change = page.change_until_response(explorer, DRIVE_ORDER, RESPONSE_TIMEOUT_S)
            explorer.screenshot(path=artifacts / f"{label}_after.png")
            print(f"{label}: {change.control}: {change.action} -> new result in {change.seconds:.1f} s")

    problems = page.widget_problems()
    assert not problems, "widgets broke while the explorers were driven:\n" + "\n".join(problems)
    _check_cells(page.cell_states(cells[-1]), cells[-1])
