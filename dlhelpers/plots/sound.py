"""Chapter 12's sound figures: a waveform, a spectrogram, a grid of spectrograms."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from dlhelpers._validation import check_array, check_scalar
from dlhelpers.plots._common import axes_or_new

__all__ = ["plot_waveform", "plot_spectrogram", "plot_spectrograms"]


def plot_waveform(audio, sample_rate: float, *, ax=None, title: str | None = None):
    """Amplitude against time (seconds) of one clip ``audio`` (samples,)."""
    audio = check_array(audio, "audio", ndim=1)
    sample_rate = check_scalar(sample_rate, "sample_rate", float, low=0, closed="neither")
    fig, ax = axes_or_new(ax, (6, 1.8))
    ax.plot(np.arange(len(audio)) / sample_rate, audio, lw=0.5)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("amplitude")
    ax.set_title(title or "waveform", fontsize=9)
    return fig


def plot_spectrogram(
    spectrogram,
    *,
    seconds_per_frame: float | None = None,
    top_hertz: float | None = None,
    ylabel: str = "frequency bin",
    ax=None,
    title: str | None = None,
):
    """A ``(frames, bins)`` spectrogram as an image: time left to right, low frequencies down.

    Args:
        spectrogram: ``(frames, bins)`` values (a log spectrogram, usually).
        seconds_per_frame: the hop in seconds; the time axis is then in seconds, else frames.
        top_hertz: the frequency of the last bin; the frequency axis is then in hertz.
        ylabel: the frequency axis' label when ``top_hertz`` is not given (e.g. "mel band").
    """
    values = check_array(spectrogram, "spectrogram", ndim=2)
    fig, ax = axes_or_new(ax, (4, 2.4))
    frames, bins = values.shape
    right = frames if seconds_per_frame is None else frames * seconds_per_frame
    top = bins if top_hertz is None else top_hertz
    ax.imshow(
        values.T, origin="lower", aspect="auto", cmap="magma", extent=(0, right, 0, top),
        interpolation="nearest",
    )  # fmt: skip
    ax.set_xlabel("frame" if seconds_per_frame is None else "time (s)")
    ax.set_ylabel(ylabel if top_hertz is None else "frequency (Hz)")
    if title:
        ax.set_title(title, fontsize=9)
    return fig


def plot_spectrograms(spectrograms, titles=None, *, ncols: int = 6, ylabel: str = "mel band"):
    """Several ``(frames, bins)`` spectrograms side by side, one titled panel each."""
    values = check_array(spectrograms, "spectrograms", ndim=3)
    ncols = min(check_scalar(ncols, "ncols", int, low=1), len(values))
    nrows = -(-len(values) // ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(1.6 * ncols, 1.5 * nrows), dpi=75, squeeze=False,
        layout="constrained",
    )  # fmt: skip
    for i, ax in enumerate(axes.flat):
        if i >= len(values):
            ax.axis("off")
            continue
        plot_spectrogram(values[i], ax=ax, ylabel=ylabel if i % ncols == 0 else "")
        ax.set_title(titles[i] if titles is not None else "", fontsize=8)
        ax.set_xlabel("")
        ax.set_xticks([])
        ax.set_yticks([])
    return fig
