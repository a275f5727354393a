"""Reference solutions for Chapter 12's exercises (try them yourself first)."""

from __future__ import annotations

import math

import numpy as np

__all__ = ["stft_shape", "bin_frequencies", "conv2d_macs"]


def stft_shape(n_samples, frame_length, frame_step, fft_length):
    """Frames that fit entirely, and the bins of a real FFT of ``fft_length`` samples."""
    frames = max(0, 1 + (n_samples - frame_length) // frame_step)
    return frames, fft_length // 2 + 1


def bin_frequencies(sample_rate, fft_length):
    """Bin ``k`` sits at ``k * sample_rate / fft_length`` hertz, from 0 to the Nyquist frequency."""
    return np.arange(fft_length // 2 + 1) * sample_rate / fft_length


def conv2d_macs(height, width, channels, filters, kernel_size, strides, padding):
    """Output positions x filters x the ``kernel_size**2 * channels`` weights of each."""

    def out(size):
        if padding == "same":
            return math.ceil(size / strides)
        return (size - kernel_size) // strides + 1

    return out(height) * out(width) * filters * kernel_size * kernel_size * channels
