"""Chapter 5's plots draw the arrays they are given (NumPy only, no TensorFlow)."""

import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Rectangle

from dlhelpers.plots import (
    plot_clipping_losses,
    plot_hidden_states,
    plot_input_vectors,
    plot_step_gradients,
    plot_unrolled,
)


def test_input_vectors_draw_one_column_per_step():
    chars = np.eye(3)[[0, 1, 2, 0, 1]]
    series = np.arange(7.0)[:, None]
    fig = plot_input_vectors(
        {"text": chars, "series": series},
        step_labels={"text": list("abcab")},
        feature_labels={"text": "abc"},
    )
    assert isinstance(fig, Figure) and len(fig.axes) == 4  # two heatmaps, two colorbars
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), chars.T)
    np.testing.assert_array_equal(fig.axes[1].images[0].get_array(), series.T)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == list("abc")


@pytest.mark.parametrize(("steps", "sequences"), [(1, True), (3, False), (8, True)])
def test_unrolled_draws_every_step_and_the_outputs_used(steps, sequences):
    fig = plot_unrolled(steps, return_sequences=sequences)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert f"$x_{{{steps}}}$" in texts and f"$h_{{{steps}}}$" in texts
    assert sum(t in {str(i) for i in range(1, 8)} for t in texts) == 7  # the seven stages
    to_dense = [
        p
        for p in fig.axes[0].patches
        if isinstance(p, FancyArrowPatch) and p.get_edgecolor() == to_rgba("#e76f51")
    ]
    assert len(to_dense) == (steps if sequences else 1)  # every h_t, or only h_T


def test_hidden_states_heatmap_is_the_states_transposed():
    states = np.tanh(np.random.default_rng(0).normal(size=(10, 6)))
    fig = plot_hidden_states(states, highlight=(2, 7), step_labels=range(1990, 2000))
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), states.T)  # units down
    assert any(isinstance(p, Rectangle) and p.get_xy() == (6.5, 1.5) for p in fig.axes[0].patches)
    assert fig.axes[0].get_xticklabels()[0].get_text() == "1990"


def test_step_gradients_and_losses_draw_the_curves():
    fig = plot_step_gradients({"a": np.ones(5), "b": np.arange(1, 6.0)})
    lines = fig.axes[0].lines
    assert len(lines) == 2 and fig.axes[0].get_yscale() == "log"
    np.testing.assert_array_equal(lines[0].get_xdata(), [1, 2, 3, 4, 5])  # h_1 .. h_T
    np.testing.assert_array_equal(lines[1].get_ydata(), np.arange(1, 6.0))
    fig = plot_step_gradients(np.array([[1.0, 2.0], [3.0, 4.0]]), labels=["x", "y"])
    np.testing.assert_array_equal(fig.axes[0].lines[1].get_ydata(), [3.0, 4.0])
    fig = plot_clipping_losses({"ok": [3.0, 2.0, 1.0], "diverged": [1.0, np.inf, np.nan]})
    lines = fig.axes[0].lines
    assert len(lines) == 3  # two curves plus the markers of the diverged epochs
    np.testing.assert_array_equal(lines[0].get_ydata(), [3.0, 2.0, 1.0])
    np.testing.assert_array_equal(lines[1].get_ydata(), [1.0, np.nan, np.nan])
    np.testing.assert_array_equal(lines[2].get_xdata(), [2, 3])  # the epochs that diverged


def test_plots_reject_bad_input():
    with pytest.raises(
        ValueError, match=r"states: expected a 2-D array, received array of shape \(2, 3, 4\)"
    ):
        plot_hidden_states(np.zeros((2, 3, 4)))
    with pytest.raises(ValueError, match="step_labels: expected 3 labels"):
        plot_hidden_states(np.zeros((3, 2)), step_labels=[1, 2])
    with pytest.raises(ValueError, match="highlight step: expected an integer <= 2"):
        plot_hidden_states(np.zeros((3, 2)), highlight=(0, 5))
    with pytest.raises(ValueError, match="steps: expected an integer <= 8"):
        plot_unrolled(9)
    with pytest.raises(ValueError, match="panels: expected a non-empty dict"):
        plot_input_vectors({})
    with pytest.raises(ValueError, match="labels: expected 2 labels"):
        plot_step_gradients(np.ones((2, 3)), labels=["one"])
