"""nbval's instructions live in cell tags, out of the source a learner reads."""

import json
import re
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


CHAPTERS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SOLUTIONS_IMPORT = re.compile(
    r"^\s*(from\s+dlhelpers\.exercises(\.solutions\S*)?\s+import\s+.*\bsolutions\b"
    r"|from\s+dlhelpers\.exercises\.solutions\b"
    r"|import\s+dlhelpers\.exercises\.solutions\b)",
    re.MULTILINE,
)


def _code_sources(notebook):
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


@pytest.mark.parametrize("notebook", CHAPTERS, ids=[nb.stem for nb in CHAPTERS])
def test_no_chapter_imports_the_solutions(notebook):
    """A learner asks for a solution with show_solution(...) in the exercise; imports never show one."""
    hits = [i for i, src in enumerate(_code_sources(notebook)) if SOLUTIONS_IMPORT.search(src)]
    assert not hits, (
        f"{notebook.name}: code cells {hits} import dlhelpers.exercises.solutions; "
        "use show_solution(chapter, name) in the exercise section instead"
    )


@pytest.mark.parametrize("notebook", CHAPTERS, ids=[nb.stem for nb in CHAPTERS])
def test_the_imports_cell_brings_no_exercise_machinery(notebook):
    """The first code cell imports what the chapter teaches with; checkers come with the exercises."""
    first = _code_sources(notebook)[0]
    assert "exercises" not in first, (
        f"{notebook.name}: the first code cell mentions dlhelpers.exercises; import the checkers "
        "in the exercise section"
    )


def test_the_solutions_pattern_catches_every_spelling():
    for line in [
        "from dlhelpers.exercises import solutions",
        "from dlhelpers.exercises import Feedback, solutions",
        "import dlhelpers.exercises.solutions.ch03",
        "from dlhelpers.exercises.solutions import ch02 as solutions",
        "import dlhelpers.exercises.solutions.ch04 as solutions",
    ]:
        assert SOLUTIONS_IMPORT.search(line), line
    for line in ["from dlhelpers.exercises import show_solution", "show_solution(3, 'x')"]:
        assert not SOLUTIONS_IMPORT.search(line), line


@pytest.mark.parametrize("notebook", CHAPTERS, ids=[nb.stem for nb in CHAPTERS])
def test_every_check_in_a_chapter_says_what_it_checks(notebook):
    """A failing assert tells the learner, in words, which lesson did not hold."""
    import ast

    bare = []
    for i, src in enumerate(_code_sources(notebook)):
        lines = [line for line in src.split("\n") if not line.lstrip().startswith(("%", "!"))]
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, ast.Assert) and node.msg is None:
                bare.append(f"code cell {i}, line {node.lineno}")
    assert not bare, f"{notebook.name}: asserts without a message at {bare}"
