"""Chapter 12's plots draw the arrays they are given (sound and cost figures)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from dlhelpers.plots.cost import plot_learning_curve, plot_time_vs_macs
from dlhelpers.plots.sound import plot_spectrogram, plot_spectrograms, plot_waveform


def test_waveform_draws_the_samples_against_seconds():
    audio = np.random.default_rng(0).normal(size=800)
    fig = plot_waveform(audio, 8000)
    x, y = fig.axes[0].lines[0].get_data()
    np.testing.assert_allclose(y, audio)
    np.testing.assert_allclose(x, np.arange(800) / 8000)


def test_spectrogram_shows_time_across_and_the_given_extent():
    spec = np.random.default_rng(1).normal(size=(20, 9))
    fig = plot_spectrogram(spec, seconds_per_frame=0.01, top_hertz=4000, title="t")
    image = fig.axes[0].images[0]
    np.testing.assert_allclose(image.get_array(), spec.T)
    np.testing.assert_allclose(image.get_extent(), (0, 0.2, 0, 4000))
    assert fig.axes[0].get_ylabel() == "frequency (Hz)"


def test_spectrogram_draws_on_given_axes():
    fig, ax = plt.subplots()
    assert plot_spectrogram(np.zeros((3, 4)), ax=ax) is fig
    assert ax.get_xlabel() == "frame" and ax.get_ylabel() == "frequency bin"


def test_spectrograms_one_panel_each_with_titles():
    specs = np.random.default_rng(2).normal(size=(5, 6, 4))
    fig = plot_spectrograms(specs, list("abcde"), ncols=3)
    drawn = [ax for ax in fig.axes if ax.images]
    assert len(drawn) == 5 and len(fig.axes) == 6
    for ax, spec, title in zip(drawn, specs, "abcde", strict=True):
        np.testing.assert_allclose(ax.images[0].get_array(), spec.T)
        assert ax.get_title() == title


def test_learning_curve_draws_mean_band_and_every_seed():
    sizes = np.array([100, 300, 1000])
    acc = np.array([[0.7, 0.8, 0.9], [0.6, 0.82, 0.91], [0.75, 0.79, 0.9]])
    fig = plot_learning_curve(sizes, acc)
    ax = fig.axes[0]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), acc.mean(axis=0))
    for line, row in zip(ax.lines[1:], acc, strict=True):
        np.testing.assert_allclose(line.get_ydata(), row)
    band = ax.collections[0].get_paths()[0].vertices[:, 1]
    assert np.isclose(band.min(), acc.min()) and np.isclose(band.max(), acc.max())
    assert ax.get_xscale() == "log"


def test_time_vs_macs_draws_points_and_a_proportional_line():
    macs, seconds = np.array([1e6, 1e7, 1e8]), np.array([1e-3, 2e-3, 1e-2])
    fig = plot_time_vs_macs(macs, seconds, ["a", "b", "c"])
    ax = fig.axes[0]
    np.testing.assert_allclose(ax.lines[0].get_xdata(), macs)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), seconds)
    np.testing.assert_allclose(ax.lines[1].get_ydata(), [1e-4, 1e-2])  # slope 1 through (1e8, 1e-2)
    assert [t.get_text() for t in ax.texts] == ["a", "b", "c"]


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: plot_waveform(np.zeros((2, 3)), 8000), "audio: expected a 1-D array"),
        (lambda: plot_spectrogram(np.zeros(5)), "spectrogram: expected a 2-D array"),
        (lambda: plot_learning_curve([1, 2], np.zeros((3, 3))), "accuracy: expected one column"),
        (lambda: plot_time_vs_macs([1, 2], [1]), "macs, seconds: expected the same number"),
    ],
)
def test_messages(call, match):
    with pytest.raises(ValueError, match=match):
        call()
