"""Move nbval comment markers (``# NBVAL_IGNORE_OUTPUT`` ...) into cell metadata tags.

nbval reads the same instructions from tags (``nbval-ignore-output``, ``nbval-skip``,
``raises-exception``), which keeps them out of the source a learner reads. Usage:

    python tools/nbval_tags.py notebooks/*.ipynb
"""

import sys

import nbformat

MARKERS = {
    "# NBVAL_IGNORE_OUTPUT": "nbval-ignore-output",
    "# NBVAL_SKIP": "nbval-skip",
    "# NBVAL_RAISES_EXCEPTION": "raises-exception",
    "# NBVAL_CHECK_OUTPUT": "nbval-check-output",
}


def convert(path: str) -> int:
    nb = nbformat.read(path, as_version=4)
    moved = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        lines = cell.source.split("\n")
        while lines and lines[0].strip() in MARKERS:
            tag = MARKERS[lines.pop(0).strip()]
            tags = cell.metadata.setdefault("tags", [])
            if tag not in tags:
                tags.append(tag)
            moved += 1
        cell.source = "\n".join(lines)
    if moved:
        nbformat.write(nb, path)
    return moved


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(f"{name}: {convert(name)} marker(s) moved to tags")
