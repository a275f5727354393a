"""Chapter 6's plots draw the arrays they are given (NumPy only, no TensorFlow)."""

import numpy as np
import pytest

from dlhelpers.plots import (
    plot_gate_activations,
    plot_gate_traces,
    plot_sequence_curves,
    plot_series_forecast,
)


@pytest.fixture
def gates():
    rng = np.random.default_rng(1)
    found = {name: rng.uniform(size=(2, 10, 3)) for name in ("input", "forget", "output")}
    found["cell"] = rng.normal(size=(2, 10, 3))
    return found


def test_gate_heatmaps_draw_each_gate_of_the_sample_and_its_input(gates):
    x = np.random.default_rng(2).normal(size=(2, 10, 2))
    fig = plot_gate_activations(gates, x, sample=1, names=["input", "cell"])
    assert len(fig.axes) == 5  # input, two heatmaps, two colour bars
    np.testing.assert_array_equal(fig.axes[0].lines[1].get_ydata(), x[1, :, 1])
    np.testing.assert_array_equal(fig.axes[1].images[0].get_array(), gates["input"][1].T)
    np.testing.assert_array_equal(fig.axes[2].images[0].get_array(), gates["cell"][1].T)


def test_gate_traces_draw_the_mean_or_one_unit(gates):
    fig = plot_gate_traces(gates, sample=0, marks=[2, 6])
    lines = fig.axes[0].lines
    assert len(lines) == 5  # three gates and two marks
    np.testing.assert_allclose(lines[1].get_ydata(), gates["forget"][0].mean(axis=1))
    assert list(lines[3].get_xdata()) == [2, 2]
    fig = plot_gate_traces(gates, names=["forget"], unit=2)
    np.testing.assert_allclose(fig.axes[0].lines[0].get_ydata(), gates["forget"][0, :, 2])
    with pytest.raises(ValueError, match=r"names: expected keys of gates"):
        plot_gate_activations(gates, names=["reset"])
    with pytest.raises(ValueError, match=r"sample: expected an integer <= 1, received 5"):
        plot_gate_traces(gates, sample=5)


def test_gate_ranges_fit_each_kind_of_value():
    rng = np.random.default_rng(3)
    gates = {
        "forget": rng.uniform(size=(2, 10, 3)),
        "hidden": rng.uniform(-1, 1, size=(2, 10, 3)),
        "cell": 3.5 * rng.normal(size=(2, 10, 3)),
    }
    cell_max = float(np.abs(gates["cell"]).max())
    fig = plot_gate_activations(gates, names=["forget", "hidden", "cell"])
    limits = [img.get_clim() for ax in fig.axes for img in ax.images]
    assert limits == [(0.0, 1.0), (-1.0, 1.0), (-cell_max, cell_max)]
    low, high = plot_gate_traces(gates, names=["forget", "cell"]).axes[0].get_ylim()
    assert low < -cell_max + 1e-9 and high > cell_max - 1e-9  # the cell is not clipped
    low, high = plot_gate_traces(gates, names=["forget"]).axes[0].get_ylim()
    assert -0.05 < low < 0 and 1 < high < 1.05


def test_sequence_curves_draw_every_run_one_colour_per_label():
    fig = plot_sequence_curves(
        {"a": {"val_loss": [1.0, 0.5]}, "b": {"val_loss": [1, 0.1]}}, baseline=0.17,
        ylabel="test MSE",
    )  # fmt: skip
    lines = fig.axes[0].lines
    assert len(lines) == 3 and fig.axes[0].get_ylabel() == "test MSE"
    np.testing.assert_array_equal(lines[1].get_ydata(), [1, 0.1])
    np.testing.assert_array_equal(lines[2].get_ydata(), [0.17, 0.17])  # the baseline
    seeds = [{"loss": [1.0, 0.5]}, {"loss": [0.9, 0.2, 0.1]}, {"loss": [1.1]}]
    fig = plot_sequence_curves({"a": seeds, "b": {"loss": [1.0, 0.9]}}, "loss")
    lines = fig.axes[0].lines
    assert len(lines) == 4  # one line per run
    np.testing.assert_array_equal(lines[1].get_xdata(), [1, 2, 3])  # epochs from 1
    assert len({line.get_color() for line in lines[:3]}) == 1  # one colour per label
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["a", "b"]
    with pytest.raises(ValueError, match=r"key: expected one of 'val_loss', received 'loss'"):
        plot_sequence_curves({"a": {"val_loss": [1.0]}}, key="loss")
    with pytest.raises(ValueError, match=r"histories\['a'\]: expected a History or a non-empty"):
        plot_sequence_curves({"a": []}, "loss")


def test_series_forecast_draws_the_series_and_each_forecast():
    t = np.arange(20)
    fig = plot_series_forecast(t, np.sin(t), {"model": (t[10:], np.cos(t[10:]))}, split=10)
    lines = fig.axes[0].lines
    assert len(lines) == 3
    np.testing.assert_array_equal(lines[0].get_ydata(), np.sin(t))
    np.testing.assert_array_equal(lines[1].get_xdata(), t[10:])
    np.testing.assert_array_equal(lines[1].get_ydata(), np.cos(t[10:]))
    with pytest.raises(ValueError, match=r"index: expected shape \(20,\) like actual"):
        plot_series_forecast(t[:5], np.sin(t), {})
    with pytest.raises(ValueError, match=r"forecasts\['m'\]: expected a \(times, values\) pair"):
        plot_series_forecast(t, np.sin(t), {"m": np.sin(t)})
    with pytest.raises(ValueError, match=r"forecasts\['m'\] times: expected shape \(5,\)"):
        plot_series_forecast(t, np.sin(t), {"m": (t, np.zeros(5))})
    gates = {"forget": np.full((2, 12, 3), 0.5)}
    with pytest.raises(ValueError, match=r"feature_names: expected 2 labels"):
        plot_gate_activations(gates, np.zeros((2, 12, 2)), feature_names=["a", "b", "c"])
