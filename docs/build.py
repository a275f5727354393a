"""Build the course as a static book: ``python docs/build.py [OUT]`` (``make book``; OUT defaults
to ``build/book``).

The chapters are the committed, executed notebooks: nothing is re-executed. This script lays out
the book's sources next to OUT (``OUT-src``: ``docs/index.md``, the notebooks under
``chapters/``, one API page per module of ``dlhelpers``, the chapter map taken from README.md)
and runs Sphinx on them with ``docs/conf.py`` and ``docs/_static``. Everything the pages load
(MathJax, fonts, scripts, styles) is copied into OUT: the book reads offline, from ``file://``
or from any static web server.

What a book cannot run, it shows as it was stored:

- an explorer (an ipywidgets box) becomes the figure and text its output area held when the
  notebook was saved, then one line saying how to run it live;
- a tqdm progress bar becomes one line of text, as tqdm prints it in a terminal.
"""

from __future__ import annotations

import copy
import html
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
LIVE_NOTE = (
    '<p class="explorer-live-note">This is the figure the explorer showed when the chapter '
    "was run: run it live with <code>make lab</code>.</p>"
)
# The controls that make a widget box an explorer (as opposed to a progress bar).
CONTROL_MODELS = re.compile(r"Slider|Dropdown|Toggle|Text|Select|Checkbox|Button|Radio|Play")
PROGRESS_MODELS = {"FloatProgressModel", "IntProgressModel"}
# "Chapter 3 — Title", "Chapter 5 · Title", "Chapter 7: Title" all read "Chapter N: Title".
CHAPTER_HEADING = re.compile(r"^#\s+Chapter\s+(\d+)\s*[—–·:\-]\s*", flags=re.M)


# --------------------------------------------------------------------------- widgets


def _walk(state: dict, model_id: str):
    """The widget models of a displayed box, depth first, in the order they are shown."""
    model = state.get(model_id)
    if model is None:
        return
    yield model
    for child in model.get("state", {}).get("children", []):
        yield from _walk(state, child.removeprefix("IPY_MODEL_"))


def _progress_line(models: list[dict]) -> str:
    """A tqdm bar as tqdm prints it in a terminal: ``label 100%|##########| 3/3 [...]``."""
    parts = []
    for model in models:
        values = model.get("state", {})
        if model["model_name"] in PROGRESS_MODELS:
            full = values.get("max") or 1
            filled = round(10 * min(max(values.get("value", 0) / full, 0), 1))
            parts.append("|" + "\u2588" * filled + " " * (10 - filled) + "|")
        elif model["model_name"] == "HTMLModel":
            parts.append(html.unescape(values.get("value", "")).replace("\u2007", " ").strip())
    return " ".join(p for p in parts if p)


def stored_outputs(state: dict, model_id: str) -> list[dict]:
    """What to show instead of the widget ``model_id``: its stored figure and text, or its bar.

    An explorer (a box with controls) gives the outputs its ``Output`` areas held, the HTML its
    title and code view held, then :data:`LIVE_NOTE`. A progress bar gives one text line.
    A widget whose state was not saved gives only the note.
    """
    models = list(_walk(state, model_id))
    names = {m["model_name"] for m in models}
    if models and names & PROGRESS_MODELS and not any(CONTROL_MODELS.search(n) for n in names):
        return [{"output_type": "stream", "name": "stdout", "text": _progress_line(models) + "\n"}]
    shown = []
    for model in models:
        values = model.get("state", {})
        if model["model_name"] == "OutputModel":
            shown += [copy.deepcopy(o) for o in values.get("outputs", [])]
        elif model["model_name"] == "HTMLModel" and values.get("value", "").strip():
            shown.append(_html(values["value"]))
    return shown + [_html(LIVE_NOTE)]


def _html(text: str) -> dict:
    return {"output_type": "display_data", "metadata": {}, "data": {"text/html": text}}


def _shows_widgets(notebook: dict) -> bool:
    return any(
        WIDGET_VIEW in output.get("data", {})
        for cell in notebook["cells"]
        for output in cell.get("outputs", [])
    )


def for_the_book(notebook: dict) -> dict:
    """A copy of ``notebook`` as the book shows it: widgets replaced by what they stored, the
    chapter heading written ``Chapter N: Title``, and no widget state left to load."""
    notebook = copy.deepcopy(notebook)
    widgets = notebook.get("metadata", {}).pop("widgets", {})
    state = widgets.get(WIDGET_STATE, {}).get("state", {})
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            source = "".join(cell["source"])
            cell["source"] = CHAPTER_HEADING.sub(r"# Chapter \1: ", source, count=1)
            continue
        outputs = []
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            outputs += stored_outputs(state, view["model_id"]) if view else [output]
        if "outputs" in cell:
            cell["outputs"] = outputs
    return notebook


# --------------------------------------------------------------------------- the landing page


def chapter_map(readme: str, titles: dict[str, str]) -> str:
    """The chapter map: each chapter's title, then what you learn and its minutes from the
    README's chapter table (a chapter not in the table yet is listed without them)."""
    table = readme.split("<!-- chapters:start -->")[1].split("<!-- chapters:end -->")[0]
    listed = {}
    for line in table.splitlines():
        notebook = re.search(r"`(\d\d_\w+)\.ipynb`", line)
        if notebook:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            listed[notebook.group(1)] = (cells[2], cells[-1])
    rows = ["| chapter | what you learn | minutes on 2 CPU cores |", "|---|---|---:|"]
    for name, title in titles.items():
        learn, minutes = listed.get(name, ("", ""))
        rows.append(f"| [{title or name}](chapters/{name}.ipynb) | {learn} | {minutes} |")
    return "\n".join(rows) + "\n"


def _title(notebook: dict) -> str:
    for cell in notebook["cells"]:
        match = re.search(r"^#\s+(.+)$", "".join(cell["source"]), flags=re.M)
        if cell["cell_type"] == "markdown" and match:
            return match.group(1).strip()
    return ""


# --------------------------------------------------------------------------- the source folder


def _write(path: Path, text: str) -> None:
    """Write only what changed, so Sphinx rebuilds only the pages that did."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def lay_out(src: Path) -> list[Path]:
    """Fill ``src`` with the book's sources; return the chapter notebooks it holds."""
    sys.path.insert(0, str(ROOT / "tools"))
    from api_reference import api_pages

    src.mkdir(parents=True, exist_ok=True)
    shutil.copy2(DOCS / "index.md", src / "index.md")  # conf.py and _static are read from docs/
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    wanted = {f"{nb.stem}.ipynb" for nb in notebooks}
    for old in (src / "chapters").glob("*.ipynb"):
        if old.name not in wanted:
            old.unlink()
    titles = {}
    for nb in notebooks:
        notebook = json.loads(nb.read_text(encoding="utf-8"))
        if _shows_widgets(notebook) and not notebook["metadata"].get("widgets"):
            print(
                f"note: {nb.name} was saved without its widget state, so the book shows no "
                "figure for its explorers (run it with benchmarks/run_notebooks.py --inplace)"
            )
        book_nb = for_the_book(notebook)
        titles[nb.stem] = _title(book_nb)
        _write(src / "chapters" / nb.name, json.dumps(book_nb, indent=1, ensure_ascii=False))
    _write(src / "_chapter_map.md", chapter_map((ROOT / "README.md").read_text("utf-8"), titles))
    for name, text in api_pages().items():
        _write(src / "api" / f"{name}.rst", text)
    return [src / "chapters" / nb.name for nb in notebooks]


WARNING_LINE = re.compile(r"^(\S.*?: )?(WARNING|ERROR|CRITICAL|SEVERE): ", flags=re.M)


class BookError(RuntimeError):
    """Sphinx failed, or warned about a page (a notebook or the landing page)."""


def split_warnings(text: str) -> tuple[list[str], list[str]]:
    """Sphinx's warnings as ``(about pages, about docstrings)``, each warning whole.

    A docstring that docutils cannot fully parse still renders (its owner is told, the build
    goes on); a page that does not render fails the build.
    """
    starts = [m.start() for m in WARNING_LINE.finditer(text)]
    warnings = [text[a:b].strip() for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    docstrings = [w for w in warnings if "docstring of " in w.split("\n")[0]]
    return [w for w in warnings if w not in docstrings], docstrings


def build(out: Path, *, quiet: bool = True) -> tuple[float, list[str]]:
    """Build the book into ``out``; return the seconds it took and the docstring warnings.

    Its sources go to ``out-src``, Sphinx's cache to ``out-doctrees`` and the notebooks' images
    (myst-nb's choice) to ``jupyter_execute`` beside ``out``. Raises :class:`BookError` when a
    page does not render cleanly.
    """
    start = time.monotonic()
    out = Path(out).resolve()
    src = out.with_name(out.name + "-src")
    lay_out(src)
    log = out.with_name(out.name + "-warnings.txt")
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-c", str(DOCS), "-w", str(log)]
    command += ["-d", str(out.with_name(out.name + "-doctrees")), str(src), str(out)]
    done = subprocess.run(command + (["-q"] if quiet else []), cwd=ROOT)
    pages, docstrings = split_warnings(log.read_text(encoding="utf-8") if log.exists() else "")
    if done.returncode or pages:
        raise BookError(f"sphinx-build exited {done.returncode}:\n" + "\n".join(pages))
    return time.monotonic() - start, docstrings


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "book"
    seconds, docstrings = build(target, quiet=True)
    for warning in docstrings:
        print(f"note (the page still renders): {warning}")
    pages = len(list(Path(target).rglob("*.html")))
    print(f"book: {pages} pages in {seconds:.0f} s; open {Path(target).resolve() / 'index.html'}")
