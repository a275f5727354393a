"""Reference solutions for the Chapter 3 exercises (peek only after trying)."""

from __future__ import annotations

import numpy as np

__all__ = ["conv_params", "conv_pixel", "max_pool", "output_size"]


def output_size(size: int, kernel_size: int, strides: int, padding: str) -> int:
    """Cells along one axis after a convolution, as Keras counts them."""
    if padding == "same":
        return -(-size // strides)  # ceil(size / strides)
    return (size - kernel_size) // strides + 1


def conv_pixel(image: np.ndarray, kernel: np.ndarray, row: int, col: int) -> float:
    """Output ``(row, col)`` of a 'valid', stride-1 convolution of a 2-D image."""
    kh, kw = kernel.shape
    window = image[row : row + kh, col : col + kw]
    return float(np.sum(window * kernel))


def max_pool(image: np.ndarray, size: int) -> np.ndarray:
    """Non-overlapping ``size x size`` max pooling of a 2-D image; leftovers dropped."""
    h, w = image.shape[0] // size, image.shape[1] // size
    blocks = image[: h * size, : w * size].reshape(h, size, w, size)
    return blocks.max(axis=(1, 3))


def conv_params(kernel_size: int, in_channels: int, filters: int, use_bias: bool = True) -> int:
    """Trainable parameters of ``Conv2D(filters, kernel_size)`` on ``in_channels`` channels."""
    weights = kernel_size * kernel_size * in_channels * filters
    return weights + (filters if use_bias else 0)
