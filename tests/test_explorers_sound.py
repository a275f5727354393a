"""The spectrogram explorer, driven by setting control values (no browser)."""

import numpy as np
import pytest

from dlhelpers.explorers.sound import SpectrogramExplorer
from dlhelpers.scratch import spectral


@pytest.fixture
def clip():
    rate = 8000
    t = np.arange(4800) / rate
    return np.sin(2 * np.pi * 440 * t) + 0.1 * np.random.default_rng(0).normal(size=t.size)


def test_explorer_follows_window_hop_and_mel_bands(clip):
    explorer = SpectrogramExplorer(clip, 8000)
    assert explorer.updates == 1 and explorer.fig is not None and explorer.error is None
    mel = spectral.linear_to_mel_weight_matrix(32, 129, 8000)
    np.testing.assert_allclose(
        explorer.result["spectrogram"], spectral.log_spectrogram(clip, 256, 128, mel_matrix=mel)
    )
    assert explorer.result["spectrogram"].shape == (36, 32)
    explorer.controls["frame_step"].value = 64
    assert explorer.result["spectrogram"].shape == (72, 32)
    assert explorer.result["seconds_per_frame"] == 64 / 8000
    explorer.controls["mel_bands"].value = 0
    np.testing.assert_allclose(
        explorer.result["spectrogram"], spectral.log_spectrogram(clip, 256, 64)
    )
    explorer.controls["frame_length"].value = 512
    assert explorer.result["spectrogram"].shape == (1 + (4800 - 512) // 64, 257)
    assert explorer.result["hertz_per_bin"] == 8000 / 512
    assert explorer.updates == 4
    image = explorer.fig.axes[0].images[0].get_array()
    np.testing.assert_allclose(image, explorer.result["spectrogram"].T)  # time across


def test_a_hop_longer_than_the_window_is_rejected_with_the_reason(clip):
    explorer = SpectrogramExplorer(clip, 8000, frame_length=128, frame_step=128)
    explorer.controls["frame_step"].value = 256
    assert explorer.fig is None and "longer than the window" in explorer.error
    explorer.controls["frame_length"].value = 512
    assert explorer.error is None and explorer.result["spectrogram"].shape[1] == 32


def test_a_window_longer_than_the_clip_is_rejected(clip):
    explorer = SpectrogramExplorer(clip[:600], 8000)
    explorer.controls["frame_length"].value = 1024
    assert explorer.fig is None and "longer than the clip" in explorer.error


def test_low_sample_rates_keep_the_mel_bands_below_nyquist():
    rate = 4000  # Nyquist 2,000 Hz: below the chapter's 3,800 Hz upper mel edge
    tone = np.sin(2 * np.pi * 500 * np.arange(2400) / rate)
    explorer = SpectrogramExplorer(tone, rate, mel_bands=16)
    assert explorer.error is None and explorer.result["spectrogram"].shape == (17, 16)
    mel = spectral.linear_to_mel_weight_matrix(16, 129, rate, 125.0, 2000.0)
    np.testing.assert_allclose(
        explorer.result["spectrogram"], spectral.log_spectrogram(tone, 256, 128, mel_matrix=mel)
    )


def test_constructor_checks_its_clip():
    with pytest.raises(ValueError, match="audio: expected a 1-D array"):
        SpectrogramExplorer(np.zeros((2, 100)), 8000)
    with pytest.raises(ValueError, match="sample_rate: expected a number > 0"):
        SpectrogramExplorer(np.zeros(1000), 0)
    with pytest.raises(ValueError, match="frame_length: expected one of 64, 128"):
        SpectrogramExplorer(np.zeros(1000), 8000, frame_length=200)
    with pytest.raises(ValueError, match="mel_bands: expected one of 0, 16"):
        SpectrogramExplorer(np.zeros(1000), 8000, mel_bands=20)
