"""What data and compute cost (Chapter 12): multiply-adds read off a Keras model's layer
shapes, time per batch on this CPU, and learning curves over training-set sizes and seeds.

Multiply-adds follow the conventions of :mod:`dlhelpers.scratch.cost` (weights times
output positions; batch normalisation one per value; pooling, activations and other
weight-free layers 0), derived here from what Keras reports: ``layer.input.shape``,
``layer.output.shape`` and ``layer.get_config()``. TensorFlow is imported lazily.
"""

from __future__ import annotations

import math
import time
from typing import NamedTuple

import numpy as np

from dlhelpers._tf import import_tensorflow
from dlhelpers._validation import check_array, check_same_length, check_scalar, fail

__all__ = ["layer_macs", "model_macs", "time_per_batch", "LearningCurve", "learning_curve"]

_CONV = ("Conv1D", "Conv2D", "Conv3D")
_DEPTHWISE = ("DepthwiseConv1D", "DepthwiseConv2D")
_SEPARABLE = ("SeparableConv1D", "SeparableConv2D")
_TRANSPOSE = ("Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose")
_PER_VALUE = ("BatchNormalization", "Normalization")  # x * scale + shift at inference


def _shapes(layer):
    """Per-example input and output shapes (batch axis dropped), channels last."""
    shape_in, shape_out = tuple(layer.input.shape[1:]), tuple(layer.output.shape[1:])
    if layer.get_config().get("data_format") == "channels_first":
        shape_in, shape_out = (*shape_in[1:], shape_in[0]), (*shape_out[1:], shape_out[0])
    return shape_in, shape_out


def layer_macs(layer) -> int:
    """Multiply-adds of one Keras layer for one example, from its shapes and config.

    Supported: ``Dense``, ``Conv1D/2D/3D`` (with ``groups``), ``DepthwiseConv1D/2D``,
    ``SeparableConv1D/2D``, ``Conv1D/2D/3DTranspose``, ``BatchNormalization`` and
    ``Normalization`` (one per value), and every layer without weights (0: pooling,
    activations, reshaping, dropout, padding, merging). A nested model counts as the
    sum of its layers.

    Raises:
        ValueError: a layer with weights of another type (an LSTM, attention...), or a
            layer that was never built (its shapes are unknown).
    """
    name = type(layer).__name__
    if hasattr(layer, "layers"):  # a nested model
        return sum(layer_macs(inner) for inner in layer.layers)
    if not layer.built:
        fail("layer", "a layer of a built model (called on an input)", f"{name} {layer.name!r}")
    if name in _PER_VALUE:  # also a Normalization given its mean and variance (no weights)
        return math.prod(layer.output.shape[1:])
    if not layer.weights:
        return 0
    shape_in, shape_out = _shapes(layer)
    config = layer.get_config()
    kernel_taps = math.prod(config.get("kernel_size", (1,)))
    positions = math.prod(shape_out[:-1])  # output positions, each with shape_out[-1] values
    if name == "Dense":
        return math.prod(shape_out) * shape_in[-1]
    if name in _CONV:
        return math.prod(shape_out) * kernel_taps * shape_in[-1] // config.get("groups", 1)
    if name in _DEPTHWISE:
        return math.prod(shape_out) * kernel_taps
    if name in _SEPARABLE:
        depth = shape_in[-1] * config["depth_multiplier"]
        return positions * depth * kernel_taps + positions * depth * shape_out[-1]
    if name in _TRANSPOSE:  # every input value is spread by a kernel over the output
        return math.prod(shape_in) * kernel_taps * shape_out[-1]
    fail(
        "layer", "a layer type with a multiply-add rule (see layer_macs)", f"{name} {layer.name!r}"
    )


def model_macs(model) -> list[tuple[str, str, tuple, int]]:
    """One row per layer of ``model``: ``(name, type, output shape, multiply-adds)``.

    Nested models are one row each (the sum of their layers); input layers are left out.
    The total is ``sum(row[-1] for row in model_macs(model))``.
    """
    rows = []
    for layer in model.layers:
        if type(layer).__name__ == "InputLayer":
            continue
        shape = tuple(layer.output.shape[1:])
        rows.append((layer.name, type(layer).__name__, shape, layer_macs(layer)))
    return rows


def time_per_batch(models, batches, *, repeats: int = 7) -> np.ndarray:
    """Seconds one inference call takes, for each model on its batch: the fastest of ``repeats``.

    Each call is compiled once with ``tf.function`` and run once before timing (that first
    run traces the graph). The models then take turns, ``repeats`` rounds of one call each,
    so that a burst of load from other programs slows all of them alike; the fastest call of
    each is the least disturbed. Timings are still measurements: they vary between runs.

    Args:
        models: Keras models.
        batches: one input batch per model.
        repeats: timed calls per model.

    Returns:
        ``(len(models),)`` seconds.
    """
    tf = import_tensorflow()
    repeats = check_scalar(repeats, "repeats", int, low=1)
    check_same_length(models=models, batches=batches)
    calls = []
    for model, x in zip(models, batches, strict=True):
        batch = tf.constant(check_array(x, "batches", dtype=np.float32))
        run = tf.function(model)  # ``training`` defaults to False for a Keras model's call
        run(batch).numpy()
        calls.append((run, batch))
    best = np.full(len(calls), np.inf)
    for _ in range(repeats):
        for i, (run, batch) in enumerate(calls):
            start = time.perf_counter()
            run(batch).numpy()
            best[i] = min(best[i], time.perf_counter() - start)
    return best


class LearningCurve(NamedTuple):
    """Test accuracy per seed (rows) and training-set size (columns), and the steps each used."""

    sizes: np.ndarray
    seeds: np.ndarray
    accuracy: np.ndarray
    steps: np.ndarray


def learning_curve(
    build,
    x_pool,
    y_pool,
    x_test,
    y_test,
    sizes,
    seeds=(0, 1, 2),
    *,
    epochs: int = 3,
    min_steps: int = 80,
    batch_size: int = 64,
    progress=None,
) -> LearningCurve:
    """Train on random samples of ``sizes`` examples (each seed its own draw), test on one set.

    For every seed and size: draw ``size`` rows of the pool at random, without replacement
    (``np.random.default_rng(seed)``), start from the initial weights of ``build(seed)``
    and a fresh optimizer, train for ``epochs`` passes over the sample but at least
    ``min_steps`` batches (a tiny sample is otherwise barely trained), then score on the
    same ``x_test``. One Keras model is trained throughout, reset to its starting state
    before each run: that traces its training step once rather than once per run.

    Args:
        build: ``build(seed)`` returns a compiled Keras classifier (softmax outputs).
        x_pool, y_pool: the rows to sample training sets from, and their integer labels.
        x_test, y_test: the held-out set, the same for every run.
        sizes: training-set sizes, each at most ``len(x_pool)``.
        seeds: one row of results per seed.
        epochs, min_steps, batch_size: the training budget of each run.
        progress: optional callable called with no argument after each run (a tqdm ``update``).

    Returns:
        :class:`LearningCurve` with ``accuracy`` of shape ``(len(seeds), len(sizes))``.
    """
    tf = import_tensorflow()
    check_same_length(x_pool=x_pool, y_pool=y_pool)
    check_same_length(x_test=x_test, y_test=y_test)
    sizes = [check_scalar(s, "sizes", int, low=1, high=len(x_pool)) for s in sizes]
    seeds = [check_scalar(s, "seeds", int, low=0) for s in seeds]
    if not sizes or not seeds:
        fail("sizes, seeds", "at least one size and one seed", (sizes, seeds))
    epochs = check_scalar(epochs, "epochs", int, low=1)
    min_steps = check_scalar(min_steps, "min_steps", int, low=1)
    batch_size = check_scalar(batch_size, "batch_size", int, low=1)
    model = build(seeds[0])
    model.optimizer.build(model.trainable_variables)
    fresh_optimizer = [v.numpy() for v in model.optimizer.variables]
    accuracy, steps = np.zeros((len(seeds), len(sizes))), np.zeros(len(sizes), dtype=int)
    for i, seed in enumerate(seeds):
        start = build(seed).get_weights()
        rng = np.random.default_rng(seed)
        for j, size in enumerate(sizes):
            rows = rng.choice(len(x_pool), size, replace=False)
            model.set_weights(start)
            for variable, value in zip(model.optimizer.variables, fresh_optimizer, strict=True):
                variable.assign(value)
            data = tf.data.Dataset.from_tensor_slices((x_pool[rows], y_pool[rows]))
            data = data.shuffle(size, seed=seed).repeat().batch(batch_size).prefetch(2)
            steps[j] = max(min_steps, math.ceil(epochs * size / batch_size))
            model.fit(data, steps_per_epoch=int(steps[j]), epochs=1, shuffle=False, verbose=0)
            predicted = np.argmax(model.predict(x_test, batch_size=1000, verbose=0), axis=1)
            accuracy[i, j] = np.mean(predicted == np.asarray(y_test))
            if progress is not None:
                progress()
    return LearningCurve(np.array(sizes), np.array(seeds), accuracy, steps)
