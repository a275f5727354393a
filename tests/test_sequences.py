"""Sequence tasks and windows: shapes, the rules that define them, Keras' windowing, bad input."""

import subprocess
import sys

import numpy as np
import pytest

from dlhelpers.sequences import adding_problem, make_windows, smoothing_task


@pytest.mark.parametrize("n, length, seed", [(1, 2, 0), (5, 7, 1), (200, 50, 2), (30, 101, 3)])
def test_adding_problem_marks_one_value_in_each_half(n, length, seed):
    X, y = adding_problem(n, length, seed)
    assert X.shape == (n, length, 2) and y.shape == (n,)
    assert X.dtype == y.dtype == np.float32
    markers = X[..., 1]
    assert np.all(markers.sum(axis=1) == 2)
    half = length // 2
    assert np.all(markers[:, :half].sum(axis=1) == 1)
    assert np.all(markers[:, half:].sum(axis=1) == 1)
    np.testing.assert_allclose(y, (X[..., 0] * markers).sum(axis=1), rtol=1e-6)
    assert np.all((X[..., 0] >= 0) & (X[..., 0] < 1))


def test_adding_problem_is_seeded_and_its_mean_baseline_is_one_sixth():
    a, b = adding_problem(20, 10, seed=4), adding_problem(20, 10, seed=4)
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.array_equal(a[0], adding_problem(20, 10, seed=5)[0])
    _, y = adding_problem(20000, 50, seed=0)
    assert abs(np.mean((y - y.mean()) ** 2) - 1 / 6) < 0.01


@pytest.mark.parametrize("n, length, radius, seed", [(2, 5, 1, 0), (3, 20, 2, 1), (4, 9, 4, 2)])
def test_smoothing_task_is_a_centred_mean(n, length, radius, seed):
    X, y, floor = smoothing_task(n, length, radius, seed)
    assert X.shape == y.shape == (n, length, 1)
    for t in range(length):
        lo, hi = max(t - radius, 0), min(t + radius + 1, length)
        np.testing.assert_allclose(y[:, t, 0], X[:, lo:hi, 0].mean(axis=1), rtol=1e-5, atol=1e-6)
    assert floor == pytest.approx(radius / (2 * radius + 1) ** 2)


def test_smoothing_floor_is_what_the_best_causal_guess_leaves():
    X, y, floor = smoothing_task(4000, 11, radius=2, seed=0)
    t = 5  # interior step: the best causal guess is the known part of the sum / 5
    best_causal = X[:, t - 2 : t + 1, 0].sum(axis=1) / 5
    assert abs(np.mean((y[:, t, 0] - best_causal) ** 2) - floor) < 0.01


@pytest.mark.parametrize("length, window, horizon", [(10, 3, 1), (20, 5, 3), (7, 6, 1), (50, 1, 4)])
def test_make_windows_matches_keras_timeseries_dataset(tf, length, window, horizon):
    import keras

    series = np.random.default_rng(length).normal(size=length)
    X, y, idx = make_windows(series, window, horizon)
    n = length - window - horizon + 1
    assert X.shape == (n, window, 1) and y.shape == (n,) and idx.shape == (n,)
    ds = keras.utils.timeseries_dataset_from_array(
        series, targets=series[window + horizon - 1 :], sequence_length=window, batch_size=1000
    )
    kx, ky = next(iter(ds))
    np.testing.assert_allclose(X[..., 0], kx.numpy())
    np.testing.assert_allclose(y, ky.numpy())
    np.testing.assert_allclose(series[idx], y)


def test_make_windows_keeps_features_of_a_2d_series():
    series = np.arange(24.0).reshape(12, 2)
    X, y, idx = make_windows(series, 4, horizon=2)
    assert X.shape == (7, 4, 2) and y.shape == (7, 2)
    np.testing.assert_array_equal(X[0], series[:4])
    np.testing.assert_array_equal(y[0], series[5])
    np.testing.assert_array_equal(idx, np.arange(5, 12))


def test_make_windows_rejects_nan_and_short_series():
    series = np.array([1.0, 2.0, np.nan, 4.0, 5.0])
    with pytest.raises(ValueError, match=r"series: expected finite values, received 1 NaN"):
        make_windows(series, 2)
    with pytest.raises(ValueError, match=r"series: expected at least window \+ horizon = 6 steps"):
        make_windows(np.arange(5.0), 5)
    with pytest.raises(ValueError, match=r"window: expected an integer >= 1, received 0"):
        make_windows(np.arange(5.0), 0)
    with pytest.raises(ValueError, match=r"series: expected a 1-D or 2-D array"):
        make_windows(np.zeros((3, 3, 3)), 1)


def test_generators_reject_bad_arguments():
    with pytest.raises(ValueError, match=r"length: expected an integer >= 2, received 1"):
        adding_problem(3, 1)
    with pytest.raises(TypeError, match=r"n: expected an integer"):
        adding_problem(2.5, 10)
    with pytest.raises(ValueError, match=r"length: expected an integer >= 5, received 4"):
        smoothing_task(3, 4, radius=2)


def test_chapter_6_modules_do_not_import_tensorflow():
    modules = [
        "sequences",
        "scratch.gated",
        "inspect.gates",
        "plots.gates",
        "explorers.gates",
        "exercises.ch06",
        "exercises.solutions.ch06",
    ]
    code = (
        "import sys, importlib\n"
        f"for m in {modules!r}: importlib.import_module('dlhelpers.' + m)\n"
        "bad = [m for m in ('tensorflow', 'keras') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
