"""show_solution: a learner asks for a reference solution in the exercise section."""

import pytest

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
