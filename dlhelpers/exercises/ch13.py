"""Chapter 13 exercises: perplexity from probabilities, the causal mask, top-k filtering,
bigram counts.

Each ``check_*`` takes your function and returns a :class:`~dlhelpers.exercises.Feedback`;
``print`` it to read which case failed, what was expected, what came back and a hint.
"""

from __future__ import annotations

import numpy as np

from dlhelpers.exercises._core import Case, check_cases

__all__ = ["check_perplexity", "check_causal_mask", "check_top_k_filter", "check_bigram_counts"]


def _close(received, value) -> bool:
    try:
        got = np.asarray(received, dtype=float)
    except (TypeError, ValueError):
        return False
    want = np.asarray(value, dtype=float)
    return got.shape == want.shape and bool(np.allclose(got, want))


# --------------------------------------------------------------------------- 1. perplexity
def _perplexity(p):
    return float(np.exp(-np.mean(np.log(p))))


def _perplexity_cases():
    rng = np.random.default_rng(13)
    cases = [
        ("a uniform bet on 4 tokens", np.full(5, 0.25)),
        ("a certain model", np.ones(3)),
        ("one confident, one unsure", np.array([0.9, 0.1])),
    ]
    cases += [(f"{n} random probabilities", rng.uniform(0.01, 1, n)) for n in (10, 200)]
    return [Case(name, (p,), _perplexity(p)) for name, p in cases]


def _perplexity_hint(case, received):
    p = case.args[0]
    if _close(received, np.exp(np.mean(np.log(p)))):
        return "cross-entropy is minus the mean log-probability: exp(-mean(log p))."
    if _close(received, 2 ** (-np.mean(np.log2(p)))):
        return None  # the same number: not the mistake
    if _close(received, -np.mean(np.log(p))):
        return "that is the cross-entropy; perplexity is its exponential."
    if _close(received, np.mean(1 / p)):
        return "average the log-probabilities first, then exponentiate (a geometric mean)."
    return None


def check_perplexity(func):
    """``func(p_true)`` -> perplexity ``exp(-mean(log p_true))`` of the probabilities a model
    gave to the true next tokens (a 1-D array)."""
    return check_cases(func, _perplexity_cases(), hints=_perplexity_hint, what="perplexity")


# --------------------------------------------------------------------------- 2. causal mask
_MASK_CASES = [
    # 0/1 int8, compared with the learner's boolean mask turned to 0/1 (shown as 0/1 when wrong)
    Case(f"length {t}", (t,), np.tril(np.ones((t, t), dtype=np.int8)))
    for t in (1, 2, 5, 9)
]


def _mask_hint(case, received):
    t = case.args[0]
    if _close(received, np.triu(np.ones((t, t)))):
        return (
            "row = query, column = key: a query may look at keys at or before it (lower triangle)."
        )
    if _close(received, np.tril(np.ones((t, t)), k=-1)):
        return "a position may also attend to itself: keep the diagonal."
    return None


def check_causal_mask(func):
    """``func(length)`` -> ``(length, length)`` boolean array, True where query ``i`` may
    attend to key ``j`` (``j <= i``). A 0/1 array of numbers is refused: a mask is boolean."""

    def boolean_only(length):
        mask = func(length)
        if np.asarray(mask).dtype != bool:
            raise TypeError(
                f"expected a boolean array, received dtype {np.asarray(mask).dtype} "
                "(a comparison such as j <= i gives booleans; or add .astype(bool))"
            )
        return np.asarray(mask).astype(np.int8)

    checked = boolean_only if callable(func) else func
    return check_cases(checked, _MASK_CASES, hints=_mask_hint, what="causal_mask")


# --------------------------------------------------------------------------- 3. top-k
def _top_k(z, k):
    return np.where(z >= np.sort(z)[-k], z, -np.inf)


def _top_k_cases():
    rng = np.random.default_rng(31)
    cases = [(np.array([1.0, 3.0, 2.0]), 1), (np.array([0.5, -1.0, 2.0, 0.0]), 2)]
    cases += [(rng.normal(size=n), k) for n, k in ((10, 3), (30, 30), (50, 7))]
    return [Case(f"{len(z)} logits, k={k}", (z, k), _top_k(z, k)) for z, k in cases]


def _top_k_hint(case, received):
    z, k = case.args
    if _close(received, np.where(z <= np.sort(z)[k - 1], z, -np.inf)):
        return "keep the k *largest* logits, not the smallest."
    if k < len(z) and _close(received, _top_k(z, k + 1)):
        return "off by one: exactly k logits stay finite."
    if _close(received, np.where(z >= np.sort(z)[-k], z, 0.0)):
        return "set the others to -inf (exp(-inf) = 0), not to 0 (exp(0) = 1)."
    return None


def check_top_k_filter(func):
    """``func(logits, k)`` -> the logits with all but the ``k`` largest set to ``-inf``."""
    return check_cases(func, _top_k_cases(), hints=_top_k_hint, what="top_k_filter")


# --------------------------------------------------------------------------- 4. bigram counts
def _bigram(ids, v):
    m = np.zeros((v, v), dtype=np.int64)
    np.add.at(m, (ids[:-1], ids[1:]), 1)
    return m


def _bigram_cases():
    rng = np.random.default_rng(7)
    cases = [(np.array([0, 1, 0, 1]), 2), (np.array([2, 2, 2]), 3), (np.array([1, 0]), 4)]
    cases += [(rng.integers(0, v, n), v) for n, v in ((50, 5), (300, 12))]
    return [Case(f"{len(i)} ids, vocabulary {v}", (i, v), _bigram(i, v)) for i, v in cases]


def _bigram_hint(case, received):
    ids, v = case.args
    if _close(received, _bigram(ids, v).T):
        return "row = the current token, column = the one after it: swap the two indices."
    if _close(received, np.where(_bigram(ids, v) > 0, 1, 0)):
        return "count every occurrence of a pair (m[a, b] += 1), do not just mark it."
    return None


def check_bigram_counts(func):
    """``func(ids, vocab_size)`` -> ``(V, V)`` integer counts, ``[a, b]`` = how often ``b``
    follows ``a`` in the 1-D array ``ids``."""
    return check_cases(func, _bigram_cases(), hints=_bigram_hint, what="bigram_counts")
