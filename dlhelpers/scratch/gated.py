"""Gated recurrent cells (LSTM, GRU) in NumPy, matching Keras (Chapter 6).

Weights use Keras' layouts, so ``layer.get_weights()`` drops straight in:

- LSTM: ``kernel`` ``(features, 4*units)``, ``recurrent_kernel`` ``(units, 4*units)``,
  ``bias`` ``(4*units,)``; the four blocks are the gates in Keras' order
  **i** (input), **f** (forget), **c** (candidate cell), **o** (output).
- GRU: ``kernel`` ``(features, 3*units)``, ``recurrent_kernel`` ``(units, 3*units)``,
  blocks in the order **z** (update), **r** (reset), **h** (candidate). With
  ``reset_after=True`` (Keras' default) ``bias`` is ``(2, 3*units)``: row 0 is added to
  the input projection, row 1 to the recurrent projection, and the reset gate multiplies
  the recurrent projection *after* the matrix product. With ``reset_after=False`` ``bias``
  is ``(3*units,)`` and the reset gate multiplies the previous state *before* the product.

``bias=None`` means a layer built with ``use_bias=False``. :func:`lstm_cell` and
:func:`gru_cell` are the equations alone; the ``*_step``, ``*_gates`` and ``*_forward``
functions check their inputs once, then run them. Activations are named as Keras'
``activation`` and ``recurrent_activation`` arguments (:data:`GATE_ACTIVATIONS`).
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from dlhelpers._validation import check_array, check_choice, check_scalar, fail
from dlhelpers.scratch.backprop import sigmoid

__all__ = [
    "GATE_ACTIVATIONS",
    "LSTM_GATES",
    "GRU_GATES",
    "lstm_cell",
    "lstm_step",
    "lstm_forward",
    "lstm_gates",
    "gru_cell",
    "gru_step",
    "gru_forward",
    "gru_gates",
    "lstm_param_count",
    "gru_param_count",
]

LSTM_GATES = ("input", "forget", "candidate", "output")
GRU_GATES = ("update", "reset", "candidate")
LSTMState = namedtuple("LSTMState", ["h", "c"])
GATE_ACTIVATIONS = {
    "tanh": np.tanh,
    "sigmoid": sigmoid,
    "hard_sigmoid": lambda z: np.clip(z / 6.0 + 0.5, 0.0, 1.0),  # Keras 3: relu6(z + 3) / 6
    "relu": lambda z: np.maximum(z, 0.0),
    "linear": lambda z: z,
}


def lstm_cell(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias, act=np.tanh, gate=sigmoid):
    """The LSTM equations for one step; returns ``(h, c, (i, f, g, o))``, unchecked."""
    z = x_t @ kernel + h_prev @ recurrent_kernel + (0.0 if bias is None else bias)
    z_i, z_f, z_c, z_o = np.split(z, 4, axis=-1)  # Keras' block order: i, f, c, o
    i, f, g, o = gate(z_i), gate(z_f), act(z_c), gate(z_o)
    c = f * c_prev + i * g  # keep part of the old cell state, write part of the candidate
    h = o * act(c)  # show part of the cell state
    return h, c, (i, f, g, o)


def gru_cell(x_t, h_prev, kernel, recurrent_kernel, bias, reset_after, act=np.tanh, gate=sigmoid):
    """The GRU equations for one step; returns ``(h, (z, r, candidate))``, unchecked."""
    in_bias, rec_bias = (bias[0], bias[1]) if reset_after and bias is not None else (bias, None)
    x_z, x_r, x_h = np.split(x_t @ kernel + (0.0 if in_bias is None else in_bias), 3, axis=-1)
    u_z, u_r, u_h = np.split(recurrent_kernel, 3, axis=-1)
    rec = h_prev @ recurrent_kernel + (0.0 if rec_bias is None else rec_bias)
    h_z, h_r, h_h = np.split(rec, 3, axis=-1)
    z, r = gate(x_z + h_z), gate(x_r + h_r)
    if reset_after:  # the reset gate scales the recurrent product, after it
        candidate = act(x_h + r * h_h)
    else:  # the 2014 GRU: the reset gate scales h_prev, before the product
        candidate = act(x_h + (r * h_prev) @ u_h)
    h = z * h_prev + (1.0 - z) * candidate  # z near 1 keeps the old state
    return h, (z, r, candidate)


def _check(kernel, recurrent_kernel, bias, blocks, reset_after=False):
    """Keras-layout weights as float arrays, and the number of units."""
    kernel = check_array(kernel, "kernel", ndim=2)
    recurrent_kernel = check_array(recurrent_kernel, "recurrent_kernel", ndim=2)
    width = kernel.shape[1]
    if width == 0 or width % blocks:
        fail("kernel", f"shape (features, {blocks}*units), a width divisible by {blocks}", kernel)
    units = width // blocks
    if recurrent_kernel.shape != (units, width):
        fail("recurrent_kernel", f"shape {(units, width)} to match kernel {kernel.shape}",
             recurrent_kernel)  # fmt: skip
    if bias is not None:
        bias = check_array(bias, "bias", ndim=(1, 2))
        if bias.shape != ((2, width) if reset_after else (width,)):
            extra = " (reset_after=True keeps separate input and recurrent biases)"
            fail("bias", f"shape {(2, width) if reset_after else (width,)}"
                 + (extra if reset_after else ""), bias)  # fmt: skip
    return kernel, recurrent_kernel, bias, units


def _state(state, name, n, units):
    if state is None:
        return np.zeros((n, units))
    state = check_array(state, name, ndim=2)
    if state.shape != (n, units):
        fail(name, f"shape ({n}, {units})", state)
    return state


def _acts(activation, recurrent_activation):
    check_choice(activation, "activation", tuple(GATE_ACTIVATIONS))
    check_choice(recurrent_activation, "recurrent_activation", tuple(GATE_ACTIVATIONS))
    return GATE_ACTIVATIONS[activation], GATE_ACTIVATIONS[recurrent_activation]


def _check_sequence(x, kernel, mask):
    x = check_array(x, "x", ndim=3)
    if x.shape[2] != kernel.shape[0]:
        fail("x", f"(N, T, {kernel.shape[0]}) to match kernel's {kernel.shape[0]} input features",
             x)  # fmt: skip
    if mask is not None and np.shape(mask) != x.shape[:2]:
        fail("mask", f"a boolean array of shape {x.shape[:2]}", np.asarray(mask))
    return x, None if mask is None else np.asarray(mask, dtype=bool)


def _check_step(x_t, kernel, states, n_units):
    x_t = check_array(x_t, "x_t", ndim=2)
    if x_t.shape[1] != kernel.shape[0]:
        fail("x_t", f"(N, {kernel.shape[0]}) to match kernel's input features", x_t)
    return x_t, [_state(s, name, len(x_t), n_units) for name, s in states]


def lstm_step(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias=None, *,
              activation="tanh", recurrent_activation="sigmoid"):  # fmt: skip
    """One LSTM time step, as ``keras.layers.LSTMCell`` (the equations: :func:`lstm_cell`).

    Args:
        x_t: ``(N, features)``; h_prev, c_prev: ``(N, units)`` previous states.
        kernel, recurrent_kernel, bias: Keras layouts (see the module docstring).
        activation, recurrent_activation: names from :data:`GATE_ACTIVATIONS`.

    Returns:
        ``LSTMState(h, c)``, each ``(N, units)``.

    Raises:
        ValueError: wrong ranks or shapes, naming the argument.
    """
    kernel, recurrent_kernel, bias, units = _check(kernel, recurrent_kernel, bias, 4)
    x_t, (h_prev, c_prev) = _check_step(x_t, kernel, [("h_prev", h_prev), ("c_prev", c_prev)],
                                        units)  # fmt: skip
    act, gate = _acts(activation, recurrent_activation)
    h, c, _ = lstm_cell(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias, act, gate)
    return LSTMState(h, c)


def lstm_gates(x, kernel, recurrent_kernel, bias=None, h0=None, c0=None, *, mask=None,
               activation="tanh", recurrent_activation="sigmoid"):  # fmt: skip
    """Run an LSTM over ``x`` ``(N, T, features)`` and keep every gate at every step.

    ``h0``/``c0`` are ``(N, units)`` initial states (zeros when ``None``). Where the optional
    ``(N, T)`` boolean ``mask`` is False the step is skipped and both states carry over (as
    Keras does); the gates there are still reported.

    Returns:
        dict of ``"input"``, ``"forget"``, ``"candidate"``, ``"output"``, ``"cell"`` and
        ``"hidden"``, each ``(N, T, units)``.
    """
    kernel, recurrent_kernel, bias, units = _check(kernel, recurrent_kernel, bias, 4)
    x, mask = _check_sequence(x, kernel, mask)
    n, steps, _ = x.shape
    h, c = _state(h0, "h0", n, units), _state(c0, "c0", n, units)
    act, gate = _acts(activation, recurrent_activation)
    out = {name: np.empty((n, steps, units)) for name in (*LSTM_GATES, "cell", "hidden")}
    for t in range(steps):
        h_new, c_new, gates = lstm_cell(x[:, t], h, c, kernel, recurrent_kernel, bias, act, gate)
        keep = True if mask is None else mask[:, t, None]
        h, c = np.where(keep, h_new, h), np.where(keep, c_new, c)
        for name, value in zip((*LSTM_GATES, "cell", "hidden"), (*gates, c, h), strict=True):
            out[name][:, t] = value
    return out


def lstm_forward(x, kernel, recurrent_kernel, bias=None, h0=None, c0=None, **options):
    """Run an LSTM over ``(N, T, features)``, as ``keras.layers.LSTM(return_sequences=True)``.

    Arguments as :func:`lstm_gates`. Returns ``LSTMState(h, c)``, each ``(N, T, units)``;
    ``h[:, -1]`` is what ``LSTM(return_sequences=False)`` returns.
    """
    gates = lstm_gates(x, kernel, recurrent_kernel, bias, h0, c0, **options)
    return LSTMState(gates["hidden"], gates["cell"])


def gru_step(x_t, h_prev, kernel, recurrent_kernel, bias=None, *, reset_after=True,
             activation="tanh", recurrent_activation="sigmoid"):  # fmt: skip
    """One GRU time step, as ``keras.layers.GRUCell`` (the equations: :func:`gru_cell`).

    Args:
        x_t: ``(N, features)``; h_prev: ``(N, units)``.
        kernel, recurrent_kernel, bias, reset_after: Keras layouts (module docstring).
        activation, recurrent_activation: names from :data:`GATE_ACTIVATIONS`.

    Returns:
        ``(N, units)``, the new hidden state.
    """
    kernel, recurrent_kernel, bias, units = _check(kernel, recurrent_kernel, bias, 3, reset_after)
    x_t, (h_prev,) = _check_step(x_t, kernel, [("h_prev", h_prev)], units)
    act, gate = _acts(activation, recurrent_activation)
    return gru_cell(x_t, h_prev, kernel, recurrent_kernel, bias, bool(reset_after), act, gate)[0]


def gru_gates(x, kernel, recurrent_kernel, bias=None, h0=None, *, reset_after=True, mask=None,
              activation="tanh", recurrent_activation="sigmoid"):  # fmt: skip
    """Run a GRU over ``x`` ``(N, T, features)`` and keep every gate at every step.

    Arguments as :func:`gru_step` and :func:`lstm_gates`. Returns a dict of ``"update"``,
    ``"reset"``, ``"candidate"`` and ``"hidden"``, each ``(N, T, units)``.
    """
    kernel, recurrent_kernel, bias, units = _check(kernel, recurrent_kernel, bias, 3, reset_after)
    x, mask = _check_sequence(x, kernel, mask)
    n, steps, _ = x.shape
    h = _state(h0, "h0", n, units)
    act, gate = _acts(activation, recurrent_activation)
    out = {name: np.empty((n, steps, units)) for name in (*GRU_GATES, "hidden")}
    for t in range(steps):
        h_new, gates = gru_cell(x[:, t], h, kernel, recurrent_kernel, bias, bool(reset_after),
                                act, gate)  # fmt: skip
        h = h_new if mask is None else np.where(mask[:, t, None], h_new, h)
        for name, value in zip((*GRU_GATES, "hidden"), (*gates, h), strict=True):
            out[name][:, t] = value
    return out


def gru_forward(x, kernel, recurrent_kernel, bias=None, h0=None, *, reset_after=True, **options):
    """Run a GRU over ``(N, T, features)``, as ``keras.layers.GRU(return_sequences=True)``.

    Arguments as :func:`gru_gates`; returns the ``(N, T, units)`` hidden states.
    """
    return gru_gates(x, kernel, recurrent_kernel, bias, h0, reset_after=reset_after, **options)[
        "hidden"
    ]


def lstm_param_count(features: int, units: int, *, use_bias: bool = True) -> int:
    """Trainable parameters of ``keras.layers.LSTM(units)``: ``4 * (features*units +
    units*units + units)``; the sequence length does not appear (weights are shared)."""
    features = check_scalar(features, "features", int, low=1)
    units = check_scalar(units, "units", int, low=1)
    return 4 * (features * units + units * units + (units if use_bias else 0))


def gru_param_count(
    features: int, units: int, *, reset_after: bool = True, use_bias: bool = True
) -> int:
    """Trainable parameters of ``keras.layers.GRU(units, reset_after=...)``: three blocks,
    with two bias rows when ``reset_after`` (separate input and recurrent biases)."""
    features = check_scalar(features, "features", int, low=1)
    units = check_scalar(units, "units", int, low=1)
    n_bias = (6 if reset_after else 3) * units if use_bias else 0
    return 3 * (features * units + units * units) + n_bias
