"""Chapter 12's explorer: how the window length, the hop and the mel bands shape a spectrogram."""

from __future__ import annotations

import numpy as np

from dlhelpers._validation import check_array, check_choice, check_scalar
from dlhelpers.explorers._base import Explorer
from dlhelpers.plots.sound import plot_spectrogram
from dlhelpers.scratch.spectral import linear_to_mel_weight_matrix, log_spectrogram

__all__ = ["SpectrogramExplorer"]


class SpectrogramExplorer(Explorer):
    """One clip in; its log spectrogram for the chosen window, hop and mel bands out.

    ``result`` is a dict: ``spectrogram`` (frames, bins or bands), ``seconds_per_frame``
    (the hop in seconds), ``window_seconds``, ``hertz_per_bin`` (the FFT's bin spacing)
    and ``mel_bands`` (0: the linear bins). A hop longer than the window (samples that no
    frame sees) is rejected with the reason.
    """

    figsize = (6, 3)

    def __init__(
        self,
        audio,
        sample_rate: float,
        *,
        frame_length: int = 256,
        frame_step: int = 128,
        mel_bands: int = 32,
    ):
        import ipywidgets as widgets

        self.audio = check_array(audio, "audio", ndim=1)
        self.sample_rate = check_scalar(sample_rate, "sample_rate", float, low=0, closed="neither")
        # The mel bands span 125-3,800 Hz (as in the chapter), kept below the Nyquist frequency.
        self.upper_hertz = min(3800.0, self.sample_rate / 2)
        self.lower_hertz = min(125.0, self.upper_hertz / 2)
        lengths, steps, bands = (64, 128, 256, 512, 1024), (16, 32, 64, 128, 256), (0, 16, 32, 64)
        controls = {
            "frame_length": widgets.Dropdown(
                options=lengths,
                value=check_choice(frame_length, "frame_length", lengths),
                description="window",
            ),
            "frame_step": widgets.Dropdown(
                options=steps,
                value=check_choice(frame_step, "frame_step", steps),
                description="hop",
            ),
            "mel_bands": widgets.Dropdown(
                options=[("none" if b == 0 else str(b), b) for b in bands],
                value=check_choice(mel_bands, "mel_bands", bands),
                description="mel bands",
            ),
        }
        super().__init__(controls, title="A spectrogram's window, hop and mel bands")

    def compute(self, frame_length, frame_step, mel_bands) -> dict:
        if frame_step > frame_length:
            raise ValueError(
                f"hop {frame_step} is longer than the window {frame_length}: "
                "samples between two frames would be skipped."
            )
        if frame_length > len(self.audio):
            raise ValueError(
                f"window {frame_length} is longer than the clip ({len(self.audio)} samples): "
                "no frame fits."
            )
        bins = int(2 ** np.ceil(np.log2(frame_length))) // 2 + 1
        mel = None
        if mel_bands:
            mel = linear_to_mel_weight_matrix(
                mel_bands, bins, self.sample_rate, self.lower_hertz, self.upper_hertz
            )
        return {
            "spectrogram": log_spectrogram(self.audio, frame_length, frame_step, mel_matrix=mel),
            "seconds_per_frame": frame_step / self.sample_rate,
            "window_seconds": frame_length / self.sample_rate,
            "hertz_per_bin": self.sample_rate / (2 * (bins - 1)),
            "mel_bands": mel_bands,
        }

    def draw(self, fig, result) -> None:
        frames, bins = result["spectrogram"].shape
        what = f"{bins} mel bands" if result["mel_bands"] else f"{bins} bins"
        plot_spectrogram(
            result["spectrogram"],
            seconds_per_frame=result["seconds_per_frame"],
            top_hertz=None if result["mel_bands"] else self.sample_rate / 2,
            ylabel="mel band",
            ax=fig.add_subplot(),
            title=(
                f"window {result['window_seconds'] * 1e3:.0f} ms, hop "
                f"{result['seconds_per_frame'] * 1e3:.0f} ms: {frames} frames x {what}"
            ),
        )
