"""Print the README's reference of dlhelpers' public functions, from __all__ and docstrings.

    python tools/api_reference.py            # print the markdown
    python tools/api_reference.py --write    # replace the block between the markers in README.md

tests/test_readme.py fails when README.md's block differs from what this prints.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- api-reference:start -->", "<!-- api-reference:end -->"
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
]


def _summary(obj) -> str:
    doc = inspect.getdoc(obj) or ""
    return doc.strip().split("\n\n")[0].replace("\n", " ").replace("|", "\\|")


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


def reference() -> str:
    sys.path.insert(0, str(ROOT))
    lines = []
    for name in MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        public = [n for n in _public_names(module) if not n.startswith("_")]
        entries = [(n, getattr(module, n)) for n in public if callable(getattr(module, n))]
        if not entries:
            continue
        lines += [f"**`{name}`**: {_summary(module)}", "", "| name | what it does |", "|---|---|"]
        lines += [f"| `{n}` | {_summary(obj)} |" for n, obj in sorted(entries)]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def spliced(readme: str) -> str:
    head, _, rest = readme.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{reference()}{END}{tail}"


if __name__ == "__main__":
    if "--write" in sys.argv:
        path = ROOT / "README.md"
        path.write_text(spliced(path.read_text()))
    else:
        sys.stdout.write(reference())
