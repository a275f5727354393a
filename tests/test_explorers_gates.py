"""The gates explorer responds to its controls without retraining."""

import numpy as np
import pytest

from dlhelpers.explorers import GatesExplorer
from dlhelpers.plots import (
    plot_gate_activations,
    plot_gate_traces,
    plot_sequence_curves,
    plot_series_forecast,
)


@pytest.fixture(scope="module")
def model(tf):
    import keras

    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input((12, 2)), keras.layers.LSTM(4), keras.layers.Dense(1)])


def test_explorer_redraws_for_each_control(model):
    x = np.random.default_rng(0).normal(size=(3, 12, 2))
    explorer = GatesExplorer(model, x, marks=[[1, 7], [2], []], feature_names=["a", "b"])
    assert explorer.updates == 1 and explorer.error is None
    weights = [w.copy() for w in model.get_weights()]
    explorer.controls["gate"].value = "forget"
    np.testing.assert_allclose(explorer.result["values"], explorer.gates["forget"][0])
    np.testing.assert_allclose(explorer.result["trace"], explorer.gates["forget"][0].mean(axis=1))
    explorer.controls["sample"].value = 2
    explorer.controls["unit"].value = 3
    assert explorer.updates == 4
    np.testing.assert_allclose(explorer.result["trace"], explorer.gates["forget"][2][:, 3])
    assert len(explorer.fig.axes) == 3
    for before, after in zip(weights, model.get_weights(), strict=True):
        np.testing.assert_array_equal(before, after)  # nothing was retrained


def test_explorer_redraws_each_gate_without_running_the_model(model):
    import io

    x = np.random.default_rng(2).normal(size=(6, 12, 2))
    explorer = GatesExplorer(model, x)
    weights = [w.copy() for w in model.get_weights()]
    for gate in ("forget", "output", "cell", "hidden"):
        explorer.controls["gate"].value = gate
        explorer.fig.savefig(io.BytesIO(), format="png")  # what the browser is sent
        assert explorer.fig.axes, gate
    for before, after in zip(weights, model.get_weights(), strict=True):
        np.testing.assert_array_equal(before, after)


def test_explorer_rejects_bad_input(model):
    with pytest.raises(ValueError, match="x: expected a 3-D array"):
        GatesExplorer(model, np.zeros((12, 2)))
    with pytest.raises(ValueError, match=r"marks: expected one list of time steps per sequence"):
        GatesExplorer(model, np.zeros((2, 12, 2)), marks=[[1]])


def test_gate_plots_return_figures():
    rng = np.random.default_rng(1)
    gates = {name: rng.uniform(size=(2, 10, 3)) for name in ("input", "forget", "output")}
    gates["cell"] = rng.normal(size=(2, 10, 3))
    fig = plot_gate_activations(
        gates, rng.normal(size=(2, 10, 2)), sample=1, names=["input", "cell"]
    )
    assert len(fig.axes) == 5  # input, two heatmaps, two colour bars
    fig = plot_gate_traces(gates, sample=0, marks=[2, 6])
    assert len(fig.axes[0].lines) == 5  # three gates and two marks
    fig = plot_gate_traces(gates, names=["forget"], unit=2)
    np.testing.assert_allclose(fig.axes[0].lines[0].get_ydata(), gates["forget"][0, :, 2])
    with pytest.raises(ValueError, match=r"names: expected keys of gates"):
        plot_gate_activations(gates, names=["reset"])
    with pytest.raises(ValueError, match=r"sample: expected an integer <= 1, received 5"):
        plot_gate_traces(gates, sample=5)


def test_curve_and_forecast_plots():
    fig = plot_sequence_curves(
        {"a": {"val_loss": [1.0, 0.5]}, "b": {"val_loss": [1, 0.1]}},
        baseline=0.17,
        ylabel="test MSE",
    )
    assert len(fig.axes[0].lines) == 3
    assert fig.axes[0].get_ylabel() == "test MSE"
    with pytest.raises(ValueError, match=r"key: expected one of 'val_loss', received 'loss'"):
        plot_sequence_curves({"a": {"val_loss": [1.0]}}, key="loss")
    seeds = [{"loss": [1.0, 0.5]}, {"loss": [0.9, 0.2, 0.1]}, {"loss": [1.1]}]
    fig = plot_sequence_curves({"a": seeds, "b": {"loss": [1.0, 0.9]}}, "loss")
    lines = fig.axes[0].lines
    assert len(lines) == 4  # one line per run
    assert len({line.get_color() for line in lines[:3]}) == 1  # one colour per label
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["a", "b"]
    with pytest.raises(ValueError, match=r"histories\['a'\]: expected a History or a non-empty"):
        plot_sequence_curves({"a": []}, "loss")
    t = np.arange(20)
    fig = plot_series_forecast(t, np.sin(t), {"model": (t[10:], np.sin(t[10:]))}, split=10)
    assert len(fig.axes[0].lines) == 3
    with pytest.raises(ValueError, match=r"index: expected shape \(20,\) like actual"):
        plot_series_forecast(t[:5], np.sin(t), {})


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


def test_explorer_colour_range_is_fixed_per_gate(model):
    x = np.random.default_rng(4).normal(size=(3, 12, 2))
    explorer = GatesExplorer(model, x)
    cell = explorer.gates["cell"]
    m = float(np.abs(cell).max())
    explorer.controls["gate"].value = "cell"
    for sample in (0, 1, 2):
        explorer.controls["sample"].value = sample
        assert explorer.fig.axes[1].images[0].get_clim() == (-m, m)
    explorer.controls["gate"].value = "forget"
    assert explorer.fig.axes[1].images[0].get_clim() == (0.0, 1.0)


def test_feature_names_and_forecast_pairs_are_checked(model):
    x = np.zeros((2, 12, 2))
    with pytest.raises(ValueError, match=r"feature_names: expected 2 labels"):
        GatesExplorer(model, x, feature_names=["value"])
    gates = {"forget": np.full((2, 12, 3), 0.5)}
    with pytest.raises(ValueError, match=r"feature_names: expected 2 labels"):
        plot_gate_activations(gates, x, feature_names=["a", "b", "c"])
    t = np.arange(20)
    with pytest.raises(ValueError, match=r"forecasts\['m'\]: expected a \(times, values\) pair"):
        plot_series_forecast(t, np.sin(t), {"m": np.sin(t)})
    with pytest.raises(ValueError, match=r"forecasts\['m'\] times: expected shape \(5,\)"):
        plot_series_forecast(t, np.sin(t), {"m": (t, np.zeros(5))})
