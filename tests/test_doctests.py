"""The examples in dlhelpers' docstrings run and print what they show."""

import doctest
import importlib
import pkgutil

import pytest

import dlhelpers

MODULES = sorted(m.name for m in pkgutil.walk_packages(dlhelpers.__path__, "dlhelpers."))
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    for test in finder.find(module, name):
        if test.examples and test.name.startswith(name):  # not examples re-exported from elsewhere
            runner.run(test)
    failed, _ = runner.summarize(verbose=False)
    assert failed == 0, f"{name}: {failed} docstring example(s) failed (output above)"


def test_the_package_has_examples_to_run():
    """Guard against the runner silently finding nothing (a test that cannot fail)."""
    finder = doctest.DocTestFinder(exclude_empty=True)
    count = sum(
        len(t.examples)
        for name in MODULES
        for t in finder.find(importlib.import_module(name), name)
    )
    assert count >= 10, f"only {count} docstring examples found in dlhelpers"
