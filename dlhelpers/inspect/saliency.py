"""Gradients of a Keras model's output with respect to its input: saliency maps (Chapter 4).

Layers are named, and sub-models cut out, with :mod:`dlhelpers.inspect.core` (public Keras
APIs only). :func:`input_gradient` and :func:`score_model` also serve ``cnn.fgsm``.
"""

from __future__ import annotations

import numpy as np

from dlhelpers._tf import import_tensorflow
from dlhelpers._validation import check_array, check_scalar, fail
from dlhelpers.inspect.core import Kind, Trace, keras_module, resolve

__all__ = ["input_gradient", "saliency", "score_model"]

_SCORES = Kind(
    unknown="None or the name of a layer of the model, one of [{names}], received {received}"
)


def score_model(model, x, logits_layer=None):
    """``model`` itself, or a model from its inputs to the layer ``logits_layer``'s output.

    ``x`` (a batch) sizes the traced graph; ``logits_layer`` is a name or path as in
    :func:`dlhelpers.inspect.core.resolve`, found at any depth.
    """
    if logits_layer is None:
        return model
    if not isinstance(logits_layer, str):
        fail("logits_layer", "None or the name of a layer of the model", logits_layer)
    layer = resolve(model, logits_layer, _SCORES, arg="logits_layer").layer
    trace = Trace(model, x, [layer])
    return keras_module().Model(trace.inputs, trace.call_of(layer, arg="logits_layer").out)


def input_gradient(model, x, loss_fn) -> np.ndarray:
    """``d loss_fn(model(x)) / d x`` as a NumPy array (the model runs in inference mode)."""
    tf = import_tensorflow()

    x = tf.convert_to_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = loss_fn(model(x, training=False))
    return tape.gradient(loss, x).numpy()


def saliency(
    model,
    x,
    class_index=None,
    *,
    samples: int = 1,
    noise: float = 0.0,
    seed: int = 0,
    logits_layer: str | None = None,
) -> np.ndarray:
    """Gradient saliency: how much each pixel moves one class's output.

    The map is ``|d output[class] / d x|``, the largest over colour channels
    (Simonyan et al., 2014). With ``samples > 1`` the maps of ``samples`` noisy copies
    ``x + N(0, noise^2)`` are averaged (SmoothGrad, Smilkov et al., 2017), the class
    staying that of the clean input.

    Args:
        model: a Keras classifier.
        x: ``(N, H, W, C)`` inputs.
        class_index: ``None`` (each input's predicted class), an int, or an ``(N,)`` int array.
        samples: number of noisy copies to average, all sent through the model as one batch.
        noise: standard deviation of the added Gaussian noise, >= 0 (0: one plain gradient).
        seed: seed of the noise.
        logits_layer: name of a layer giving the pre-softmax scores; the map is then the
            gradient of the class's score, which does not vanish when the softmax saturates.

    Returns:
        ``(N, H, W)`` float32 array, >= 0.
    """
    tf = import_tensorflow()

    x = check_array(x, "x", ndim=4).astype(np.float32)
    samples = check_scalar(samples, "samples", int, low=1)
    noise = check_scalar(noise, "noise", float, low=0)
    rng = np.random.default_rng(check_scalar(seed, "seed", int, low=0))
    model = score_model(model, x, logits_layer)
    n = len(x)
    probs = np.asarray(model(x, training=False))
    k = probs.shape[-1]
    if class_index is None:
        classes = np.argmax(probs, axis=-1)
    elif isinstance(class_index, (int, np.integer)) and not isinstance(class_index, bool):
        classes = np.full(n, int(class_index))
    else:
        classes = np.asarray(class_index)
        if classes.shape != (n,) or classes.dtype.kind not in "iu":
            fail("class_index", f"None, an int or an ({n},) int array", class_index)
    if np.any(classes < 0) or np.any(classes >= k):
        fail("class_index", f"classes in 0..{k - 1}", class_index)
    if not noise:  # every copy would be the same: one gradient is enough
        samples = 1
    draws = rng.normal(0.0, noise, (samples, *x.shape)) if noise else np.zeros((1, *x.shape))
    noisy = (x[None] + draws.astype(np.float32)).reshape(samples * n, *x.shape[1:])
    mask = tf.one_hot(np.tile(classes, samples), k, dtype=probs.dtype)
    grad = input_gradient(model, noisy, lambda out: tf.reduce_sum(out * mask))
    maps = np.abs(grad).max(axis=-1).reshape(samples, n, *x.shape[1:3]).astype(np.float64)
    return maps.mean(axis=0).astype(np.float32)
