"""Gate activations of LSTM and GRU layers (Chapter 6).

Keras layers return only hidden states; the gates stay inside. Here the layer's
own weights are run through the NumPy references of :mod:`dlhelpers.scratch.gated`
on the input the layer actually receives inside the model, so every gate at every
step can be plotted. TensorFlow is imported inside the functions, not at import time.
"""

from __future__ import annotations

import numpy as np

from dlhelpers._validation import check_array, fail
from dlhelpers.scratch.gated import GATE_ACTIVATIONS, gru_gates, lstm_gates

__all__ = ["gate_activations", "gated_layers"]


def _keras():
    from dlhelpers._tf import import_tensorflow

    import_tensorflow()
    import keras

    return keras


def _is_gated(layer, keras) -> bool:
    return isinstance(layer, (keras.layers.LSTM, keras.layers.GRU))


def _walk(model, keras, prefix=()):
    """Yield (path, layer) for every layer, descending into nested models and into the two
    layers of a ``Bidirectional`` wrapper."""
    for layer in model.layers:
        path = (*prefix, layer)
        yield path, layer
        if isinstance(layer, keras.layers.Bidirectional):
            for sub in (layer.forward_layer, layer.backward_layer):
                yield (*path, sub), sub
        elif isinstance(layer, keras.Model):
            yield from _walk(layer, keras, path)


def gated_layers(model) -> list[str]:
    """Names of the LSTM and GRU layers in ``model``, nested models included, in order."""
    keras = _keras()
    if not isinstance(model, keras.Model):
        fail("model", "a Keras Model or Sequential", model)
    return [layer.name for _, layer in _walk(model, keras) if _is_gated(layer, keras)]


def _find(model, layer, keras):
    """Return the path (outer model's child, ..., target layer) to the requested layer."""
    paths = list(_walk(model, keras))
    valid = [lay.name for _, lay in paths if _is_gated(lay, keras)]
    listed = ", ".join(repr(v) for v in valid) if valid else "none: the model has no LSTM/GRU"
    if layer is None:
        hits = [p for p, lay in paths if _is_gated(lay, keras)]
        if not hits:
            fail(
                "model",
                f"a model with an LSTM or GRU layer (its layers: "
                f"{', '.join(lay.name for _, lay in paths)})",
                model,
            )
        return hits[0]
    if isinstance(layer, (int, np.integer)) and not isinstance(layer, bool):
        if not -len(model.layers) <= layer < len(model.layers):
            fail("layer", f"an index into model.layers (0..{len(model.layers) - 1})", layer)
        hits = [(model.layers[layer],)]
    elif isinstance(layer, str):
        hits = [p for p, lay in paths if lay.name == layer]
    else:
        hits = [p for p, lay in paths if lay is layer]
    if not hits:
        fail("layer", f"a layer of the model; LSTM/GRU layers: {listed}", layer)
    target = hits[0][-1]
    if not _is_gated(target, keras):
        fail(
            "layer",
            f"an LSTM or GRU layer ({listed}); layer {target.name!r} is a {type(target).__name__}",
            layer,
        )
    return hits[0]


def _input_of(container, child, x, keras):
    """The tensor that ``child`` receives when ``container`` sees ``x`` (Keras mask attached)."""
    if isinstance(container, keras.layers.Bidirectional):
        return x  # both directions read the wrapper's input (the backward one reverses it)
    if isinstance(container, keras.Sequential):
        out = x
        for layer in container.layers:
            if layer is child:
                return out
            out = layer(out)
        raise AssertionError("child not found in container")  # _find guarantees it is there
    nodes = [node for node in child._inbound_nodes if node.operation is child]
    if len(nodes) != 1 or not nodes[0].arguments.args:
        raise ValueError(
            f"layer: expected a layer called once inside the model, received {child.name!r} "
            f"called {len(nodes)} times."
        )
    inputs = container.inputs[0] if len(container.inputs) == 1 else container.inputs
    return keras.Model(inputs, nodes[0].arguments.args[0])(x)


def _model_inputs(model):
    try:
        return model.inputs
    except (AttributeError, ValueError):  # a Sequential never called has no inputs yet
        return None


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

    The layer's input inside ``model`` is computed with Keras (a sub-model, or the
    preceding layers of a ``Sequential``; nested models work), then the layer's
    own weights and activations are run through :func:`dlhelpers.scratch.lstm_gates`
    or :func:`dlhelpers.scratch.gru_gates`. A Keras mask reaching the layer (from
    ``Masking`` or ``Embedding(mask_zero=True)``) is applied the way Keras applies
    it. ``go_backwards`` layers are run on the reversed input and their results
    flipped back, so index ``t`` always refers to input step ``t``; the two layers of
    a ``Bidirectional`` wrapper are found by their names (see :func:`gated_layers`).
    A model whose layers are not built yet is built by calling it on ``x``. The
    layer is assumed to start from zero states (no ``initial_state``, not ``stateful``).

    Args:
        model: a built Keras model containing the layer.
        x: inputs for ``model`` (for instance ``(N, T, features)``; a list or dict of
            arrays for a model with several inputs).
        layer: ``None`` (the first LSTM/GRU layer), a layer name, an index into
            ``model.layers``, or the layer object.

    Returns:
        dict of name -> ``(N, T, units)`` float64 array: for an LSTM ``"input"``,
        ``"forget"``, ``"candidate"``, ``"output"``, ``"cell"``, ``"hidden"``; for a
        GRU ``"update"``, ``"reset"``, ``"candidate"``, ``"hidden"``. ``"hidden"``
        equals the layer's output with ``return_sequences=True`` (zeros at masked
        steps when the layer has ``zero_output_for_mask``, as inside ``Bidirectional``).

    Raises:
        ValueError: ``layer`` missing or not an LSTM/GRU (the message lists the
        model's LSTM/GRU layers), ``x`` of the wrong rank for the model.
    """
    keras = _keras()
    if not isinstance(model, keras.Model):
        fail("model", "a Keras Model or Sequential", model)
    if isinstance(x, (list, tuple)):
        x = [check_array(part, f"x[{k}]", dtype=None) for k, part in enumerate(x)]
    elif isinstance(x, dict):
        x = {k: check_array(part, f"x[{k!r}]", dtype=None) for k, part in x.items()}
    else:
        x = check_array(x, "x", dtype=None)
        inputs = _model_inputs(model)
        if inputs and len(inputs) == 1 and len(inputs[0].shape) != x.ndim:
            want = tuple(inputs[0].shape)
            fail("x", f"a {len(want)}-D array like the model's input {want}", x)
    path = _find(model, layer, keras)
    if not path[-1].built:
        model(x)  # builds the weights, as predict would
    tensor, container = x, model
    for child in path:
        tensor = _input_of(container, child, tensor, keras)
        container = child
    target = path[-1]
    mask = getattr(tensor, "_keras_mask", None)
    seq = np.asarray(keras.ops.convert_to_numpy(tensor), dtype=np.float64)
    mask = None if mask is None else np.asarray(keras.ops.convert_to_numpy(mask), dtype=bool)
    if target.go_backwards:
        seq = seq[:, ::-1]
        mask = None if mask is None else mask[:, ::-1]
    cell = target.cell
    weights = [
        np.asarray(keras.ops.convert_to_numpy(w), dtype=np.float64)
        for w in (cell.kernel, cell.recurrent_kernel)
    ]
    bias = (
        np.asarray(keras.ops.convert_to_numpy(cell.bias), dtype=np.float64)
        if cell.use_bias
        else None
    )
    acts = {
        "activation": _activation_name(cell.activation, "activation", target.name),
        "recurrent_activation": _activation_name(
            cell.recurrent_activation, "recurrent_activation", target.name
        ),
    }
    if isinstance(target, keras.layers.LSTM):
        gates = lstm_gates(seq, *weights, bias, mask=mask, **acts)
    else:
        gates = gru_gates(seq, *weights, bias, reset_after=cell.reset_after, mask=mask, **acts)
    if mask is not None and getattr(target, "zero_output_for_mask", False):
        # Bidirectional sets this: masked steps output zeros (the state still carries over)
        gates["hidden"] = np.where(mask[..., None], gates["hidden"], 0.0)
    if target.go_backwards:
        gates = {name: value[:, ::-1] for name, value in gates.items()}
    return gates
