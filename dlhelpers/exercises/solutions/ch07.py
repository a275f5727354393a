"""Reference solutions for Chapter 7 (peek only after trying)."""

import numpy as np

__all__ = ["dot_product_weights", "scaled_dot_product", "temperature_softmax"]


def _softmax(x):
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def dot_product_weights(query, keys):
    """Attention weights ``(Tq, Tv)``: softmax over the keys of ``query @ keys.T``."""
    return _softmax(np.asarray(query) @ np.asarray(keys).T)


def scaled_dot_product(query, key, value):
    """``softmax(query @ key.T / sqrt(d)) @ value`` for 2-D arrays, ``(Tq, dv)``."""
    query, key, value = (np.asarray(a, dtype=float) for a in (query, key, value))
    return _softmax(query @ key.T / np.sqrt(query.shape[-1])) @ value


def temperature_softmax(logits, temperature):
    """``softmax(logits / temperature)``: the distribution to sample the next token from."""
    return _softmax(np.asarray(logits, dtype=float) / temperature)
