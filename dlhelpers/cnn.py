"""Convolutional networks in practice (Chapter 4): model builders, shifted digits,
adversarial examples (FGSM) and parameter counts. (Saliency maps are inspection:
:mod:`dlhelpers.inspect.saliency`.)

TensorFlow is imported inside the functions that need it, never at import time.
"""

from __future__ import annotations

import numpy as np

from dlhelpers._tf import import_tensorflow
from dlhelpers._validation import check_array, check_same_length, check_scalar, fail
from dlhelpers.inspect.core import keras_module
from dlhelpers.inspect.saliency import input_gradient, score_model

__all__ = [
    "accuracy",
    "build_digit_cnn",
    "build_dense_net",
    "dense_param_count",
    "shift_images",
    "accuracy_vs_shift",
    "fgsm",
    "accuracy_vs_epsilon",
]


def _check_units(values, name: str) -> tuple[int, ...]:
    if isinstance(values, (int, np.integer)) and not isinstance(values, bool):
        values = (values,)
    if not isinstance(values, (tuple, list)):
        fail(name, "an int or a tuple of ints", values)
    return tuple(int(check_scalar(v, name, int, low=1)) for v in values)


def _check_input_shape(shape) -> tuple[int, int, int]:
    if not (isinstance(shape, (tuple, list)) and len(shape) == 3):
        fail("input_shape", "a tuple (height, width, channels)", shape)
    return tuple(check_scalar(s, "input_shape", int, low=1) for s in shape)


def _common(units, name, input_shape, num_classes, dropout, seed):
    """The checks both builders share (Keras words the others clearly itself)."""
    units = _check_units(units, name)
    check_scalar(num_classes, "num_classes", int, low=2)
    check_scalar(dropout, "dropout", float, low=0, high=1, closed="left")
    return units, _check_input_shape(input_shape), check_scalar(seed, "seed", int, low=0)


def build_digit_cnn(
    filters=(32, 64),
    *,
    dense_units: int = 64,
    dropout: float = 0.4,
    augment: bool = True,
    rotation: float = 0.05,
    shift: float = 0.08,
    input_shape=(28, 28, 1),
    num_classes: int = 10,
    seed: int = 0,
):
    """A small CNN for digits, each step its own named layer (Chapter 4 writes it out first).

    Layers: optional ``augment`` block (``rotate``, ``shift``, active in training only) ->
    for each ``i``: ``conv{i}`` (3x3, linear), ``relu{i}``, ``pool{i}`` (2x2 max) ->
    ``flatten`` -> ``dropout`` -> ``dense`` (ReLU) -> ``scores`` (the logits) -> ``output``
    (softmax). Use ``logits_layer="scores"`` in ``fgsm``/``saliency``: gradients of the
    scores do not vanish on confident inputs as those of the clipped probabilities do.

    Args:
        filters: filters of each convolution block (an int or a tuple).
        dense_units: width of the fully connected hidden layer.
        dropout: dropout rate before the dense layer, in [0, 1).
        augment: add random rotation and translation layers (training only).
        rotation: largest rotation, as a fraction of a full turn.
        shift: largest shift, as a fraction of the height and width.
        input_shape: ``(H, W, C)`` of one image.
        num_classes: size of the softmax output.
        seed: seed of the weight initialisers, the dropout and the augmentation.

    Returns:
        An uncompiled ``keras.Sequential`` model named ``digit_cnn``.
    """
    keras = keras_module()
    layers, glorot = keras.layers, keras.initializers.GlorotUniform
    filters, input_shape, seed = _common(
        filters, "filters", input_shape, num_classes, dropout, seed
    )
    dense_units = int(check_scalar(dense_units, "dense_units", int, low=1))
    side = min(input_shape[:2])
    for _ in filters:
        side = (side - 2) // 2
        if side < 1:
            fail(
                "input_shape",
                f"images large enough for {len(filters)} conv (3x3) + pool (2x2) blocks "
                f"(filters={filters})",
                input_shape,
            )
    stack = [keras.Input(input_shape, name="input")]
    if augment:
        moves = [
            layers.RandomRotation(rotation, fill_mode="constant", seed=seed, name="rotate"),
            layers.RandomTranslation(
                shift, shift, fill_mode="constant", seed=seed + 1, name="shift"
            ),
        ]
        stack.append(keras.Sequential(moves, name="augment"))
    for i, f in enumerate(filters, start=1):
        stack += [
            layers.Conv2D(f, 3, kernel_initializer=glorot(seed + 10 * i), name=f"conv{i}"),
            layers.ReLU(name=f"relu{i}"),
            layers.MaxPooling2D(2, name=f"pool{i}"),
        ]
    stack += [
        layers.Flatten(name="flatten"),
        layers.Dropout(dropout, seed=seed + 2, name="dropout"),
        layers.Dense(
            dense_units, activation="relu", kernel_initializer=glorot(seed + 3), name="dense"
        ),
        layers.Dense(num_classes, kernel_initializer=glorot(seed + 4), name="scores"),
        layers.Activation("softmax", name="output"),
    ]
    return keras.Sequential(stack, name="digit_cnn")


def build_dense_net(
    units=(128,),
    *,
    input_shape=(28, 28, 1),
    num_classes: int = 10,
    dropout: float = 0.2,
    seed: int = 0,
):
    """A fully connected network on flattened images, for comparing with a CNN.

    Layers: ``flatten`` -> for each ``i``: ``hidden{i}`` (ReLU), ``dropout{i}`` -> ``output``
    (softmax). Arguments as :func:`build_digit_cnn` (``units``: width of each hidden layer).

    Returns:
        An uncompiled ``keras.Sequential`` model named ``dense_net``.
    """
    keras = keras_module()
    layers, glorot = keras.layers, keras.initializers.GlorotUniform
    units, input_shape, seed = _common(units, "units", input_shape, num_classes, dropout, seed)
    stack = [keras.Input(input_shape, name="input"), layers.Flatten(name="flatten")]
    for i, u in enumerate(units, start=1):
        stack += [
            layers.Dense(
                u, activation="relu", kernel_initializer=glorot(seed + i), name=f"hidden{i}"
            ),
            layers.Dropout(dropout, seed=seed + 100 + i, name=f"dropout{i}"),
        ]
    stack.append(
        layers.Dense(
            num_classes, activation="softmax", kernel_initializer=glorot(seed), name="output"
        )
    )
    return keras.Sequential(stack, name="dense_net")


def dense_param_count(in_features: int, units: int, *, use_bias: bool = True) -> int:
    """Trainable parameters of a ``Dense`` layer: ``in_features * units (+ units)``."""
    in_features = check_scalar(in_features, "in_features", int, low=1)
    units = check_scalar(units, "units", int, low=1)
    return in_features * units + (units if use_bias else 0)


def shift_images(images, dx: int, dy: int) -> np.ndarray:
    """Move images by whole pixels, filling the uncovered border with zeros.

    Args:
        images: ``(N, H, W)`` or ``(N, H, W, C)`` array.
        dx: pixels to the right (negative: to the left).
        dy: pixels down (negative: up).

    Returns:
        Array of the same shape and dtype; pixels pushed past the edge are lost.
    """
    images = check_array(images, "images", ndim=(3, 4), dtype=None)
    h, w = images.shape[1:3]
    dx = check_scalar(dx, "dx", int, low=-(w - 1), high=w - 1)
    dy = check_scalar(dy, "dy", int, low=-(h - 1), high=h - 1)
    out = np.zeros_like(images)
    src_y = slice(max(0, -dy), h - max(0, dy))
    dst_y = slice(max(0, dy), h - max(0, -dy))
    src_x = slice(max(0, -dx), w - max(0, dx))
    dst_x = slice(max(0, dx), w - max(0, -dx))
    out[:, dst_y, dst_x] = images[:, src_y, src_x]
    return out


def _predict_classes(model, x, batch_size: int = 1000) -> np.ndarray:
    # Plain forward calls in chunks: unlike model.predict they trace no tf.function,
    # which for a small model costs more than the predictions themselves.
    x = np.asarray(x)
    chunks = [
        np.argmax(np.asarray(model(x[i : i + batch_size], training=False)), axis=-1)
        for i in range(0, len(x), batch_size)
    ]
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int64)


def accuracy(model, images, labels, *, batch_size: int = 1000) -> float:
    """Fraction of ``images`` whose most probable class is their label.

    The same number as ``model.evaluate(...)``'s ``"accuracy"`` metric, computed with
    plain forward calls (``training=False``), so a model compiled without metrics, or
    not compiled at all, can be scored too.

    Args:
        model: a Keras classifier whose last axis holds one score or probability per class.
        images: ``(N, ...)`` inputs in the model's input shape.
        labels: ``(N,)`` integer labels.
        batch_size: images per forward call.

    Returns:
        A float in [0, 1].

    Example:
        >>> cnn.accuracy(model, x_val, y_val)  # doctest: +SKIP
        0.951
    """
    images = check_array(images, "images", ndim=(2, 3, 4, 5), dtype=None)
    labels = check_array(labels, "labels", ndim=1, dtype=None)
    check_same_length(images=images, labels=labels)
    batch_size = check_scalar(batch_size, "batch_size", int, low=1)
    return float(np.mean(_predict_classes(model, images, batch_size) == labels))


def accuracy_vs_shift(model, images, labels, shifts, *, axis: str = "x") -> np.ndarray:
    """Accuracy of ``model`` on images shifted by each number of pixels in ``shifts``.

    Args:
        model: a Keras classifier with a softmax (or score) output.
        images: ``(N, H, W, C)`` images the model takes.
        labels: ``(N,)`` integer labels.
        shifts: pixel shifts to try (ints).
        axis: ``"x"`` (right for positive shifts), ``"y"`` (down) or ``"xy"`` (both).

    Returns:
        ``(len(shifts),)`` float64 array of accuracies.
    """
    images = check_array(images, "images", ndim=4, dtype=None)
    labels = check_array(labels, "labels", ndim=1, dtype=None)
    check_same_length(images=images, labels=labels)
    if axis not in ("x", "y", "xy"):
        fail("axis", "one of 'x', 'y', 'xy'", axis)
    h, w = images.shape[1:3]
    shifts = [
        check_scalar(s, "shifts", int, low=-(min(h, w) - 1), high=min(h, w) - 1) for s in shifts
    ]
    if not shifts:
        return np.zeros(0, dtype=np.float64)
    moved = [shift_images(images, s if "x" in axis else 0, s if "y" in axis else 0) for s in shifts]
    # one pass over all shifted copies: fewer, larger forward calls
    pred = _predict_classes(model, np.concatenate(moved)).reshape(len(shifts), len(images))
    return np.mean(pred == labels, axis=1).astype(np.float64)


def fgsm(
    model,
    x,
    y,
    epsilon: float,
    *,
    clip=(0.0, 1.0),
    from_logits: bool = False,
    logits_layer: str | None = None,
) -> np.ndarray:
    """Fast gradient sign method: nudge every pixel by ``epsilon`` to raise the loss.

    ``x_adv = clip(x + epsilon * sign(d loss / d x))`` with the sparse
    categorical cross-entropy of the true labels ``y`` (Goodfellow et al., 2015).

    Args:
        model: a Keras classifier; its output is probabilities unless ``from_logits``.
        x: ``(N, ...)`` inputs in the model's input shape.
        y: ``(N,)`` integer true labels.
        epsilon: size of the step in pixel units, >= 0.
        clip: ``(low, high)`` valid pixel range, or ``None`` to skip clipping.
        from_logits: whether the model outputs scores instead of probabilities.
        logits_layer: name of a layer giving the pre-softmax scores; the loss is then
            computed from its output (``from_logits`` implied). Use it for models with a
            softmax output: Keras clips probabilities before the log, so a saturated
            prediction has a zero gradient and FGSM would leave it untouched.

    Returns:
        Adversarial inputs, same shape as ``x``, float32; each pixel differs
        from ``x`` by at most ``epsilon``.
    """
    return _fgsm_steps(model, x, y, [epsilon], clip, from_logits, logits_layer)[0]


def _fgsm_steps(model, x, y, epsilons, clip, from_logits, logits_layer) -> list[np.ndarray]:
    """FGSM examples for every epsilon from ONE input gradient: the sign does not depend on it."""
    tf = import_tensorflow()

    keras = keras_module()
    x = check_array(x, "x", ndim=(2, 3, 4, 5)).astype(np.float32)
    y = check_array(y, "y", ndim=1, dtype=None)
    check_same_length(x=x, y=y)
    if y.dtype.kind not in "iu":
        fail("y", "integer class labels", y)
    epsilons = [check_scalar(e, "epsilon", float, low=0) for e in epsilons]
    if clip is not None and not (
        isinstance(clip, (tuple, list)) and len(clip) == 2 and clip[0] < clip[1]
    ):
        fail("clip", "a pair (low, high) with low < high, or None", clip)
    if logits_layer is not None:
        model, from_logits = score_model(model, x, logits_layer), True
    labels = tf.constant(y)

    def loss_fn(out):
        return tf.reduce_sum(
            keras.losses.sparse_categorical_crossentropy(labels, out, from_logits=from_logits)
        )

    direction = np.sign(input_gradient(model, x, loss_fn))
    steps = []
    for epsilon in epsilons:
        x_adv = x + np.float32(epsilon) * direction
        if clip is not None:
            x_adv = np.clip(x_adv, clip[0], clip[1])
        steps.append(x_adv.astype(np.float32))
    return steps


def accuracy_vs_epsilon(
    model,
    x,
    y,
    epsilons,
    *,
    clip=(0.0, 1.0),
    from_logits: bool = False,
    logits_layer: str | None = None,
) -> np.ndarray:
    """Accuracy of ``model`` on FGSM examples for each ``epsilon`` in ``epsilons``.

    The same as calling :func:`fgsm` once per epsilon (arguments as there), but the
    input gradient is computed once: FGSM's direction ``sign(d loss / d x)`` is taken
    at the clean input, whatever the step size.

    Returns:
        ``(len(epsilons),)`` float64 array; ``epsilon=0`` is the clean accuracy.
    """
    y = check_array(y, "y", ndim=1, dtype=None)
    epsilons = list(np.atleast_1d(np.asarray(epsilons, dtype=np.float64)))
    if not epsilons:
        return np.zeros(0, dtype=np.float64)
    attacked = _fgsm_steps(model, x, y, epsilons, clip, from_logits, logits_layer)
    pred = _predict_classes(model, np.concatenate(attacked)).reshape(len(epsilons), len(y))
    return np.mean(pred == y, axis=1).astype(np.float64)
