"""The inspection core: find a layer in a Keras model, and capture what flows through it.

Every function of :mod:`dlhelpers.inspect` stands on these two halves, on public Keras
APIs only (no private attribute, no replaced ``call``).

**Naming a layer** (:func:`resolve`). A ``layer`` argument is a name, ``"conv1"``, found at
any depth (an error if two layers share it); a path, ``"outer/inner/name"``, the names of the
nested models around the layer, then its own (a ``Bidirectional`` wrapper's two layers:
``"wrapper/forward_lstm"``, ...); the layer object; or an integer ``i``: ``model.layers[i]``,
as ``model.get_layer(index=i)``. **One alias** survives from Chapter 5: for ``hidden_states``
and ``step_gradient_norms``, ``i`` counts recurrent layers only (the ``i``-th entry of
``recurrent_layers(model)``, at any depth).

**Capturing values** (:class:`Trace`). The graph is rebuilt on fresh ``keras.Input`` tensors
shaped like the batch (``model.call`` on them, then ``keras.models.clone_model`` with the same
layers and a ``call_function``), which hands each call of a watched layer, with its real
arguments (inputs, ``mask``, ``initial_state``), to the caller, who may replace what it returns.
Values are read with ``keras.Model(inputs, tensors)(x, training=False)`` (inference mode). A
subclassed model is traced the same way, which works when its ``call`` is made of Keras layers
and ``keras.ops``; if not, a ``ValueError`` says what to do. TensorFlow is imported lazily.
"""

from __future__ import annotations

import contextlib
import functools
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from dlhelpers._tf import import_tensorflow
from dlhelpers._validation import _describe, check_array, fail

__all__ = ["Kind", "Trace", "check_x", "eager_layer", "resolve", "walk"]


def keras_module():
    """Keras, imported quietly (with TensorFlow) on first use."""
    import_tensorflow()
    import keras

    return keras


class Entry(NamedTuple):
    """A layer found by :func:`walk`; ``host`` receives its input (itself, or its wrapper)."""

    path: str
    layer: object
    host: object


def walk(model, prefix: str = ""):
    """Yield an :class:`Entry` per layer of ``model``, depth first in ``model.layers`` order,
    entering nested models and ``Bidirectional`` wrappers."""
    keras = keras_module()
    for layer in model.layers:
        path = prefix + layer.name
        yield Entry(path, layer, layer)
        if isinstance(layer, keras.layers.Bidirectional):
            for sub in (layer.forward_layer, layer.backward_layer):
                yield Entry(f"{path}/{sub.name}", sub, layer)
        elif isinstance(layer, keras.Model):
            yield from walk(layer, path + "/")


@dataclass(frozen=True)
class Kind:
    """The layers a function inspects, what ``None`` and an integer mean to it, its errors:
    texts completing ``"<arg>: expected ..."`` (``missing``: a whole message), formatted with
    ``listing`` (accepted layers), ``names`` (all layers), ``n``/``last`` (how many layers an
    integer indexes, the last index), ``name``/``type`` (the layer found), ``received``, ``model``.
    """

    types: tuple = ()  # names of keras.layers classes it accepts; () accepts every layer
    unknown: str = ""  # no such layer
    wrong: str | None = None  # a layer it cannot inspect (default: ``unknown``)
    foreign: str | None = None  # a layer object not in the model (default: ``unknown``)
    missing: str = "model: expected a model with a layer to inspect, received {model}"
    only: bool = False  # None means the first accepted layer, or (only=True) the only one
    inner: bool = True  # whether the two layers inside a Bidirectional wrapper count
    listing: Callable[[list], str] = lambda found: ", ".join(e.layer.name for e in found)
    index: str = "layers"  # "layers": model.layers[i]; "kind": the i-th accepted layer
    index_error: str = "an index into model.layers (0..{last}), received {received}"

    def accepts(self, entry: Entry) -> bool:
        types = tuple(getattr(keras_module().layers, t) for t in self.types) or object
        return isinstance(entry.layer, types) and (self.inner or entry.host is entry.layer)

    def find(self, model) -> list[Entry]:
        """The accepted layers of ``model``, in :func:`walk` order."""
        return [entry for entry in walk(model) if self.accepts(entry)]


def resolve(model, ref, kind: Kind, arg: str = "layer") -> Entry:
    """The :class:`Entry` of the layer ``ref`` names (see the module docstring).

    Args:
        model: a Keras model.
        ref: ``None`` (see ``Kind.only``), a name, a path, a layer object or an integer.
        kind: what the calling function inspects.
        arg: the argument's name in error messages.

    Returns:
        The entry of a layer that ``kind`` accepts.

    Raises:
        ValueError: no such layer (the candidates are listed), a name two layers share
            (their paths are listed), an index out of range, a layer of another kind.
    """
    entries, accepted = list(walk(model)), kind.find(model)
    pool = accepted if kind.index == "kind" else [e for e in entries if "/" not in e.path]
    fmt = dict(listing=kind.listing(accepted), n=len(pool), last=len(pool) - 1)
    fmt.update(names=", ".join(e.layer.name for e in entries), received=_describe(ref))
    fmt["model"] = _describe(model)

    def error(text, layer=None):
        text = text.format(**fmt, name=getattr(layer, "name", None), type=type(layer).__name__)
        raise ValueError(f"{arg}: expected {text}.")

    if ref is None:
        if len(accepted) == 1 or (accepted and not kind.only):
            return accepted[0]
        raise ValueError(kind.missing.format(**fmt) + ".")
    if isinstance(ref, (int, np.integer)) and not isinstance(ref, bool):
        if not -len(pool) <= ref < len(pool):
            error(kind.index_error)
        hits = [pool[ref]]
    elif isinstance(ref, str):
        hits = [e for e in entries if ref in (e.path, e.layer.name)]
        if len({id(e.layer) for e in hits}) > 1:
            raise ValueError(
                f"{arg}: expected a layer name used once in the model (rename the duplicates, "
                f"or give a path: {', '.join(repr(e.path) for e in hits)}), received {ref!r}."
            )
        if not hits:
            error(kind.unknown)
    else:
        hits = [e for e in entries if e.layer is ref]
        if not hits:
            error(kind.foreign or kind.unknown)
    if not kind.accepts(hits[0]):
        error(kind.wrong or kind.unknown, hits[0].layer)
    return hits[0]


def graph_inputs(model):
    """``model.inputs``, or ``None`` for a subclassed or never-built model."""
    try:
        return model.inputs or None
    except (AttributeError, ValueError):
        return None


def check_x(model, x, rank_text):
    """``x`` as ``model`` takes it: a dict, or a list for a model with several inputs, part by
    part; otherwise one array, whose rank must match a one-input model's
    (``rank_text(input_shape)`` words what was expected). Every part must be finite."""
    inputs = graph_inputs(model)
    if isinstance(x, dict):
        return {k: check_array(part, f"x[{k!r}]", dtype=None) for k, part in x.items()}
    if isinstance(x, (list, tuple)) and (
        len(inputs) > 1 if inputs else all(hasattr(part, "shape") for part in x)
    ):
        return [check_array(part, f"x[{k}]", dtype=None) for k, part in enumerate(x)]
    x = check_array(x, "x", dtype=None)
    if inputs and len(inputs) == 1 and len(inputs[0].shape) != x.ndim:
        fail("x", rank_text(tuple(inputs[0].shape)), x)
    return x


def _call_traced(model, inputs):
    """``model.call`` on symbolic tensors: the model's layers are called on them, so its
    graph is drawn on ``inputs`` (nested models stay single nodes)."""
    try:
        return model.call(inputs)
    except Exception as error:  # whatever a user's call() raises on symbolic tensors
        raise ValueError(
            f"model: expected a model whose call() runs on keras.Input tensors (Keras layers and "
            f"keras.ops only), received {type(model).__name__} {model.name!r}, whose call raised "
            f"{type(error).__name__}: {error}. Build it as keras.Model(inputs, outputs) instead."
        ) from error


def _fresh_inputs(keras, like):
    """``keras.Input`` tensors with the shapes (batch included) and dtypes of ``like``'s leaves."""

    def fresh(t):
        t = t if isinstance(t, keras.KerasTensor) else np.asarray(t)
        return keras.Input(batch_shape=t.shape, dtype=str(t.dtype))

    return keras.tree.map_structure(fresh, like)


@contextlib.contextmanager
def _quiet_masks():
    """Silence Keras' warning that a nested model drops its outputs' mask (said at build)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", ".*does not support masking", UserWarning)
        yield


@functools.cache
def eager_layer():
    """A layer class: ``Eager(fn)(tensors)`` runs ``fn(tensors, masks)`` (a list of tensors and
    the Keras masks they carry, to a list of tensors) eagerly when the graph runs, so a
    ``GradientTape`` sees each of its steps; its output spec comes from ``fn`` run on zeros."""
    keras = keras_module()

    class Eager(keras.layers.Layer):
        def __init__(self, fn):
            super().__init__(autocast=False)  # the tensors keep their dtypes
            self.fn = fn

        def call(self, inputs, mask=None):
            return self.fn(inputs, mask or [None] * len(inputs))

        def compute_output_spec(self, inputs, mask=None):
            zeros = [keras.ops.zeros(t.shape, t.dtype) for t in inputs]
            return [
                keras.KerasTensor(t.shape, t.dtype) for t in self.fn(zeros, [None] * len(zeros))
            ]

        def compute_mask(self, inputs, mask=None):
            return None

    return Eager


def _mask_or_ones(inputs, masks):
    """``[the mask on inputs[0]]``, ``(N, T)``, all True without one (for :func:`eager_layer`)."""
    ops = keras_module().ops
    return [ops.ones(ops.shape(inputs[0])[:2], dtype="bool") if masks[0] is None else masks[0]]


class Call(NamedTuple):
    """One call of a watched layer, symbolic: arguments, outputs, the mask on its first
    argument (``None`` for a list of inputs), what a replacement exported (``extra``)."""

    args: tuple
    kwargs: dict
    out: object
    mask: object
    extra: object


class Trace:
    """A model's graph rebuilt on fresh inputs, with the calls of chosen layers recorded.

    A nested model that holds a watched layer is rebuilt the same way and called as a layer
    (so Keras hands it its mask), what was recorded inside as extra outputs: every record is
    a tensor of the one outer graph. Other nested models are called unchanged.

    Args:
        model: a Keras model (Sequential, functional, nested, or subclassed if ``call`` traces).
        x: the batch (an array, a list or dict of arrays); its shapes size the fresh inputs.
        hosts: the layers whose calls to record.
        replace: ``{id(layer): fn(layer, *args, **kwargs) -> (outputs, extra)}``, run instead
            of those layers on their symbolic arguments; the graph goes on with ``outputs``.

    Attributes:
        inputs: the fresh ``keras.Input`` tensors, in the structure of ``x``.
        outputs: the list of the rebuilt graph's outputs (the model's outputs).
        records: ``[(id(layer), Call), ...]``, one per call of a watched layer, in call order.

    Raises:
        ValueError: a subclassed model whose ``call`` cannot be traced.
    """

    def __init__(self, model, x, hosts=(), replace=None):
        keras = self.keras = keras_module()
        self.replace, self.watched, self.records = replace or {}, {id(h) for h in hosts}, []
        self.inputs = _fresh_inputs(keras, x)
        nested = [e.layer for e in walk(model) if isinstance(e.layer, keras.Model)]
        self.holders = {id(m) for m in nested if any(id(e.host) in self.watched for e in walk(m))}
        with _quiet_masks():
            self.outputs = self._rebuild(model, self.inputs)

    def _rebuild(self, model, inputs):
        """``model``'s outputs on ``inputs``, its layers called through :meth:`_call`."""
        graph = self.keras.Model(inputs, _call_traced(model, inputs))
        return self.keras.models.clone_model(graph, inputs, lambda lay: lay, self._call).outputs

    def _call(self, layer, *args, **kwargs):
        keras, extra = self.keras, None
        if id(layer) in self.holders:
            out = self._nested(layer, args, kwargs)
        elif id(layer) in self.replace:
            out, extra = self.replace[id(layer)](layer, *args, **kwargs)
        else:
            out = layer(*args, **kwargs)
        if id(layer) in self.watched:
            mask = kwargs.get("mask")
            if mask is None and args and isinstance(args[0], keras.KerasTensor):
                mask = eager_layer()(_mask_or_ones)([args[0]])[0]
            self.records.append((id(layer), Call(args, kwargs, out, mask, extra)))
        return out

    def _nested(self, layer, args, kwargs):
        """Rebuild nested ``layer`` on its own inputs; call it, records as extra outputs."""
        keras = self.keras
        inputs = _fresh_inputs(keras, args[0])
        start = len(self.records)
        outputs = self._rebuild(layer, inputs)
        leaves = keras.tree.flatten([call for _, call in self.records[start:]])
        exported = list({id(t): t for t in leaves if isinstance(t, keras.KerasTensor)}.values())
        got = keras.Model(inputs, [*outputs, *exported])(args[0], **kwargs)
        got = got if isinstance(got, list) else [got]
        lifted = dict(zip(map(id, exported), got[len(outputs) :], strict=True))
        self.records[start:] = [
            (key, keras.tree.map_structure(lambda t: lifted.get(id(t), t), call))
            for key, call in self.records[start:]
        ]
        return got[: len(outputs)]

    def call_of(self, layer, arg: str = "layer") -> Call:
        """The one :class:`Call` of ``layer``; a ``ValueError`` if the graph never calls it,
        or calls it several times (a shared layer, whose output would be ambiguous)."""
        calls = [call for key, call in self.records if key == id(layer)]
        if len(calls) != 1:
            raise ValueError(
                f"{arg}: expected a layer called once by the model's forward pass (a shared layer"
                f"'s output is ambiguous), received {layer.name!r}, called {len(calls)} times."
            )
        return calls[0]

    def values(self, tensors, x):
        """Evaluate a structure of the graph's tensors for ``x``; other leaves (a constant
        ``initial_state``, ``None``) pass through. Returns backend tensors."""
        keras = self.keras
        leaves = keras.tree.flatten(tensors)
        symbolic = [t for t in leaves if isinstance(t, keras.KerasTensor)]
        with _quiet_masks():
            got = keras.Model(self.inputs, symbolic)(x, training=False) if symbolic else []
        got = iter([got] if len(symbolic) == 1 else got)
        filled = [next(got) if isinstance(t, keras.KerasTensor) else t for t in leaves]
        return keras.tree.pack_sequence_as(tensors, filled)
