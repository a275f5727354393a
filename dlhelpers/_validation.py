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


def check_int(value, name: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Check that ``value`` is an integer within ``[minimum, maximum]``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: expected an integer, received {_describe(value)}.")
    if minimum is not None and value < minimum:
        fail(name, f"an integer >= {minimum}", value)
    if maximum is not None and value > maximum:
        fail(name, f"an integer <= {maximum}", value)
    return int(value)


def check_number(
    value,
    name: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    strict: bool = False,
) -> float:
    """Check that ``value`` is a real number in range (``strict`` excludes the ends)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise TypeError(f"{name}: expected a finite number, received {_describe(value)}.")
    if minimum is not None and (value <= minimum if strict else value < minimum):
        fail(name, f"a number {'>' if strict else '>='} {minimum}", value)
    if maximum is not None and (value >= maximum if strict else value > maximum):
        fail(name, f"a number {'<' if strict else '<='} {maximum}", value)
    return float(value)


def check_rate(value, name: str) -> float:
    """Check a rate such as dropout: a number in ``[0, 1)``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise TypeError(f"{name}: expected a finite number, received {_describe(value)}.")
    if not 0 <= value < 1:
        fail(name, "a rate in [0, 1)", value)
    return float(value)


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
    return tuple(check_int(v, name, minimum=minimum) for v in value)
