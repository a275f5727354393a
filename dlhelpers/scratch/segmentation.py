"""Segmentation by hand in NumPy (Chapter 11): pixel accuracy, per-class IoU and Dice,
and the output size of a transposed convolution (Keras' rule).

Masks are integer class labels per pixel, any shape, ``0 .. num_classes - 1``.
"""

from __future__ import annotations

import numpy as np

from dlhelpers._validation import check_array, check_choice, check_scalar, fail

__all__ = [
    "confusion_counts",
    "pixel_accuracy",
    "per_class_iou",
    "dice",
    "conv_transpose_output_size",
    "conv2d_transpose",
]


def _masks(y_true, y_pred):
    y_true = check_array(y_true, "y_true", dtype=np.int64)
    y_pred = check_array(y_pred, "y_pred", dtype=np.int64)
    if y_true.shape != y_pred.shape:
        fail("y_pred", f"the shape of y_true {y_true.shape}", y_pred)
    return y_true.ravel(), y_pred.ravel()


def confusion_counts(y_true, y_pred, num_classes: int) -> np.ndarray:
    """``(num_classes, num_classes)`` counts: entry ``[i, j]`` is pixels of class ``i``
    predicted as ``j``."""
    t, p = _masks(y_true, y_pred)
    num_classes = check_scalar(num_classes, "num_classes", int, low=1)
    if t.min() < 0 or p.min() < 0 or max(t.max(), p.max()) >= num_classes:
        fail("y_true/y_pred", f"labels 0..{num_classes - 1}", (t.max(), p.max()))
    return np.bincount(t * num_classes + p, minlength=num_classes**2).reshape(num_classes, -1)


def pixel_accuracy(y_true, y_pred) -> float:
    """The fraction of pixels whose predicted class is the true one."""
    t, p = _masks(y_true, y_pred)
    return float(np.mean(t == p))


def per_class_iou(y_true, y_pred, num_classes: int) -> np.ndarray:
    """IoU of each class: pixels in both the true and the predicted region, over pixels in
    either. ``NaN`` for a class absent from both (``np.nanmean`` then skips it, as
    ``keras.metrics.MeanIoU`` does).

    Example:
        >>> per_class_iou([0, 0, 1, 1], [0, 1, 1, 1], 3).round(3).tolist()
        [0.5, 0.667, nan]
    """
    cm = confusion_counts(y_true, y_pred, num_classes).astype(float)
    inter = np.diag(cm)
    union = cm.sum(0) + cm.sum(1) - inter
    return np.divide(inter, union, out=np.full(num_classes, np.nan), where=union > 0)


def dice(y_true, y_pred, num_classes: int) -> np.ndarray:
    """Dice of each class: ``2 |T and P| / (|T| + |P|)`` (``NaN`` where both are empty).

    Dice and IoU rank predictions alike (``dice = 2 iou / (1 + iou)``); Dice is the larger.
    """
    cm = confusion_counts(y_true, y_pred, num_classes).astype(float)
    sizes = cm.sum(0) + cm.sum(1)
    return np.divide(2 * np.diag(cm), sizes, out=np.full(num_classes, np.nan), where=sizes > 0)


def conv_transpose_output_size(
    size: int, kernel_size: int, strides: int = 1, padding: str = "valid", output_padding=None
) -> int:
    """Output length of a transposed convolution along one axis, as Keras computes it.

    A transposed convolution spreads each input cell over a ``kernel_size`` window, the
    windows ``strides`` apart: ``(size - 1) * strides + kernel_size`` cells, or
    ``size * strides`` when the stride is larger than the kernel (the gaps count).
    ``"same"`` crops to ``size * strides``, the inverse of a ``"same"`` convolution's
    ``ceil(size / strides)``. With ``output_padding`` Keras uses
    ``(size - 1) * strides + kernel_size - 2 * pad + output_padding``, ``pad`` being
    ``kernel_size // 2`` for ``"same"`` and 0 for ``"valid"``.

    Example:
        >>> conv_transpose_output_size(12, 2, 2), conv_transpose_output_size(12, 3, 2)
        (24, 25)
    """
    size = check_scalar(size, "size", int, low=1)
    kernel_size = check_scalar(kernel_size, "kernel_size", int, low=1)
    strides = check_scalar(strides, "strides", int, low=1)
    check_choice(padding, "padding", ("valid", "same"))
    if output_padding is not None:
        output_padding = check_scalar(output_padding, "output_padding", int, low=0)
        pad = kernel_size // 2 if padding == "same" else 0
        return (size - 1) * strides + kernel_size - 2 * pad + output_padding
    if padding == "same":
        return size * strides
    return size * strides + max(kernel_size - strides, 0)


def conv2d_transpose(x, kernel, bias=None, strides: int = 1) -> np.ndarray:
    """A ``"valid"`` transposed convolution, by hand: every input cell adds its values times
    the kernel into an output window; windows start ``strides`` cells apart.

    Args:
        x: ``(N, H, W, C_in)`` inputs.
        kernel: ``(kh, kw, C_out, C_in)``, the layout of Keras' ``Conv2DTranspose.kernel``.
        bias: optional ``(C_out,)``.
        strides: the step between windows.

    Returns:
        ``(N, H_out, W_out, C_out)`` with ``H_out = conv_transpose_output_size(H, kh, strides)``.
    """
    x = check_array(x, "x", ndim=4)
    kernel = check_array(kernel, "kernel", ndim=4)
    if kernel.shape[3] != x.shape[3]:
        fail("kernel", f"(kh, kw, C_out, {x.shape[3]}) for {x.shape[3]} input channels", kernel)
    strides = check_scalar(strides, "strides", int, low=1)
    n, h, w, _ = x.shape
    kh, kw, c_out, _ = kernel.shape
    out_h = conv_transpose_output_size(h, kh, strides)
    out_w = conv_transpose_output_size(w, kw, strides)
    out = np.zeros((n, out_h, out_w, c_out))
    for a in range(kh):
        for b in range(kw):  # kernel cell (a, b) of every window at once
            out[:, a : a + h * strides : strides, b : b + w * strides : strides] += (
                x @ kernel[a, b].T
            )
    return out if bias is None else out + check_array(bias, "bias", ndim=1)
