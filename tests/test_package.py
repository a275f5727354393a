"""The package itself: cheap to import, seeds everything, validates input."""

import subprocess
import sys

import numpy as np
import pytest

import dlhelpers
from dlhelpers import _validation as v

SUBMODULES = [
    "cnn",
    "sequences",
    "seq2seq",
    "tuning",
    "serve",
    "data",
    "scratch",
    "plots",
    "explorers",
    "exercises",
    "inspect",
    "training",
    "evaluation",
]


def test_import_does_not_load_tensorflow():
    code = (
        "import sys, importlib\n"
        f"for m in {SUBMODULES!r}: importlib.import_module('dlhelpers.' + m)\n"
        "bad = [m for m in ('tensorflow', 'keras') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_import_tensorflow_prints_nothing_to_stderr():
    code = "import dlhelpers; dlhelpers.import_tensorflow(); import keras; print('ok')"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "ok"
    assert run.stderr == "", run.stderr


def test_set_seed_makes_numpy_and_keras_repeatable(tf):
    import keras

    draws = []
    for _ in range(2):
        dlhelpers.set_seed(123)
        draws.append(
            (np.random.rand(3), keras.random.normal((3,)).numpy(), tf.random.uniform((2,)).numpy())
        )
    for a, b in zip(draws[0], draws[1], strict=True):
        np.testing.assert_array_equal(a, b)
    dlhelpers.set_seed(124)
    assert not np.array_equal(np.random.rand(3), draws[0][0])


@pytest.mark.parametrize("bad", [-1, 1.5, "7", True])
def test_set_seed_rejects_bad_seeds(bad):
    with pytest.raises((TypeError, ValueError), match="seed: expected"):
        dlhelpers.set_seed(bad)


def test_check_array_names_argument_and_rank():
    with pytest.raises(
        ValueError, match=r"x: expected a 2-D array, received array of shape \(3,\)"
    ):
        v.check_array([1, 2, 3], "x", ndim=2)
    with pytest.raises(ValueError, match="x: expected finite values, received 1 NaN"):
        v.check_array([[1.0, np.nan]], "x", ndim=2)
    with pytest.raises(TypeError, match="x: expected a numeric array-like"):
        v.check_array([["a", "b"]], "x")


def test_check_same_length_lists_each_length():
    with pytest.raises(ValueError, match="X has 3, y has 2"):
        v.check_same_length(X=np.zeros((3, 2)), y=np.zeros(2))


def test_check_pair_and_choice():
    assert v.check_pair(2, "strides") == (2, 2)
    assert v.check_pair((1, 3), "strides") == (1, 3)
    with pytest.raises(ValueError, match="strides: expected an integer >= 1, received 0"):
        v.check_pair(0, "strides")
    with pytest.raises(
        ValueError, match="padding: expected one of 'valid', 'same', received 'full'"
    ):
        v.check_choice("full", "padding", ("valid", "same"))


def test_no_two_modules_of_a_subpackage_export_the_same_name():
    """Subpackages re-export their modules with `import *`: a shared name would silently shadow."""
    import importlib
    import pkgutil

    for package in ("scratch", "plots", "explorers", "inspect"):
        pkg = importlib.import_module(f"dlhelpers.{package}")
        owner = {}
        for info in pkgutil.iter_modules(pkg.__path__):
            module = importlib.import_module(f"dlhelpers.{package}.{info.name}")
            for name in getattr(module, "__all__", []):
                assert name not in owner, (
                    f"dlhelpers.{package}: {name!r} is exported by both {owner.get(name)} "
                    f"and {info.name}"
                )
                owner[name] = info.name


@pytest.mark.parametrize("bad", [1.0, -0.1, 1.5])
def test_check_rate_wants_zero_to_below_one(bad):
    assert v.check_rate(0.0, "dropout") == 0.0 and v.check_rate(0.5, "dropout") == 0.5
    with pytest.raises(ValueError, match=r"dropout: expected a rate in \[0, 1\)"):
        v.check_rate(bad, "dropout")


def test_a_deprecation_raised_in_dlhelpers_fails_the_suite():
    """pyproject's filterwarnings turn a deprecation attributed to dlhelpers into an error."""
    import warnings

    with pytest.raises(DeprecationWarning, match="old API"):
        warnings.warn_explicit(
            "old API", DeprecationWarning, "dlhelpers/data.py", 1, "dlhelpers.data"
        )
