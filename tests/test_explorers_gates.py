"""The gates explorer responds to its controls without retraining."""

import numpy as np
import pytest

from dlhelpers.explorers import GatesExplorer


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
