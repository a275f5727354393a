"""The chapters' prose follows their outputs.

Two rules, checked on the committed (executed) notebooks:

1. Every measured-looking number a markdown cell quotes -- a decimal (``0.95``), a percentage
   (``98.9 %``) or a multiplier (``1.7x``, ``3 times``) -- appears in the stored text output of a
   code cell above it. Numbers in inline code, fenced code and ``$...$`` math are settings or
   formulas, not measurements, and are not checked; ``ALLOWED`` lists the few constants prose may
   quote without printing them.
2. A markdown cell that says ``beats``, ``always`` or ``never`` comes right after a code cell with an
   ``assert``: a strong word must be checked by the cell that shows it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

# Constants prose may quote without an output above. Keep this short; say why for each.
ALLOWED = {
    "0.5",  # one half: a threshold, a probability, a dropout rate quoted as a setting
    "0.69",  # ln 2, the cross-entropy of a coin flip (explained where it is used)
    "0.693",  # ln 2 to three decimals
}

CODE_SPAN = re.compile(r"```.*?```|`[^`\n]*`", re.S)
MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.S)
LINK_TARGET = re.compile(r"\]\([^)]*\)")  # URLs and paths in links: not prose
HTML_TAG = re.compile(r"<[^>]+>")
NUMBER = re.compile(
    r"(?<![\w.])"
    r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)(?!\.?\d)"  # not part of 127.0.0.1 or 3.15.1
    r"(?:(?P<pct>\s?%)|(?P<mult>\s?(?:x|×|times)\b)|(?P<plain>))"
)
STRONG = re.compile(r"\b(beats?|always|never)\b", re.I)


def _text_of(cell: dict) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def _outputs_text(cell: dict) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stdout":
            parts.append("".join(out.get("text", "")))
        elif out.get("output_type") in ("execute_result", "display_data"):
            plain = out.get("data", {}).get("text/plain", "")
            parts.append("".join(plain) if isinstance(plain, list) else plain)
    return "\n".join(parts)


def quoted_numbers(markdown: str) -> list[tuple[str, str]]:
    """``(number, kind)`` pairs a markdown text quotes, kind in {decimal, percent, multiplier}."""
    text = LINK_TARGET.sub("]", MATH.sub(" ", CODE_SPAN.sub(" ", markdown)))
    text = HTML_TAG.sub(" ", text)
    found = []
    for m in NUMBER.finditer(text):
        num = m.group("num").replace(",", "")
        if m.group("pct"):
            found.append((num, "percent"))
        elif m.group("mult"):
            found.append((num, "multiplier"))
        elif "." in num:
            found.append((num, "decimal"))
    return found


def _appears(num: str, outputs: str) -> bool:
    """``num`` appears as a whole number in ``outputs`` (trailing zeros allowed)."""
    if "." in num:
        pattern = rf"(?<![\d.]){re.escape(num)}0*(?!\d)"
    else:
        pattern = rf"(?<![\d.]){re.escape(num)}(?:\.0+)?(?![\d.]\d|\d)"
    return re.search(pattern, outputs.replace(",", "")) is not None


def _fraction_forms(percent: str) -> list[str]:
    """The ways an output may print ``percent`` % as a fraction: 98.9 -> 0.989."""
    value = float(percent) / 100
    decimals = len(percent.split(".")[1]) if "." in percent else 0
    return [f"{value:.{decimals + 2}f}".rstrip("0").rstrip(".") or "0"]


def is_backed(num: str, kind: str, outputs: str) -> bool:
    if num in ALLOWED or _appears(num, outputs):
        return True
    if kind == "percent":
        return any(_appears(f, outputs) for f in _fraction_forms(num))
    return False


def unbacked_numbers(cells: list[dict]) -> list[str]:
    problems, outputs = [], ""
    for i, cell in enumerate(cells):
        if cell["cell_type"] == "code":
            outputs += "\n" + _outputs_text(cell)
        elif cell["cell_type"] == "markdown":
            for num, kind in quoted_numbers(_text_of(cell)):
                if not is_backed(num, kind, outputs):
                    problems.append(f"cell {i}: {kind} {num} is in no output above")
    return problems


def unchecked_strong_words(cells: list[dict]) -> list[str]:
    problems, last_code = [], None
    for i, cell in enumerate(cells):
        if cell["cell_type"] == "code":
            last_code = cell
        elif cell["cell_type"] == "markdown":
            text = CODE_SPAN.sub(" ", _text_of(cell))
            words = sorted({w.lower() for w in STRONG.findall(text)})
            if words and (last_code is None or "assert" not in _text_of(last_code)):
                problems.append(f"cell {i}: says {', '.join(words)} with no assert just above")
    return problems


def _cells(notebook: Path) -> list[dict]:
    return json.loads(notebook.read_text(encoding="utf-8"))["cells"]


@pytest.mark.parametrize("notebook", CHAPTERS, ids=[nb.stem for nb in CHAPTERS])
def test_numbers_in_prose_come_from_outputs(notebook):
    problems = unbacked_numbers(_cells(notebook))
    assert not problems, f"{notebook.name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("notebook", CHAPTERS, ids=[nb.stem for nb in CHAPTERS])
def test_strong_words_are_checked_by_an_assert(notebook):
    problems = unchecked_strong_words(_cells(notebook))
    assert not problems, f"{notebook.name}:\n" + "\n".join(problems)


# ------------------------------------------------------------- the checker itself


def _md(text):
    return {"cell_type": "markdown", "source": text}


def _code(source, printed=""):
    outputs = [{"output_type": "stream", "name": "stdout", "text": printed}] if printed else []
    return {"cell_type": "code", "source": source, "outputs": outputs}


def test_quoted_numbers_finds_decimals_percentages_and_multipliers():
    text = (
        "Accuracy 0.95, or 98.9 %, 40% of rows, 1.7x faster, 3 times; `lr=0.001`, $0.25$, 10 epochs"
    )
    assert quoted_numbers(text) == [
        ("0.95", "decimal"),
        ("98.9", "percent"),
        ("40", "percent"),
        ("1.7", "multiplier"),
        ("3", "multiplier"),
    ]
    assert quoted_numbers("served on 127.0.0.1 by Keras 3.15.1") == []


def test_a_number_must_be_printed_above_not_below():
    assert unbacked_numbers([_code("print(x)", "acc 0.950\n"), _md("It reached 0.95.")]) == []
    assert unbacked_numbers([_md("It reached 0.95."), _code("print(x)", "acc 0.95\n")]) == [
        "cell 0: decimal 0.95 is in no output above"
    ]


def test_a_number_is_matched_whole():
    assert unbacked_numbers([_code("", "10.951\n"), _md("0.95")])  # not a substring match
    assert unbacked_numbers([_code("", "0.9512\n"), _md("0.95")])


def test_a_percentage_matches_its_fraction_and_a_multiplier_its_number():
    assert unbacked_numbers([_code("", "accuracy 0.989\n"), _md("98.9 % right")]) == []
    assert unbacked_numbers([_code("", "ratio 1.7\n"), _md("1.7x faster")]) == []
    assert unbacked_numbers([_code("", "accuracy 0.979\n"), _md("98.9 % right")])


def test_strong_words_need_an_assert_in_the_code_cell_above():
    assert unchecked_strong_words([_code("assert a > b"), _md("A beats B.")]) == []
    assert unchecked_strong_words([_code("print(a)"), _md("A always wins.")]) == [
        "cell 1: says always with no assert just above"
    ]
    assert unchecked_strong_words([_md("Never say never.")]) == [
        "cell 0: says never with no assert just above"
    ]
