"""The Chapter 5 explorers, driven by setting control values."""

import numpy as np
import pytest

from dlhelpers.explorers import GradientFlowExplorer, HiddenStateExplorer


@pytest.fixture(scope="module")
def model(tf):
    import keras

    keras.utils.set_random_seed(0)
    return keras.Sequential(
        [
            keras.Input((12, 1)),
            keras.layers.SimpleRNN(5, name="rnn"),
            keras.layers.Dense(1, name="head"),
        ]
    )


@pytest.fixture()
def inputs():
    t = np.arange(12, dtype="float32")
    return {"sine": np.sin(t)[:, None], "ramp": (t / 12)[:, None], "zeros": np.zeros((12, 1))}


def test_hidden_state_explorer_follows_its_controls(model, inputs):
    from dlhelpers.inspect import hidden_states

    explorer = HiddenStateExplorer(model, inputs, step_labels=range(2000, 2012))
    assert explorer.updates == 1 and explorer.fig is not None
    assert explorer.result["step"] == 11 and explorer.result["unit"] == 0
    explorer.controls["input"].value = "ramp"
    explorer.controls["unit"].value = 3
    explorer.controls["step"].value = 4
    assert explorer.updates == 4
    want = hidden_states(model, inputs["ramp"][None])[0]
    # The explorer runs the whole batch of inputs, `want` one example: float32 kernels (oneDNN)
    # round differently with the batch and the CPU's instruction set, by a few ulps of float32
    # (measured 1.1e-6 relative on an EPYC without AVX-512). 1e-5 relative is float32 noise.
    np.testing.assert_allclose(explorer.result["states"], want, rtol=1e-5, atol=1e-6)
    assert explorer.result["value"] == pytest.approx(float(want[4, 3]), rel=1e-5, abs=1e-6)
    assert explorer.controls["unit"].max == 4 and explorer.controls["step"].max == 11
    explorer.controls["input"].value = "zeros"  # zero input, zero bias: the state stays 0
    np.testing.assert_allclose(explorer.result["states"], 0, atol=1e-7)


def test_hidden_state_explorer_rejects_bad_arguments(model, inputs):
    with pytest.raises(ValueError, match="inputs: expected a non-empty dict"):
        HiddenStateExplorer(model, {})
    uneven = {**inputs, "short": np.zeros((7, 1))}
    with pytest.raises(
        ValueError, match=r"inputs: expected examples of one shape, like 'sine' \(12, 1\)"
    ) as error:
        HiddenStateExplorer(model, uneven)
    assert "'short' of shape (7, 1)" in str(error.value)
    with pytest.raises(ValueError, match=r"step_labels: expected 12 labels \(one per time step\)"):
        HiddenStateExplorer(model, inputs, step_labels=range(3))
    with pytest.raises(ValueError, match="layer: expected a recurrent layer"):
        HiddenStateExplorer(model, inputs, layer="head")


def test_gradient_flow_linear_case_is_exactly_radius_powers():
    explorer = GradientFlowExplorer(units=8, seed=1)
    explorer.controls["activation"].value = "linear"
    for radius, steps in [(0.6, 30), (1.0, 50), (1.35, 25)]:
        explorer.controls["radius"].value = radius
        explorer.controls["steps"].value = steps
        norms = explorer.result["norms"]
        assert norms.shape == (steps,)
        # An orthogonal matrix times r stretches every vector by exactly r per step back.
        np.testing.assert_allclose(norms, radius ** np.arange(steps - 1, -1, -1), rtol=1e-9)


def test_gradient_flow_vanishes_below_one_and_grows_above_one_with_tanh():
    explorer = GradientFlowExplorer()
    explorer.controls["input_scale"].value = 0.01  # small inputs: tanh near its linear part
    explorer.controls["steps"].value = 60
    explorer.controls["radius"].value = 0.6
    assert explorer.result["ratio"] < 1e-6
    explorer.controls["radius"].value = 1.4
    assert explorer.result["ratio"] > 1e2
    before = explorer.result["ratio"]
    explorer.controls["input_scale"].value = 3.0  # saturated tanh: the growth disappears
    assert explorer.result["ratio"] < before / 100


def test_gradient_flow_shows_errors_instead_of_raising():
    explorer = GradientFlowExplorer()
    updates = explorer.updates
    explorer.controls["steps"].max = 500
    explorer.controls["steps"].value = 400
    assert "steps: expected at most 200 steps" in explorer.error
    assert explorer.updates == updates
    with pytest.raises(ValueError, match="units: expected an integer >= 1"):
        GradientFlowExplorer(units=0)


# ------------------------------------------------------------------ the plots they build on
def test_plots_return_figures_with_the_expected_content():
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
    from dlhelpers.scratch import one_hot_characters

    chars, alphabet = one_hot_characters("abcab")
    fig = plot_input_vectors(
        {"text": chars, "series": np.arange(7.0)[:, None]},
        step_labels={"text": list("abcab")},
        feature_labels={"text": alphabet},
    )
    assert isinstance(fig, Figure) and len(fig.axes) == 4  # two heatmaps, two colorbars
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == list(alphabet)

    for steps, sequences in [(1, True), (3, False), (8, True)]:
        fig = plot_unrolled(steps, return_sequences=sequences)
        texts = [t.get_text() for t in fig.axes[0].texts]
        assert f"$x_{{{steps}}}$" in texts and f"$h_{{{steps}}}$" in texts
        assert sum(t in {str(i) for i in range(1, 8)} for t in texts) == 7
        # arrows into the Dense box: one per h_t with return_sequences, else only h_T's
        to_dense = [
            p
            for p in fig.axes[0].patches
            if isinstance(p, FancyArrowPatch) and p.get_edgecolor() == to_rgba("#e76f51")
        ]
        assert len(to_dense) == (steps if sequences else 1)

    states = np.tanh(np.random.default_rng(0).normal(size=(10, 6)))
    fig = plot_hidden_states(states, highlight=(2, 7), step_labels=range(1990, 2000))
    image = fig.axes[0].images[0].get_array()
    assert image.shape == (6, 10)  # units down, time across
    assert any(isinstance(p, Rectangle) and p.get_xy() == (6.5, 1.5) for p in fig.axes[0].patches)

    fig = plot_step_gradients({"a": np.ones(5), "b": np.arange(1, 6.0)})
    assert len(fig.axes[0].lines) == 2 and fig.axes[0].get_yscale() == "log"
    np.testing.assert_array_equal(fig.axes[0].lines[0].get_xdata(), [1, 2, 3, 4, 5])  # h_1..h_T
    fig = plot_clipping_losses({"ok": [3.0, 2.0, 1.0], "diverged": [1.0, np.inf, np.nan]})
    assert len(fig.axes[0].lines) == 3  # two curves plus the markers of the diverged epochs


def test_plots_reject_bad_input():
    from dlhelpers.plots import plot_hidden_states, plot_input_vectors, plot_unrolled

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
