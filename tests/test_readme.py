"""The README stays true: its commands exist, its reference matches the package, chapters are listed."""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
sys.path.insert(0, str(ROOT / "tools"))
from api_reference import END, START, reference  # noqa: E402


def test_api_reference_block_is_current():
    block = README.split(START)[1].split(END)[0]
    assert block == "\n" + reference(), "run: python tools/api_reference.py --write"


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
