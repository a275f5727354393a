"""Reference solutions for Chapter 13's exercises (try them yourself first)."""

from __future__ import annotations

import numpy as np

__all__ = ["perplexity", "causal_mask", "top_k_filter", "bigram_counts"]


def perplexity(p_true):
    """The exponential of the cross-entropy: minus the mean log-probability of the truth."""
    return float(np.exp(-np.mean(np.log(p_true))))


def causal_mask(length):
    """Query ``i`` may attend to keys ``0..i``: the lower triangle, diagonal included."""
    return np.tril(np.ones((length, length), dtype=bool))


def top_k_filter(logits, k):
    """Logits below the k-th largest become -inf, so the softmax gives them probability 0."""
    logits = np.asarray(logits, dtype=float)
    kth_largest = np.sort(logits)[-k]
    return np.where(logits >= kth_largest, logits, -np.inf)


def bigram_counts(ids, vocab_size):
    """Walk the pairs (current token, next token) and count each."""
    counts = np.zeros((vocab_size, vocab_size), dtype=np.int64)
    for a, b in zip(ids[:-1], ids[1:], strict=True):
        counts[a, b] += 1
    return counts
