"""Exercises for Chapter 7: attention weights, scaled dot-product attention, temperature.

Each ``check_*`` runs your function on hidden cases and returns feedback that
prints as text: ``print(check_dot_product_weights(my_function))``.
"""

from __future__ import annotations

import numpy as np

from dlhelpers.exercises._core import Case, check_cases

__all__ = ["check_dot_product_weights", "check_scaled_dot_product", "check_temperature_softmax"]


def _softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _matches(received, wrong) -> bool:
    try:
        got = np.asarray(received, dtype=float)
    except (TypeError, ValueError):
        return False
    return got.shape == wrong.shape and np.allclose(got, wrong, rtol=1e-6, atol=1e-8)


def _rng_cases(shapes, seed):
    rng = np.random.default_rng(seed)
    return [tuple(rng.normal(size=s) for s in shape) for shape in shapes]


def check_dot_product_weights(func):
    """Check ``func(query (Tq, d), keys (Tv, d)) -> weights (Tq, Tv)``, unscaled softmax over keys."""
    cases = []
    for q, k in _rng_cases([((1, 3), (4, 3)), ((3, 2), (5, 2)), ((4, 4), (4, 4))], seed=70):
        cases.append(Case(f"query {q.shape}, keys {k.shape}", (q, k), _softmax(q @ k.T)))

    def hints(case, received):
        q, k = case.args
        scores = q @ k.T
        if _matches(received, _softmax(scores, axis=0)):
            return (
                "each query's weights must sum to 1 over the keys: take the softmax along "
                "the last axis (axis=-1), not over the queries."
            )
        if _matches(received, _softmax(scores / np.sqrt(q.shape[1]))):
            return "this exercise asks for the plain dot product: do not divide by sqrt(d) yet."
        if _matches(received, scores):
            return "these are the raw scores: turn each row into weights with a softmax."
        return None

    return check_cases(func, cases, hints=hints, what="dot_product_weights")


def check_scaled_dot_product(func):
    """Check ``func(query (Tq, d), key (Tv, d), value (Tv, dv)) -> (Tq, dv)``."""
    cases = []
    shapes = [((2, 4), (3, 4), (3, 2)), ((1, 9), (6, 9), (6, 3)), ((5, 16), (5, 16), (5, 16))]
    for q, k, v in _rng_cases(shapes, seed=71):
        q = 3 * q  # large scores, so a missing scale shows
        expected = _softmax(q @ k.T / np.sqrt(q.shape[1])) @ v
        cases.append(Case(f"query {q.shape}, key {k.shape}, value {v.shape}", (q, k, v), expected))

    def hints(case, received):
        q, k, v = case.args
        d = q.shape[1]
        if _matches(received, _softmax(q @ k.T) @ v):
            return "the scores are not scaled: divide q @ k.T by sqrt(d) before the softmax."
        if _matches(received, _softmax(q @ k.T / d) @ v):
            return "divide by sqrt(d), not by d."
        if _matches(received, _softmax(q @ k.T / np.sqrt(d), axis=0) @ v):
            return "take the softmax over the keys (axis=-1) so each query's weights sum to 1."
        if _matches(received, _softmax(q @ k.T / np.sqrt(d))):
            return "these are the weights: multiply them by the values to get the output."
        return None

    return check_cases(func, cases, hints=hints, what="scaled_dot_product")


def check_temperature_softmax(func):
    """Check ``func(logits (vocab,), temperature) -> probabilities (vocab,)``."""
    rng = np.random.default_rng(72)
    cases = []
    for size, t in [(5, 1.0), (8, 0.5), (6, 2.0), (10, 0.1)]:
        logits = rng.normal(scale=2.0, size=size)
        cases.append(Case(f"{size} logits, temperature {t}", (logits, t), _softmax(logits / t)))

    def hints(case, received):
        logits, t = case.args
        if _matches(received, _softmax(logits) / t):
            return (
                "the temperature was applied after the softmax: divide the logits by the "
                "temperature first, then take the softmax (the result must sum to 1)."
            )
        if _matches(received, _softmax(logits * t)):
            return "multiply by 1/temperature (divide), not by the temperature."
        if _matches(received, _softmax(logits)):
            return "the temperature was ignored: use softmax(logits / temperature)."
        return None

    return check_cases(func, cases, hints=hints, what="temperature_softmax")
