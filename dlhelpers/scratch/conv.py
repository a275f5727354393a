"""2-D convolution and pooling in NumPy, matching Keras (Chapter 3).

Layouts are Keras': images ``(N, H, W, C)`` channels-last, kernels
``(kh, kw, C_in, C_out)``. Like every deep-learning library, "convolution" here
does not flip the kernel (mathematicians call it cross-correlation).

Padding follows Keras/TensorFlow exactly:

- ``"valid"``: no padding; the output has ``floor((size - k) / s) + 1`` cells.
- ``"same"``: the output has ``ceil(size / s)`` cells; the input is padded with
  ``max((out - 1) * s + k - size, 0)`` cells in total, the smaller half before
  (top/left) and the larger half after (bottom/right).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from dlhelpers._validation import check_array, check_choice, check_pair, check_scalar, fail

__all__ = [
    "PADDINGS",
    "ConvLayout",
    "Padding",
    "avg_pool2d",
    "classic_kernels",
    "conv2d",
    "conv2d_loop",
    "conv_layout",
    "conv_output_size",
    "conv_padding",
    "max_pool2d",
]

PADDINGS = ("valid", "same")


class Padding(NamedTuple):
    """How one spatial axis is padded and how many output cells it gives."""

    before: int
    after: int
    output: int


def classic_kernels() -> dict[str, np.ndarray]:
    """Hand-made 3x3 image kernels, by name (a fresh dict of float64 arrays each call).

    Kernels whose numbers sum to 0 (the edge detectors) answer 0 on flat
    regions; kernels summing to 1 (identity, blurs, sharpen) keep a flat
    region's brightness.
    """
    return {
        "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=float),
        "vertical edges (Sobel x)": np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=float),
        "horizontal edges (Sobel y)": np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], dtype=float),
        "all edges (Laplacian)": np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], dtype=float),
        "box blur": np.full((3, 3), 1 / 9),
        "Gaussian blur": np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]], dtype=float) / 16,
        "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=float),
        "emboss": np.array([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]], dtype=float),
    }


# --------------------------------------------------------------------------- argument checks
def _padding(padding) -> str:
    """``"valid"`` or ``"same"`` in any letter case (Keras lower-cases it too)."""
    if isinstance(padding, str) and padding.lower() in PADDINGS:
        return padding.lower()
    return check_choice(padding, "padding", PADDINGS)


def _pair(value, name: str) -> tuple[int, int]:
    """An int, a pair of ints, or a NumPy array of 1 or 2 ints, as a pair of ints."""
    if isinstance(value, np.ndarray) and value.ndim <= 1 and value.dtype.kind in "iu":
        value = int(value) if value.ndim == 0 else tuple(int(v) for v in value)
    return check_pair(value, name)


# --------------------------------------------------------------------------- sizes
def conv_padding(size: int, kernel_size: int, strides: int = 1, padding: str = "valid") -> Padding:
    """Padding before/after and output length along one axis, as Keras computes them.

    Args:
        size: input length along the axis (>= 1).
        kernel_size: window length along the axis (>= 1).
        strides: step between windows (>= 1).
        padding: ``"valid"`` or ``"same"`` (any letter case).

    Returns:
        ``Padding(before, after, output)``.

    Raises:
        ValueError: a non-positive argument, an unknown padding, or (with
            ``"valid"``) a window longer than the input.

    Example:
        >>> conv_padding(6, 4, 1, "same")
        Padding(before=1, after=2, output=6)
    """
    size = check_scalar(size, "size", int, low=1)
    kernel_size = check_scalar(kernel_size, "kernel_size", int, low=1)
    strides = check_scalar(strides, "strides", int, low=1)
    padding = _padding(padding)
    if padding == "valid":
        if kernel_size > size:
            fail("kernel_size", f"at most the input size {size} with padding='valid'", kernel_size)
        return Padding(0, 0, (size - kernel_size) // strides + 1)
    output = -(-size // strides)  # ceil division
    total = max((output - 1) * strides + kernel_size - size, 0)
    return Padding(total // 2, total - total // 2, output)


def conv_output_size(size, kernel_size, strides=1, padding: str = "valid"):
    """Output size of a convolution or pooling layer, as Keras computes it.

    ``"valid"``: ``floor((size - kernel_size) / strides) + 1``;
    ``"same"``: ``ceil(size / strides)``.

    Args:
        size: input size, an int or a pair ``(H, W)``.
        kernel_size: window size, an int or a pair ``(kh, kw)``.
        strides: an int or a pair ``(sh, sw)``.
        padding: ``"valid"`` or ``"same"``.

    Returns:
        An int when all three sizes are ints, else a pair ``(out_h, out_w)``.

    Raises:
        ValueError: non-positive sizes or strides, an unknown padding, or a
            kernel larger than the input with ``"valid"``.

    Example:
        >>> conv_output_size(28, 3, 2, "valid")
        13
    """
    padding = _padding(padding)
    if all(isinstance(v, (int, np.integer)) for v in (size, kernel_size, strides)):
        return conv_padding(size, kernel_size, strides, padding).output
    sizes = _pair(size, "size")
    kernels = _pair(kernel_size, "kernel_size")
    steps = _pair(strides, "strides")
    return tuple(
        conv_padding(n, k, s, padding).output for n, k, s in zip(sizes, kernels, steps, strict=True)
    )


class ConvLayout(NamedTuple):
    """Where a kernel lands along both axes of a square input (for drawing it).

    ``before``/``after``: padding cells; ``output``: output cells per axis; ``starts``: first
    padded-input index of every window; ``unseen``: input cells that no window covers.
    """

    size: int
    kernel_size: int
    strides: int
    padding: str
    before: int
    after: int
    output: int
    starts: tuple[int, ...]
    unseen: tuple[int, ...]


def conv_layout(size: int, kernel_size: int, strides: int = 1, padding: str = "valid"):
    """Where each window of a convolution lands (Keras padding rules), as a :class:`ConvLayout`.

    Raises:
        ValueError: as :func:`conv_padding` (for instance a kernel larger than the input
            with ``"valid"``).

    Example:
        >>> conv_layout(8, 3, 2).unseen
        (7,)
    """
    pad = conv_padding(size, kernel_size, strides, padding)
    starts = tuple(i * strides for i in range(pad.output))
    covered = np.zeros(size + pad.before + pad.after, dtype=bool)
    for s in starts:
        covered[s : s + kernel_size] = True
    inside = np.flatnonzero(~covered[pad.before : pad.before + size])
    unseen = tuple(int(i) for i in inside)
    return ConvLayout(size, kernel_size, strides, _padding(padding), *pad, starts, unseen)


# --------------------------------------------------------------------------- input checks
def _float_array(x, name: str, ndim: int) -> np.ndarray:
    """An array of rank ``ndim`` in a floating dtype (float32 stays float32)."""
    arr = check_array(x, name, ndim=ndim, dtype=None)
    if arr.dtype.kind != "f":
        arr = check_array(arr, name, ndim=ndim, dtype=float)
    return arr


def _prepare_conv(x, kernel, bias, strides, padding):
    """Check conv2d's arguments; return the padded input and everything else it needs."""
    x = _float_array(x, "x", 4)
    kernel = _float_array(kernel, "kernel", 4)
    kh, kw, c_in, c_out = kernel.shape
    if c_in != x.shape[3]:
        fail(
            "kernel",
            f"{x.shape[3]} input channels on axis 2 to match x's last axis "
            "(kernel shape (kh, kw, C_in, C_out))",
            kernel,
        )
    if bias is not None:
        bias = _float_array(bias, "bias", 1)
        if bias.shape != (c_out,):
            fail("bias", f"shape ({c_out},), one value per filter", bias)
        bias = bias.astype(x.dtype, copy=False)
    strides = _pair(strides, "strides")
    padding = _padding(padding)
    xp, out_hw = _pad(x, (kh, kw), strides, padding, "kernel", 0.0)
    # like a Keras layer, weights are cast to the input's dtype and the output keeps it
    return xp, kernel.astype(x.dtype, copy=False), bias, strides, out_hw, x.dtype


def _pad(x, window, strides, padding, name, value):
    """Pad ``x`` (N, H, W, C) the way Keras does; return it and the output size."""
    pads = []
    for axis, (n, k, s) in enumerate(zip(x.shape[1:3], window, strides, strict=True)):
        if padding == "valid" and k > n:
            fail(
                name,
                f"a window no larger than the input ({x.shape[1]}x{x.shape[2]}) with "
                f"padding='valid' (axis {axis + 1}: {k} > {n})",
                window,
            )
        pads.append(conv_padding(n, k, s, padding))
    if any(p.before or p.after for p in pads):
        widths = ((0, 0), (pads[0].before, pads[0].after), (pads[1].before, pads[1].after), (0, 0))
        x = np.pad(x, widths, constant_values=value)
    return x, (pads[0].output, pads[1].output)


# --------------------------------------------------------------------------- convolution
def conv2d(x, kernel, bias=None, strides=1, padding: str = "valid") -> np.ndarray:
    """2-D convolution as Keras' ``Conv2D`` computes it, vectorised.

    Every window is flattened into a row ("im2col", ``kh * kw`` times the input's memory at
    stride 1) and one matrix product with the flattened kernel gives every output value:
    the way libraries turn convolution into matrix products.

    Args:
        x: input batch ``(N, H, W, C_in)``.
        kernel: weights ``(kh, kw, C_in, C_out)``.
        bias: optional ``(C_out,)`` added to every output position.
        strides: an int, a pair ``(sh, sw)`` or a NumPy array of 2 ints, each >= 1.
        padding: ``"valid"`` or ``"same"``, any letter case (Keras semantics,
            asymmetric when the total padding is odd: the extra cell goes
            bottom/right).

    Returns:
        ``(N, out_h, out_w, C_out)`` in ``x``'s floating dtype (float64 for an
        integer ``x``); like a Keras layer, kernel and bias are cast to it.

    Raises:
        ValueError: wrong ranks, mismatched channels or bias, non-positive
            strides, unknown padding, or a kernel larger than the input with
            ``"valid"``.
        TypeError: non-numeric input.

    Example:
        >>> x = np.arange(16.0).reshape(1, 4, 4, 1)
        >>> conv2d(x, np.ones((2, 2, 1, 1)), strides=2)[0, :, :, 0]
        array([[10., 18.],
               [42., 50.]])
    """
    xp, kernel, bias, (sh, sw), (oh, ow), dtype = _prepare_conv(x, kernel, bias, strides, padding)
    kh, kw, c_in, c_out = kernel.shape
    # every window, no copy: (N, H', W', C_in, kh, kw); keep every sh-th row, sw-th column
    windows = sliding_window_view(xp, (kh, kw), axis=(1, 2))
    windows = windows[:, : (oh - 1) * sh + 1 : sh, : (ow - 1) * sw + 1 : sw]
    # im2col: each output position gets its window flattened in the kernel's (kh, kw, C_in)
    # order, a row of length kh * kw * C_in; this reshape is the one copy
    cols = windows.transpose(0, 1, 2, 4, 5, 3).reshape(xp.shape[0], oh, ow, kh * kw * c_in)
    # one (batched) matrix product for all positions. Kept stacked per output row rather than
    # flattened to one tall matrix: on a busy 2-core machine OpenBLAS's threads made the tall
    # product several times slower (benchmarks/conv_speed.py prints both).
    out = cols @ kernel.reshape(kh * kw * c_in, c_out)
    if bias is not None:
        out += bias
    return out.astype(dtype, copy=False)


def conv2d_loop(x, kernel, bias=None, strides=1, padding: str = "valid") -> np.ndarray:
    """The same convolution with explicit loops: slow, but every step is visible.

    Same arguments, result and errors as :func:`conv2d`.
    """
    xp, kernel, bias, (sh, sw), (oh, ow), dtype = _prepare_conv(x, kernel, bias, strides, padding)
    kh, kw, _, c_out = kernel.shape
    out = np.zeros((xp.shape[0], oh, ow, c_out), dtype=dtype)
    for n in range(xp.shape[0]):  # each image
        for i in range(oh):  # each output row
            for j in range(ow):  # each output column
                top, left = i * sh, j * sw
                patch = xp[n, top : top + kh, left : left + kw, :]  # (kh, kw, C_in)
                for f in range(c_out):  # each filter
                    out[n, i, j, f] = np.sum(patch * kernel[:, :, :, f])
                    if bias is not None:
                        out[n, i, j, f] += bias[f]
    return out


# --------------------------------------------------------------------------- pooling
def _pool_windows(x, pool_size, strides, padding, fill):
    """Check pooling arguments; return strided windows (N, oh, ow, C, ph, pw)."""
    x = _float_array(x, "x", 4)
    pool = _pair(pool_size, "pool_size")
    strides = pool if strides is None else _pair(strides, "strides")
    padding = _padding(padding)
    xp, (oh, ow) = _pad(x, pool, strides, padding, "pool_size", fill)
    windows = sliding_window_view(xp, pool, axis=(1, 2))
    return windows[
        :, : (oh - 1) * strides[0] + 1 : strides[0], : (ow - 1) * strides[1] + 1 : strides[1]
    ]


def max_pool2d(x, pool_size=2, strides=None, padding: str = "valid") -> np.ndarray:
    """Max pooling as Keras' ``MaxPooling2D`` computes it.

    Args:
        x: input batch ``(N, H, W, C)``; each channel is pooled on its own.
        pool_size: an int or a pair ``(ph, pw)``.
        strides: an int, a pair, or ``None`` for ``pool_size`` (Keras' default).
        padding: ``"valid"`` or ``"same"``; padded cells never win the max.

    Returns:
        ``(N, out_h, out_w, C)``.

    Raises:
        ValueError: wrong rank, non-positive sizes, unknown padding, or a
            window larger than the input with ``"valid"``.
    """
    windows = _pool_windows(x, pool_size, strides, padding, -np.inf)
    return windows.max(axis=(4, 5))


def avg_pool2d(x, pool_size=2, strides=None, padding: str = "valid") -> np.ndarray:
    """Average pooling as Keras' ``AveragePooling2D`` computes it.

    With ``"same"`` padding a window at the border averages only the input
    cells it covers (padded cells are not counted), as Keras does.

    Args, Returns and Raises: as :func:`max_pool2d`.
    """
    x = _float_array(x, "x", 4)
    sums = _pool_windows(x, pool_size, strides, padding, 0.0).sum(axis=(4, 5))
    ones = np.ones((1, *x.shape[1:3], 1), dtype=x.dtype)
    counts = _pool_windows(ones, pool_size, strides, padding, 0.0).sum(axis=(4, 5))
    return sums / counts
