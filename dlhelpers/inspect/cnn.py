"""Feature maps and filters of convolutional Keras models (Chapters 3-4).

Layers are named and their outputs read as everywhere in :mod:`dlhelpers.inspect.core`.
"""

from __future__ import annotations

import numpy as np

from dlhelpers._validation import _describe, check_array, fail
from dlhelpers.inspect.core import Kind, Trace, graph_inputs, keras_module, resolve, walk

__all__ = ["feature_maps", "conv_filters", "layer_names", "conv_layer_names"]

_ANY = Kind(unknown="names of layers in the model ({listing}), received {received}")
_CONV = Kind(
    ("Conv2D",),
    unknown="the name of a Conv2D layer of the model ({listing}), received {received}",
    missing="model: expected a model with at least one Conv2D layer, received {model}",
)


def _check_model(model):
    """A built Sequential or functional model with one input."""
    keras = keras_module()
    if not isinstance(model, keras.Model):
        raise TypeError(f"model: expected a Keras Model, received {_describe(model)}.")
    inputs = graph_inputs(model)
    if not isinstance(model, keras.Sequential) and inputs is None:
        fail("model", "a Sequential or functional model (a subclassed model has no graph)", model)
    if not inputs:
        fail("model", "a built model (give it a keras.Input or call it on data first)", model)
    if len(inputs) != 1:
        fail("model", "a model with a single input", f"{len(inputs)} inputs")
    return inputs[0]


def layer_names(model) -> list[str]:
    """Names of every layer of ``model``, nested models' layers included, in order."""
    _check_model(model)
    return [entry.layer.name for entry in walk(model)]


def conv_layer_names(model) -> list[str]:
    """Names of every ``Conv2D`` layer of ``model``, searching nested models."""
    _check_model(model)
    return [entry.layer.name for entry in _CONV.find(model)]


def _check_input(spec, x) -> np.ndarray:
    shape = tuple(spec.shape)
    x = check_array(x, "x")
    want = "(" + ", ".join("batch" if d is None else str(d) for d in shape) + ")"
    if x.ndim != len(shape):
        hint = " (add a batch axis: x[None])" if x.ndim == len(shape) - 1 else ""
        fail("x", f"a {len(shape)}-D array of shape {want}{hint}", x)
    for got, need in zip(x.shape[1:], shape[1:], strict=True):
        if need is not None and got != need:
            fail("x", f"an array of shape {want}", x)
    return x.astype(str(spec.dtype or "float32"))


def feature_maps(model, x, layers=None) -> dict[str, np.ndarray]:
    """The outputs of chosen layers of a Keras model for a batch of inputs.

    Args:
        model: a built Keras model with one input: Sequential, functional, or a
            model with nested models inside (layers are found at any depth).
        x: inputs of the model's input shape with a batch axis, e.g. ``(N, H, W, C)``.
        layers: list of layers, each a name, an ``"outer/inner/name"`` path, a layer
            object or an index into ``model.layers``; ``None`` means every ``Conv2D`` layer.

    Returns:
        Dict ``{layer: array}`` in the order of ``layers`` (keyed by the names or paths as
        given, by path for objects and indices), each array of shape ``(N, ...)``, e.g.
        ``(N, H', W', filters)`` for a convolution. Layers run in inference mode
        (dropout and augmentation are off).

    Raises:
        TypeError: ``model`` is not a Keras model.
        ValueError: a subclassed or unbuilt model, ``x`` of the wrong rank or shape, a
            name that is not in the model (the message lists the valid names) or that two
            nested layers share, a layer the graph calls more than once or with several
            outputs, or a model without ``Conv2D`` layers when ``layers`` is ``None``.

    Example:
        >>> maps = feature_maps(model, images[:4])          # doctest: +SKIP
        >>> maps = feature_maps(model, images[:1], ["conv1", "relu1"])  # doctest: +SKIP
    """
    x = _check_input(_check_model(model), x)
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
    found = {}
    for ref in layers:
        entry = resolve(model, ref, _ANY, arg="layers")
        found[ref if isinstance(ref, str) else entry.path] = entry.layer
    trace = Trace(model, x, found.values())
    outputs = {key: trace.call_of(layer, arg="layers").out for key, layer in found.items()}
    for key, out in outputs.items():
        if isinstance(out, (list, tuple, dict)):
            fail("layers", "a layer with a single output", f"{key!r} with {len(out)} outputs")
    values = trace.values(outputs, x)
    return {key: np.asarray(values[key]) for key in found}


def conv_filters(model, layer=None) -> np.ndarray:
    """The kernel of a ``Conv2D`` layer, in Keras layout ``(kh, kw, C_in, filters)``.

    Args:
        model: a built Keras model (nested models are searched).
        layer: a ``Conv2D`` layer (name, path, object or index into ``model.layers``);
            ``None`` means the first one.

    Returns:
        The kernel as a NumPy array (the bias is ``model_layer.bias``).

    Raises:
        ValueError: ``layer`` is not a Conv2D layer of the model (the message lists the
            valid names), or the model has none.
    """
    _check_model(model)
    return np.asarray(resolve(model, layer, _CONV).layer.kernel)
