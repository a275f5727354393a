"""Multiply-adds of CNN layers by hand, from their hyperparameters and the input shape.

One multiply-add (MAC) is ``a * w + acc``: the unit in which a layer's arithmetic is
counted. Counts are per example (one image), channels-last, in Keras' argument names.

Conventions (:mod:`dlhelpers.cost` follows the same ones on real Keras layers):

- a convolution or dense layer: one MAC per weight per output position; the bias add
  is not counted (one add per output, small next to the rest);
- batch normalisation: one per value (at inference it is ``x * scale + shift``);
- pooling, activations, flattening, dropout, padding and additions: 0 (they compare or
  add, and multiply by no weight).
"""

from __future__ import annotations

import math

from dlhelpers._validation import check_choice, check_pair, check_scalar, fail
from dlhelpers.scratch.conv import conv_output_size

__all__ = [
    "conv2d_macs",
    "depthwise_conv2d_macs",
    "dense_macs",
    "stack_macs",
]


def _spatial(input_shape, kernel_size, strides, padding, dilation_rate=1):
    """Output height and width, and the kernel pair, for a 2-D window layer."""
    if not (isinstance(input_shape, (tuple, list)) and len(input_shape) == 3):
        fail("input_shape", "(height, width, channels)", input_shape)
    kh, kw = check_pair(kernel_size, "kernel_size")
    dh, dw = check_pair(dilation_rate, "dilation_rate")
    # A dilated kernel spans (k - 1) * d + 1 pixels but still has k weights per axis.
    span = ((kh - 1) * dh + 1, (kw - 1) * dw + 1)
    height, width = conv_output_size(
        tuple(input_shape[:2]), span, check_pair(strides, "strides"), padding
    )  # Chapter 3's formula: 'valid' keeps windows that fit, 'same' pads to ceil(size / s)
    return height, width, kh, kw


def conv2d_macs(
    input_shape,
    filters: int,
    kernel_size,
    strides=1,
    padding: str = "valid",
    groups: int = 1,
    dilation_rate=1,
) -> int:
    """Multiply-adds of a ``Conv2D``: every output value is a ``kh x kw x C/groups`` dot product.

    Args:
        input_shape: ``(height, width, channels)`` of one image.
        filters, kernel_size, strides, padding, groups, dilation_rate: as in
            ``keras.layers.Conv2D`` (dilation changes the output size, not the weights).

    Returns:
        ``out_h * out_w * filters * kh * kw * channels / groups``.

    >>> conv2d_macs((28, 28, 1), 8, 3)  # 26 * 26 positions * 8 filters * 9 weights
    48672
    """
    out_h, out_w, kh, kw = _spatial(input_shape, kernel_size, strides, padding, dilation_rate)
    filters = check_scalar(filters, "filters", int, low=1)
    groups = check_scalar(groups, "groups", int, low=1)
    if input_shape[2] % groups or filters % groups:
        fail("groups", f"a divisor of channels and filters ({input_shape[2]}, {filters})", groups)
    return out_h * out_w * filters * kh * kw * (input_shape[2] // groups)


def depthwise_conv2d_macs(
    input_shape,
    kernel_size,
    strides=1,
    padding: str = "valid",
    depth_multiplier: int = 1,
    dilation_rate=1,
) -> int:
    """Multiply-adds of a ``DepthwiseConv2D``: each channel has its own ``kh x kw`` filter(s).

    >>> depthwise_conv2d_macs((8, 8, 4), 3, padding="same")  # 8 * 8 * 4 channels * 9
    2304
    """
    out_h, out_w, kh, kw = _spatial(input_shape, kernel_size, strides, padding, dilation_rate)
    depth_multiplier = check_scalar(depth_multiplier, "depth_multiplier", int, low=1)
    return out_h * out_w * input_shape[2] * depth_multiplier * kh * kw


def dense_macs(in_features: int, units: int) -> int:
    """Multiply-adds of a ``Dense`` layer on a flat input: one per weight.

    >>> dense_macs(400, 32)
    12800
    """
    return check_scalar(in_features, "in_features", int, low=1) * check_scalar(
        units, "units", int, low=1
    )


def stack_macs(input_shape, stack) -> list[tuple[str, tuple, int]]:
    """Walk a plain CNN layer by layer, by hand: output shape and multiply-adds of each.

    Args:
        input_shape: ``(height, width, channels)``.
        stack: a list of ``(kind, settings)`` with ``kind`` one of ``"conv2d"`` (settings:
            ``filters, kernel_size`` and optional ``strides, padding``), ``"pool"``
            (``pool_size`` and optional ``strides, padding``), ``"flatten"`` (``{}``) and
            ``"dense"`` (``units``).

    Returns:
        One ``(kind, output shape, multiply-adds)`` row per entry.

    >>> rows = stack_macs((28, 28, 1), [("conv2d", {"filters": 8, "kernel_size": 3}),
    ...     ("pool", {"pool_size": 2}), ("flatten", {}), ("dense", {"units": 10})])
    >>> [(kind, shape, macs) for kind, shape, macs in rows]
    [('conv2d', (26, 26, 8), 48672), ('pool', (13, 13, 8), 0), ('flatten', (1352,), 0), ('dense', (10,), 13520)]
    """
    shape, rows = tuple(input_shape), []
    for kind, settings in stack:
        check_choice(kind, "kind", ("conv2d", "pool", "flatten", "dense"))
        if kind == "conv2d":
            macs = conv2d_macs(shape, **settings)
            out_h, out_w, _, _ = _spatial(
                shape,
                settings["kernel_size"],
                settings.get("strides", 1),
                settings.get("padding", "valid"),
                settings.get("dilation_rate", 1),
            )
            shape = (out_h, out_w, settings["filters"])
        elif kind == "pool":
            size = settings["pool_size"]
            strides = settings.get("strides") or size  # Keras: strides default to pool_size
            out_h, out_w, _, _ = _spatial(shape, size, strides, settings.get("padding", "valid"))
            shape, macs = (out_h, out_w, shape[2]), 0
        elif kind == "flatten":
            shape, macs = (math.prod(shape),), 0
        else:
            macs = dense_macs(shape[-1], settings["units"]) * math.prod(shape[:-1])
            shape = (*shape[:-1], settings["units"])
        rows.append((kind, shape, macs))
    return rows
