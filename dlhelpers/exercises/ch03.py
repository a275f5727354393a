"""Chapter 3 exercises: output sizes, one convolution output, max pooling, parameter counts."""

from __future__ import annotations

import numpy as np

from dlhelpers.exercises._core import Case, Feedback, check_cases
from dlhelpers.scratch.conv import conv_output_size

__all__ = ["check_conv_params", "check_conv_pixel", "check_max_pool", "check_output_size"]


def _same(received, value) -> bool:
    try:
        return bool(np.isclose(float(received), float(value)))
    except (TypeError, ValueError):
        return False


# --------------------------------------------------------------------------- output size
_SIZE_CASES = [
    (28, 3, 1, "valid"),
    (28, 5, 2, "valid"),
    (7, 3, 2, "valid"),
    (10, 3, 3, "valid"),
    (5, 5, 1, "valid"),
    (28, 3, 2, "same"),
    (7, 4, 3, "same"),
    (6, 1, 4, "same"),
    (9, 2, 2, "same"),
    (6, 4, 1, "same"),  # even kernels: Keras pads k - 1 in total, not 2 * (k // 2)
    (6, 2, 1, "same"),
]


def _size_hint(case: Case, received) -> str | None:
    n, k, s, padding = case.args
    if padding == "valid":
        if _same(received, (n - k) // s):
            return "off by one: the first window counts too, so add 1 after dividing."
        if _same(received, (n - k) / s + 1) or _same(received, -(-(n - k) // s) + 1):
            return (
                "a window that would run past the edge does not count: round (size - k) / s down."
            )
        if _same(received, n - k + 1):
            return "the stride was ignored: windows start every `strides` cells."
    else:
        if _same(received, n // s):
            return "with 'same' round up: a last, partly padded window still counts."
        if _same(received, conv_output_size(n, k, s, "valid")):
            return "with 'same' the input is padded, so the kernel size drops out: ceil(size / strides)."
        if _same(received, n):
            return "'same' keeps the size only for strides 1: divide by the stride and round up."
        if _same(received, (n + 2 * (k // 2) - k) // s + 1):
            return (
                "padding k // 2 on both sides is one cell too many for an even kernel: Keras "
                "pads only what the last window needs (k - 1 in total at stride 1, the extra "
                "cell bottom/right), so the output is ceil(size / strides)."
            )
    return None


def check_output_size(func) -> Feedback:
    """Check ``func(size, kernel_size, strides, padding) -> int`` on hidden cases."""
    cases = [
        Case(
            f"size={n}, kernel={k}, strides={s}, '{p}'", (n, k, s, p), conv_output_size(n, k, s, p)
        )
        for n, k, s, p in _SIZE_CASES
    ]
    return check_cases(func, cases, hints=_size_hint, what="output_size")


# --------------------------------------------------------------------------- one output pixel
def _pixel_cases() -> list[Case]:
    rng = np.random.default_rng(3)
    cases = []
    for (h, w), (kh, kw), (r, c) in [
        ((5, 5), (3, 3), (0, 0)),
        ((6, 7), (3, 3), (2, 3)),
        ((8, 6), (2, 3), (5, 1)),
        ((7, 7), (3, 2), (4, 5)),
    ]:
        image = rng.integers(0, 10, size=(h, w)).astype(float)
        kernel = rng.integers(-3, 4, size=(kh, kw)).astype(float)
        value = float(np.sum(image[r : r + kh, c : c + kw] * kernel))
        cases.append(
            Case(
                f"image {h}x{w}, kernel {kh}x{kw}, output ({r}, {c})", (image, kernel, r, c), value
            )
        )
    return cases


def _pixel_hint(case: Case, received) -> str | None:
    image, kernel, r, c = case.args
    kh, kw = kernel.shape
    window = image[r : r + kh, c : c + kw]
    if window.shape == kernel.shape and _same(received, np.sum(window * kernel[::-1, ::-1])):
        return "the kernel was flipped: deep-learning 'convolution' slides the kernel as it is."
    r0, c0 = r - kh // 2, c - kw // 2
    if r0 >= 0 and c0 >= 0:
        centred = image[r0 : r0 + kh, c0 : c0 + kw]
        if centred.shape == kernel.shape and _same(received, np.sum(centred * kernel)):
            return (
                "with 'valid' padding output (row, col) starts its window at (row, col), "
                "the top-left corner, not centred there."
            )
    swapped = image[c : c + kh, r : r + kw]
    if swapped.shape == kernel.shape and _same(received, np.sum(swapped * kernel)):
        return "row and col are swapped: rows index axis 0 of the image."
    if _same(received, np.sum(window)):
        return "multiply the window by the kernel before summing."
    return None


def check_conv_pixel(func) -> Feedback:
    """Check ``func(image, kernel, row, col) -> float``: one output of a valid convolution."""
    return check_cases(func, _pixel_cases(), hints=_pixel_hint, what="conv_pixel")


# --------------------------------------------------------------------------- max pooling
def _pool(image, size):
    h, w = image.shape[0] // size, image.shape[1] // size
    return image[: h * size, : w * size].reshape(h, size, w, size).max(axis=(1, 3))


def _pool_cases() -> list[Case]:
    rng = np.random.default_rng(4)
    cases = []
    for (h, w), size in [((4, 4), 2), ((6, 4), 2), ((7, 9), 3), ((5, 8), 2)]:
        image = rng.integers(-9, 10, size=(h, w)).astype(float)
        cases.append(Case(f"image {h}x{w}, size {size}", (image, size), _pool(image, size)))
    return cases


def _pool_hint(case: Case, received) -> str | None:
    image, size = case.args
    try:
        got = np.asarray(received, dtype=float)
    except (TypeError, ValueError):
        return None
    h, w = image.shape[0] // size, image.shape[1] // size
    blocks = image[: h * size, : w * size].reshape(h, size, w, size)
    if got.shape == (h, w) and np.allclose(got, blocks.mean(axis=(1, 3))):
        return "that is average pooling: keep the largest value of each window."
    crop = image[: h * size, : w * size]
    for wrong in (blocks.max(axis=(1, 2)), crop.reshape(h, w, size, size).max(axis=(2, 3))):
        if got.shape == wrong.shape and np.allclose(got, wrong):
            return (
                "the max ran over the wrong axes: reshape to (rows, size, cols, size) and "
                "reduce axes 1 and 3."
            )
    expected = np.asarray(case.expected)
    if (got.shape == (w, h) and h != w) or (got.shape == (h, w) and np.allclose(got, expected.T)):
        return "rows and columns are swapped: the result has one row per window row."
    ceil_shape = (-(-image.shape[0] // size), -(-image.shape[1] // size))
    if got.shape == ceil_shape != (h, w):
        return "leftover rows/columns that do not fill a whole window are dropped ('valid')."
    if got.shape == (image.shape[0] - size + 1, image.shape[1] - size + 1):
        return "windows must not overlap: step by `size` cells, not 1."
    return None


def check_max_pool(func) -> Feedback:
    """Check ``func(image, size) -> array``: non-overlapping max pooling of a 2-D image."""
    return check_cases(func, _pool_cases(), hints=_pool_hint, what="max_pool")


# --------------------------------------------------------------------------- parameter count
_PARAM_CASES = [(3, 1, 16, True), (3, 16, 32, True), (5, 3, 8, False), (1, 64, 10, True)]


def _param_hint(case: Case, received) -> str | None:
    k, c_in, filters, bias = case.args
    extra = filters if bias else 0
    if _same(received, k * k * filters + extra):
        return "each filter spans every input channel: its kernel is k x k x in_channels."
    if bias and _same(received, k * k * c_in * filters):
        return "add one bias per filter."
    if bias and _same(received, k * k * c_in * filters + c_in):
        return "there is one bias per filter (output channel), not per input channel."
    if not bias and _same(received, k * k * c_in * filters + filters):
        return "use_bias=False: no bias terms at all."
    if _same(received, k * c_in * filters + extra):
        return "a kernel_size of k means a k x k window: k * k weights per input channel."
    return None


def check_conv_params(func) -> Feedback:
    """Check ``func(kernel_size, in_channels, filters, use_bias) -> int`` (Conv2D's count)."""
    cases = [
        Case(
            f"kernel {k}x{k}, {c} input channels, {f} filters, use_bias={b}",
            (k, c, f, b),
            k * k * c * f + (f if b else 0),
        )
        for k, c, f, b in _PARAM_CASES
    ]
    return check_cases(func, cases, hints=_param_hint, what="conv_params")
