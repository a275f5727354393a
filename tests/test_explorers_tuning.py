"""TuningExplorer: driven by setting control values, no browser."""

import numpy as np
import pytest

from dlhelpers.explorers import TuningExplorer


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(90, 5))
    y = x[:, :3].argmax(axis=1).astype(np.int64)
    return x[:60], y[:60], x[60:], y[60:]


def test_explorer_draws_on_creation(tf, data):
    explorer = TuningExplorer(data, epochs=3)
    assert explorer.updates == 1 and explorer.error is None
    assert len(explorer.result["history"]["val_loss"]) == 3
    assert len(explorer.fig.axes) == 2
    for name in ("learning_rate", "hidden_layers"):
        assert explorer.controls[name].continuous_update is False


@pytest.mark.parametrize(
    "name, value",
    [("learning_rate", 1e-1), ("batch_size", 8), ("hidden_layers", 0), ("units", 4)],
)
def test_each_control_retrains(tf, data, name, value):
    explorer = TuningExplorer(data, epochs=3)
    before = explorer.result["history"]["loss"]
    explorer.controls[name].value = value
    assert explorer.updates == 2
    assert explorer.result["values"][name] == value
    assert explorer.result["history"]["loss"] != before


def test_same_settings_give_same_curves(tf, data):
    a = TuningExplorer(data, epochs=2, seed=3).result["history"]
    b = TuningExplorer(data, epochs=2, seed=3).result["history"]
    np.testing.assert_allclose(a["val_loss"], b["val_loss"], rtol=1e-6)


def test_divergence_is_shown_not_raised(tf, data, monkeypatch):
    import dlhelpers.tuning

    explorer = TuningExplorer(data, epochs=2)
    nan_history = {k: [float("nan")] * 2 for k in ("loss", "accuracy", "val_loss", "val_accuracy")}
    monkeypatch.setattr(dlhelpers.tuning, "train_mlp", lambda *a, **k: (None, nan_history))
    explorer.controls["learning_rate"].value = 1.0
    assert explorer.updates == 1  # the diverged run was not drawn
    assert "learning rate: training diverged" in explorer.error
    assert "diverged" in explorer.message.value


def test_bad_data_is_shown_not_raised(tf, data):
    x_train, y_train, x_val, y_val = data
    bad = x_train.copy()
    bad[0, 0] = np.nan
    explorer = TuningExplorer((bad, y_train, x_val, y_val), epochs=2)
    assert explorer.updates == 0 and explorer.result is None
    assert "x_train: expected finite values" in explorer.error


def test_bad_arguments(data):
    with pytest.raises(ValueError, match="data: expected a tuple"):
        TuningExplorer(data[:2])
    with pytest.raises(ValueError, match="epochs: expected an integer >= 1"):
        TuningExplorer(data, epochs=0)
