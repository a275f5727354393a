"""ScheduleExplorer: driven by setting control values, no browser."""

import numpy as np
import pytest

from dlhelpers import tuning
from dlhelpers.explorers import ScheduleExplorer


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(90, 5))
    y = x[:, :3].argmax(axis=1).astype(np.int64)
    return x[:60], y[:60], x[60:], y[60:]


@pytest.fixture  # one explorer per test: tests run in random order and change its controls
def explorer(tf, data):
    return ScheduleExplorer(data, epochs=2, batch_size=16, units=8)


def test_explorer_draws_the_schedule_and_the_run(explorer):
    assert explorer.updates == 1 and explorer.error is None
    assert explorer.busy_text == "training..."
    assert explorer.steps_per_epoch == 4 and len(explorer.result["lrs"]) == 8
    lr_line = explorer.fig.axes[0].lines[0]
    np.testing.assert_array_equal(lr_line.get_ydata(), explorer.result["lrs"])
    loss_line = explorer.fig.axes[1].lines[1]
    np.testing.assert_array_equal(loss_line.get_ydata(), explorer.result["history"]["val_loss"])
    assert explorer.result["lrs"].max() == pytest.approx(3e-2)  # one-cycle peaks at the rate


def test_peak_rate_moves_the_curve_and_the_run(explorer):
    before = explorer.result
    explorer.controls["learning_rate"].value = 1e-3
    assert explorer.updates == 2
    assert explorer.result["lrs"].max() == pytest.approx(1e-3)
    assert explorer.result["history"]["loss"] != before["history"]["loss"]


def test_a_shared_cache_serves_the_chapters_run(tf, data):
    cache = {}
    first = ScheduleExplorer(data, epochs=2, batch_size=16, units=8, cache=cache)
    again = ScheduleExplorer(data, epochs=2, batch_size=16, units=8, cache=cache)
    assert len(cache) == 1 and again.result["model"] is first.result["model"]


def test_each_schedule_is_trained_and_its_code_builds_the_same_model(explorer, data):
    from dlhelpers.training import assert_same_model

    x_train, y_train, x_val, y_val = data
    for kind in tuning.SCHEDULES:  # one explorer driven through all four: one training each
        explorer.controls["schedule"].value = kind
        params = explorer.result["params"]
        np.testing.assert_allclose(explorer.result["lrs"], tuning.schedule_lrs(kind, 8, **params))
        namespace = dict(x_train=x_train, y_train=y_train, x_val=x_val, y_val=y_val)
        exec(explorer.code_text, namespace)
        assert_same_model(explorer.result["model"], namespace["model"], x_val)
        assert len(namespace["history"].history["loss"]) == 2
        made, shown = tuning.make_schedule(kind, **params), namespace["schedule"]
        for step in (0, 3, 7):  # the code's schedule gives the explorer's rates
            want = made if kind == "constant" else float(made(step))
            got = shown if kind == "constant" else float(shown(step))
            assert got == pytest.approx(want, rel=1e-3), kind


def test_divergence_is_shown_not_raised(explorer, monkeypatch):
    nan_history = {k: [float("nan")] * 2 for k in ("loss", "accuracy", "val_loss", "val_accuracy")}
    monkeypatch.setattr(tuning, "train_mlp", lambda *a, **k: (None, nan_history))
    explorer.controls["learning_rate"].value = 1.0
    assert explorer.updates == 1 and explorer.fig is None
    assert "learning rate: training diverged" in explorer.error


def test_bad_arguments(data):
    with pytest.raises(ValueError, match="data: expected a tuple"):
        ScheduleExplorer(data[:2])
    with pytest.raises(ValueError, match="epochs: expected an integer >= 1"):
        ScheduleExplorer(data, epochs=0)
