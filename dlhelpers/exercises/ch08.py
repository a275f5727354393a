"""Chapter 8 exercises: a learning-rate schedule, k-fold summary, picking a rate from a range test."""

from __future__ import annotations

import numpy as np

from dlhelpers.exercises._core import Case, check_cases

__all__ = ["check_exponential_decay", "check_kfold_mean_std", "check_pick_learning_rate"]


# --------------------------------------------------------------------------- 1. schedule
def _decay(step, lr0, decay_steps, rate, staircase):
    exponent = step // decay_steps if staircase else step / decay_steps
    return float(lr0 * rate**exponent)


_DECAY_ARGS = [
    (0, 0.1, 10, 0.5, False),
    (15, 0.02, 10, 0.9, False),
    (10, 0.1, 10, 0.5, False),
    (15, 0.1, 10, 0.5, False),
    (15, 0.1, 10, 0.5, True),
    (29, 0.02, 10, 0.9, True),
    (250, 1e-3, 100, 0.96, False),
    (7, 0.3, 3, 0.1, True),
]
_DECAY_CASES = [
    Case(
        f"step={a[0]}, initial_learning_rate={a[1]}, decay_steps={a[2]}, decay_rate={a[3]}, "
        f"staircase={a[4]}",
        a,
        _decay(*a),
    )
    for a in _DECAY_ARGS
]


def _decay_hint(case, received):
    step, lr0, decay_steps, rate, staircase = case.args
    if not isinstance(received, (int, float, np.number)):
        return "Return one number: the learning rate at this step."
    if np.isclose(received, _decay(step, lr0, decay_steps, rate, not staircase)):
        return (
            "With staircase=True the exponent step / decay_steps is rounded down "
            "(use //); without it, keep the fraction."
        )
    if np.isclose(received, lr0 * rate**step):
        return "The exponent is step / decay_steps, not step."
    if np.isclose(received, lr0 * (1 - rate) ** (step / decay_steps)):
        return "decay_rate is the factor kept every decay_steps steps, not the part removed."
    return None


def check_exponential_decay(func):
    """``func(step, initial_learning_rate, decay_steps, decay_rate, staircase)`` -> float,
    as Keras' ``ExponentialDecay``."""
    return check_cases(func, _DECAY_CASES, hints=_decay_hint, what="exponential_decay")


# --------------------------------------------------------------------------- 2. k-fold
_SCORES = [
    [0.9, 0.8, 0.85, 0.95, 0.9],
    [0.5, 0.7],
    [0.97, 0.93, 0.99, 0.96, 0.95, 0.94, 0.98, 0.92, 0.96, 0.97],
    [1.0, 1.0, 1.0],
]
_KFOLD_CASES = [
    Case(f"scores={s}", (list(s),), np.array([np.mean(s), np.std(s, ddof=1)])) for s in _SCORES
]


def _kfold_hint(case, received):
    scores = np.asarray(case.args[0])
    try:
        got = np.asarray(received, dtype=float)
    except (TypeError, ValueError):
        return "Return a pair (mean, std)."
    if got.shape != (2,):
        return "Return a pair (mean, std): two numbers."
    if np.isclose(got[1], np.std(scores)) and not np.isclose(got[1], np.std(scores, ddof=1)):
        return (
            "That is the population std (ddof=0). Folds are a small sample: divide by "
            "k - 1 (np.std(scores, ddof=1))."
        )
    if np.isclose(got[0], np.median(scores)) and not np.isclose(got[0], np.mean(scores)):
        return "Use the mean, not the median."
    return None


def check_kfold_mean_std(func):
    """``func(scores)`` -> ``(mean, std)`` with the sample standard deviation (ddof=1)."""
    return check_cases(func, _KFOLD_CASES, hints=_kfold_hint, what="kfold_mean_std")


# --------------------------------------------------------------------------- 3. pick a rate
def _curve(seed, n=60, best=-2.0):
    rng = np.random.default_rng(seed)
    lrs = np.geomspace(1e-5, 1.0, n)
    losses = 2.3 - 1.5 / (1 + np.exp(-(np.log10(lrs) + 3.5) * 3))
    losses = losses + np.where(np.log10(lrs) > best, (np.log10(lrs) - best) ** 2 * 3, 0)
    return lrs, np.round(losses + rng.normal(0, 0.002, n), 6)


_PICK_CASES = []
for _seed, _best in [(0, -2.0), (1, -1.0), (2, -2.5)]:
    _lrs, _losses = _curve(_seed, best=_best)
    _PICK_CASES.append(
        Case(
            f"curve {_seed + 1} ({len(_lrs)} steps, minimum near 1e{_best:g})",
            (_lrs, _losses),
            float(_lrs[np.argmin(_losses)] / 10),
        )
    )
_nan_losses = _PICK_CASES[0].args[1].copy()
_nan_losses[-8:] = np.nan
_PICK_CASES.append(
    Case(
        "curve 1 ending in NaN (training blew up)",
        (_PICK_CASES[0].args[0], _nan_losses),
        _PICK_CASES[0].expected,
    )
)


def _pick_hint(case, received):
    lrs, losses = case.args
    best = int(np.nanargmin(losses))
    if not isinstance(received, (int, float, np.number)):
        return "Return a learning rate (a float), not a list or index."
    if np.isclose(received, lrs[best]):
        return "At the lowest loss the rate is already nearly too large: divide it by 10."
    if received == best:
        return "That is the index of the minimum; return the learning rate at it, divided by 10."
    if np.isnan(received) or np.isclose(received, lrs[np.argmin(losses)] / 10):
        return "The loss can be NaN at the end, and np.argmin picks a NaN: use np.nanargmin."
    return None


def check_pick_learning_rate(func):
    """``func(lrs, losses)`` -> the rate at the lowest loss divided by 10 (NaN losses ignored)."""
    return check_cases(func, _PICK_CASES, hints=_pick_hint, what="pick_learning_rate")
