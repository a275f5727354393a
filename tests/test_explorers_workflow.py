"""The Chapter 1 explorer retrains when a control changes."""

import numpy as np
import pytest

from dlhelpers.explorers import TrainingExplorer


@pytest.fixture  # one explorer per test: tests run in random order and change its controls
def explorer():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 3)).astype("float32")
    y = (X[:, 0] > 0).astype(int)
    return TrainingExplorer(X[:60], y[:60], X[60:], y[60:])


def test_initial_run_uses_control_values(explorer, tf):
    assert explorer.updates == 1
    assert len(explorer.result["loss"]) == explorer.controls["epochs"].value
    assert {"loss", "val_loss", "accuracy", "val_accuracy"} <= set(explorer.result)


def test_changing_epochs_retrains_and_redraws(explorer):
    before_fig, before = explorer.fig, explorer.result
    explorer.controls["epochs"].value = 5
    assert explorer.updates == 2 and len(explorer.result["loss"]) == 5
    assert explorer.fig is not before_fig and explorer.result is not before


def test_same_settings_give_same_curves(explorer):
    explorer.controls["hidden_units"].value = 4
    first = explorer.result["loss"]
    explorer.update()
    np.testing.assert_allclose(explorer.result["loss"], first, rtol=1e-6)


def test_learning_rate_changes_the_curve(explorer):
    explorer.controls["learning_rate"].value = 1e-4
    slow = explorer.result["loss"][-1]
    explorer.controls["learning_rate"].value = 1e-1
    assert explorer.result["loss"][-1] < slow


def test_explorer_rejects_mismatched_data():
    X = np.zeros((5, 2))
    with pytest.raises(ValueError, match="X_train has 5, y_train has 4"):
        TrainingExplorer(X, np.zeros(4), X, np.zeros(5))


def test_explorer_says_it_is_training_and_shows_the_keras_code_it_ran(explorer, tf):
    from dlhelpers.training import assert_same_model

    assert explorer.busy_text == "training..."
    explorer.controls["epochs"].value = 2
    explorer.controls["hidden_units"].value = 5
    code = explorer.code_text
    assert 'keras.layers.Dense(5, activation="relu")' in code and "batch_size=32" in code
    assert "keras.optimizers.Adam(learning_rate=0.01)" in code and "epochs=2" in code
    namespace = {
        "x_train": explorer.X_train,
        "y_train": explorer.y_train,
        "x_val": explorer.X_val,
        "y_val": explorer.y_val,
    }
    exec(code, namespace)  # the code a learner copies runs as it is
    assert_same_model(explorer.model, namespace["model"], explorer.X_val)
    assert namespace["model"].count_params() == explorer.model.count_params()
    assert set(namespace["history"].history) == set(explorer.result)
    assert len(namespace["history"].history["loss"]) == 2
