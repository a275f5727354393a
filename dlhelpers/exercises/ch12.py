"""Chapter 12 exercises: the shape of an STFT, the frequency of each bin, and the
multiply-adds of a convolution.

Each ``check_*`` runs your function on hidden cases and returns a
:class:`~dlhelpers.exercises.Feedback`; ``print`` it to read which case failed,
what was expected, what came back and a hint.
"""

from __future__ import annotations

import math

import numpy as np

from dlhelpers.exercises._core import Case, Feedback, check_cases

__all__ = ["check_stft_shape", "check_bin_frequencies", "check_conv2d_macs"]


def _as_pair(received):
    return tuple(int(v) for v in np.asarray(received).ravel())


# --------------------------------------------------------------------------- STFT shape
def _stft_shape(n, length, step, fft):
    return np.array([max(0, 1 + (n - length) // step), fft // 2 + 1])


_STFT_CASES = [
    (4800, 256, 128, 256),
    (4800, 200, 80, 256),
    (16000, 400, 160, 512),
    (1000, 1000, 10, 1024),
    (1023, 64, 64, 64),
    (300, 128, 32, 128),
]


def _stft_hint(case: Case, received) -> str | None:
    n, length, step, fft = case.args
    frames, bins = _as_pair(received)
    if bins == fft // 2:
        return "add 1 bin: a real FFT of size fft_length keeps 0 Hz and the Nyquist bin."
    if bins == length // 2 + 1 and length != fft:
        return "the number of bins comes from fft_length (frames are zero-padded to it)."
    if frames == (n - length) // step:
        return "count the first frame too: 1 + (n_samples - frame_length) // frame_step."
    if frames in (n // step, math.ceil(n / step)):
        return "each frame must fit entirely inside the signal (tf.signal.stft pads nothing)."
    return None


def check_stft_shape(func) -> Feedback:
    """Check ``func(n_samples, frame_length, frame_step, fft_length)``: ``(frames, bins)``.

    Expected: the shape of ``tf.signal.stft`` of a signal of ``n_samples`` samples.
    """
    cases = [Case(f"stft_shape{args}", args, _stft_shape(*args)) for args in _STFT_CASES]
    return check_cases(func, cases, hints=_stft_hint, what="stft_shape")


# --------------------------------------------------------------------------- bin frequencies
_BIN_CASES = [(8000, 256), (16000, 512), (8000, 8), (44100, 1024), (22050, 16)]


def _bin_hint(case: Case, received) -> str | None:
    rate, fft = case.args
    got = np.asarray(received, dtype=float)
    if got.shape == (fft // 2,):
        return "include both ends: fft_length // 2 + 1 bins, from 0 Hz to sample_rate / 2."
    if got.shape == (fft // 2 + 1,) and np.isclose(got[-1], rate):
        return "the last bin is the Nyquist frequency, sample_rate / 2, not sample_rate."
    if got.shape == (fft,):
        return "a real FFT keeps only the non-negative frequencies: fft_length // 2 + 1 bins."
    return None


def check_bin_frequencies(func) -> Feedback:
    """Check ``func(sample_rate, fft_length)``: the frequency in hertz of every STFT bin.

    Expected: ``(fft_length // 2 + 1,)`` values ``k * sample_rate / fft_length``.
    """
    cases = [
        Case(f"bin_frequencies{args}", args, np.arange(args[1] // 2 + 1) * args[0] / args[1])
        for args in _BIN_CASES
    ]
    return check_cases(func, cases, hints=_bin_hint, what="bin_frequencies")


# --------------------------------------------------------------------------- conv multiply-adds
def _out(size, k, s, padding):
    return math.ceil(size / s) if padding == "same" else (size - k) // s + 1


def _conv_macs(h, w, c, filters, k, s, padding, *, output=True, channels=True):
    oh, ow = (_out(h, k, s, padding), _out(w, k, s, padding)) if output else (h, w)
    return oh * ow * filters * k * k * (c if channels else 1)


_CONV_CASES = [
    (28, 28, 1, 8, 3, 1, "valid"),
    (13, 13, 8, 16, 3, 1, "valid"),
    (32, 32, 3, 16, 3, 1, "same"),
    (32, 32, 16, 32, 3, 2, "same"),
    (33, 17, 4, 6, 5, 2, "valid"),
    (8, 8, 64, 128, 1, 1, "valid"),
    (15, 15, 2, 4, 2, 3, "same"),
]


def _conv_hint(case: Case, received) -> str | None:
    h, w, c, f, k, s, padding = case.args
    try:
        got = int(received)
    except (TypeError, ValueError):
        return "return one whole number."
    if padding == "same" and s > 1 and got == _conv_macs(h, w, c, f, k, 1, padding):
        return "with strides, 'same' padding gives ceil(size / strides) positions per axis."
    if got == _conv_macs(h, w, c, f, k, s, padding, output=False):
        return "count output positions, not input positions: the layer computes the outputs."
    if got == _conv_macs(h, w, c, f, k, s, padding, channels=False):
        return "every output value sums over all input channels: multiply by channels."
    if padding == "valid" and got == _conv_macs(h, w, c, f, k, s, "same"):
        return "'valid' keeps only the windows that fit: (size - kernel_size) // strides + 1."
    return None


def check_conv2d_macs(func) -> Feedback:
    """Check ``func(height, width, channels, filters, kernel_size, strides, padding)``.

    Expected: the multiply-adds of a ``Conv2D`` with a square ``kernel_size`` and
    ``strides`` on one ``(height, width, channels)`` image, bias adds not counted.
    """
    cases = [Case(f"conv2d_macs{args}", args, _conv_macs(*args)) for args in _CONV_CASES]
    return check_cases(func, cases, hints=_conv_hint, what="conv2d_macs")
