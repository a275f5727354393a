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
