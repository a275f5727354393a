"""The NumPy STFT pieces equal tf.signal on random signals and settings."""

import numpy as np
import pytest

from dlhelpers.scratch import spectral

tf = pytest.importorskip("tensorflow")

SETTINGS = [(256, 128, None), (200, 80, None), (64, 16, 128), (100, 100, 128), (33, 7, None)]


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("frame_length,frame_step,fft_length", SETTINGS)
def test_frame_and_stft_equal_tf_signal(seed, frame_length, frame_step, fft_length):
    rng = np.random.default_rng(seed)
    signal = rng.normal(size=(2, int(rng.integers(frame_length, 3000))))
    np.testing.assert_array_equal(
        spectral.frame(signal, frame_length, frame_step),
        tf.signal.frame(signal, frame_length, frame_step).numpy(),
    )
    # float64 on both sides: the same arithmetic, so rounding-level agreement.
    np.testing.assert_allclose(
        spectral.stft(signal, frame_length, frame_step, fft_length),
        tf.signal.stft(signal, frame_length, frame_step, fft_length).numpy(),
        atol=1e-9,
    )


def test_stft_float32_agrees_within_float32_rounding():
    signal = np.random.default_rng(3).normal(size=4800).astype(np.float32)
    ours = np.abs(spectral.stft(signal, 256, 128))
    theirs = np.abs(tf.signal.stft(signal, 256, 128).numpy())
    # float32 FFT of 256 terms: errors near 1e-6 of the largest magnitude.
    np.testing.assert_allclose(ours, theirs, atol=1e-5 * ours.max())


@pytest.mark.parametrize("length", [1, 2, 7, 256, 400])
@pytest.mark.parametrize("periodic", [True, False])
def test_hann_window_equals_tf(length, periodic):
    np.testing.assert_allclose(
        spectral.hann_window(length, periodic),
        tf.signal.hann_window(length, periodic=periodic, dtype=tf.float64).numpy(),
        atol=1e-12,
    )


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_mel_matrix_equals_tf(seed):
    rng = np.random.default_rng(seed)
    rate = float(rng.choice([8000, 16000, 22050]))
    bins = int(rng.choice([65, 129, 257, 513]))
    mels = int(rng.integers(4, 64))
    low = float(rng.uniform(0, 300))
    high = float(rng.uniform(low + 500, rate / 2))
    ours = spectral.linear_to_mel_weight_matrix(mels, bins, rate, low, high)
    theirs = tf.signal.linear_to_mel_weight_matrix(mels, bins, rate, low, high, tf.float64)
    np.testing.assert_allclose(ours, theirs.numpy(), atol=1e-9)


def test_mel_defaults_equal_tf_defaults():
    np.testing.assert_allclose(
        spectral.linear_to_mel_weight_matrix(),
        tf.signal.linear_to_mel_weight_matrix(dtype=tf.float64).numpy(),
        atol=1e-9,
    )


def test_hertz_to_mel_is_tf_formula_and_monotone():
    hz = np.linspace(0, 8000, 50)
    mel = spectral.hertz_to_mel(hz)
    np.testing.assert_allclose(mel, 1127.0 * np.log(1 + hz / 700.0))
    assert np.all(np.diff(mel) > 0) and mel[0] == 0


@pytest.mark.parametrize("mels", [None, 20])
def test_log_spectrogram_equals_tf_pipeline(mels):
    signal = np.random.default_rng(5).normal(size=(3, 2000))
    matrix = None if mels is None else spectral.linear_to_mel_weight_matrix(mels, 129, 8000)
    ours = spectral.log_spectrogram(signal, 256, 100, mel_matrix=matrix)
    magnitude = tf.abs(tf.signal.stft(signal, 256, 100))
    if matrix is not None:
        magnitude = magnitude @ tf.constant(matrix)
    np.testing.assert_allclose(ours, tf.math.log(magnitude + 1e-6).numpy(), atol=1e-8)


def test_pure_tone_peaks_in_its_bin():
    rate, fft = 8000, 256
    tone = np.sin(2 * np.pi * 50 * rate / fft * np.arange(2048) / rate)  # bin 50 exactly
    assert np.abs(spectral.stft(tone, fft, 128)).mean(axis=0).argmax() == 50


def test_short_signal_gives_no_frames():
    assert spectral.frame(np.zeros(10), 16, 4).shape == (0, 16)


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: spectral.frame(np.zeros(10), 0, 1), "frame_length: expected an integer >= 1"),
        (lambda: spectral.frame(np.zeros(10), 4, 0), "frame_step: expected an integer >= 1"),
        (lambda: spectral.stft(np.zeros(100), 64, 8, 32), "fft_length: expected an integer >= 64"),
        (
            lambda: spectral.linear_to_mel_weight_matrix(upper_edge_hertz=5000.0),
            "upper_edge_hertz: expected a number <= 4000",
        ),
        (
            lambda: spectral.linear_to_mel_weight_matrix(
                lower_edge_hertz=900.0, upper_edge_hertz=800.0
            ),
            "upper_edge_hertz: expected a frequency above",
        ),
        (
            lambda: spectral.log_spectrogram(np.zeros(300), 256, 64, mel_matrix=np.ones((10, 4))),
            "mel_matrix: expected 129 rows",
        ),
    ],
)
def test_messages(call, match):
    with pytest.raises(ValueError, match=match):
        call()
