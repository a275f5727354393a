"""Sound (Chapter 12): generated keyword-like clips, their spectrograms, and a small CNN for them.

The clips are *generated*, not recorded: each "word" is a fixed recipe of voiced
segments (a harmonic tone with a pitch contour, shaped by two formant peaks that may
glide, like a vowel), hiss (band-passed noise, like "s") and clicks (short bursts, like
"p" or "t"), spoken by a random "speaker" (pitch, vocal-tract size, speed, onset,
loudness, background noise). They share the structure of speech that a spectrogram
shows (harmonics, formants, bursts, timing), none of its richness (real voices,
accents, coarticulation, rooms, microphones).

TensorFlow is imported inside the functions that need it, never at import time.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from dlhelpers._validation import check_array, check_scalar, fail
from dlhelpers.inspect.core import keras_module
from dlhelpers.scratch.spectral import linear_to_mel_weight_matrix, log_spectrogram

__all__ = ["WORDS", "SAMPLE_RATE", "Clips", "make_clips", "clip_features", "build_sound_cnn"]

SAMPLE_RATE = 8000
CLIP_SECONDS = 0.6
# Vowel-like formant pairs (F1, F2) in hertz, for an average adult vocal tract.
_VOWELS = {"a": (750, 1200), "e": (500, 1900), "i": (300, 2300), "o": (500, 900),
           "u": (320, 800), "n": (280, 1100)}  # fmt: skip
# Each word: segments of (kind, seconds, details). "voiced" details: start vowel, end
# vowel, pitch change over the segment (ratio); "hiss": low and high band edge in hertz.
WORDS = {
    "yes": [("voiced", 0.20, ("i", "e", 0.95)), ("hiss", 0.12, (2500, 3900))],
    "no": [("voiced", 0.06, ("n", "n", 1.0)), ("voiced", 0.22, ("o", "o", 0.8))],
    "up": [("voiced", 0.16, ("a", "a", 1.0)), ("gap", 0.06, None), ("click", 0.015, None)],
    "down": [("click", 0.015, None), ("voiced", 0.26, ("a", "u", 0.8))],
    "stop": [("hiss", 0.10, (2500, 3900)), ("click", 0.015, None),
             ("voiced", 0.14, ("o", "a", 1.0)), ("gap", 0.04, None), ("click", 0.015, None)],
    "go": [("click", 0.01, None), ("voiced", 0.24, ("o", "u", 1.2))],
}  # fmt: skip


class Clips(NamedTuple):
    """Generated clips: ``audio`` (n, samples) float32 in [-1, 1], integer ``labels`` (n,),
    the class ``names`` (``names[label]``) and the ``sample_rate`` in hertz."""

    audio: np.ndarray
    labels: np.ndarray
    names: tuple
    sample_rate: int


def _voiced(seconds, vowels, pitch, f0, tract, rng):
    """A harmonic tone whose pitch glides and whose two formants move between two vowels."""
    n = int(seconds * SAMPLE_RATE)
    t = np.linspace(0, 1, n)
    start, end, change = vowels
    f0_t = f0 * pitch * change**t * (1 + 0.01 * np.sin(2 * np.pi * rng.uniform(3, 6) * t))
    phase = (2 * np.pi / SAMPLE_RATE) * np.cumsum(f0_t)
    harmonics = np.arange(1, int(3900 / (f0 * pitch * max(change, 1.0))) + 1)[:, None]
    # The formant gains change slowly: compute them on 16 steps, then hold each step.
    coarse = np.linspace(0, 1, 16)
    freq = harmonics * (f0 * pitch * change**coarse)  # (harmonics, 16)
    gain = np.zeros_like(freq)
    for a, b, width in zip(_VOWELS[start], _VOWELS[end], (110, 160), strict=True):
        gain += np.exp(-0.5 * ((freq - tract * (a + (b - a) * coarse)) / width) ** 2)
    gain /= np.sqrt(harmonics)  # a falling spectral tilt
    keep = gain.max(axis=1) > 1e-3  # harmonics far from both formants add nothing audible
    step = np.minimum((t * 16).astype(int), 15)
    angles = np.mod(harmonics[keep] * phase, 2 * np.pi).astype(np.float32)
    tone = np.sum(gain[keep][:, step] * np.sin(angles), axis=0)
    return tone * np.sin(np.pi * t) ** 0.5  # smooth onset and release


def _noise(seconds, band, rng):
    """Noise kept between two frequencies (hiss) or broadband (a click), with a soft envelope."""
    n = max(int(seconds * SAMPLE_RATE), 8)
    noise = rng.normal(size=n)
    if band is not None:
        spectrum = np.fft.rfft(noise)
        freqs = np.fft.rfftfreq(n, 1 / SAMPLE_RATE)
        spectrum[(freqs < band[0]) | (freqs > band[1])] = 0
        noise = np.fft.irfft(spectrum, n) * 2
    return noise * np.hanning(n) * (0.5 if band is not None else 1.5)


def _say(word, rng):
    """One utterance of ``word`` by a random speaker, before placing it in the clip."""
    f0 = rng.uniform(90, 250)
    tract = rng.uniform(0.85, 1.15) * (f0 / 160) ** 0.15  # higher voices, shorter tracts
    speed = rng.uniform(0.8, 1.25)
    pieces = []
    for kind, seconds, details in WORDS[word]:
        seconds = seconds * speed * rng.uniform(0.85, 1.15)
        if kind == "voiced":
            pieces.append(_voiced(seconds, details, rng.uniform(0.9, 1.1), f0, tract, rng))
            pieces[-1] /= np.max(np.abs(pieces[-1])) + 1e-9
        elif kind == "gap":
            pieces.append(np.zeros(int(seconds * SAMPLE_RATE)))
        else:
            pieces.append(_noise(seconds, details if kind == "hiss" else None, rng))
    return np.concatenate(pieces)


def make_clips(per_class: int = 200, *, seed: int = 0, noise: tuple = (0.02, 0.25)) -> Clips:
    """Generate ``per_class`` clips of each word in :data:`WORDS`, 0.6 s at 8 kHz, shuffled.

    Every clip draws its own speaker (pitch 90-250 Hz, vocal-tract scale, speed 0.8-1.25),
    onset, loudness and background-noise level (a standard deviation drawn from ``noise``
    relative to a peak of 1). Nothing is downloaded: the same seed gives the same clips.

    Args:
        per_class: clips of each word.
        seed: seed of every random draw.
        noise: range of the background noise's standard deviation.

    Returns:
        :class:`Clips`, in shuffled order.

    >>> clips = make_clips(2, seed=0)
    >>> clips.audio.shape, clips.names[:3], int(clips.sample_rate)
    ((12, 4800), ('yes', 'no', 'up'), 8000)
    """
    per_class = check_scalar(per_class, "per_class", int, low=1)
    seed = check_scalar(seed, "seed", int, low=0)
    if not (isinstance(noise, (tuple, list)) and len(noise) == 2):
        fail("noise", "a (low, high) pair of standard deviations", noise)
    low = check_scalar(noise[0], "noise", float, low=0)
    check_scalar(noise[1], "noise", float, low=low)
    rng = np.random.default_rng(seed)
    names = tuple(WORDS)
    n_samples = int(CLIP_SECONDS * SAMPLE_RATE)
    labels = rng.permutation(np.repeat(np.arange(len(names)), per_class))
    audio = np.zeros((len(labels), n_samples))
    for row, label in enumerate(labels):
        utterance = _say(names[label], rng)[:n_samples]
        onset = rng.integers(0, n_samples - len(utterance) + 1)
        audio[row, onset : onset + len(utterance)] = utterance * rng.uniform(0.3, 0.9)
        audio[row] += rng.uniform(*noise) * rng.normal(size=n_samples)
    audio = np.clip(audio, -1, 1).astype(np.float32)
    return Clips(audio, labels.astype(np.int64), names, SAMPLE_RATE)


def clip_features(
    audio, *, frame_length: int = 256, frame_step: int = 128, mel_bands: int = 32
) -> np.ndarray:
    """Log-mel spectrograms of clips at :data:`SAMPLE_RATE`, as a CNN's input images.

    Args:
        audio: ``(n, samples)`` clips.
        frame_length, frame_step: STFT frame and hop in samples (32 ms and 16 ms by default).
        mel_bands: mel bands between 125 Hz and 3,800 Hz.

    Returns:
        float32 ``(n, frames, mel_bands, 1)``: time down the rows, frequency across.
    """
    audio = check_array(audio, "audio", ndim=2)
    frame_length = check_scalar(frame_length, "frame_length", int, low=2)
    mel_bands = check_scalar(mel_bands, "mel_bands", int, low=1)
    mel = linear_to_mel_weight_matrix(
        mel_bands, int(2 ** np.ceil(np.log2(frame_length))) // 2 + 1, SAMPLE_RATE
    )  # the bins of stft's default fft_length (the power of two that holds a frame)
    spectra = log_spectrogram(audio, frame_length, frame_step, mel_matrix=mel)
    return spectra[..., np.newaxis].astype(np.float32)


def build_sound_cnn(input_shape, num_classes: int = 6, *, filters=(8, 16), dropout=0.3, seed=0):
    """The chapter's spectrogram classifier (Chapter 12 writes it out first).

    ``Normalization`` (standardises the log-mel values; call its ``adapt`` on the training
    spectrograms), then for each entry of ``filters`` a 3x3 ReLU convolution and a 2x2 max
    pooling, then flatten, dropout, and a softmax ``Dense`` with one unit per word.

    Args:
        input_shape: ``(frames, mel_bands, 1)``.
        num_classes: number of words.
        filters: filters of each convolution block.
        dropout: dropout rate before the output layer, in [0, 1).
        seed: seed of the initialisers and the dropout.

    Returns:
        An uncompiled ``keras.Sequential`` named ``sound_cnn``.
    """
    keras = keras_module()
    layers, glorot = keras.layers, keras.initializers.GlorotUniform
    check_scalar(dropout, "dropout", float, low=0, high=1, closed="left")
    seed = check_scalar(seed, "seed", int, low=0)
    stack = [keras.Input(tuple(input_shape)), layers.Normalization(name="standardise")]
    for i, f in enumerate(filters, start=1):
        stack += [
            layers.Conv2D(f, 3, activation="relu", kernel_initializer=glorot(seed + i),
                          name=f"conv{i}"),
            layers.MaxPooling2D(2, name=f"pool{i}"),
        ]  # fmt: skip
    stack += [
        layers.Flatten(name="flatten"),
        layers.Dropout(dropout, seed=seed, name="dropout"),
        layers.Dense(num_classes, activation="softmax", kernel_initializer=glorot(seed),
                     name="word"),
    ]  # fmt: skip
    return keras.Sequential(stack, name="sound_cnn")
