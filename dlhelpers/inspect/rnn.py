"""Hidden states and per-step gradients of recurrent Keras models (Chapter 5).

Both helpers find the recurrent layer anywhere in a model (``Sequential``, functional,
nested models, subclassed models), catch the exact input that reaches it during one
ordinary forward pass, and then work with Keras' own layer and cell:

- :func:`hidden_states` reruns a copy of the layer with ``return_sequences=True`` and the
  same weights, so it works for a layer that was built to return only its last state;
- :func:`step_gradient_norms` unrolls the layer's cell step by step inside a
  ``GradientTape``, so the gradient of the loss with respect to every step's hidden
  state (or input) can be read off.

TensorFlow is imported inside the functions, never at import time.
"""

from __future__ import annotations

import contextlib

import numpy as np

from dlhelpers._tf import import_tensorflow
from dlhelpers._validation import check_array, check_choice, fail
from dlhelpers._validation import reject as _reject

__all__ = ["hidden_states", "recurrent_layers", "step_gradient_norms"]


def _walk(model, prefix: str = ""):
    """Yield ``(path, layer)`` for every layer, descending into nested models."""
    for layer in getattr(model, "layers", []):
        path = f"{prefix}{layer.name}"
        yield path, layer
        if hasattr(layer, "layers") and not _is_recurrent(layer):
            yield from _walk(layer, prefix=path + "/")


def _is_recurrent(layer) -> bool:
    import keras

    return isinstance(layer, (keras.layers.RNN, keras.layers.Bidirectional))


def recurrent_layers(model) -> dict:
    """The recurrent layers of ``model``, by path (``"outer/inner/name"`` in nested models).

    Recurrent means ``keras.layers.RNN`` and its subclasses (``SimpleRNN``, ``LSTM``,
    ``GRU``) and ``Bidirectional`` wrappers.
    """
    import_tensorflow()
    if not hasattr(model, "layers"):
        fail("model", "a Keras model", model)
    return {path: layer for path, layer in _walk(model) if _is_recurrent(layer)}


def _listing(found: dict) -> str:
    if not found:
        return "this model has no recurrent layer"
    names = ", ".join(f"{p!r} ({type(lay).__name__})" for p, lay in found.items())
    return f"recurrent layers in this model: {names}"


def _select(model, layer):
    """Resolve ``layer`` (None, a name or path, an index into the recurrent layers, or a
    layer object) to one recurrent layer of ``model``; explain any mismatch."""
    found = recurrent_layers(model)
    if layer is None:
        if len(found) != 1:
            fail(
                "layer",
                f"a layer name when the model does not hold exactly one recurrent "
                f"layer ({_listing(found)})",
                layer,
            )
        return next(iter(found.values()))
    every = dict(_walk(model))
    if isinstance(layer, str):
        matches = [lay for p, lay in every.items() if layer in (p, lay.name)]
        if not matches:
            fail("layer", f"the name of a layer in the model ({_listing(found)})", layer)
        chosen = matches[0]
    elif isinstance(layer, int) and not isinstance(layer, bool):
        if not -len(found) <= layer < len(found):
            fail(
                "layer",
                f"an index into the {len(found)} recurrent layer(s) ({_listing(found)})",
                layer,
            )
        return list(found.values())[layer]
    else:
        if not any(lay is layer for lay in every.values()):
            fail("layer", f"a layer of this model ({_listing(found)})", layer)
        chosen = layer
    if not _is_recurrent(chosen):
        _reject(
            "layer",
            f"a recurrent layer ({_listing(found)})",
            f"{type(chosen).__name__} layer {chosen.name!r}",
        )
    return chosen


@contextlib.contextmanager
def _replaced_call(layer, replacement):
    """Route ``layer``'s forward pass through ``replacement(original_call, *args, **kw)``.

    Keras calls ``self.call`` from ``Layer.__call__``, so an instance attribute catches
    the layer's real input wherever the layer sits in the model.
    """
    original = layer.call
    before = layer.__dict__.get("call")

    def patched(*args, **kwargs):
        return replacement(original, *args, **kwargs)

    object.__setattr__(layer, "call", patched)
    try:
        yield
    finally:
        if before is None:
            object.__delattr__(layer, "call")
        else:
            object.__setattr__(layer, "call", before)


def _check_model_input(model, x):
    """Accept ``x`` as the model does; catch the classic 2-D-for-3-D mistake early.

    For a model with several inputs, ``x`` (a list or dict) goes to the model unchecked.
    """
    inputs = getattr(model, "inputs", None) if getattr(model, "built", False) else None
    if isinstance(x, dict) or (inputs and len(inputs) > 1):
        return x
    x = check_array(x, "x", ndim=tuple(range(2, 6)), dtype=None)
    if inputs:
        want = tuple(inputs[0].shape)
        if len(want) != x.ndim:
            shape = "(N, T, features)" if len(want) == 3 else f"rank {len(want)}"
            fail("x", f"a {len(want)}-D array {shape} as the model's input is {want}", x)
    if x.dtype.kind == "f":
        x = check_array(x, "x", dtype=None)  # NaN check for real-valued input
    return x


def _capture(model, layer, x):
    """Run ``model`` once on ``x``; return the ``(args, kwargs)`` that reached ``layer``."""
    seen = []

    def spy(original, *args, **kwargs):
        seen.append((args, kwargs))
        return original(*args, **kwargs)

    saved = [np.array(v) for v in getattr(layer, "states", None) or []]
    with _replaced_call(layer, spy):
        model(x, training=False)
    for var, value in zip(getattr(layer, "states", None) or [], saved, strict=False):
        var.assign(value)  # a stateful layer must not remember this inspection run
    if not seen:
        _reject(
            "layer",
            "a layer that the model's forward pass runs",
            f"{type(layer).__name__} layer {layer.name!r}, which was not called",
        )
    return seen[0]


def _full_sequence(rnn, sequences, initial_state, mask):
    """Hidden states of ``rnn`` for every step: a copy returning sequences, same weights."""
    config = rnn.get_config()
    config.update(return_sequences=True, return_state=False, stateful=False)
    twin = type(rnn).from_config(config)
    twin.build(tuple(sequences.shape))
    twin.set_weights(rnn.get_weights())
    out = twin(sequences, initial_state=initial_state, mask=mask, training=False)
    return np.asarray(out)


def hidden_states(model, x, layer=None) -> np.ndarray:
    """Every time step's hidden state of a recurrent layer inside a Keras model.

    Works whether or not the layer was built with ``return_sequences=True``: the input
    reaching the layer is caught during one forward pass, then a copy of the layer with
    ``return_sequences=True`` and the same weights is run on it (same initial state and
    mask as in the model).

    Args:
        model: a built Keras model (Sequential, functional, nested or subclassed).
        x: the model's input for N examples, e.g. ``(N, T, features)`` or token ids ``(N, T)``.
        layer: which recurrent layer: ``None`` when the model holds exactly one, else its
            name (or ``"outer/inner/name"`` path), its index among the recurrent layers,
            or the layer object.

    Returns:
        ``(N, T, units)`` float array, step by step in the order the layer processes them
        (reversed for ``go_backwards=True``). For ``Bidirectional`` layers, ``(N, T,
        2 * units)``: forward states then backward states, both in input order.

    Raises:
        ValueError: ``layer`` is not recurrent, not in the model, or ambiguous; ``x`` has
            the wrong rank.

    Example:
        >>> states = hidden_states(model, x_test[:4])   # doctest: +SKIP
        >>> states.shape                                  # doctest: +SKIP
        (4, 20, 16)
    """
    import keras

    tf = import_tensorflow()
    chosen = _select(model, layer)
    x = _check_model_input(model, x)
    args, kwargs = _capture(model, chosen, x)
    sequences = tf.convert_to_tensor(args[0])
    initial_state = kwargs.get("initial_state", args[1] if len(args) > 1 else None)
    mask = kwargs.get("mask")
    if isinstance(chosen, keras.layers.Bidirectional):
        half = None if initial_state is None else len(initial_state) // 2
        forward = _full_sequence(
            chosen.forward_layer, sequences, None if half is None else initial_state[:half], mask
        )
        backward = _full_sequence(
            chosen.backward_layer, sequences, None if half is None else initial_state[half:], mask
        )
        return np.concatenate([forward, backward[:, ::-1]], axis=-1)
    if chosen.stateful and initial_state is None:
        initial_state = [v.value for v in chosen.states]
    return _full_sequence(chosen, sequences, initial_state, mask)


def _unrolled_call(layer, record, watch):
    """A replacement for ``layer.call`` that runs its cell one step at a time, recording
    each step's input and hidden state (watched by the tape) in ``record``."""
    import keras

    def call(original, sequences, initial_state=None, mask=None, training=False):
        if mask is not None:
            _reject(
                "model",
                "no masking in front of the inspected layer",
                "a mask from an earlier layer",
            )
        ops = keras.ops
        if initial_state is None:
            initial_state = layer.cell.get_initial_state(batch_size=ops.shape(sequences)[0])
        states = (
            list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        )
        steps = range(sequences.shape[1])
        outputs = []
        for t in reversed(steps) if layer.go_backwards else steps:
            x_t = sequences[:, t]
            watch(x_t)
            out, new_states = layer.cell(x_t, states, training=False)
            new_states = list(new_states) if isinstance(new_states, (list, tuple)) else [new_states]
            watch(out)
            record.append((t, x_t, out))
            states = [out, *new_states[1:]]  # keep the watched tensor on the path forward
            outputs.append(out)
        result = ops.stack(outputs, axis=1) if layer.return_sequences else outputs[-1]
        return [result, *states] if layer.return_state else result

    return call


def step_gradient_norms(
    model, x, y=None, *, layer=None, loss="mse", wrt: str = "hidden", per_example: bool = False
) -> np.ndarray:
    """How strongly the loss depends on each time step: ``||dL/dh_t||`` (or ``||dL/dx_t||``).

    The layer's cell is unrolled step by step inside a ``GradientTape`` (the model's
    output is checked to equal the ordinary forward pass), so the gradient with respect
    to ``h_t`` counts every path from ``h_t`` to the loss, through all later steps. This
    is backpropagation through time, measured.

    Args:
        model: a built Keras model holding a ``SimpleRNN``, ``LSTM``, ``GRU`` or ``RNN``.
        x: the model's input for N examples.
        y: targets. With ``y=None`` the "loss" is the sum of the model's outputs, so the
            result says how much the output itself depends on each step.
        layer: which recurrent layer (see :func:`hidden_states`).
        loss: a Keras loss name or a callable ``loss(y_true, y_pred)``; used when ``y`` is
            given. The mean over the batch is differentiated.
        wrt: ``"hidden"`` for the hidden states ``h_t``, ``"input"`` for the inputs ``x_t``
            that reach the layer.
        per_example: return one norm per example and step ``(N, T)`` instead of ``(T,)``.

    Returns:
        ``(T,)`` (or ``(N, T)``) non-negative floats, indexed by input time step.

    Raises:
        ValueError: a bad ``layer``, ``wrt`` or ``x``; a ``Bidirectional`` layer or one with
            stacked cells; masking.
        RuntimeError: the unrolled pass did not reproduce the model's output.
    """
    import keras

    tf = import_tensorflow()
    wrt = check_choice(wrt, "wrt", ("hidden", "input"))
    chosen = _select(model, layer)
    if isinstance(chosen, keras.layers.Bidirectional):
        _reject(
            "layer",
            "a one-directional recurrent layer (step_gradient_norms does not unroll "
            "Bidirectional wrappers)",
            f"Bidirectional layer {chosen.name!r}",
        )
    if isinstance(getattr(chosen, "cell", None), keras.layers.StackedRNNCells):
        _reject(
            "layer",
            "a recurrent layer with a single cell (stack separate layers instead of "
            "RNN([cell, cell]))",
            f"{type(chosen).__name__} layer {chosen.name!r} with stacked cells",
        )
    x = _check_model_input(model, x)
    loss_fn = keras.losses.get(loss) if isinstance(loss, str) else loss
    if y is not None and not callable(loss_fn):
        fail("loss", "a Keras loss name or a callable", loss)
    reference = model(x, training=False)

    record = []
    with (
        tf.GradientTape() as tape,
        _replaced_call(chosen, _unrolled_call(chosen, record, lambda t: tape.watch(t))),
    ):
        pred = model(x, training=False)
        value = tf.reduce_sum(pred) if y is None else tf.reduce_mean(loss_fn(y, pred))
    for got, want in zip(tf.nest.flatten(pred), tf.nest.flatten(reference), strict=True):
        if not np.allclose(np.asarray(got), np.asarray(want), rtol=1e-4, atol=1e-5):
            raise RuntimeError(
                f"unrolling {chosen.name!r} step by step did not reproduce the "
                "model's output; step_gradient_norms cannot trust its gradients."
            )
    record.sort(key=lambda item: item[0])
    targets = [x_t if wrt == "input" else h_t for _, x_t, h_t in record]
    grads = tape.gradient(value, targets, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    norms = np.stack(
        [np.sqrt(np.sum(np.asarray(g, dtype=np.float64) ** 2, axis=-1)) for g in grads], axis=1
    )  # (N, T)
    return norms if per_example else np.sqrt(np.sum(norms**2, axis=0))
