"""A SimpleRNN forward and backward pass in NumPy, matching Keras (Chapter 5).

Weights use Keras' layout, so ``layer.get_weights()`` of a
``keras.layers.SimpleRNN`` drops straight in:

- ``kernel``: ``(features, units)``, input to hidden,
- ``recurrent_kernel``: ``(units, units)``, hidden to hidden,
- ``bias``: ``(units,)`` (or ``None`` for ``use_bias=False``).

One step is ``h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)``.
Sequences are ``(N, T, features)``; hidden states come back as ``(N, T, units)``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from dlhelpers._validation import check_array, check_choice, check_scalar, fail
from dlhelpers.scratch.backprop import sigmoid

__all__ = [
    "RNNGradients",
    "clip_by_norm",
    "one_hot_characters",
    "rnn_backward",
    "rnn_forward",
    "rnn_step",
    "scale_spectral_radius",
    "spectral_radius",
]


# Each activation with its derivative written in terms of the activation's *output*
# (what the forward pass keeps), as backpropagation through time needs it.
_ACTIVATIONS = {
    "tanh": (np.tanh, lambda h: 1.0 - h**2),
    "sigmoid": (sigmoid, lambda h: h * (1.0 - h)),
    "relu": (lambda z: np.maximum(z, 0.0), lambda h: (h > 0).astype(h.dtype)),
    "linear": (lambda z: z, np.ones_like),
}


def _check_weights(kernel, recurrent_kernel, bias, features):
    """Validate the three SimpleRNN weights against each other and the input width."""
    kernel = check_array(kernel, "kernel", ndim=2)
    units = kernel.shape[1]
    if kernel.shape[0] != features:
        fail("kernel", f"shape (features, units) = ({features}, units) to match the input's "
             f"{features} features", kernel)  # fmt: skip
    recurrent_kernel = check_array(recurrent_kernel, "recurrent_kernel", ndim=2)
    since = f"since kernel has {units} units"
    if recurrent_kernel.shape != (units, units):
        fail("recurrent_kernel", f"shape (units, units) = ({units}, {units}) {since}",
             recurrent_kernel)  # fmt: skip
    if bias is not None:
        bias = check_array(bias, "bias", ndim=1)
        if bias.shape != (units,):
            fail("bias", f"shape (units,) = ({units},) {since}", bias)
    return kernel, recurrent_kernel, bias


def _check_state(h, name: str, n: int, units: int) -> np.ndarray:
    h = check_array(h, name, ndim=2)
    if h.shape != (n, units):
        fail(name, f"shape (N, units) = ({n}, {units})", h)
    return h


def _pick(activation):
    return _ACTIVATIONS[check_choice(activation, "activation", tuple(_ACTIVATIONS))]


def rnn_step(x_t, h_prev, kernel, recurrent_kernel, bias, activation: str = "tanh"):
    """One step of a SimpleRNN: mix the new input with the previous hidden state.

    ``x_t`` ``(N, features)`` and ``h_prev`` ``(N, units)`` with the Keras weights (``bias``
    may be ``None``); ``activation`` is ``"tanh"`` (Keras' default), ``"sigmoid"``, ``"relu"``
    or ``"linear"``. Returns the new hidden state ``(N, units)``, also the step's output.
    A wrong rank, or a weight whose shape does not fit the others, raises ``ValueError``.

    Example:
        >>> h1 = rnn_step(np.ones((2, 3)), np.zeros((2, 4)), np.ones((3, 4)),
        ...               np.eye(4), np.zeros(4))
    """
    x_t = check_array(x_t, "x_t", ndim=2)
    kernel, recurrent_kernel, bias = _check_weights(kernel, recurrent_kernel, bias, x_t.shape[1])
    h_prev = _check_state(h_prev, "h_prev", x_t.shape[0], kernel.shape[1])
    act, _ = _pick(activation)
    z = x_t @ kernel + h_prev @ recurrent_kernel
    if bias is not None:
        z = z + bias
    return act(z)


def rnn_forward(x, kernel, recurrent_kernel, bias, h0=None, activation: str = "tanh"):
    """Run a SimpleRNN over whole sequences and keep every hidden state.

    ``x`` ``(N, T, features)``; ``h0`` ``(N, units)`` or ``None`` (zeros, as in Keras); the
    rest as in :func:`rnn_step`. Returns the hidden states ``(N, T, units)``: ``[:, -1]`` is
    what ``SimpleRNN`` returns by default, all of it with ``return_sequences=True``.
    """
    x = check_array(x, "x", ndim=3)
    n, steps, features = x.shape
    kernel, recurrent_kernel, bias = _check_weights(kernel, recurrent_kernel, bias, features)
    units = kernel.shape[1]
    h = np.zeros((n, units)) if h0 is None else _check_state(h0, "h0", n, units)
    act, _ = _pick(activation)
    # The input part of every step does not depend on h: compute it for all steps at once.
    x_part = x @ kernel + (0.0 if bias is None else bias)
    states = np.empty((n, steps, units), dtype=np.result_type(x, kernel, h))
    for t in range(steps):
        h = act(x_part[:, t] + h @ recurrent_kernel)
        states[:, t] = h
    return states


class RNNGradients(NamedTuple):
    """Gradients of a loss through a SimpleRNN, from :func:`rnn_backward`.

    Attributes:
        hidden: dL/dh_t for every step, ``(N, T, units)``: the total effect of each hidden
            state on the loss, through every later step.
        x: dL/dx_t, ``(N, T, features)``.
        kernel, recurrent_kernel, bias: gradients of the weights (``bias`` is ``None``
            when the forward pass had no bias).
        h0: dL/dh0, ``(N, units)``.
    """

    hidden: np.ndarray
    x: np.ndarray
    kernel: np.ndarray
    recurrent_kernel: np.ndarray
    bias: np.ndarray | None
    h0: np.ndarray


def rnn_backward(
    x, states, grad_states, kernel, recurrent_kernel, bias, h0=None, activation: str = "tanh"
) -> RNNGradients:
    """Backpropagation through time for :func:`rnn_forward`.

    Walks the sequence from the last step to the first. At each step the gradient
    arriving at ``h_t`` is its direct part (``grad_states[:, t]``) plus what flows back
    from ``h_{t+1}``; it passes the activation's derivative and is multiplied by the
    transposed recurrent kernel on its way to ``h_{t-1}``. That repeated product is why
    gradients shrink or grow with the number of steps.

    ``x`` and ``states`` are the forward pass's input and :func:`rnn_forward`'s output;
    ``grad_states`` is dL/dh_t from outside the RNN, ``(N, T, units)`` when the loss reads every
    step or ``(N, units)`` when it reads only the last; the rest as in :func:`rnn_forward`.
    Returns an :class:`RNNGradients`.
    """
    x = check_array(x, "x", ndim=3)
    n, steps, features = x.shape
    kernel, recurrent_kernel, bias = _check_weights(kernel, recurrent_kernel, bias, features)
    units = kernel.shape[1]
    states = check_array(states, "states", ndim=3)
    if states.shape != (n, steps, units):
        fail("states", f"shape (N, T, units) = ({n}, {steps}, {units})", states)
    direct = check_array(grad_states, "grad_states", ndim=(2, 3))
    if direct.ndim == 2:  # the loss reads only the last state
        last = _check_state(direct, "grad_states", n, units)
        direct = np.zeros_like(states)
        direct[:, -1] = last
    elif direct.shape != states.shape:
        fail("grad_states", f"shape (N, T, units) = {states.shape} or (N, units)", direct)
    h0 = np.zeros((n, units)) if h0 is None else _check_state(h0, "h0", n, units)
    _, derivative = _pick(activation)

    d_hidden, d_x = np.zeros_like(states), np.zeros(x.shape)
    d_kernel, d_recurrent, d_bias = np.zeros_like(kernel), np.zeros_like(recurrent_kernel), 0.0
    carry = np.zeros((n, units))  # the gradient flowing back from step t + 1
    for t in reversed(range(steps)):
        d_hidden[:, t] = direct[:, t] + carry  # dL/dh_t: read here, and through later steps
        dz = d_hidden[:, t] * derivative(states[:, t])  # back through the activation
        h_prev = states[:, t - 1] if t > 0 else h0
        d_kernel += x[:, t].T @ dz  # the same weights act at every step: their
        d_recurrent += h_prev.T @ dz  # gradients add up over the steps
        d_bias += dz.sum(axis=0)
        d_x[:, t] = dz @ kernel.T
        carry = dz @ recurrent_kernel.T  # on to h_{t-1}: one more product with W_h^T
    d_bias = None if bias is None else np.broadcast_to(d_bias, (units,)).copy()
    return RNNGradients(d_hidden, d_x, d_kernel, d_recurrent, d_bias, carry)


def clip_by_norm(grad, clip_norm: float) -> np.ndarray:
    """Rescale ``grad`` so its L2 norm is at most ``clip_norm`` (like ``tf.clip_by_norm``).

    The direction is kept; only the length shrinks, and only when it is too long.
    Keras' ``optimizer(clipnorm=...)`` applies this to each weight's gradient.

    Args:
        grad: an array of any shape.
        clip_norm: the largest allowed norm, > 0.

    Returns:
        ``grad * clip_norm / max(norm(grad), clip_norm)``.
    """
    grad = check_array(grad, "grad", dtype=float)
    clip_norm = check_scalar(clip_norm, "clip_norm", float, low=0, closed="neither")
    norm = float(np.sqrt(np.sum(grad**2)))
    return grad * (clip_norm / max(norm, clip_norm))


def spectral_radius(matrix) -> float:
    """The largest absolute eigenvalue of a square matrix.

    For a recurrent kernel it says how much repeated multiplication stretches a vector
    in the long run: below 1 the product fades, above 1 it can grow.
    """
    matrix = check_array(matrix, "matrix", ndim=2)
    if matrix.shape[0] != matrix.shape[1]:
        fail("matrix", "a square matrix", matrix)
    return float(np.max(np.abs(np.linalg.eigvals(matrix))))


def scale_spectral_radius(matrix, radius: float) -> np.ndarray:
    """Return ``matrix`` rescaled so that its spectral radius equals ``radius``."""
    current = spectral_radius(matrix)
    radius = check_scalar(radius, "radius", float, low=0)
    if current == 0:
        fail("matrix", "a matrix with a non-zero eigenvalue", matrix)
    return np.asarray(matrix, dtype=float) * (radius / current)


def one_hot_characters(text: str, alphabet: str | None = None) -> tuple[np.ndarray, str]:
    """Encode a string as one vector per character (time step): ``(len(text), len(alphabet))``.

    Args:
        text: the sequence, one character per time step.
        alphabet: the characters to encode, in column order; ``None`` uses the sorted set
            of characters in ``text``.

    Returns:
        ``(one_hot, alphabet)``: a float array with a single 1 per row, and the alphabet.

    Raises:
        ValueError: ``text`` is empty or holds a character missing from ``alphabet``.
    """
    if not isinstance(text, str) or not text:
        fail("text", "a non-empty string", text)
    if alphabet is None:
        alphabet = "".join(sorted(set(text)))
    if not isinstance(alphabet, str) or len(set(alphabet)) != len(alphabet):
        fail("alphabet", "a string of distinct characters", alphabet)
    missing = sorted(set(text) - set(alphabet))
    if missing:
        fail(
            "text",
            f"only characters from alphabet {alphabet!r}",
            f"{len(missing)} other(s): {''.join(missing)!r}",
        )
    index = {ch: i for i, ch in enumerate(alphabet)}
    one_hot = np.zeros((len(text), len(alphabet)))
    one_hot[np.arange(len(text)), [index[ch] for ch in text]] = 1.0
    return one_hot, alphabet
