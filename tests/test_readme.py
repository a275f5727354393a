"""The README stays true: its commands exist, it points to the API reference, chapters are listed."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def test_the_reference_is_a_pointer_to_the_books_api_pages():
    # The full reference is the book's (tests/test_book.py checks it covers every public name).
    section = README.split("### Reference")[1].split("\n## ")[0]
    assert "make book" in section and "build/book/api/index.html" in section
    assert "| name | what it does |" not in README, "the API table moved to the book"
    assert re.search(r"^book:", (ROOT / "Makefile").read_text(), flags=re.M)


def test_the_two_commands_are_make_targets_and_ci_calls_the_test_one():
    setup = README.split("## Start in two commands")[1].split("##")[0]
    commands = re.findall(r"^(make \w+)", setup, flags=re.M)
    assert commands == ["make lab", "make test"]
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^lab: install$", makefile, flags=re.M)
    assert re.search(r"^test: install$", makefile, flags=re.M)
    assert re.search(r"^make test\b", (ROOT / ".ci/run").read_text(), flags=re.M)


def test_every_chapter_notebook_is_in_the_chapter_table():
    table = README.split("<!-- chapters:start -->")[1].split("<!-- chapters:end -->")[0]
    for notebook in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        assert notebook.name in table, f"{notebook.name} is missing from the README's chapter table"
