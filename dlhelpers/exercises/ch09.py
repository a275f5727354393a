"""Chapter 9 exercises: validating a predict payload, latency percentiles."""

from __future__ import annotations

import numpy as np

from dlhelpers.exercises._core import Case, check_cases

__all__ = ["check_validate_payload", "check_latency_percentiles"]

REJECTED = "raised ValueError"


# --------------------------------------------------------------------------- 1. payload
def _describe(out) -> str:
    """What a returned batch looks like, as text (so refusals and arrays compare alike)."""
    arr = np.asarray(out)
    values = np.round(arr.astype(float), 4).tolist() if arr.dtype.kind in "fiu" else "?"
    return f"{arr.dtype} array of shape {arr.shape}: {values}"


def _ok(rows):
    return _describe(np.asarray(rows, dtype=np.float32))


_PAYLOAD_CASES = [
    Case(
        "two valid rows of 3",
        ({"instances": [[1, 2, 3], [4.5, 5, -6]]}, 3),
        _ok([[1, 2, 3], [4.5, 5, -6]]),
    ),
    Case("one valid row of 2", ({"instances": [[0.25, 1e3]]}, 2), _ok([[0.25, 1e3]])),
    Case("a list instead of an object", ([[1, 2, 3]], 3), REJECTED),
    Case('no "instances" key', ({"inputs": [[1, 2, 3]]}, 3), REJECTED),
    Case("empty instances", ({"instances": []}, 3), REJECTED),
    Case("a row that is too short", ({"instances": [[1, 2, 3], [1, 2]]}, 3), REJECTED),
    Case("a row that is too long", ({"instances": [[1, 2, 3, 4]]}, 3), REJECTED),
    Case("a flat list (rows missing)", ({"instances": [1, 2, 3]}, 3), REJECTED),
    Case("a string inside", ({"instances": [[1, "2", 3]]}, 3), REJECTED),
    Case("a boolean inside", ({"instances": [[1, True, 3]]}, 3), REJECTED),
    Case("a null inside", ({"instances": [[1, None, 3]]}, 3), REJECTED),
    Case("a NaN inside", ({"instances": [[1, float("nan"), 3]]}, 3), REJECTED),
]


def _as_feedback_value(func):
    def wrapped(*args):
        try:
            out = func(*args)
        except ValueError:
            return REJECTED
        return _describe(out)

    return wrapped


def _payload_hint(case, received):
    if case.expected is REJECTED:
        if "boolean" in case.name:
            return (
                "Python's bool is a subclass of int: check isinstance(v, bool) before "
                "accepting numbers."
            )
        if "NaN" in case.name:
            return "Reject values that are not finite (np.isfinite)."
        return f"This payload must be refused with ValueError ({case.name})."
    if received == REJECTED:
        return "A valid payload must come back as a float32 array, not be refused."
    if "float64" in received:
        return "Models are served in float32: convert with dtype=np.float32."
    return "Return np.asarray(instances, dtype=np.float32) for a valid payload."


def check_validate_payload(func):
    """``func(payload, n_features)`` -> ``(n, n_features)`` float32 array, or raise ValueError."""
    return check_cases(
        _as_feedback_value(func), _PAYLOAD_CASES, hints=_payload_hint, what="validate_payload"
    )


# --------------------------------------------------------------------------- 2. percentiles
_LATENCIES = [
    np.round(np.random.default_rng(0).lognormal(1.0, 0.6, 1000), 3),
    np.arange(1.0, 101.0),
    np.array([5.0, 1.0, 3.0, 2.0, 4.0]),
    np.array([2.0, 2.0, 2.0, 50.0]),
]
_LATENCY_CASES = [
    Case(f"{len(v)} latencies", (v.copy(),), np.array(np.percentile(v, [50, 99])))
    for v in _LATENCIES
]


def _latency_hint(case, received):
    v = case.args[0]
    try:
        got = np.asarray(received, dtype=float)
    except (TypeError, ValueError):
        return "Return a pair (p50, p99)."
    if got.shape != (2,):
        return "Return a pair (p50, p99): two numbers."
    if np.isclose(got[0], v.mean()) and not np.isclose(got[0], np.median(v)):
        return "p50 is the median, not the mean: slow outliers should not move it."
    if np.isclose(got[1], np.sort(v)[int(0.99 * len(v))]):
        return "Index into the sorted list is off: np.percentile interpolates between neighbours."
    if np.isclose(got[1], v.max()) and not np.isclose(got[1], np.percentile(v, 99)):
        return "p99 is not the maximum: use np.percentile(latencies, 99)."
    return None


def check_latency_percentiles(func):
    """``func(latencies)`` -> ``(p50, p99)`` as ``np.percentile`` computes them."""
    return check_cases(func, _LATENCY_CASES, hints=_latency_hint, what="latency_percentiles")
