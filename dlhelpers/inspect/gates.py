"""Gate activations of LSTM and GRU layers (Chapter 6).

Keras layers return only hidden states; the gates stay inside. Here the input and mask that
reach the layer are read from the model's graph (:mod:`dlhelpers.inspect.core`), then the
layer's own weights run through the NumPy references of :mod:`dlhelpers.scratch.gated`.
TensorFlow is imported inside the functions, not at import time.
"""

from __future__ import annotations

import numpy as np

from dlhelpers._validation import fail
from dlhelpers.inspect.core import Kind, Trace, check_x, keras_module, resolve
from dlhelpers.scratch.gated import GATE_ACTIVATIONS, gru_gates, lstm_gates

__all__ = ["gate_activations", "gated_layers"]


_GATED = Kind(
    ("LSTM", "GRU"),
    unknown="a layer of the model; LSTM/GRU layers: {listing}, received {received}",
    wrong="an LSTM or GRU layer ({listing}); layer {name!r} is a {type}, received {received}",
    missing="model: expected a model with an LSTM or GRU layer (its layers: {names}), "
    "received {model}",
    listing=lambda found: (
        ", ".join(repr(e.layer.name) for e in found) or "none: the model has no LSTM/GRU"
    ),
)


def _check_model(model):
    if not isinstance(model, keras_module().Model):
        fail("model", "a Keras Model or Sequential", model)


def gated_layers(model) -> list[str]:
    """Names of the LSTM and GRU layers in ``model``, nested models included, in order
    (the two layers of a ``Bidirectional`` wrapper included)."""
    _check_model(model)
    return [entry.layer.name for entry in _GATED.find(model)]


def _activation_name(fn, arg, layer_name):
    name = getattr(fn, "__name__", None)
    if name not in GATE_ACTIVATIONS:
        raise ValueError(
            f"layer: expected {arg} one of {', '.join(GATE_ACTIVATIONS)}, received {name!r} "
            f"in layer {layer_name!r}."
        )
    return name


def gate_activations(model, x, layer=None) -> dict:
    """Every gate of a Keras LSTM or GRU layer at every time step, for inputs ``x``.

    The input and Keras mask (``Masking``, ``Embedding(mask_zero=True)``) that reach the
    layer in ``model`` are read from the model's graph, then the layer's own weights and
    activations run through :func:`dlhelpers.scratch.lstm_gates` or
    :func:`dlhelpers.scratch.gru_gates`. ``go_backwards`` layers run on the reversed input,
    their results flipped back, so index ``t`` is always input step ``t``; the two layers of
    a ``Bidirectional`` wrapper are named as in :func:`gated_layers`. Unbuilt layers are
    built on ``x``. The layer starts from zero states (no ``initial_state``, not ``stateful``).

    Args:
        model: a Keras model containing the layer.
        x: inputs for ``model`` (for instance ``(N, T, features)``; a list or dict of
            arrays for a model with several inputs).
        layer: ``None`` (the first LSTM/GRU layer), a name, an ``"outer/inner/name"``
            path, an index into ``model.layers``, or the layer object.

    Returns:
        dict of name -> ``(N, T, units)`` float64 array: for an LSTM ``"input"``,
        ``"forget"``, ``"candidate"``, ``"output"``, ``"cell"``, ``"hidden"``; for a
        GRU ``"update"``, ``"reset"``, ``"candidate"``, ``"hidden"``. ``"hidden"``
        equals the layer's output with ``return_sequences=True`` (zeros at masked
        steps when the layer has ``zero_output_for_mask``, as inside ``Bidirectional``).

    Raises:
        ValueError: ``layer`` missing or not an LSTM/GRU (the message lists the
            model's LSTM/GRU layers), a layer called more than once, ``x`` of the
            wrong rank for the model, an activation the NumPy references lack.
    """
    _check_model(model)
    x = check_x(model, x, lambda want: f"a {len(want)}-D array like the model's input {want}")
    entry = resolve(model, layer, _GATED)
    trace = Trace(model, x, [entry.host])
    call = trace.call_of(entry.host)
    sequence, mask = trace.values((call.args[0], call.mask), x)
    target, cell = entry.layer, entry.layer.cell
    seq, mask = np.asarray(sequence, dtype=np.float64), np.asarray(mask, dtype=bool)
    if target.go_backwards:
        seq, mask = seq[:, ::-1], mask[:, ::-1]
    weights = [np.asarray(w, dtype=np.float64) for w in (cell.kernel, cell.recurrent_kernel)]
    bias = np.asarray(cell.bias, dtype=np.float64) if cell.use_bias else None
    acts = {
        arg: _activation_name(getattr(cell, arg), arg, target.name)
        for arg in ("activation", "recurrent_activation")
    }
    if isinstance(target, keras_module().layers.LSTM):
        gates = lstm_gates(seq, *weights, bias, mask=mask, **acts)
    else:
        gates = gru_gates(seq, *weights, bias, reset_after=cell.reset_after, mask=mask, **acts)
    if getattr(target, "zero_output_for_mask", False):
        # Bidirectional sets this: masked steps output zeros (the state still carries over)
        gates["hidden"] = np.where(mask[..., None], gates["hidden"], 0.0)
    if target.go_backwards:
        gates = {name: value[:, ::-1] for name, value in gates.items()}
    return gates
