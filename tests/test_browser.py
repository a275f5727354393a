"""The course's explorers as a learner meets them: JupyterLab in a real (headless) Chromium.

For every fixture notebook with an explorer cell (a code cell tagged ``"explorer"``): open it
in JupyterLab, run it up to its last explorer cell, and check that no cell failed, that no
widget shows "Error displaying widget" or stays "Loading widget...", that each explorer
shows its controls, and that changing a control of each explorer changes its figure or
printed result. A screenshot of each explorer, before and after the change, goes to
``$DLCOURSE_ARTIFACTS`` (default: a new temporary folder; its path is printed).

The notebooks are the fixtures in ``tests/fixtures/``, found automatically:
``explorer_demo.ipynb`` (two toy explorers; proves the machinery, every kind of control)
and ``explorers_partN.ipynb``, which build the explorer classes of one part of the course
on small data in a few seconds. The chapters are not opened here: nbval executes each of
them, and the browser only has to show that each explorer class renders and responds.
``test_fixtures_build_every_chapter_explorer`` (no browser) keeps the two in step: every
explorer class a chapter constructs in its explorer cells must be constructed in some
fixture's explorer cell, and every chapter keeps at least one explorer cell.

Needs Playwright (PyPI) and Debian's ``chromium``. Without them the browser tests skip,
unless ``DLCOURSE_REQUIRE_BROWSER=1`` (set by ``.ci/run``), where they fail.

Environment: ``DLCOURSE_CHROMIUM`` (browser executable), ``DLCOURSE_ARTIFACTS`` (screenshots),
``DLCOURSE_BROWSER_TIMEOUT`` (seconds allowed to run one notebook, default 300).
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import browser_support as bs
import pytest

NOTEBOOKS = bs.fixture_notebooks()  # what the browser opens: fixtures only
CHAPTERS = bs.chapter_notebooks()
FIXTURE = bs.FIXTURES / "explorer_demo.ipynb"
RUN_TIMEOUT_S = float(os.environ.get("DLCOURSE_BROWSER_TIMEOUT", "300"))
WIDGET_TIMEOUT_S = 60.0  # for widgets to finish rendering once the cells have run
RESPONSE_TIMEOUT_S = 120.0  # for an explorer to show a new result (some retrain a model)
# Which control to drive first: a slider (what the course promises), then the others.
DRIVE_ORDER = ["slider", "dropdown", "toggle-buttons", "radio", "select", "text", "checkbox"]
# What a learner sees when a Figure is displayed without matplotlib's inline backend.
FIGURE_AS_TEXT = re.compile(r"<Figure size \d+x\d+ with \d+ Axes>")


def require_browser() -> None:
    """Skip (learner's machine) or fail (CI) when the browser test cannot run here."""
    reason = bs.missing_requirements()
    if reason is None:
        return
    if os.environ.get("DLCOURSE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"DLCOURSE_REQUIRE_BROWSER=1 but the browser test cannot run: {reason}")
    pytest.skip(f"real-browser test skipped: {reason}")


# --------------------------------------------------------------------------- fixtures


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
    require_browser()
    with bs.JupyterLabServer(NOTEBOOKS) as server:
        yield server


@pytest.fixture(scope="session")
def browser(lab, request):
    """The process's shared Chromium (see conftest), once the requirements are checked."""
    return request.getfixturevalue("chromium")


@pytest.fixture
def open_notebook(browser, lab):
    """Open a notebook in a fresh browser context; close it and stop its kernel afterwards."""
    pages = []

    def open_(name: str) -> bs.NotebookPage:
        page = bs.NotebookPage(browser, lab, name, timeout_s=RUN_TIMEOUT_S)
        pages.append(page)
        opened = page.open()
        assert opened["kernel"] == "python3", f"{name}: no Python kernel started: {opened}"
        return page

    yield open_
    for page in pages:
        page.close()


def run_to_last_explorer(page: bs.NotebookPage, notebook: Path) -> list[int]:
    """Run the notebook up to its last explorer cell and check what a learner would see."""
    cells = bs.explorer_cells(notebook)
    start = time.monotonic()
    page.run_up_to(cells[-1])
    print(f"{notebook.name}: ran cells 0..{cells[-1]} in {time.monotonic() - start:.1f} s")
    check_cells(page, cells[-1])
    problems = page.wait_for_widgets(cells[-1], WIDGET_TIMEOUT_S)
    assert not problems, (
        "widgets did not render:\n"
        + "\n".join(problems)
        + f"\nbrowser console (last lines):\n{page.console_tail()}"
    )
    return cells


def check_cells(page: bs.NotebookPage, last: int) -> None:
    states = page.cell_states(last)
    errors = [f"cell {s['index']}: {e}" for s in states for e in s["errors"]]
    assert not errors, "cells failed in JupyterLab:\n" + "\n".join(errors)
    not_run = [s["index"] for s in states if s["execution_count"] is None]
    assert not not_run, f"cells up to {last} should all have run; these did not: {not_run}"
    assert not page.dialogs(), f"JupyterLab shows a dialog: {page.dialogs()}"
    for s in states:
        for text in s["stderr"]:  # shown in red to a learner; reported, not failed
            print(f"note: cell {s['index']} wrote to stderr: {text.strip()[:200]}")


def check_explorer_shown(page: bs.NotebookPage, explorer, label: str) -> list:
    controls = page.controls(explorer)
    assert controls, f"{label}: the explorer shows no control a learner can change"
    for kind, control in controls:
        box = control.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0, f"{label}: a {kind} is not shown"
    shown = page.display_signature(explorer)
    has_image = "data:image/png" in shown
    assert has_image or shown.strip("\x00\x01 \n"), f"{label}: shows neither figure nor text"
    text_figure = FIGURE_AS_TEXT.search(shown)
    assert has_image or not text_figure, (
        f"{label}: the figure is shown as the text {text_figure[0]!r}, not as an image "
        "(matplotlib's inline backend was not active in the kernel)"
    )
    return controls


# --------------------------------------------------------------------------- the tests


@pytest.mark.browser
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_explorers_render_and_respond(notebook, open_notebook, artifacts):
    print(f"screenshots go to {artifacts}")
    page = open_notebook(notebook.name)
    cells = run_to_last_explorer(page, notebook)
    for cell in cells:
        explorers = page.explorers(cell)
        assert explorers, (
            f"explorer cell {cell} shows no widget; its output reads "
            f"{page.cell(cell).locator('.jp-Cell-outputArea').inner_text()[:300]!r}"
        )
        for k, explorer in enumerate(explorers):
            label = f"{notebook.stem}__cell{cell}_explorer{k}"
            explorer.scroll_into_view_if_needed()  # as a learner scrolls to it
            check_explorer_shown(page, explorer, label)
            explorer.screenshot(path=artifacts / f"{label}_before.png")
            change = page.change_until_response(explorer, DRIVE_ORDER, RESPONSE_TIMEOUT_S)
            explorer.screenshot(path=artifacts / f"{label}_after.png")
            print(f"{label}: {change.action} -> new result in {change.seconds:.1f} s")
            for attempt in change.earlier_attempts:
                print(f"note: {label}: before that, {attempt}")
    problems = page.widget_problems(cells[-1])
    assert not problems, "widgets broke while the explorers were driven:\n" + "\n".join(problems)
    check_cells(page, cells[-1])


@pytest.mark.browser
def test_fixture_every_kind_of_control_responds(open_notebook, artifacts):
    """The fixture's slider, dropdown and text box each redraw; a rejected value is shown."""
    page = open_notebook(FIXTURE.name)
    wave_cell, bump_cell = run_to_last_explorer(page, FIXTURE)
    assert "official Jupyter news" not in page.page.inner_text("body")

    (wave,) = page.explorers(wave_cell)
    controls = dict(check_explorer_shown(page, wave, "wave"))
    assert set(controls) == {"slider", "dropdown"}
    for kind in ("dropdown", "slider"):
        for description, do in page.actions(kind, controls[kind]):
            outcome = page.try_action(wave, controls[kind], description, do, RESPONSE_TIMEOUT_S)
            assert isinstance(outcome, bs.Change), outcome
    wave.screenshot(path=artifacts / "fixture_wave_after_every_control.png")

    (bump,) = page.explorers(bump_cell)
    ((kind, box),) = check_explorer_shown(page, bump, "bump")
    assert kind == "text"
    figure = page.display_signature(bump)
    page.type_into(box, "-1")
    page.page.wait_for_function(
        "n => n.innerText.includes('peak: expected a positive number')"
        " && !n.querySelector('.widget-output img')",
        arg=bump.element_handle(),
        timeout=RESPONSE_TIMEOUT_S * 1000,
    )
    shown = page.display_signature(bump)
    assert shown != figure and "data:image" not in shown, "a rejected value removes the figure"
    bump.screenshot(path=artifacts / "fixture_bump_rejected.png")
    outcome = page.try_action(bump, box, "type 3", lambda: page.type_into(box, "3"), 60)
    assert isinstance(outcome, bs.Change), outcome
    assert page.message_text(bump).strip("| ") in ("", "Bump"), page.message_text(bump)
    check_cells(page, bump_cell)


# --------------------------------------------------------------------------- no browser needed


def _write_notebook(path: Path, cells: list[tuple]) -> Path:
    """A notebook of ``(kind, tags)`` or ``(kind, tags, source)`` cells."""
    nb = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    for kind, tags, *source in cells:
        cell = {"cell_type": kind, "metadata": {"tags": tags}, "source": "".join(source)}
        if kind == "code":
            cell["outputs"] = []
        nb["cells"].append(cell)
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def _code_sources(notebook: Path) -> list[str]:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return [bs._source(c) for c in cells if c["cell_type"] == "code"]


def _fixture_classes() -> dict[str, str]:
    """Explorer class -> the first fixture whose explorer cells construct it."""
    built = {}
    for nb in NOTEBOOKS:
        for names in bs.explorer_classes(nb).values():
            for name in sorted(names):
                built.setdefault(name, nb.name)
    return built


def test_explorer_cells_are_tagged_code_cells(tmp_path):
    nb = _write_notebook(
        tmp_path / "nb.ipynb",
        [("markdown", ["explorer"]), ("code", []), ("code", ["explorer", "x"]), ("code", [])],
    )
    assert bs.explorer_cells(nb) == [2]


def test_fixture_notebooks_are_found_automatically(tmp_path):
    with_explorer = _write_notebook(tmp_path / "explorers_part2.ipynb", [("code", ["explorer"])])
    demo = _write_notebook(tmp_path / "explorer_demo.ipynb", [("code", ["explorer"])])
    _write_notebook(tmp_path / "helpers.ipynb", [("code", [])])
    assert bs.fixture_notebooks(tmp_path) == [demo, with_explorer]
    assert NOTEBOOKS[0] == FIXTURE  # the machinery is proved before the course's explorers


def test_chapters_are_the_numbered_notebooks(tmp_path):
    (tmp_path / "notebooks").mkdir()
    second = _write_notebook(tmp_path / "notebooks" / "02_b.ipynb", [("code", [])])
    first = _write_notebook(tmp_path / "notebooks" / "01_a.ipynb", [("code", ["explorer"])])
    _write_notebook(tmp_path / "notebooks" / "scratch.ipynb", [("code", ["explorer"])])
    assert bs.chapter_notebooks(tmp_path) == [first, second]


def test_explorer_classes_are_read_from_the_calls_in_explorer_cells(tmp_path):
    nb = _write_notebook(
        tmp_path / "nb.ipynb",
        [
            ("code", [], "other = GatesExplorer(model, x)\n"),  # not an explorer cell
            (
                "code",
                ["explorer"],
                "%matplotlib inline\n",
                "# a TuningExplorer(...) in a comment does not count\n",
                "explorer = FeatureMapExplorer(\n    model, x[:40]\n)\n",
                "flow = explorers.GradientFlowExplorer(units=16)\n",
                "text = 'KernelExplorer(photo)'\n",
                "explorer\n",
            ),
            ("code", ["explorer"], "class MyExplorer(Explorer):\n    pass\n\nMyExplorer()\n"),
        ],
    )
    assert bs.explorer_classes(nb) == {
        1: {"FeatureMapExplorer", "GradientFlowExplorer"},
        2: {"MyExplorer"},
    }


@pytest.mark.parametrize("notebook", CHAPTERS, ids=[nb.stem for nb in CHAPTERS])
def test_every_chapter_has_a_tagged_explorer_cell(notebook):
    """A chapter's explorers are covered only through the classes its explorer cells build."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    explorers = bs.explorer_cells(notebook)
    assert explorers, f"{notebook.name}: no code cell is tagged 'explorer'"
    for i in explorers:
        tags = cells[i]["metadata"].get("tags", [])
        assert "nbval-ignore-output" in tags, (
            f"{notebook.name}: explorer cell {i} must be tagged nbval-ignore-output"
        )


@pytest.mark.parametrize("notebook", CHAPTERS, ids=[nb.stem for nb in CHAPTERS])
def test_fixtures_build_every_chapter_explorer(notebook):
    """The browser drives a chapter's explorers through fixtures that build the same classes."""
    classes = bs.explorer_classes(notebook)
    if not classes:
        pytest.skip(f"{notebook.name} has no explorer cell (reported by the test above)")
    used = set().union(*classes.values())
    assert used, (
        f"{notebook.name}: its explorer cells {sorted(classes)} construct no explorer "
        "(no call of a class named ...Explorer); the browser test could not cover them"
    )
    built = _fixture_classes()
    missing = sorted(used - set(built))
    assert not missing, (
        f"{notebook.name} constructs {missing} in its explorer cells, but no fixture in "
        f"tests/fixtures/ does, so no browser test shows them. Build each on small data in "
        "an explorer cell (tags 'explorer', 'nbval-ignore-output') of the part's "
        "explorers_partN.ipynb, then execute it: "
        "python benchmarks/run_notebooks.py --inplace tests/fixtures/explorers_partN.ipynb"
    )


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_fixture_explorer_cells_are_tagged_and_build_an_explorer(notebook):
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    for i, names in bs.explorer_classes(notebook).items():
        assert "nbval-ignore-output" in cells[i]["metadata"]["tags"], (
            f"{notebook.name}: explorer cell {i} must be tagged nbval-ignore-output"
        )
        assert names, f"{notebook.name}: explorer cell {i} constructs no explorer"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_fixtures_seed_before_keras_and_stop_their_services(notebook):
    sources = _code_sources(notebook)
    imports_keras = re.compile(r"^\s*(import|from) (keras|tensorflow)\b", re.M)
    # (cell, offset) of the first Keras import and of the first seeding, in running order
    keras = [(i, m.start()) for i, src in enumerate(sources) for m in imports_keras.finditer(src)]
    seeded = [(i, src.find("dlhelpers.set_seed(0)")) for i, src in enumerate(sources)]
    seeded = [at for at in seeded if at[1] >= 0]
    if keras or notebook.name.startswith("explorers_part"):  # the parts' explorers use Keras
        first = sources[0]
        assert first.startswith("import dlhelpers") and "dlhelpers.set_seed(0)" in first, (
            f"{notebook.name}: the first code cell must import dlhelpers and call "
            "dlhelpers.set_seed(0), before Keras or TensorFlow is imported"
        )
        assert not keras or seeded[0] < keras[0], f"{notebook.name}: Keras imported before the seed"
    whole = "\n".join(sources)
    for name in re.findall(r"^(\w+) = ServiceExplorer\(", whole, re.M):
        assert f"{name}.close()" in whole, (
            f"{notebook.name}: {name} serves on 127.0.0.1; a later cell must call {name}.close()"
        )


def test_the_fixture_has_two_explorer_cells():
    assert FIXTURE in NOTEBOOKS
    assert len(bs.explorer_cells(FIXTURE)) == 2


def test_missing_browser_skips_for_a_learner(monkeypatch, tmp_path):
    monkeypatch.setenv("DLCOURSE_CHROMIUM", str(tmp_path / "no-such-chromium"))
    monkeypatch.delenv("DLCOURSE_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="skipped: Chromium was not found"):
        require_browser()


def test_missing_playwright_skips_with_its_name(monkeypatch):
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)  # import now fails
    monkeypatch.delenv("DLCOURSE_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="Playwright is not installed"):
        require_browser()


def test_missing_browser_fails_in_ci(monkeypatch, tmp_path):
    monkeypatch.setenv("DLCOURSE_CHROMIUM", str(tmp_path / "no-such-chromium"))
    monkeypatch.setenv("DLCOURSE_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="DLCOURSE_REQUIRE_BROWSER=1 .*Chromium"):
        require_browser()
