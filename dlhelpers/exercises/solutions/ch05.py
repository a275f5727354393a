"""Reference solutions for Chapter 5's exercises (peek only after trying)."""

from __future__ import annotations

import numpy as np

__all__ = ["clip_by_norm", "rnn_step", "simple_rnn_params"]


def rnn_step(x_t, h_prev, kernel, recurrent_kernel, bias):
    """One SimpleRNN step: ``tanh(x_t @ kernel + h_prev @ recurrent_kernel + bias)``."""
    return np.tanh(x_t @ kernel + h_prev @ recurrent_kernel + bias)


def simple_rnn_params(features: int, units: int, use_bias: bool = True) -> int:
    """Trainable parameters of ``SimpleRNN(units)`` reading ``features`` per step.

    kernel ``features * units`` + recurrent_kernel ``units * units`` + bias ``units``;
    the sequence length does not appear: every step shares the same weights.
    """
    return features * units + units * units + (units if use_bias else 0)


def clip_by_norm(grad, clip_norm):
    """Shrink ``grad`` to norm ``clip_norm`` when it is longer; leave it alone otherwise."""
    grad = np.asarray(grad, dtype=float)
    norm = np.sqrt(np.sum(grad**2))
    if norm <= clip_norm:
        return grad
    return grad * (clip_norm / norm)
