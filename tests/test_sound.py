"""The generated clips, their features and the spectrogram CNN builder."""

import numpy as np
import pytest

from dlhelpers import sound
from dlhelpers.scratch import spectral


def test_clips_are_reproducible_balanced_and_in_range():
    a, b = sound.make_clips(5, seed=3), sound.make_clips(5, seed=3)
    np.testing.assert_array_equal(a.audio, b.audio)
    np.testing.assert_array_equal(a.labels, b.labels)
    assert a.audio.shape == (30, 4800) and a.audio.dtype == np.float32
    assert np.all(np.bincount(a.labels) == 5) and a.names == tuple(sound.WORDS)
    assert np.abs(a.audio).max() <= 1 and a.sample_rate == 8000
    assert not np.array_equal(a.audio, sound.make_clips(5, seed=4).audio)


def test_every_clip_has_sound_above_its_noise():
    clips = sound.make_clips(4, seed=0, noise=(0.0, 0.0))
    loud = np.abs(clips.audio) > 0.01
    assert loud.any(axis=1).all()  # a word somewhere in every clip
    assert (~loud).any(axis=1).all()  # and silence around it


def test_words_are_told_apart_by_a_nearest_centroid_on_features():
    clips = sound.make_clips(40, seed=1)
    x = sound.clip_features(clips.audio).reshape(len(clips.labels), -1)
    train, test = slice(0, 160), slice(160, None)
    centroids = np.stack([x[train][clips.labels[train] == k].mean(0) for k in range(6)])
    distance = ((x[test][:, None] - centroids[None]) ** 2).sum(-1)
    accuracy = np.mean(distance.argmin(1) == clips.labels[test])
    assert accuracy > 0.4  # far above a guess (1/6), far from trivial


def test_features_are_the_log_mel_spectrograms():
    clips = sound.make_clips(1, seed=0)
    features = sound.clip_features(clips.audio, frame_length=200, frame_step=100, mel_bands=20)
    mel = spectral.linear_to_mel_weight_matrix(20, 129, 8000)
    expected = spectral.log_spectrogram(clips.audio, 200, 100, mel_matrix=mel)
    assert features.shape == (6, 47, 20, 1) and features.dtype == np.float32
    np.testing.assert_allclose(features[..., 0], expected, rtol=1e-6, atol=1e-6)


def test_builder_equals_the_plain_keras_code(tf):
    import keras
    from keras import layers

    from dlhelpers.training import assert_same_model

    x = sound.clip_features(sound.make_clips(3, seed=0).audio)
    plain = keras.Sequential(
        [
            keras.Input(x.shape[1:]),
            layers.Normalization(),
            layers.Conv2D(8, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(16, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dropout(0.3),
            layers.Dense(6, activation="softmax"),
        ]
    )
    plain.layers[0].adapt(x)
    built = sound.build_sound_cnn(x.shape[1:], seed=2)
    built.get_layer("standardise").adapt(x)
    assert_same_model(plain, built, x[:4])
    again = sound.build_sound_cnn(x.shape[1:], seed=2)
    np.testing.assert_array_equal(
        again.get_layer("conv1").get_weights()[0], built.get_layer("conv1").get_weights()[0]
    )


@pytest.mark.parametrize(
    "call,exc,match",
    [
        (lambda: sound.make_clips(0), ValueError, "per_class: expected an integer >= 1"),
        (lambda: sound.make_clips(2, seed=-1), ValueError, "seed: expected an integer >= 0"),
        (lambda: sound.clip_features(np.zeros(4800)), ValueError, "audio: expected a 2-D array"),
        (
            lambda: sound.clip_features(np.zeros((2, 4800)), frame_length=0),
            ValueError,
            "frame_length: expected an integer >= 2",
        ),
        (
            lambda: sound.clip_features(np.zeros((2, 4800)), mel_bands=0),
            ValueError,
            "mel_bands: expected an integer >= 1",
        ),
        (lambda: sound.make_clips(2, noise=0.1), ValueError, r"noise: expected a \(low, high\)"),
        (lambda: sound.make_clips(2, noise=(0.2, 0.1)), ValueError, "noise: expected a number >="),
        (lambda: sound.build_sound_cnn((36, 32, 1), dropout=1.0), ValueError, "dropout"),
    ],
)
def test_messages(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
