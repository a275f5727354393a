"""Reference solutions for Chapter 6 (LSTM and GRU). Try the exercises first."""

from __future__ import annotations

import numpy as np

__all__ = ["lstm_step", "gru_step_reset_before", "gru_param_count"]


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def lstm_step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
    """One LSTM step with Keras' weights (gate order i, f, c, o); returns ``(h, c)``."""
    z = x_t @ kernel + h_prev @ recurrent_kernel + bias
    zi, zf, zc, zo = np.split(z, 4, axis=-1)
    i, f, o = _sigmoid(zi), _sigmoid(zf), _sigmoid(zo)
    c = f * c_prev + i * np.tanh(zc)
    h = o * np.tanh(c)
    return h, c


def gru_step_reset_before(x_t, h_prev, kernel, recurrent_kernel, bias):
    """One GRU step as ``keras.layers.GRU(reset_after=False)``: bias ``(3*units,)``."""
    xz, xr, xh = np.split(x_t @ kernel + bias, 3, axis=-1)
    u_z, u_r, u_h = np.split(recurrent_kernel, 3, axis=-1)
    z = _sigmoid(xz + h_prev @ u_z)
    r = _sigmoid(xr + h_prev @ u_r)
    candidate = np.tanh(xh + (r * h_prev) @ u_h)
    return z * h_prev + (1.0 - z) * candidate


def gru_param_count(features, units, reset_after):
    """Trainable parameters of ``keras.layers.GRU(units, reset_after=reset_after)``."""
    bias_rows = 2 if reset_after else 1
    return 3 * (features * units + units * units) + 3 * units * bias_rows
