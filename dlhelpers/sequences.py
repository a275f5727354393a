"""Sequence data for the recurrent chapters: synthetic tasks and windows of a series.

- :func:`adding_problem`: a long-range dependency task (Hochreiter & Schmidhuber, 1997).
- :func:`smoothing_task`: per-step targets that need the future as much as the past,
  the task where a bidirectional RNN wins.
- :func:`make_windows`: supervised ``(window -> value ahead)`` pairs from a series.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from dlhelpers._validation import check_array, check_scalar, fail

__all__ = ["adding_problem", "smoothing_task", "make_windows", "Windows"]

Windows = namedtuple("Windows", ["X", "y", "target_index"])


def adding_problem(n: int, length: int, seed: int = 0):
    """The adding problem: remember two marked numbers across a long sequence, add them.

    Each sequence has ``length`` steps with two features: a value drawn uniformly
    from [0, 1) and a marker that is 1 at exactly two steps, one in the first half
    and one in the second half, else 0. The target is the sum of the two marked
    values. Predicting the mean (1.0) gives an MSE of 1/6 (about 0.167, the variance
    of a sum of two uniforms); doing better means carrying the first marked value
    across at least ``length // 2`` steps.

    Returns ``(X, y)``: ``X`` ``(n, length, 2)`` float32 (``[..., 0]`` values, ``[..., 1]``
    markers) and ``y`` ``(n,)`` float32 targets, for ``n >= 1`` sequences of ``length >= 2``.
    """
    n = check_scalar(n, "n", int, low=1)
    length = check_scalar(length, "length", int, low=2)
    seed = check_scalar(seed, "seed", int, low=0)
    rng = np.random.default_rng(seed)
    values = rng.uniform(0.0, 1.0, size=(n, length))
    half = length // 2
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, length, size=n)
    markers = np.zeros((n, length))
    rows = np.arange(n)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    X = np.stack([values, markers], axis=-1).astype(np.float32)
    y = (values[rows, first] + values[rows, second]).astype(np.float32)
    return X, y


def smoothing_task(n: int, length: int, radius: int = 2, seed: int = 0):
    """Denoise-by-averaging: at every step, the mean of the inputs within ``radius`` steps.

    Inputs are standard normal noise ``(n, length, 1)``. The target at step ``t``
    is the mean of ``x[t - radius : t + radius + 1]`` (the window is cut at the
    ends). A model that reads left to right cannot know the ``radius`` future
    inputs; a bidirectional one can. For an interior step the best a left-to-right
    model can do leaves an MSE of ``radius / (2*radius + 1)**2`` (the variance of
    the unseen part), which :func:`smoothing_task` returns as ``floor``.

    Returns ``(X, y, floor)``: ``X`` and ``y`` ``(n, length, 1)`` float32, and the unavoidable
    MSE of a causal model on interior steps (``length > 2 * radius``, ``radius >= 1``).
    """
    n = check_scalar(n, "n", int, low=1)
    radius = check_scalar(radius, "radius", int, low=1)
    length = check_scalar(length, "length", int, low=2 * radius + 1)
    seed = check_scalar(seed, "seed", int, low=0)
    x = np.random.default_rng(seed).standard_normal((n, length))
    padded = np.pad(np.cumsum(x, axis=1), ((0, 0), (1, 0)))
    t = np.arange(length)
    lo, hi = np.clip(t - radius, 0, length), np.clip(t + radius + 1, 0, length)
    y = (padded[:, hi] - padded[:, lo]) / (hi - lo)
    floor = radius / (2 * radius + 1) ** 2
    return x[..., None].astype(np.float32), y[..., None].astype(np.float32), float(floor)


def make_windows(series, window: int, horizon: int = 1) -> Windows:
    """Cut a series into (past ``window`` values -> the value ``horizon`` steps ahead) pairs.

    Sample ``k`` holds ``series[k : k + window]`` and its target is
    ``series[k + window + horizon - 1]``; with ``horizon=1`` that is the next value.
    The same pairs come out of ``keras.utils.timeseries_dataset_from_array(series,
    targets=series[window + horizon - 1:], sequence_length=window)``.

    Args:
        series: ``(T,)`` or ``(T, features)`` numbers, without NaN (fill gaps first).
        window: past steps per sample (>= 1).
        horizon: how far ahead the target is (>= 1).

    Returns:
        ``Windows(X, y, target_index)``: ``X`` is ``(n, window, features)`` (features
        is 1 for a 1-D series), ``y`` is ``(n,)`` for a 1-D series else
        ``(n, features)``, and ``target_index`` ``(n,)`` gives the position of each
        target in ``series`` (handy to plot forecasts against time), with
        ``n = T - window - horizon + 1``.

    Raises:
        ValueError: NaN/inf in ``series``, a series too short for one window.
    """
    arr = check_array(series, "series", ndim=(1, 2))
    window = check_scalar(window, "window", int, low=1)
    horizon = check_scalar(horizon, "horizon", int, low=1)
    n = len(arr) - window - horizon + 1
    if n < 1:
        fail("series", f"at least window + horizon = {window + horizon} steps", arr)
    data = arr[:, None] if arr.ndim == 1 else arr
    starts = np.arange(n)
    X = data[starts[:, None] + np.arange(window)]
    target_index = starts + window + horizon - 1
    return Windows(X, arr[target_index], target_index)
