"""Input validation shared by every public helper.

All checks raise ``ValueError`` or ``TypeError`` with a message of the form
``"<argument>: expected <what>, received <what was given>."`` so a learner
sees which argument is wrong without reading a NumPy traceback.
"""

from __future__ import annotations

import numbers

import numpy as np


def _describe(value) -> str:
    """Short description of a received value for error messages."""
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        return f"{type(value).__name__} of shape {tuple(value.shape)}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def fail(name: str, expected: str, received) -> None:
    """Raise ``ValueError`` naming the argument, what was expected and what came."""
    raise ValueError(f"{name}: expected {expected}, received {_describe(received)}.")


def reject(name: str, expected: str, received: str) -> None:
    """Like :func:`fail`, for a received value that is already described in words."""
    raise ValueError(f"{name}: expected {expected}, received {received}.")


def check_array(
    x,
    name: str,
    *,
    ndim: int | tuple[int, ...] | None = None,
    dtype=float,
    allow_nan: bool = False,
    min_size: int = 1,
) -> np.ndarray:
    """Convert ``x`` to a NumPy array and check its rank and finiteness.

    Args:
        x: array-like input.
        name: argument name used in error messages.
        ndim: required number of dimensions (an int or a tuple of allowed ranks).
        dtype: dtype to convert to (``None`` keeps the input's dtype).
        allow_nan: whether NaN/inf values are acceptable.
        min_size: the smallest acceptable number of elements.

    Returns:
        The converted array.

    Raises:
        TypeError: ``x`` cannot be converted to a numeric array.
        ValueError: wrong rank, empty, or non-finite values.
    """
    try:
        arr = np.asarray(x) if dtype is None else np.asarray(x, dtype=dtype)
    except (TypeError, ValueError) as err:
        raise TypeError(
            f"{name}: expected a numeric array-like, received {_describe(x)} ({err})."
        ) from None
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            fail(name, f"a {want} array", arr)
    if arr.size < min_size:
        fail(name, f"at least {min_size} element(s)", arr)
    if not allow_nan and arr.dtype.kind in "fc" and not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(
            f"{name}: expected finite values, received {bad} NaN or infinite "
            f"value(s) in an array of shape {arr.shape}. Clean or impute them first."
        )
    return arr


def check_same_length(**arrays) -> int:
    """Check that all keyword arrays share their first dimension; return it."""
    lengths = {k: len(v) for k, v in arrays.items()}
    if len(set(lengths.values())) > 1:
        listed = ", ".join(f"{k} has {n}" for k, n in lengths.items())
        raise ValueError(
            f"{', '.join(lengths)}: expected the same number of rows, received {listed}."
        )
    return next(iter(lengths.values()))


def check_scalar(
    value,
    name: str,
    kind: type = float,
    *,
    low: float | None = None,
    high: float | None = None,
    closed: str = "both",
) -> int | float:
    """Check that ``value`` is a scalar of ``kind`` inside an interval; return it.

    One declarative check for every scalar argument (as scikit-learn's ``check_scalar``):
    the type, and an interval whose ends may each be open or closed.

    Args:
        value: what the caller passed.
        name: argument name used in error messages.
        kind: ``int`` (an integer; ``bool`` is refused) or ``float`` (any finite real).
        low, high: the interval's ends; ``None`` leaves that side unbounded.
        closed: which ends belong to the interval: ``"both"``, ``"left"``,
            ``"right"`` or ``"neither"``.

    Returns:
        ``int(value)`` or ``float(value)``.

    Raises:
        TypeError: ``value`` is not of ``kind`` (or not finite).
        ValueError: ``value`` lies outside the interval; the message names the end it broke.

    >>> check_scalar(0.25, "dropout", float, low=0, high=1, closed="left")
    0.25
    >>> check_scalar(0, "units", int, low=1)
    Traceback (most recent call last):
    ...
    ValueError: units: expected an integer >= 1, received 0.
    """
    if closed not in ("both", "left", "right", "neither"):
        fail("closed", "'both', 'left', 'right' or 'neither'", closed)
    if kind is int:
        noun = "an integer"
        ok = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    elif kind is float:
        noun = "a number"
        ok = (
            isinstance(value, numbers.Real)
            and not isinstance(value, bool)
            and bool(np.isfinite(value))
        )
    else:
        fail("kind", "int or float", kind)
    if not ok:
        what = "an integer" if kind is int else "a finite number"
        raise TypeError(f"{name}: expected {what}, received {_describe(value)}.")
    left_open, right_open = closed in ("right", "neither"), closed in ("left", "neither")
    if low is not None and (value <= low if left_open else value < low):
        fail(name, f"{noun} {'>' if left_open else '>='} {low}", value)
    if high is not None and (value >= high if right_open else value > high):
        fail(name, f"{noun} {'<' if right_open else '<='} {high}", value)
    return int(value) if kind is int else float(value)


def check_choice(value, name: str, choices) -> object:
    """Check that ``value`` is one of ``choices``."""
    if value not in choices:
        fail(name, "one of " + ", ".join(repr(c) for c in choices), value)
    return value


def check_pair(value, name: str, *, minimum: int = 1) -> tuple[int, int]:
    """Turn an int or a pair of ints (Keras' ``strides``/``kernel_size``) into a pair."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (value, value)
    if not (isinstance(value, (tuple, list)) and len(value) == 2):
        fail(name, "an int or a pair of ints", value)
    return tuple(check_scalar(v, name, int, low=minimum) for v in value)
