"""The attention weights of a Keras model, read from its own attention layer (Chapter 7)."""

from __future__ import annotations

import numpy as np

from dlhelpers.inspect.core import Kind, Trace, check_x, eager_layer, keras_module, resolve

__all__ = ["attention_weights"]

_ATTENTION = Kind(
    types=("Attention", "MultiHeadAttention"),
    unknown="the name, path, index or object of an attention layer of the model "
    "({listing}), received {received}",
    wrong="an attention layer ({listing}), received {type} layer {name!r}",
    missing="model: expected a model with an attention layer (keras.layers.Attention or "
    "MultiHeadAttention), received {model}",
)


def _with_scores(layer, *args, **kwargs):
    """Call the attention layer as the model does; export its weights, computed by a second,
    eager call on the same values (a second output of the traced call would not be
    reachable from the graph's inputs)."""
    keras = keras_module()
    out = layer(*args, **kwargs)
    flat = keras.tree.flatten((args, kwargs))
    symbolic = [t for t in flat if isinstance(t, keras.KerasTensor)]

    def scores(values, masks):
        values = iter(values)
        filled = [next(values) if isinstance(t, keras.KerasTensor) else t for t in flat]
        a, kw = keras.tree.pack_sequence_as((args, kwargs), filled)
        if isinstance(layer, keras.layers.Attention) and any(m is not None for m in masks[:2]):
            kw = {"mask": list(masks[:2]), **kw}  # [query mask, value mask], as Keras passed them
        return [layer(*a, **kw, return_attention_scores=True)[1]]

    return out, eager_layer()(scores)(symbolic)[0]


def attention_weights(model, x, layer=None) -> np.ndarray:
    """The weights an attention layer of ``model`` computes for the batch ``x``.

    The model's graph is traced with that layer also returning its scores, so they are
    exactly the weights behind the model's prediction (masks included).

    Args:
        model: a Keras model with an attention layer, e.g. an encoder-decoder with
            attention: ``x = [encoder_input, decoder_input]``.
        x: the batch, as the model takes it.
        layer: which attention layer (a name, path, index into ``model.layers`` or the
            layer; default: the first one).

    Returns:
        ``(N, Tq, Tv)`` weights (``(N, heads, Tq, Tv)`` for ``MultiHeadAttention``); row t
        says where query step t looked.

    Raises:
        ValueError: a model without an attention layer, or a bad ``layer`` or ``x``.
    """
    x = check_x(model, x, lambda want: f"a {len(want)}-D array like the model's input {want}")
    chosen = resolve(model, layer, _ATTENTION).layer
    trace = Trace(model, x, [chosen], replace={id(chosen): _with_scores})
    return np.asarray(trace.values(trace.call_of(chosen).extra, x))
