"""The short-time Fourier transform and spectrograms in NumPy, with ``tf.signal``'s conventions.

Chapter 12 builds a spectrogram in three steps: cut the signal into overlapping
frames (:func:`frame`), taper each frame with a window (:func:`hann_window`), take
the FFT of each (:func:`stft`); then keep the magnitude, optionally pool the
frequency bins into mel bands (:func:`linear_to_mel_weight_matrix`), and take the
log (:func:`log_spectrogram`). Each function matches its ``tf.signal`` namesake:
same argument names, same defaults, same output layout (frames first, then bins).
"""

from __future__ import annotations

import numpy as np

from dlhelpers._validation import check_array, check_scalar, fail

__all__ = [
    "frame",
    "hann_window",
    "stft",
    "hertz_to_mel",
    "linear_to_mel_weight_matrix",
    "log_spectrogram",
]


def frame(signal, frame_length: int, frame_step: int) -> np.ndarray:
    """Overlapping frames of the last axis, as ``tf.signal.frame`` (``pad_end=False``).

    Args:
        signal: ``(..., samples)`` array.
        frame_length: samples per frame.
        frame_step: samples between the starts of two frames (the hop).

    Returns:
        ``(..., frames, frame_length)`` with ``frames = 1 + (samples - frame_length) //
        frame_step`` (0 frames when the signal is shorter than one frame).

    >>> frame(np.arange(7), 4, 2)
    array([[0, 1, 2, 3],
           [2, 3, 4, 5]])
    """
    signal = check_array(signal, "signal", dtype=None)
    frame_length = check_scalar(frame_length, "frame_length", int, low=1)
    frame_step = check_scalar(frame_step, "frame_step", int, low=1)
    n = signal.shape[-1]
    frames = max(0, 1 + (n - frame_length) // frame_step)
    starts = frame_step * np.arange(frames)[:, None]
    return signal[..., starts + np.arange(frame_length)]


def hann_window(window_length: int, periodic: bool = True) -> np.ndarray:
    """The Hann window, as ``tf.signal.hann_window``: ``0.5 - 0.5 cos(2 pi n / N)``.

    ``N`` is ``window_length`` when ``periodic`` (the default, what an STFT wants: the
    window repeats seamlessly) and ``window_length - 1`` otherwise (symmetric). As in
    TensorFlow, ``periodic`` only changes even lengths: odd ones are always symmetric.

    >>> hann_window(4).round(3).tolist()
    [0.0, 0.5, 1.0, 0.5]
    """
    window_length = check_scalar(window_length, "window_length", int, low=1)
    if window_length == 1:
        return np.ones(1)
    denominator = window_length if periodic and window_length % 2 == 0 else window_length - 1
    return 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(window_length) / denominator)


def stft(signal, frame_length: int, frame_step: int, fft_length: int | None = None) -> np.ndarray:
    """The short-time Fourier transform, as ``tf.signal.stft`` with its default Hann window.

    Frames (:func:`frame`), times a periodic Hann window, each zero-padded to
    ``fft_length`` and transformed with a real FFT.

    Args:
        signal: ``(..., samples)`` real array.
        frame_length, frame_step: frame size and hop, in samples.
        fft_length: FFT size, at least ``frame_length``; ``None`` takes the smallest power
            of two that holds a frame (``tf.signal.stft``'s default).

    Returns:
        Complex ``(..., frames, fft_length // 2 + 1)``: one row per frame, one column per
        frequency bin, bin ``k`` at ``k * sample_rate / fft_length`` hertz.
    """
    frames = frame(check_array(signal, "signal"), frame_length, frame_step)
    if fft_length is None:
        fft_length = int(2 ** np.ceil(np.log2(frame_length)))
    fft_length = check_scalar(fft_length, "fft_length", int, low=frame_length)
    return np.fft.rfft(frames * hann_window(frame_length), n=fft_length, axis=-1)


def hertz_to_mel(hertz):
    """The mel scale ``tf.signal`` uses: ``1127 ln(1 + f / 700)``.

    Roughly linear below 700 Hz and logarithmic above, as pitch is heard.

    >>> round(float(hertz_to_mel(1000.0)), 2)
    999.99
    """
    return 1127.0 * np.log1p(np.asarray(hertz, dtype=float) / 700.0)


def linear_to_mel_weight_matrix(
    num_mel_bins: int = 20,
    num_spectrogram_bins: int = 129,
    sample_rate: float = 8000,
    lower_edge_hertz: float = 125.0,
    upper_edge_hertz: float = 3800.0,
) -> np.ndarray:
    """Triangular mel filters, as ``tf.signal.linear_to_mel_weight_matrix`` (same defaults).

    ``num_mel_bins + 2`` edges equally spaced in mel between the two edge frequencies;
    band ``m`` rises from edge ``m`` to a peak of 1 at edge ``m + 1`` and falls to 0 at
    edge ``m + 2``. The DC bin (0 Hz) gets no weight, as in TensorFlow.

    Returns:
        ``(num_spectrogram_bins, num_mel_bins)``: ``magnitudes @ matrix`` pools a
        spectrogram's frequency bins into mel bands.
    """
    num_mel_bins = check_scalar(num_mel_bins, "num_mel_bins", int, low=1)
    num_spectrogram_bins = check_scalar(num_spectrogram_bins, "num_spectrogram_bins", int, low=2)
    sample_rate = check_scalar(sample_rate, "sample_rate", float, low=0, closed="neither")
    lower = check_scalar(lower_edge_hertz, "lower_edge_hertz", float, low=0)
    upper = check_scalar(upper_edge_hertz, "upper_edge_hertz", float, high=sample_rate / 2)
    if upper <= lower:
        fail("upper_edge_hertz", f"a frequency above lower_edge_hertz={lower}", upper)
    bins_mel = hertz_to_mel(np.linspace(0, sample_rate / 2, num_spectrogram_bins)[1:, None])
    edges = np.linspace(hertz_to_mel(lower), hertz_to_mel(upper), num_mel_bins + 2)
    left, centre, right = edges[:-2], edges[1:-1], edges[2:]
    rising = (bins_mel - left) / (centre - left)
    falling = (right - bins_mel) / (right - centre)
    weights = np.maximum(0.0, np.minimum(rising, falling))
    return np.vstack([np.zeros((1, num_mel_bins)), weights])


def log_spectrogram(signal, frame_length: int, frame_step: int, *, mel_matrix=None, offset=1e-6):
    """``log(|stft| + offset)``, pooled into mel bands first when ``mel_matrix`` is given.

    Args:
        signal: ``(..., samples)`` real array.
        frame_length, frame_step: as in :func:`stft` (``fft_length`` is its default).
        mel_matrix: optional ``(bins, mel_bands)`` from :func:`linear_to_mel_weight_matrix`.
        offset: added before the log so silent bins stay finite.

    Returns:
        ``(..., frames, bins)`` or ``(..., frames, mel_bands)``.
    """
    magnitude = np.abs(stft(signal, frame_length, frame_step))
    if mel_matrix is not None:
        mel_matrix = check_array(mel_matrix, "mel_matrix", ndim=2)
        if mel_matrix.shape[0] != magnitude.shape[-1]:
            fail("mel_matrix", f"{magnitude.shape[-1]} rows (one per frequency bin)", mel_matrix)
        magnitude = magnitude @ mel_matrix
    return np.log(magnitude + offset)
