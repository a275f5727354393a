"""Shared test set-up: a non-interactive matplotlib backend and quiet TensorFlow."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import matplotlib  # noqa: E402

matplotlib.use("Agg")  # unit tests only; notebook kernels keep their inline backend

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="session")
def tf():
    """TensorFlow, imported quietly once per test process."""
    import dlhelpers

    return dlhelpers.import_tensorflow()
