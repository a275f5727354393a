"""Workflow plots return Figures with the expected content."""

import matplotlib
import numpy as np
import pandas as pd
import pytest

from dlhelpers import plots

HISTORY = {"loss": [1.0, 0.5, 0.3], "val_loss": [1.1, 0.7, 0.6], "accuracy": [0.5, 0.7, 0.9]}


def test_plot_history_draws_training_and_validation():
    fig = plots.plot_history(HISTORY)
    assert isinstance(fig, matplotlib.figure.Figure)
    lines = fig.axes[0].get_lines()
    assert len(lines) == 2
    np.testing.assert_array_equal(lines[1].get_ydata(), HISTORY["val_loss"])


def test_plot_history_uses_given_axes_and_rejects_unknown_metric():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    assert plots.plot_history(HISTORY, "accuracy", ax=ax) is fig
    assert len(ax.get_lines()) == 1  # no val_accuracy logged
    with pytest.raises(ValueError, match="metric: expected one of accuracy, loss, val_loss"):
        plots.plot_history(HISTORY, "auc")
    with pytest.raises(ValueError, match="history: expected a Keras History"):
        plots.plot_history({})


def test_plot_histories_one_line_per_run():
    fig = plots.plot_histories({"SGD": HISTORY, "Adam": HISTORY}, "loss")
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["SGD", "Adam"]


def test_confusion_matrix_annotates_counts():
    cm = pd.DataFrame([[5, 1], [2, 7]], index=["f", "m"], columns=["f", "m"])
    fig = plots.plot_confusion_matrix(cm)
    texts = sorted(t.get_text() for t in fig.axes[0].texts)
    assert texts == ["1", "2", "5", "7"]
    with pytest.raises(ValueError, match="confusion: expected a square matrix"):
        plots.plot_confusion_matrix(np.ones((2, 3)))


@pytest.mark.parametrize("n_classes, curves", [(2, 1), (3, 3)])
def test_roc_one_curve_per_positive_class_plus_chance(n_classes, curves):
    rng = np.random.default_rng(0)
    y = rng.integers(0, n_classes, 60)
    prob = rng.dirichlet(np.ones(n_classes), 60)
    fig = plots.plot_roc(y, prob)
    assert len(fig.axes[0].get_lines()) == curves + 1


def test_plot_distributions_one_panel_per_column():
    fig = plots.plot_distributions({"raw": np.arange(10.0), "scaled": np.arange(10.0) / 10})
    assert len(fig.axes) == 2


def test_plot_history_says_training_and_validation_only_for_a_pair():
    def labels(fig):
        return [t.get_text() for t in fig.axes[0].get_legend().get_texts()]

    assert labels(plots.plot_history(HISTORY)) == ["training loss", "validation loss"]
    lone = plots.plot_history({"learning_rate": [0.01, 0.01, 0.005]}, "learning_rate")
    assert labels(lone) == ["learning rate"]  # not "training learning_rate"


def test_plot_histories_draw_each_run_against_its_epochs():
    other = {"loss": [0.9, 0.4, 0.2]}
    ax = plots.plot_histories({"SGD": HISTORY, "Adam": other}, "loss").axes[0]
    sgd, adam = ax.get_lines()
    np.testing.assert_array_equal(sgd.get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(sgd.get_ydata(), HISTORY["loss"])
    np.testing.assert_array_equal(adam.get_ydata(), other["loss"])


def test_plot_distributions_histograms_count_every_finite_value():
    values = np.array([0.0, 1.0, 1.0, 2.0, np.nan])
    ax = plots.plot_distributions({"raw": values}, bins=3).axes[0]
    heights = [patch.get_height() for patch in ax.patches]
    assert heights == [1, 2, 1]  # the NaN is left out


def test_roc_of_a_perfect_classifier_reaches_the_corner():
    y = np.array([0, 0, 1, 1])
    ax = plots.plot_roc(y, np.array([0.1, 0.2, 0.8, 0.9])).axes[0]
    curve = ax.get_lines()[0]
    assert (0.0, 1.0) in set(zip(curve.get_xdata(), curve.get_ydata(), strict=True))
    assert "AUC 1.00" in ax.get_legend().get_texts()[0].get_text()
