"""nbval's instructions live in cell tags, out of the source a learner reads."""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted(
    (ROOT / "tests" / "fixtures").glob("*.ipynb")
)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_no_cell_source_carries_an_nbval_comment(notebook):
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    marked = [
        i
        for i, cell in enumerate(cells)
        if cell["cell_type"] == "code"
        and any(
            line.lstrip().startswith("# NBVAL_") for line in "".join(cell["source"]).split("\n")
        )
    ]
    assert not marked, (
        f"{notebook.name}: cells {marked} carry '# NBVAL_' comments; "
        "use cell tags instead (python tools/nbval_tags.py NOTEBOOK moves them)"
    )
