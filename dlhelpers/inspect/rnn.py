"""Hidden states and per-step gradients of recurrent Keras models (Chapter 5).

:func:`hidden_states` runs a copy of the layer with ``return_sequences=True`` and the same
weights on what reaches it in the model (:mod:`dlhelpers.inspect.core`);
:func:`step_gradient_norms` puts its cell, unrolled step by step, in the layer's place and
differentiates through it. An integer ``layer`` counts recurrent layers.
"""

from __future__ import annotations

import numpy as np

from dlhelpers._tf import import_tensorflow
from dlhelpers._validation import check_choice, fail
from dlhelpers._validation import reject as _reject
from dlhelpers.inspect.core import Kind, Trace, check_x, eager_layer, keras_module, resolve

__all__ = ["hidden_states", "recurrent_layers", "step_gradient_norms"]


_RECURRENT = Kind(
    ("RNN", "Bidirectional"),
    unknown="the name of a layer in the model ({listing}), received {received}",
    wrong="a recurrent layer ({listing}), received {type} layer {name!r}",
    foreign="a layer of this model ({listing}), received {received}",
    missing="layer: expected a layer name when the model does not hold exactly one recurrent "
    "layer ({listing}), received None",
    only=True,
    inner=False,
    listing=lambda found: (
        "recurrent layers in this model: "
        + ", ".join(f"{e.path!r} ({type(e.layer).__name__})" for e in found)
        if found
        else "this model has no recurrent layer"
    ),
    index="kind",  # the Chapter 5 alias: the i-th entry of recurrent_layers(model)
    index_error="an index into the {n} recurrent layer(s) ({listing}), received {received}",
)


def recurrent_layers(model) -> dict:
    """The recurrent layers of ``model`` by path (``"outer/inner/name"``): ``keras.layers.RNN``,
    its subclasses (``SimpleRNN``, ``LSTM``, ``GRU``), ``Bidirectional`` (not its two layers)."""
    if not hasattr(model, "layers"):
        fail("model", "a Keras model", model)
    return {e.path: e.layer for e in _RECURRENT.find(model)}


def _rank_text(want) -> str:
    shape = "(N, T, features)" if len(want) == 3 else f"rank {len(want)}"
    return f"a {len(want)}-D array {shape} as the model's input is {want}"


def _full_sequence(rnn, sequences, initial_state, mask):
    """Hidden states of ``rnn`` for every step: a copy returning sequences, same weights."""
    config = rnn.get_config()
    config.update(return_sequences=True, return_state=False, stateful=False)
    twin = type(rnn).from_config(config)
    twin.build(tuple(sequences.shape))
    twin.set_weights(rnn.get_weights())
    return np.asarray(twin(sequences, initial_state=initial_state, mask=mask, training=False))


def hidden_states(model, x, layer=None) -> np.ndarray:
    """Every time step's hidden state of a recurrent layer inside a Keras model.

    Works whether or not the layer was built with ``return_sequences=True``: the input
    reaching the layer is read from the model's graph, then a copy of the layer with
    ``return_sequences=True`` and the same weights is run on it (same initial state and
    mask as in the model; a ``stateful`` layer's current state, which is left untouched).

    ``model`` is a built Keras model (Sequential, functional, nested or subclassed), ``x`` its
    input for N examples (``(N, T, features)``, token ids ``(N, T)``...). ``layer`` is ``None``
    when the model holds one recurrent layer, else its name (or ``"outer/inner/name"`` path),
    its index among the recurrent layers (the order of :func:`recurrent_layers`), or the layer.

    Returns ``(N, T, units)`` floats in the order the layer processes the steps (reversed for
    ``go_backwards=True``); for ``Bidirectional``, ``(N, T, 2 * units)``: forward then
    backward states, both in input order. Raises ``ValueError`` for a ``layer`` that is not
    recurrent, not in the model, ambiguous or called more than once, an ``x`` of the wrong rank,
    a subclassed model that cannot be traced.

    Example:
        >>> states = hidden_states(model, x_test[:4])   # doctest: +SKIP
        >>> states.shape                                  # doctest: +SKIP
        (4, 20, 16)
    """
    keras = keras_module()
    chosen = resolve(model, layer, _RECURRENT).layer
    x = check_x(model, x, _rank_text)
    trace = Trace(model, x, [chosen])
    call = trace.call_of(chosen)
    initial = call.kwargs.get("initial_state", call.args[1] if len(call.args) > 1 else None)
    sequences, initial, mask = trace.values((call.args[0], initial, call.mask), x)
    mask = None if bool(np.all(mask)) else mask
    if isinstance(chosen, keras.layers.Bidirectional):
        half = None if initial is None else len(initial) // 2  # forward states, then backward
        parts = [None, None] if half is None else [initial[:half], initial[half:]]
        subs = (chosen.forward_layer, chosen.backward_layer)
        forward, backward = map(lambda sub, p: _full_sequence(sub, sequences, p, mask), subs, parts)
        return np.concatenate([forward, backward[:, ::-1]], axis=-1)
    if chosen.stateful and initial is None:
        initial = [v.value for v in chosen.states]
    return _full_sequence(chosen, sequences, initial, mask)


def _unrolled(layer, sequences, initial_state=None, mask=None, training=None):
    """A stand-in for a recurrent layer's call: its cell run one step at a time, eagerly (a
    tape sees every step). Returns the layer's outputs and ``[x_1, ..., x_T, h_1, ..., h_T]``."""
    keras = keras_module()
    steps = range(sequences.shape[1])

    def run(inputs, masks):
        seq, states = inputs[0], inputs[1:]
        states = states or keras.tree.flatten(layer.cell.get_initial_state(batch_size=len(seq)))
        xs, hs = {}, {}
        for t in reversed(steps) if layer.go_backwards else steps:
            xs[t] = seq[:, t]
            hs[t], new_states = layer.cell(xs[t], states, training=False)
            states = [hs[t], *keras.tree.flatten(new_states)[1:]]  # h_t carries on to step t + 1
        hidden = list(hs.values())  # processing order, as Keras returns them
        result = keras.ops.stack(hidden, axis=1) if layer.return_sequences else hidden[-1]
        result = [result, *states] if layer.return_state else [result]
        return [*result, *(xs[t] for t in steps), *(hs[t] for t in steps)]

    given = [] if initial_state is None else keras.tree.flatten(initial_state)
    outs = eager_layer()(run)([sequences, *given])
    n = len(outs) - 2 * len(steps)  # the layer's outputs, then x_1..x_T, then h_1..h_T
    return (outs[:n] if layer.return_state else outs[0]), outs[n:]


def step_gradient_norms(
    model, x, y=None, *, layer=None, loss="mse", wrt: str = "hidden", per_example: bool = False
) -> np.ndarray:
    """How strongly the loss depends on each time step: ``||dL/dh_t||`` (or ``||dL/dx_t||``).

    The layer's cell, unrolled step by step, takes the layer's place in the model's graph
    and runs inside a ``GradientTape`` (the model's output is checked to equal the ordinary
    forward pass), so the gradient with respect to ``h_t`` counts every path from ``h_t``
    to the loss, through all later steps. This is backpropagation through time, measured.

    Args:
        model, x, layer: as in :func:`hidden_states` (a ``SimpleRNN``, ``LSTM``, ``GRU`` or
            ``RNN`` layer).
        y: targets; with ``None`` the "loss" is the sum of the model's outputs.
        loss: a Keras loss name or a callable ``loss(y_true, y_pred)``, used with ``y``; the
            mean over the batch is differentiated.
        wrt: ``"hidden"`` for the hidden states ``h_t``, ``"input"`` for the inputs ``x_t``
            that reach the layer.
        per_example: one norm per example and step ``(N, T)`` instead of ``(T,)``.

    Returns:
        ``(T,)`` (or ``(N, T)``) non-negative floats, indexed by input time step.

    Raises:
        ValueError: a bad ``layer``, ``wrt`` or ``x``; a ``Bidirectional`` layer or one with
            stacked cells; masked steps reaching the layer.
        RuntimeError: the unrolled pass did not reproduce the model's output.
    """
    keras = keras_module()
    tf = import_tensorflow()
    wrt = check_choice(wrt, "wrt", ("hidden", "input"))
    chosen = resolve(model, layer, _RECURRENT).layer
    what = f"{type(chosen).__name__} layer {chosen.name!r}"
    if isinstance(chosen, keras.layers.Bidirectional):
        _reject("layer", "a one-directional recurrent layer (one unrolled cell)", what)
    if isinstance(getattr(chosen, "cell", None), keras.layers.StackedRNNCells):
        single = "a recurrent layer with a single cell (stack layers, not RNN([cell, cell]))"
        _reject("layer", single, f"{what} with stacked cells")
    x = check_x(model, x, _rank_text)
    loss_fn = keras.losses.get(loss) if isinstance(loss, str) else loss
    if y is not None and not callable(loss_fn):
        fail("loss", "a Keras loss name or a callable", loss)
    reference = model(x, training=False)
    trace = Trace(model, x, [chosen], replace={id(chosen): _unrolled})
    call = trace.call_of(chosen)
    wanted = (trace.outputs, call.mask, call.extra)
    with tf.GradientTape() as tape:
        inputs = tf.nest.map_structure(tf.convert_to_tensor, x)
        tape.watch(inputs)
        outputs, mask, steps = trace.values(wanted, inputs)
        pred = outputs[0] if len(outputs) == 1 else outputs
        value = tf.reduce_sum(pred) if y is None else tf.reduce_mean(loss_fn(y, pred))
    if not np.all(mask):
        _reject("model", "no masking in front of the inspected layer", "masked time steps")
    for got, want in zip(tf.nest.flatten(pred), tf.nest.flatten(reference), strict=True):
        if not np.allclose(np.asarray(got), np.asarray(want), rtol=1e-4, atol=1e-5):
            raise RuntimeError(
                f"unrolling {chosen.name!r} step by step did not reproduce the "
                "model's output; step_gradient_norms cannot trust its gradients."
            )
    half = len(steps) // 2
    targets = steps[:half] if wrt == "input" else steps[half:]
    grads = tape.gradient(value, targets, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    norms = np.stack([np.linalg.norm(np.asarray(g, np.float64), axis=-1) for g in grads], 1)
    return norms if per_example else np.sqrt(np.sum(norms**2, axis=0))
