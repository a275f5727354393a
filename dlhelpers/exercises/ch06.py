"""Exercises of Chapter 6: one LSTM step, one GRU step, the size of a GRU layer."""

from __future__ import annotations

import numpy as np

from dlhelpers.exercises._core import Case, check_cases
from dlhelpers.scratch import sigmoid

__all__ = [
    "check_lstm_step",
    "check_gru_step",
    "check_gru_param_count",
]


def _weights(seed, n, features, units, blocks, scale=0.8):
    rng = np.random.default_rng(seed)
    return (
        rng.normal(size=(n, features)),
        rng.normal(scale=0.5, size=(n, units)),
        rng.normal(scale=0.5, size=(n, units)),
        rng.normal(scale=scale, size=(features, blocks * units)),
        rng.normal(scale=scale, size=(units, blocks * units)),
        rng.normal(scale=scale, size=(blocks * units,)),
    )


# --------------------------------------------------------------------------- LSTM step
def _lstm(x, h, c, k, rk, b, order=(0, 1, 2, 3), bias=True, tanh_h=True):
    z = x @ k + h @ rk + (b if bias else 0.0)
    blocks = np.split(z, 4, axis=-1)
    zi, zf, zc, zo = (blocks[j] for j in order)
    c_new = sigmoid(zf) * c + sigmoid(zi) * np.tanh(zc)
    h_new = sigmoid(zo) * (np.tanh(c_new) if tanh_h else c_new)
    return np.concatenate([h_new, c_new], axis=-1)


def _lstm_cases():
    cases = []
    for seed, (n, f, u) in enumerate([(1, 2, 1), (3, 4, 2), (2, 3, 5), (4, 1, 3)]):
        x, h, c, k, rk, b = _weights(100 + seed, n, f, u, 4)
        cases.append(
            Case(f"N={n}, features={f}, units={u}", (x, h, c, k, rk, b), _lstm(x, h, c, k, rk, b))
        )
    return cases


def _lstm_hint(case, received):
    wrong = {
        "the gate order: Keras stacks the blocks as i, f, c, o (candidate third, output "
        "last)": dict(order=(0, 1, 3, 2)),
        "the gate order: i, f, c, o, not f, i, c, o": dict(order=(1, 0, 2, 3)),
        "the bias: it is added to the pre-activations of all four blocks": dict(bias=False),
        "h = o * tanh(c): the output gate multiplies tanh of the new cell state": dict(
            tanh_h=False
        ),
    }
    for hint, kwargs in wrong.items():
        if np.allclose(received, _lstm(*case.args, **kwargs)):
            return "check " + hint + "."
    return "split x_t @ kernel + h_prev @ recurrent_kernel + bias into 4 blocks of units columns."


def _as_pair(func):
    def call(*args):
        out = func(*args)
        if not (isinstance(out, (tuple, list)) and len(out) == 2):
            raise ValueError(f"expected a pair (h, c), received {type(out).__name__}")
        h, c = (np.asarray(v, dtype=float) for v in out)
        if h.shape != c.shape:
            raise ValueError(f"h and c should have one shape, received {h.shape} and {c.shape}")
        return np.concatenate([h, c], axis=-1)

    return call


def check_lstm_step(func):
    """Check ``func(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias) -> (h, c)``.

    Shapes: ``x_t`` ``(N, features)``, states ``(N, units)``, Keras weights
    ``kernel`` ``(features, 4*units)``, ``recurrent_kernel`` ``(units, 4*units)``,
    ``bias`` ``(4*units,)`` with the gates in Keras' order i, f, c, o.
    """
    return check_cases(_as_pair(func), _lstm_cases(), hints=_lstm_hint, what="your lstm_step")


# --------------------------------------------------------------------------- GRU step
def _gru(x, h, k, rk, b, order=(0, 1, 2), reset_after=False, swap_blend=False, bias=True):
    blocks_x = np.split(x @ k + (b if bias else 0.0), 3, axis=-1)
    blocks_u = np.split(rk, 3, axis=-1)
    xz, xr, xh = (blocks_x[j] for j in order)
    uz, ur, uh = (blocks_u[j] for j in order)
    z, r = sigmoid(xz + h @ uz), sigmoid(xr + h @ ur)
    cand = np.tanh(xh + (r * (h @ uh) if reset_after else (r * h) @ uh))
    return (1 - z) * h + z * cand if swap_blend else z * h + (1 - z) * cand


def _gru_cases():
    cases = []
    for seed, (n, f, u) in enumerate([(1, 2, 1), (3, 4, 2), (2, 3, 5), (4, 1, 3)]):
        x, h, _, k, rk, b = _weights(200 + seed, n, f, u, 3)
        cases.append(
            Case(f"N={n}, features={f}, units={u}", (x, h, k, rk, b), _gru(x, h, k, rk, b))
        )
    return cases


def _gru_hint(case, received):
    wrong = {
        "where the reset gate acts: here it scales h_prev before the product with the "
        "candidate's recurrent weights, (r * h_prev) @ U_h, not r * (h_prev @ U_h)": dict(
            reset_after=True
        ),
        "the blend: Keras keeps z * h_prev of the old state and adds (1 - z) * candidate": dict(
            swap_blend=True
        ),
        "the gate order: Keras stacks the blocks as z (update), r (reset), h (candidate)": dict(
            order=(1, 0, 2)
        ),
        "the bias: with reset_after=False one (3*units,) bias is added to x_t @ kernel": dict(
            bias=False
        ),
    }
    for hint, kwargs in wrong.items():
        if np.allclose(received, _gru(*case.args, **kwargs)):
            return "check " + hint + "."
    return "split kernel, recurrent_kernel and bias into 3 blocks of units columns: z, r, h."


def check_gru_step(func):
    """Check ``func(x_t, h_prev, kernel, recurrent_kernel, bias) -> h`` for a GRU step with
    the reset gate applied *before* the recurrent product (``keras.layers.GRU(reset_after=False)``,
    bias ``(3*units,)``)."""
    return check_cases(func, _gru_cases(), hints=_gru_hint, what="your gru_step")


# --------------------------------------------------------------------------- sizes
_SIZE_CASES = [(2, 3), (1, 1), (10, 4), (3, 7), (64, 16)]


def _gru_size_hint(case, received):
    f, u, reset_after = case.args
    weights = 3 * (f * u + u * u)
    wrong = {
        weights + (3 * u if reset_after else 6 * u): (
            "reset_after=True has two bias rows (input side and recurrent side), "
            "reset_after=False one."
        ),
        weights: "each of the 3 blocks also has a bias of `units` numbers.",
        3 * f * u + (6 if reset_after else 3) * u: (
            "each block also has a recurrent matrix (units x units) for h_prev."
        ),
        4 * (f * u + u * u + u): "that is an LSTM (4 blocks); a GRU has 3 (z, r, h).",
    }
    return wrong.get(received)


def check_gru_param_count(func):
    """Check ``func(features, units, reset_after) -> int``, the number of trainable
    parameters of ``keras.layers.GRU(units, reset_after=reset_after)``."""
    cases = [
        Case(
            f"features={f}, units={u}, reset_after={ra}",
            (f, u, ra),
            3 * (f * u + u * u) + (6 if ra else 3) * u,
        )
        for f, u in _SIZE_CASES
        for ra in (True, False)
    ]
    return check_cases(func, cases, hints=_gru_size_hint, what="your gru_param_count")
