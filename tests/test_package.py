"""The package itself: cheap to import, seeds everything, validates input."""

import pkgutil
import subprocess
import sys

import numpy as np
import pytest

import dlhelpers
from dlhelpers import _validation as v

# Every module of dlhelpers, found on disk, so a new chapter's modules are covered.
SUBMODULES = sorted(
    info.name.removeprefix("dlhelpers.")
    for info in pkgutil.walk_packages(dlhelpers.__path__, "dlhelpers.")
)


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


@pytest.mark.parametrize("closed", ["both", "left", "right", "neither"])
def test_check_scalar_keeps_exactly_the_interval_it_declares(closed):
    """Points inside pass and come back; each end is in or out as ``closed`` says."""
    rng = np.random.default_rng(0)
    for low, high in rng.uniform(-5, 5, size=(20, 2)):
        low, high = sorted((float(low), float(high)))
        inside = float(rng.uniform(low, high))
        assert v.check_scalar(inside, "x", float, low=low, high=high, closed=closed) == inside
        for end, included, sign in (
            (low, closed in ("both", "left"), ">"),
            (high, closed in ("both", "right"), "<"),
        ):
            if included:
                assert v.check_scalar(end, "x", float, low=low, high=high, closed=closed) == end
            else:
                with pytest.raises(ValueError, match=rf"x: expected a number {sign} "):
                    v.check_scalar(end, "x", float, low=low, high=high, closed=closed)
        with pytest.raises(ValueError, match=r"x: expected a number >=? .*, received"):
            v.check_scalar(low - 1, "x", float, low=low, high=high, closed=closed)
        with pytest.raises(ValueError, match=r"x: expected a number <=? .*, received"):
            v.check_scalar(high + 1, "x", float, low=low, high=high, closed=closed)


@pytest.mark.parametrize(
    ("value", "kind", "match"),
    [
        (True, int, "x: expected an integer, received True"),
        (2.0, int, "x: expected an integer, received 2.0"),
        ("3", float, "x: expected a finite number, received '3'"),
        (float("nan"), float, "x: expected a finite number, received nan"),
    ],
)
def test_check_scalar_refuses_the_wrong_type(value, kind, match):
    with pytest.raises(TypeError, match=match):
        v.check_scalar(value, "x", kind)


def test_check_scalar_accepts_numpy_scalars_and_returns_python_ones():
    assert type(v.check_scalar(np.int64(3), "n", int, low=1)) is int
    assert type(v.check_scalar(np.float32(0.5), "p", float, low=0, high=1)) is float


def test_a_deprecation_raised_in_dlhelpers_fails_the_suite():
    """pyproject's filterwarnings turn a deprecation attributed to dlhelpers into an error."""
    import warnings

    with pytest.raises(DeprecationWarning, match="old API"):
        warnings.warn_explicit(
            "old API", DeprecationWarning, "dlhelpers/data.py", 1, "dlhelpers.data"
        )


def test_the_package_layers_hold():
    """pyproject's import-linter contracts (scratch NumPy-only, plots take arrays, ...) are kept."""
    from pathlib import Path

    tool = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(tool)], cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "BROKEN" not in done.stdout and "6 kept, 0 broken" in done.stdout
