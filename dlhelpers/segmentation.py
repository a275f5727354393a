"""A small U-Net for Chapter 11: per-pixel digit labels, and class weights for the imbalance.

The encoder is the detector's (:func:`dlhelpers.detection.build_detector`, same layer names
and shapes), so trained detector weights can start it; the decoder doubles the size three
times with transposed convolutions, each time joined (skip connection) by the encoder's
map of that size. TensorFlow is imported inside the functions that need it.
"""

from __future__ import annotations

import numpy as np

from dlhelpers._validation import check_array, check_scalar, fail
from dlhelpers.detection import conv_encoder

__all__ = ["ENCODER", "build_unet", "class_weights"]

ENCODER = ("conv1", "conv2", "conv3", "conv4")  # the layers the U-Net shares with the detector


def build_unet(*, size: int = 48, width: int = 24, num_classes: int = 11, seed: int = 0):
    """The Chapter 11 U-Net: the detector's encoder, a decoder with skip connections.

    Encoder: ``conv1`` (``width // 2``, full size) -> ``pool1`` -> ``conv2`` (``width``) ->
    ``pool2`` -> ``conv3`` (``2 * width``) -> ``pool3`` -> ``conv4`` (``2 * width``).
    ``bridge``: a 3x3 convolution (``2 * width``) at the smallest size, which spreads what
    the detector's cell of a digit's centre knows to the cells around it.
    Decoder, for ``k`` = 3, 2, 1: ``up{k}`` (``Conv2DTranspose``, 2x2 kernel, stride 2:
    doubles the size) -> ``skip{k}`` (concatenated with ``conv{k}``) -> ``dec{k}`` (3x3),
    with ``width``, ``width // 2`` and ``width // 3`` filters (fewest at full size).
    ``pixels``: a 1x1 convolution to ``num_classes`` logits per pixel. ``seed`` goes to
    ``keras.utils.set_random_seed`` (it seeds Python, NumPy and Keras globally).

    Returns:
        An uncompiled ``keras.Model`` from ``(size, size, 1)`` to ``(size, size, num_classes)``.
    """
    import keras
    from keras import layers

    size = check_scalar(size, "size", int, low=8)
    if size % 8:
        fail("size", "a multiple of 8 (three 2x2 poolings)", size)
    width = check_scalar(width, "width", int, low=2)
    num_classes = check_scalar(num_classes, "num_classes", int, low=2)
    keras.utils.set_random_seed(check_scalar(seed, "seed", int, low=0))
    inputs = keras.Input((size, size, 1), name="scene")
    e1, e2, e3, x = conv_encoder(inputs, width)  # the detector's layers, names included
    x = layers.Conv2D(2 * width, 3, padding="same", activation="relu", name="bridge")(x)
    for k, skip, filters in [(3, e3, width), (2, e2, width // 2), (1, e1, width // 3)]:
        x = layers.Conv2DTranspose(filters, 2, strides=2, name=f"up{k}")(x)
        x = layers.Concatenate(name=f"skip{k}")([x, skip])
        x = layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"dec{k}")(x)
    outputs = layers.Conv2D(num_classes, 1, name="pixels")(x)
    return keras.Model(inputs, outputs, name="small_unet")


def class_weights(masks, num_classes: int, *, cap: float = 50.0) -> np.ndarray:
    """A loss weight per class against imbalance: background pixels / the class's pixels,
    so background weighs 1 and a class as much as the background does in all, at most ``cap``.

    The cap keeps a very rare class from dominating the loss; a class absent from
    ``masks`` gets ``cap``.

    Example:
        >>> class_weights([[0, 0, 0, 0, 0, 0, 0, 0, 1, 2]], 3).tolist()
        [1.0, 8.0, 8.0]
    """
    masks = check_array(masks, "masks", dtype=np.int64)
    num_classes = check_scalar(num_classes, "num_classes", int, low=2)
    cap = check_scalar(cap, "cap", float, low=1)
    if masks.min() < 0 or masks.max() >= num_classes:
        fail("masks", f"labels 0..{num_classes - 1}", (int(masks.min()), int(masks.max())))
    counts = np.bincount(masks.ravel(), minlength=num_classes).astype(float)
    if counts[0] == 0:
        fail("masks", "some background (label 0) pixels", masks)
    ratio = np.divide(counts[0], counts, out=np.full(num_classes, np.inf), where=counts > 0)
    return np.minimum(ratio, cap)
