"""Gated recurrent cells (LSTM, GRU) in NumPy, matching Keras (Chapter 6).

Weights use Keras' layouts, so ``layer.get_weights()`` drops straight in:

- LSTM: ``kernel`` ``(features, 4*units)``, ``recurrent_kernel`` ``(units, 4*units)``,
  ``bias`` ``(4*units,)``; the four blocks are the gates in Keras' order
  **i** (input), **f** (forget), **c** (candidate cell), **o** (output).
- GRU: ``kernel`` ``(features, 3*units)``, ``recurrent_kernel`` ``(units, 3*units)``,
  blocks in the order **z** (update), **r** (reset), **h** (candidate). With
  ``reset_after=True`` (Keras' default) ``bias`` is ``(2, 3*units)``: row 0 is
  added to the input projection, row 1 to the recurrent projection, and the reset
  gate multiplies the recurrent projection *after* the matrix product. With
  ``reset_after=False`` ``bias`` is ``(3*units,)`` and the reset gate multiplies
  the previous state *before* the product (the original 2014 GRU).

``bias=None`` means a layer built with ``use_bias=False``. Activations default to
Keras' (``tanh`` for the candidate and the output, ``sigmoid`` for the gates); the
other names in :data:`GATE_ACTIVATIONS` can be chosen the way Keras' ``activation`` and
``recurrent_activation`` arguments can.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from dlhelpers._validation import (
    check_array,
    check_choice,
    check_scalar,
    fail,
)
from dlhelpers.scratch.backprop import sigmoid as _sigmoid  # one stable sigmoid

__all__ = [
    "GATE_ACTIVATIONS",
    "LSTM_GATES",
    "GRU_GATES",
    "lstm_step",
    "lstm_forward",
    "lstm_gates",
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
    "sigmoid": _sigmoid,
    "hard_sigmoid": lambda z: np.clip(z / 6.0 + 0.5, 0.0, 1.0),  # Keras 3: relu6(z + 3) / 6
    "relu": lambda z: np.maximum(z, 0.0),
    "linear": lambda z: z,
}


def _activation(name, arg):
    check_choice(name, arg, tuple(GATE_ACTIVATIONS))
    return GATE_ACTIVATIONS[name]


# --------------------------------------------------------------------------- validation
def _check_weights(kernel, recurrent_kernel, bias, n_blocks, *, reset_after=False):
    """Check Keras-layout weights; return them as float arrays and the number of units."""
    kernel = check_array(kernel, "kernel", ndim=2)
    recurrent_kernel = check_array(recurrent_kernel, "recurrent_kernel", ndim=2)
    width = kernel.shape[1]
    if width == 0 or width % n_blocks:
        fail(
            "kernel", f"shape (features, {n_blocks}*units), a width divisible by {n_blocks}", kernel
        )
    units = width // n_blocks
    if recurrent_kernel.shape != (units, width):
        fail(
            "recurrent_kernel",
            f"shape ({units}, {width}) to match kernel {kernel.shape}",
            recurrent_kernel,
        )
    if bias is not None:
        bias = check_array(bias, "bias", ndim=(1, 2))
        want = (2, width) if reset_after else (width,)
        if bias.shape != want:
            extra = (
                " (reset_after=True keeps separate input and recurrent biases)"
                if (reset_after)
                else ""
            )
            fail("bias", f"shape {want}{extra}", bias)
    return kernel, recurrent_kernel, bias, units


def _check_sequence(x, features):
    x = check_array(x, "x", ndim=3)
    if x.shape[2] != features:
        fail("x", f"(N, T, {features}) to match kernel's {features} input features", x)
    return x


def _check_state(state, name, n, units):
    if state is None:
        return np.zeros((n, units))
    state = check_array(state, name, ndim=2)
    if state.shape != (n, units):
        fail(name, f"shape ({n}, {units})", state)
    return state


def _check_step_inputs(x_t, states, kernel):
    x_t = check_array(x_t, "x_t", ndim=2)
    if x_t.shape[1] != kernel.shape[0]:
        fail("x_t", f"(N, {kernel.shape[0]}) to match kernel's input features", x_t)
    units = kernel.shape[1] // (4 if len(states) == 2 else 3)
    return x_t, [_check_state(s, name, x_t.shape[0], units) for name, s in states]


# --------------------------------------------------------------------------- LSTM
def _lstm_cell(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias, act, rec_act):
    z = x_t @ kernel + h_prev @ recurrent_kernel
    if bias is not None:
        z = z + bias
    zi, zf, zc, zo = np.split(z, 4, axis=1)
    i, f, g, o = rec_act(zi), rec_act(zf), act(zc), rec_act(zo)
    c = f * c_prev + i * g
    h = o * act(c)
    return h, c, (i, f, g, o)


def lstm_step(
    x_t,
    h_prev,
    c_prev,
    kernel,
    recurrent_kernel,
    bias=None,
    *,
    activation="tanh",
    recurrent_activation="sigmoid",
):
    """One LSTM time step, as ``keras.layers.LSTMCell``.

    ``i, f, o = sigmoid(.)`` and ``g = tanh(.)`` of ``x_t @ kernel + h_prev @
    recurrent_kernel + bias`` (blocks in Keras' order i, f, c, o); then
    ``c = f * c_prev + i * g`` and ``h = o * tanh(c)``.

    Args:
        x_t: ``(N, features)`` inputs at this step.
        h_prev, c_prev: ``(N, units)`` previous hidden and cell states.
        kernel: ``(features, 4*units)``; recurrent_kernel: ``(units, 4*units)``;
        bias: ``(4*units,)`` or ``None`` (no bias).
        activation, recurrent_activation: names from :data:`GATE_ACTIVATIONS`.

    Returns:
        ``LSTMState(h, c)``, each ``(N, units)``.

    Raises:
        ValueError: wrong ranks or shapes, naming the argument.
    """
    kernel, recurrent_kernel, bias, _ = _check_weights(kernel, recurrent_kernel, bias, 4)
    x_t, (h_prev, c_prev) = _check_step_inputs(
        x_t, [("h_prev", h_prev), ("c_prev", c_prev)], kernel
    )
    act = _activation(activation, "activation")
    rec_act = _activation(recurrent_activation, "recurrent_activation")
    h, c, _ = _lstm_cell(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias, act, rec_act)
    return LSTMState(h, c)


def _mask_array(mask, n, t):
    if mask is None:
        return None
    mask = np.asarray(mask)
    if mask.shape != (n, t):
        fail("mask", f"a boolean array of shape ({n}, {t})", mask)
    return mask.astype(bool)


def lstm_gates(
    x,
    kernel,
    recurrent_kernel,
    bias=None,
    h0=None,
    c0=None,
    *,
    mask=None,
    activation="tanh",
    recurrent_activation="sigmoid",
):
    """Run an LSTM over a sequence and keep every gate at every step.

    Args:
        x: ``(N, T, features)``.
        kernel, recurrent_kernel, bias: Keras layouts (see :func:`lstm_step`).
        h0, c0: ``(N, units)`` initial states (zeros when ``None``).
        mask: optional ``(N, T)`` booleans; where False the step is skipped and
            both states are carried over unchanged (what Keras does with a mask).
            Gates at skipped steps are still computed and reported.
        activation, recurrent_activation: names from :data:`GATE_ACTIVATIONS`.

    Returns:
        dict with ``"input"``, ``"forget"``, ``"candidate"``, ``"output"`` (the
        gate activations), ``"cell"`` and ``"hidden"`` (the states), each
        ``(N, T, units)``.
    """
    kernel, recurrent_kernel, bias, units = _check_weights(kernel, recurrent_kernel, bias, 4)
    x = _check_sequence(x, kernel.shape[0])
    n, t, _ = x.shape
    h = _check_state(h0, "h0", n, units)
    c = _check_state(c0, "c0", n, units)
    mask = _mask_array(mask, n, t)
    act = _activation(activation, "activation")
    rec_act = _activation(recurrent_activation, "recurrent_activation")
    out = {name: np.empty((n, t, units)) for name in (*LSTM_GATES, "cell", "hidden")}
    for step in range(t):
        h_new, c_new, gates = _lstm_cell(
            x[:, step], h, c, kernel, recurrent_kernel, bias, act, rec_act
        )
        if mask is not None:
            keep = mask[:, step, None]
            h_new, c_new = np.where(keep, h_new, h), np.where(keep, c_new, c)
        h, c = h_new, c_new
        for name, value in zip(LSTM_GATES, gates, strict=True):
            out[name][:, step] = value
        out["cell"][:, step], out["hidden"][:, step] = c, h
    return out


def lstm_forward(
    x,
    kernel,
    recurrent_kernel,
    bias=None,
    h0=None,
    c0=None,
    *,
    mask=None,
    activation="tanh",
    recurrent_activation="sigmoid",
):
    """Run an LSTM over ``(N, T, features)``, as ``keras.layers.LSTM(return_sequences=True)``.

    Args: as :func:`lstm_gates`.

    Returns:
        ``LSTMState(h, c)``: hidden states and cell states, each ``(N, T, units)``.
        ``h[:, -1]`` is what ``LSTM(return_sequences=False)`` returns.

    Raises:
        ValueError: ``x`` not 3-D, a weight of the wrong shape (named, with the
        expected shape), initial states of the wrong shape.

    Example:
        >>> h, c = lstm_forward(x, *layer.get_weights())
    """
    gates = lstm_gates(
        x,
        kernel,
        recurrent_kernel,
        bias,
        h0,
        c0,
        mask=mask,
        activation=activation,
        recurrent_activation=recurrent_activation,
    )
    return LSTMState(gates["hidden"], gates["cell"])


# --------------------------------------------------------------------------- GRU
def _gru_cell(x_t, h_prev, kernel, recurrent_kernel, bias, reset_after, act, rec_act):
    units = h_prev.shape[1]
    if bias is None:
        in_bias, rec_bias = 0.0, 0.0
    elif reset_after:
        in_bias, rec_bias = bias[0], bias[1]
    else:
        in_bias, rec_bias = bias, 0.0
    xz, xr, xh = np.split(x_t @ kernel + in_bias, 3, axis=1)
    if reset_after:
        hz, hr, hh = np.split(h_prev @ recurrent_kernel + rec_bias, 3, axis=1)
        z, r = rec_act(xz + hz), rec_act(xr + hr)
        candidate = act(xh + r * hh)  # reset gate scales the product, after it
    else:
        hz, hr = np.split(h_prev @ recurrent_kernel[:, : 2 * units], 2, axis=1)
        z, r = rec_act(xz + hz), rec_act(xr + hr)
        candidate = act(xh + (r * h_prev) @ recurrent_kernel[:, 2 * units :])  # before it
    h = z * h_prev + (1.0 - z) * candidate
    return h, (z, r, candidate)


def gru_step(
    x_t,
    h_prev,
    kernel,
    recurrent_kernel,
    bias=None,
    *,
    reset_after=True,
    activation="tanh",
    recurrent_activation="sigmoid",
):
    """One GRU time step, as ``keras.layers.GRUCell``.

    ``z, r = sigmoid(.)`` (blocks in Keras' order z, r, h), the candidate
    ``h~ = tanh(x W_h + r * (h_prev U_h + b_rh))`` when ``reset_after`` (Keras'
    default) or ``tanh(x W_h + (r * h_prev) U_h)`` otherwise, then the blend
    ``h = z * h_prev + (1 - z) * h~``: the update gate decides how much of the old
    state is kept.

    Args:
        x_t: ``(N, features)``; h_prev: ``(N, units)``.
        kernel: ``(features, 3*units)``; recurrent_kernel: ``(units, 3*units)``;
        bias: ``(2, 3*units)`` when ``reset_after`` else ``(3*units,)``, or ``None``.
        reset_after: Keras' GRU convention (see the module docstring).
        activation, recurrent_activation: names from :data:`GATE_ACTIVATIONS`.

    Returns:
        ``(N, units)`` new hidden state.

    Raises:
        ValueError: wrong ranks or shapes, naming the argument.
    """
    kernel, recurrent_kernel, bias, _ = _check_weights(
        kernel, recurrent_kernel, bias, 3, reset_after=reset_after
    )
    x_t, (h_prev,) = _check_step_inputs(x_t, [("h_prev", h_prev)], kernel)
    act = _activation(activation, "activation")
    rec_act = _activation(recurrent_activation, "recurrent_activation")
    h, _ = _gru_cell(x_t, h_prev, kernel, recurrent_kernel, bias, bool(reset_after), act, rec_act)
    return h


def gru_gates(
    x,
    kernel,
    recurrent_kernel,
    bias=None,
    h0=None,
    *,
    reset_after=True,
    mask=None,
    activation="tanh",
    recurrent_activation="sigmoid",
):
    """Run a GRU over a sequence and keep every gate at every step.

    Args:
        x: ``(N, T, features)``.
        kernel, recurrent_kernel, bias, reset_after: as :func:`gru_step`.
        h0: ``(N, units)`` initial state (zeros when ``None``).
        mask: optional ``(N, T)`` booleans; where False the state is carried over.
        activation, recurrent_activation: names from :data:`GATE_ACTIVATIONS`.

    Returns:
        dict with ``"update"``, ``"reset"``, ``"candidate"`` and ``"hidden"``,
        each ``(N, T, units)``.
    """
    kernel, recurrent_kernel, bias, units = _check_weights(
        kernel, recurrent_kernel, bias, 3, reset_after=reset_after
    )
    x = _check_sequence(x, kernel.shape[0])
    n, t, _ = x.shape
    h = _check_state(h0, "h0", n, units)
    mask = _mask_array(mask, n, t)
    act = _activation(activation, "activation")
    rec_act = _activation(recurrent_activation, "recurrent_activation")
    out = {name: np.empty((n, t, units)) for name in (*GRU_GATES, "hidden")}
    for step in range(t):
        h_new, gates = _gru_cell(
            x[:, step], h, kernel, recurrent_kernel, bias, bool(reset_after), act, rec_act
        )
        h = h_new if mask is None else np.where(mask[:, step, None], h_new, h)
        for name, value in zip(GRU_GATES, gates, strict=True):
            out[name][:, step] = value
        out["hidden"][:, step] = h
    return out


def gru_forward(
    x,
    kernel,
    recurrent_kernel,
    bias=None,
    h0=None,
    *,
    reset_after=True,
    mask=None,
    activation="tanh",
    recurrent_activation="sigmoid",
):
    """Run a GRU over ``(N, T, features)``, as ``keras.layers.GRU(return_sequences=True)``.

    Args: as :func:`gru_gates`.

    Returns:
        ``(N, T, units)`` hidden states.

    Raises:
        ValueError: ``x`` not 3-D, a weight of the wrong shape (named, with the
        expected shape; a ``(3*units,)`` bias with ``reset_after=True`` says so).

    Example:
        >>> h = gru_forward(x, *layer.get_weights(), reset_after=layer.reset_after)
    """
    return gru_gates(
        x,
        kernel,
        recurrent_kernel,
        bias,
        h0,
        reset_after=reset_after,
        mask=mask,
        activation=activation,
        recurrent_activation=recurrent_activation,
    )["hidden"]


# --------------------------------------------------------------------------- sizes
def lstm_param_count(features: int, units: int, *, use_bias: bool = True) -> int:
    """Trainable parameters of ``keras.layers.LSTM(units)`` on ``features`` inputs.

    Four blocks, each with an input matrix, a recurrent matrix and a bias:
    ``4 * (features*units + units*units + units)``. The sequence length does not
    appear: the same weights are used at every step.
    """
    features = check_scalar(features, "features", int, low=1)
    units = check_scalar(units, "units", int, low=1)
    return 4 * (features * units + units * units + (units if use_bias else 0))


def gru_param_count(
    features: int, units: int, *, reset_after: bool = True, use_bias: bool = True
) -> int:
    """Trainable parameters of ``keras.layers.GRU(units, reset_after=...)``.

    ``3 * (features*units + units*units) + 3*units`` biases, twice that many
    biases when ``reset_after`` (separate input and recurrent biases).
    """
    features = check_scalar(features, "features", int, low=1)
    units = check_scalar(units, "units", int, low=1)
    n_bias = (6 if reset_after else 3) * units if use_bias else 0
    return 3 * (features * units + units * units) + n_bias
