"""The course as a static book (``make book``): built offline from the executed notebooks.

The book is built once per test process, from the committed notebooks, into a temporary
folder. Without a browser the tests check every built page: no script, style, image or font
is fetched from the network, every internal link (and its ``#anchor``) resolves, no widget
shows as its text repr or a "loading widget" placeholder, every explorer shows its stored
figure and how to run it live, every chapter has a page with previous/next links and the API
reference documents every public name of ``dlhelpers``.

The ``browser`` tests open the book in headless Chromium, served from ``127.0.0.1`` as a
static site: every chapter page (and the landing and reference pages) loads with no console
error, every image loads (natural width > 0), MathJax has rendered every formula (no raw
``$...$`` or ``\\(...\\)`` text left), and searching "convolution" lists Chapter 3. Screenshots
of the landing page and of Chapter 3 go to ``$DLCOURSE_ARTIFACTS`` (default: a temporary
folder, printed).
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import json
import os
import re
import tempfile
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


book_build = _load("book_build", ROOT / "docs" / "build.py")
api_reference = _load("api_reference", ROOT / "tools" / "api_reference.py")


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("book") / "book"
    seconds, docstring_warnings = book_build.build(out)
    pages = len(list(out.rglob("*.html")))
    print(f"\nbook: {pages} pages in {seconds:.0f} s ({len(docstring_warnings)} docstring notes)")
    return out


def _pages(book: Path) -> list[Path]:
    return sorted(book.rglob("*.html"))


# --------------------------------------------------------------------------- reading HTML


class _Page(HTMLParser):
    """The assets, links and element ids of one built page."""

    ASSET_ATTRS = {
        "script": "src",
        "img": "src",
        "link": "href",
        "iframe": "src",
        "source": "src",
        "video": "src",
        "audio": "src",
        "embed": "src",
    }

    def __init__(self):
        super().__init__()
        self.assets: list[str] = []
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        if tag in self.ASSET_ATTRS and attrs.get(self.ASSET_ATTRS[tag]):
            self.assets.append(attrs[self.ASSET_ATTRS[tag]])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])


@functools.cache
def _parsed(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


REMOTE = re.compile(r"^(https?:)?//", flags=re.I)
CSS_REMOTE = re.compile(r"""(url\(\s*['"]?|@import\s+['"])(https?:)?//""", flags=re.I)


# --------------------------------------------------------------------------- no build needed


def _widget_notebook(models: dict, view_id: str, tags=("explorer",)) -> dict:
    view = {"model_id": view_id, "version_major": 2, "version_minor": 0}
    output = {
        "output_type": "display_data",
        "metadata": {},
        "data": {"application/vnd.jupyter.widget-view+json": view, "text/plain": "VBox(...)"},
    }
    state = {k: {"model_name": name, "state": s} for k, (name, s) in models.items()}
    return {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": "# Chapter 3 \u2014 Kernels"},
            {
                "cell_type": "code",
                "metadata": {"tags": list(tags)},
                "source": "explorer",
                "outputs": [output],
                "execution_count": 1,
            },
        ],
        "metadata": {"widgets": {"application/vnd.jupyter.widget-state+json": {"state": state}}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


PNG = {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBORw0K"}}


def test_an_explorer_becomes_its_stored_figure_and_one_line_on_running_it_live():
    nb = _widget_notebook(
        {
            "box": (
                "VBoxModel",
                {"children": ["IPY_MODEL_title", "IPY_MODEL_row", "IPY_MODEL_out"]},
            ),
            "title": ("HTMLModel", {"value": "<b>Edit the kernel</b>"}),
            "row": ("HBoxModel", {"children": ["IPY_MODEL_slider"]}),
            "slider": ("IntSliderModel", {"value": 3}),
            "out": ("OutputModel", {"outputs": [PNG]}),
        },
        "box",
    )
    book_nb = book_build.for_the_book(nb)
    outputs = book_nb["cells"][1]["outputs"]
    assert [list(o["data"]) for o in outputs] == [["text/html"], ["image/png"], ["text/html"]]
    assert outputs[0]["data"]["text/html"] == "<b>Edit the kernel</b>"
    assert outputs[1]["data"]["image/png"] == "iVBORw0K"
    assert "run it live with <code>make lab</code>" in outputs[2]["data"]["text/html"]
    assert "widgets" not in book_nb["metadata"], "no widget state is left for a manager to load"
    assert "widgets" in nb["metadata"], "the notebook given is not changed"


def test_a_progress_bar_becomes_one_line_of_text():
    nb = _widget_notebook(
        {
            "bar": ("HBoxModel", {"children": ["IPY_MODEL_a", "IPY_MODEL_b", "IPY_MODEL_c"]}),
            "a": ("HTMLModel", {"value": "seeds:\u2007100%"}),
            "b": ("FloatProgressModel", {"value": 3.0, "max": 3.0}),
            "c": ("HTMLModel", {"value": "\u20073/3\u2007[00:14&lt;00:00]"}),
        },
        "bar",
        tags=("nbval-ignore-output",),
    )
    (output,) = book_build.for_the_book(nb)["cells"][1]["outputs"]
    assert output["output_type"] == "stream"
    assert output["text"] == "seeds: 100% |" + "\u2588" * 10 + "| 3/3 [00:14<00:00]\n"


def test_a_widget_whose_state_was_not_saved_shows_only_how_to_run_it():
    nb = _widget_notebook({}, "missing")
    (output,) = book_build.for_the_book(nb)["cells"][1]["outputs"]
    assert output["data"]["text/html"] == book_build.LIVE_NOTE


@pytest.mark.parametrize(
    "heading", ["# Chapter 3 \u2014 Kernels", "# Chapter 3 \u00b7 Kernels", "# Chapter 3: Kernels"]
)
def test_chapter_headings_read_the_same_in_the_navigation(heading):
    nb = _widget_notebook({}, "x")
    nb["cells"][0]["source"] = heading + "\n\nText."
    assert book_build.for_the_book(nb)["cells"][0]["source"] == "# Chapter 3: Kernels\n\nText."


def test_the_chapter_map_lists_every_chapter_with_its_minutes_from_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    in_readme = set(re.findall(r"`(\d\d_\w+)\.ipynb`", readme.split("<!-- chapters:end")[0]))
    titles = {nb.stem: f"Chapter {i}" for i, nb in enumerate(CHAPTERS, 1)}
    rows = book_build.chapter_map(readme, titles).splitlines()[2:]
    assert len(rows) == len(CHAPTERS)
    for i, (nb, row) in enumerate(zip(CHAPTERS, rows, strict=True), 1):
        assert row.startswith(f"| [Chapter {i}](chapters/{nb.name}) |")
        if nb.stem in in_readme:
            assert re.search(r"\| \d+(\.\d+)? \|$", row), f"no minutes in: {row}"


def test_sphinx_warnings_about_pages_fail_and_about_docstrings_do_not():
    log = (
        "/src/chapters/03.ipynb:12: WARNING: image file not readable [image.not_readable]\n"
        "/repo/dlhelpers/x.py:docstring of dlhelpers.x.f:3: ERROR: Unexpected indentation.\n"
        "  continued\n"
        "/src/index.md:4: ERROR: Unknown directive type.\n"
    )
    pages, docstrings = book_build.split_warnings(log)
    assert [w.split(":")[0] for w in pages] == ["/src/chapters/03.ipynb", "/src/index.md"]
    assert docstrings == [
        "/repo/dlhelpers/x.py:docstring of dlhelpers.x.f:3: ERROR: Unexpected indentation.\n"
        "  continued"
    ]


# --------------------------------------------------------------------------- the built book


def test_every_chapter_has_a_page_with_previous_and_next(book):
    for i, nb in enumerate(CHAPTERS):
        page = book / "chapters" / f"{nb.stem}.html"
        assert page.is_file(), f"no page for {nb.name}"
        text = page.read_text(encoding="utf-8")
        assert 'class="left-prev"' in text, f"{page.name}: no link to the previous page"
        if i < len(CHAPTERS) - 1:
            assert f'href="{CHAPTERS[i + 1].stem}.html"' in text, f"{page.name}: no next link"


def test_no_page_loads_anything_from_the_network(book):
    remote = [
        f"{page.relative_to(book)}: {asset}"
        for page in _pages(book)
        for asset in _parsed(page).assets
        if REMOTE.match(asset)
    ]
    remote += [
        f"{css.relative_to(book)}: {match.group(0)}"
        for css in sorted(book.rglob("*.css"))
        for match in CSS_REMOTE.finditer(css.read_text(encoding="utf-8", errors="replace"))
    ]
    assert not remote, "the book must read offline; remote assets:\n" + "\n".join(remote)
    assert (book / "_static" / "mathjax" / "tex-chtml.js").is_file(), "MathJax is bundled"


def test_every_internal_link_and_anchor_resolves(book):
    broken = []
    checked = 0
    for page in _pages(book):
        for href in _parsed(page).links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:")):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            checked += 1
            if not target.is_file():
                broken.append(f"{page.relative_to(book)}: {href} (no such file)")
            elif parts.fragment and target.suffix == ".html":
                if unquote(parts.fragment) not in _parsed(target).ids:
                    broken.append(f"{page.relative_to(book)}: {href} (no such anchor)")
    assert checked > 100
    assert not broken, "broken internal links:\n" + "\n".join(broken)


CELL_START = re.compile(r'<div class="cell[ "]')
WIDGET_TEXT = re.compile(
    r"[VH]Box\(children|Loading widget|Error displaying widget|application/vnd\.jupyter\.widget"
)


def test_explorers_show_their_stored_figure_and_how_to_run_them_live(book):
    for nb in CHAPTERS:
        notebook = json.loads(nb.read_text(encoding="utf-8"))
        shown = [
            output
            for cell in notebook["cells"]
            if "explorer" in cell.get("metadata", {}).get("tags", [])
            for output in cell.get("outputs", [])
            if book_build.WIDGET_VIEW in output.get("data", {})
        ]
        text = (book / "chapters" / f"{nb.stem}.html").read_text(encoding="utf-8")
        found = WIDGET_TEXT.search(text)
        assert not found, f"{nb.name}: a widget shows as text: {found.group(0)!r}"
        notes = [m.start() for m in re.finditer(r'class="explorer-live-note"', text)]
        assert len(notes) >= len(shown), f"{nb.name}: {len(notes)} notes, {len(shown)} explorers"
        if notebook["metadata"].get("widgets"):  # the figure, when the notebook stored it
            for note in notes:
                cell = [m.start() for m in CELL_START.finditer(text, 0, note)][-1]
                assert "<img" in text[cell:note], f"{nb.name}: an explorer without its figure"


def test_the_api_reference_documents_every_public_name(book):
    missing = []
    for module, names in api_reference.public_api().items():
        page = book / "api" / f"{module}.html"
        ids = _parsed(page).ids if page.is_file() else set()
        missing += [f"{module}.{name}" for name in names if f"{module}.{name}" not in ids]
    assert not missing, "not in the book's API reference: " + ", ".join(missing)
    index = (book / "api" / "index.html").read_text(encoding="utf-8")
    assert "dlhelpers.scratch" in index


# --------------------------------------------------------------------------- in a real browser


def _require_browser():
    import browser_support as bs

    reason = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = "Playwright is not installed (pip install playwright; no browser download needed)"
    if reason is None and bs.chromium_path() is None:
        reason = "Chromium was not found (Debian/Ubuntu: apt-get install chromium)"
    if reason is None:
        return bs
    if os.environ.get("DLCOURSE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"DLCOURSE_REQUIRE_BROWSER=1 but the book's browser test cannot run: {reason}")
    pytest.skip(f"book browser test skipped: {reason}")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(book):
    """The book served as a static site on a free 127.0.0.1 port."""
    handler = functools.partial(_QuietHandler, directory=str(book))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser(site, request):
    """The process's shared Chromium (see conftest), once the requirements are checked."""
    _require_browser()
    return request.getfixturevalue("chromium")


@pytest.fixture(scope="module")
def artifacts() -> Path:
    configured = os.environ.get("DLCOURSE_ARTIFACTS")
    path = Path(configured) if configured else Path(tempfile.mkdtemp(prefix="dlcourse-book-"))
    path.mkdir(parents=True, exist_ok=True)
    print(f"\nbook screenshots: {path}")
    return path


# Waits for MathJax to finish, then reports what a reader would notice as broken.
_JS_CHECK = """
async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  const images = [...document.images];
  await Promise.all(images.map(i => i.complete ? null : new Promise(r => {
    i.addEventListener('load', r); i.addEventListener('error', r);
  })));
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const skip = 'pre, code, script, style, textarea, mjx-container, .highlight, .cell_output';
  const raw = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.parentElement.closest(skip)) continue;
    const m = n.textContent.match(/\\$[^$\\s][^$]*\\$|\\\\\\(|\\\\\\[/);
    if (m) raw.push(n.textContent.trim().slice(0, 80));
  }
  return {
    images: images.length,
    broken: images.filter(i => !(i.naturalWidth > 0)).map(i => i.getAttribute('src')),
    formulas: document.querySelectorAll('span.math, div.math').length,
    rendered: document.querySelectorAll('mjx-container').length,
    raw: raw,
    title: document.title,
  };
}
"""


_JS_SHOW_FIRST_EXPLORER = """
() => document.querySelector('.explorer-live-note').scrollIntoView({block: 'end'})
"""


def _open(browser, url: str):
    page = browser.new_page(viewport={"width": 1100, "height": 750})
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda err: errors.append(f"pageerror: {err}"))
    page.on("requestfailed", lambda req: errors.append(f"request failed: {req.url}"))
    page.goto(url, wait_until="load")
    return page, errors


PAGES = ["index.html", "api/index.html", "api/dlhelpers.scratch.html"] + [
    f"chapters/{nb.stem}.html" for nb in CHAPTERS
]


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES)
def test_page_renders_in_chromium(browser, site, artifacts, path):
    page, errors = _open(browser, f"{site}/{path}")
    try:
        found = page.evaluate(_JS_CHECK)
        if path == "index.html":
            page.screenshot(path=str(artifacts / "book_index.png"))
        if path == "chapters/03_cnn_mechanics.html":  # an explorer as the book shows it
            page.evaluate(_JS_SHOW_FIRST_EXPLORER)
            page.screenshot(path=str(artifacts / "book_chapter_03_explorer.png"))
    finally:
        page.close()
    assert not errors, f"{path}: console errors:\n" + "\n".join(errors)
    assert not found["broken"], f"{path}: images that did not load: {found['broken']}"
    assert found["rendered"] == found["formulas"], (
        f"{path}: MathJax rendered {found['rendered']} of {found['formulas']} formulas"
    )
    assert not found["raw"], f"{path}: raw math text left: {found['raw']}"


@pytest.mark.browser
def test_searching_convolution_finds_chapter_3(browser, site):
    page, errors = _open(browser, f"{site}/search.html?q=convolution")
    try:
        page.wait_for_selector("#search-results ul.search li a", timeout=30_000)
        hits = page.eval_on_selector_all(
            "#search-results ul.search li a", "links => links.map(a => a.getAttribute('href'))"
        )
    finally:
        page.close()
    assert any("chapters/03_cnn_mechanics.html" in h for h in hits), hits
    assert not errors, "console errors on the search page:\n" + "\n".join(errors)
