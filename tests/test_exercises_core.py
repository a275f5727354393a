"""show_solution: a learner asks for a reference solution in the exercise section."""

import numpy as np
import pytest

from dlhelpers.exercises._core import Case, check_cases
from dlhelpers.exercises.solutions import ch03 as sol


def test_show_solution_returns_the_reference_source():
    from dlhelpers.exercises import show_solution

    shown = show_solution(3, "output_size")
    assert shown.source.startswith("def output_size(")
    namespace = {}
    exec(shown.source, namespace)  # the shown code is the reference itself
    assert namespace["output_size"](28, 3, 2, "same") == sol.output_size(28, 3, 2, "same") == 14
    assert str(shown).startswith("# Reference solution, Chapter 3: output_size\ndef output_size(")


def test_show_solution_rejects_unknown_chapters_and_names():
    from dlhelpers.exercises import show_solution

    with pytest.raises(ValueError, match=r"name: expected one of Chapter 3's exercises \["):
        show_solution(3, "outputsize")
    with pytest.raises(ValueError, match="chapter: expected a chapter with exercises, received 42"):
        show_solution(42, "x")
    with pytest.raises(TypeError, match="chapter: expected a chapter number"):
        show_solution("3", "output_size")


def test_an_answer_that_edits_its_input_cannot_change_the_hidden_case():
    case = Case("a table", (np.zeros(3),), np.array([1.0, 0.0, 0.0]))

    def in_place(table):
        table[0] += 1.0
        return table

    assert check_cases(in_place, [case])  # right the first time...
    assert check_cases(in_place, [case])  # ...and again: the stored case was not edited
    np.testing.assert_array_equal(case.args[0], np.zeros(3))


def test_feedback_shows_small_boolean_and_numeric_arrays():
    from dlhelpers.exercises._core import _short

    assert _short(np.array([True, False])) == "[ True, False]"
    assert _short(np.array([0.123456, 2.0])) == "[0.1235, 2.    ]"
