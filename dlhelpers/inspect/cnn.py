"""Feature maps and filters of convolutional Keras models (Chapter 4).

:func:`feature_maps` works on Sequential and functional models alike, and on
models nested inside others (a Sequential block inside a functional model): a
layer is addressed by its own name wherever it sits.
"""

from __future__ import annotations

import numpy as np

from dlhelpers._tf import import_tensorflow
from dlhelpers._validation import _describe, check_array, fail

__all__ = ["feature_maps", "conv_filters", "layer_names", "conv_layer_names"]


def _keras():
    import_tensorflow()
    import keras

    return keras


def _check_model(model):
    keras = _keras()
    if not isinstance(model, keras.Model):
        raise TypeError(f"model: expected a Keras Model, received {_describe(model)}.")
    if not _has_graph(model):
        fail(
            "model",
            "a Sequential or functional model (a subclassed model has no graph of layers to tap)",
            model,
        )
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        inputs = None
    if not inputs:
        fail("model", "a built model (give it a keras.Input or call it on data first)", model)
    if len(inputs) != 1:
        fail("model", "a model with a single input", f"{len(inputs)} inputs")
    return model


def _has_graph(model) -> bool:
    """Sequential and functional models have a graph of layers; subclassed ones do not."""
    keras = _keras()
    return (
        isinstance(model, keras.Sequential) or getattr(model, "_nodes_by_depth", None) is not None
    )


def _walk(model, path=()):
    """Yield ``(layer, path)`` for every layer, entering nested Sequential/functional models."""
    keras = _keras()
    for layer in model.layers:
        yield layer, path
        if isinstance(layer, keras.Model) and _has_graph(layer):
            yield from _walk(layer, (*path, layer))


def layer_names(model) -> list[str]:
    """Names of every layer of ``model``, nested models' layers included, in order."""
    _check_model(model)
    return [layer.name for layer, _ in _walk(model)]


def conv_layer_names(model) -> list[str]:
    """Names of every ``Conv2D`` layer of ``model``, searching nested models."""
    keras = _keras()
    _check_model(model)
    return [layer.name for layer, _ in _walk(model) if isinstance(layer, keras.layers.Conv2D)]


def _find(model, names):
    """Map each requested name to ``(layer, path)``; reject unknown or ambiguous names."""
    found: dict[str, list] = {}
    for layer, path in _walk(model):
        found.setdefault(layer.name, []).append((layer, path))
    valid = ", ".join(found)
    out = {}
    for name in names:
        if not isinstance(name, str) or name not in found:
            fail("layers", f"names of layers in the model ({valid})", name)
        if len(found[name]) > 1:
            fail("layers", "a layer name used once in the model (rename the duplicates)", name)
        out[name] = found[name][0]
    return out


def _node_in(model, layer):
    """The node where ``layer`` is called inside ``model``'s own graph."""
    # Keras keeps the graph's nodes by depth; a layer called in several graphs
    # (or a Sequential rebuilt several times) has one node per call.
    by_depth = getattr(model, "_nodes_by_depth", None)
    nodes = None if by_depth is None else {id(n) for ns in by_depth.values() for n in ns}
    found = [n for n in layer._inbound_nodes if nodes is None or id(n) in nodes]
    if len(found) > 1:
        fail(
            "layers",
            f"a layer called once in the graph of {model.name!r} (its output is ambiguous)",
            f"{layer.name!r}, called {len(found)} times",
        )
    if found:
        return found[0]
    raise ValueError(
        f"layers: could not locate layer {layer.name!r} in the graph of {model.name!r}."
    )


def _collect(model, x, wanted: dict, out: dict) -> None:
    """Store in ``out`` the outputs of the wanted layers of ``model`` for input value ``x``.

    ``wanted`` maps names to ``(layer, path)`` where ``path`` lists the nested
    models between ``model`` and the layer. A nested model is entered with the
    value of its own input, computed in the outer graph.
    """
    keras = _keras()
    direct = [name for name, (_, path) in wanted.items() if not path]
    by_child: dict = {}
    for name, (layer, path) in wanted.items():
        if path:
            by_child.setdefault(id(path[0]), (path[0], {}))[1][name] = (layer, path[1:])
    if isinstance(model, keras.Sequential):
        # A Sequential model is a chain: run it layer by layer, in inference mode.
        targets = {wanted[n][0].name for n in direct} | {c.name for c, _ in by_child.values()}
        value = x
        for layer in model.layers:
            if not targets:
                break
            if layer.name in {c.name for c, _ in by_child.values()}:
                child, sub = next(v for v in by_child.values() if v[0] is layer)
                _collect(child, value, sub, out)
            value = layer(value, training=False)
            if layer.name in direct:
                out[layer.name] = np.asarray(value)
            targets.discard(layer.name)
        return
    tensors = []
    for n in direct:
        outputs = _node_in(model, wanted[n][0]).output_tensors
        if len(outputs) != 1:
            fail("layers", "a layer with a single output", f"{n!r} with {len(outputs)} outputs")
        tensors.append(outputs[0])
    children = list(by_child.values())
    for child, _ in children:
        tensors.append(_node_in(model, child).input_tensors[0])
    probe = keras.Model(model.inputs[0], tensors)
    values = probe(x, training=False)
    values = values if isinstance(values, (list, tuple)) else [values]
    for name, value in zip(direct, values[: len(direct)], strict=True):
        out[name] = np.asarray(value)
    for (child, sub), value in zip(children, values[len(direct) :], strict=True):
        _collect(child, value, sub, out)


def _check_input(model, x) -> np.ndarray:
    shape = tuple(model.inputs[0].shape)
    x = check_array(x, "x")
    want = "(" + ", ".join("batch" if d is None else str(d) for d in shape) + ")"
    if x.ndim != len(shape):
        hint = " (add a batch axis: x[None])" if x.ndim == len(shape) - 1 else ""
        fail("x", f"a {len(shape)}-D array of shape {want}{hint}", x)
    for got, need in zip(x.shape[1:], shape[1:], strict=True):
        if need is not None and got != need:
            fail("x", f"an array of shape {want}", x)
    return x.astype(str(getattr(model.inputs[0], "dtype", None) or "float32"))


def feature_maps(model, x, layers=None) -> dict[str, np.ndarray]:
    """The outputs of chosen layers of a Keras model for a batch of inputs.

    Args:
        model: a built Keras model with one input: Sequential, functional, or a
            model with nested models inside (layers are found by name at any depth).
        x: inputs of the model's input shape with a batch axis, e.g. ``(N, H, W, C)``.
        layers: list of layer names; ``None`` means every ``Conv2D`` layer.

    Returns:
        Dict ``{layer name: array}`` in the order of ``layers``, each array of
        shape ``(N, ...)``, e.g. ``(N, H', W', filters)`` for a convolution.
        Layers run in inference mode (dropout and augmentation are off).

    Raises:
        TypeError: ``model`` is not a Keras model.
        ValueError: unbuilt model, ``x`` of the wrong rank or shape, a name that
            is not in the model (the message lists the valid names), or a model
            without ``Conv2D`` layers when ``layers`` is ``None``.

    Example:
        >>> maps = feature_maps(model, images[:4])          # every Conv2D layer
        >>> maps = feature_maps(model, images[:1], ["conv1", "relu1"])
    """
    _check_model(model)
    x = _check_input(model, x)
    if layers is None:
        layers = conv_layer_names(model)
        if not layers:
            fail("model", "a model with at least one Conv2D layer (or pass layers=)", model.name)
    elif isinstance(layers, str):
        fail("layers", "a list of layer names, e.g. [" + repr(layers) + "]", layers)
    else:
        layers = list(layers)
        if not layers:
            fail("layers", "at least one layer name", layers)
    wanted = _find(model, layers)
    out: dict = {}
    _collect(model, x, wanted, out)
    return {name: out[name] for name in layers}


def conv_filters(model, layer: str | None = None) -> np.ndarray:
    """The kernel of a ``Conv2D`` layer, in Keras layout ``(kh, kw, C_in, filters)``.

    Args:
        model: a built Keras model (nested models are searched).
        layer: name of a ``Conv2D`` layer; ``None`` means the first one.

    Returns:
        The kernel as a NumPy array (the bias is ``model_layer.bias``).

    Raises:
        ValueError: ``layer`` is not the name of a Conv2D layer of the model
            (the message lists the valid names).
    """
    names = conv_layer_names(model)
    if not names:
        fail("model", "a model with at least one Conv2D layer", model.name)
    if layer is None:
        layer = names[0]
    if layer not in names:
        fail("layer", f"the name of a Conv2D layer of the model ({', '.join(names)})", layer)
    found = _find(model, [layer])[layer][0]
    return np.asarray(found.kernel)
