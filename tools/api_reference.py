"""The book's API reference: one page per module of dlhelpers, from ``__all__`` and docstrings.

    python tools/api_reference.py            # list the public names, module by module

``docs/build.py`` writes :func:`api_pages` into the book's sources, where Sphinx's autodoc and
napoleon render every docstring (Args / Returns / Raises). ``tests/test_book.py`` checks that
every name :func:`public_api` lists has an entry in the built reference.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODULES = [
    "dlhelpers",
    "dlhelpers.data",
    "dlhelpers.training",
    "dlhelpers.evaluation",
    "dlhelpers.scratch",
    "dlhelpers.inspect",
    "dlhelpers.plots",
    "dlhelpers.explorers",
    "dlhelpers.cnn",
    "dlhelpers.sequences",
    "dlhelpers.seq2seq",
    "dlhelpers.tuning",
    "dlhelpers.serve",
    "dlhelpers.scaleout",
    "dlhelpers.exercises",
]


def _summary(obj) -> str:
    doc = inspect.getdoc(obj) or ""
    return doc.strip().split("\n\n")[0].replace("\n", " ")


def _public_names(module) -> list[str]:
    """``__all__``, or for a subpackage that re-exports its modules, their ``__all__``s."""
    if hasattr(module, "__all__"):
        return list(module.__all__)
    names = []
    for info in pkgutil.iter_modules(getattr(module, "__path__", [])):
        if not info.name.startswith("_"):
            sub = importlib.import_module(f"{module.__name__}.{info.name}")
            names += [n for n in getattr(sub, "__all__", []) if hasattr(module, n)]
    return names


def public_api() -> dict[str, list[str]]:
    """Module name -> its public callables (functions and classes), sorted."""
    sys.path.insert(0, str(ROOT))
    api = {}
    for name in MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        public = [n for n in _public_names(module) if not n.startswith("_")]
        entries = sorted(n for n in public if callable(getattr(module, n)))
        if entries:
            api[name] = entries
    return api


def _entry(module, name: str) -> list[str]:
    obj = getattr(module, name)
    if not inspect.isclass(obj):
        return [f".. autofunction:: {name}", ""]
    # A named tuple's fields are in its one-line docstring; other classes list their methods.
    members = [] if issubclass(obj, tuple) else ["   :members:"]
    return [f".. autoclass:: {name}", *members, ""]


def module_page(name: str, names: list[str]) -> str:
    """The reST page of one module: its docstring, a summary table, then every entry."""
    module = importlib.import_module(name)
    lines = [f"``{name}``", "=" * (len(name) + 4), "", f".. automodule:: {name}", ""]
    lines += [f".. currentmodule:: {name}", "", ".. autosummary::", ""]
    lines += [f"   {n}" for n in names] + [""]
    for n in names:
        lines += _entry(module, n)
    return "\n".join(lines)


def api_pages() -> dict[str, str]:
    """Page name -> reST source: ``index`` (the modules and what each is for) and one per module."""
    api = public_api()
    index = ["API reference", "=============", ""]
    index += [
        "Generated from the docstrings of ``dlhelpers`` (``tools/api_reference.py``). "
        "``import dlhelpers`` does not import TensorFlow; the functions that need it import "
        "it quietly on first use.",
        "",
        ".. list-table::",
        "   :header-rows: 1",
        "",
        "   * - module",
        "     - what it is for",
    ]
    for name in api:
        summary = _summary(importlib.import_module(name)).replace("*", "\\*")
        index += [f"   * - :doc:`{name}`", f"     - {summary}"]
    index += ["", ".. toctree::", "   :hidden:", ""] + [f"   {name}" for name in api] + [""]
    pages = {"index": "\n".join(index)}
    pages.update({name: module_page(name, names) for name, names in api.items()})
    return pages


if __name__ == "__main__":
    for module, names in public_api().items():
        sys.stdout.write(f"{module}: {', '.join(names)}\n")
