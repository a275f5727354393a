"""Explorers for Chapter 5: hidden states over time, and gradients through time."""

from __future__ import annotations

import numpy as np

from dlhelpers._validation import check_scalar, fail
from dlhelpers.explorers._base import Explorer
from dlhelpers.plots.rnn import plot_hidden_states, plot_step_gradients
from dlhelpers.scratch.recurrent import rnn_backward, rnn_forward, scale_spectral_radius

__all__ = ["GradientFlowExplorer", "HiddenStateExplorer"]


class HiddenStateExplorer(Explorer):
    """Pick an input, a hidden unit and a time step; see the hidden state there.

    The hidden states of every input are computed once, with
    :func:`dlhelpers.inspect.hidden_states`, so moving a control only redraws.

    Args:
        model: a built Keras model holding a recurrent layer.
        inputs: name -> one example as the model takes it without the batch axis,
            e.g. ``(T, features)``. All must have the same length T.
        layer: which recurrent layer (see ``hidden_states``).
        step_labels: ``T`` labels for the time axis (e.g. years or characters), optional.

    Controls: ``input`` (dropdown), ``unit`` and ``step`` (sliders).
    ``result`` holds ``states`` ``(T, units)``, ``unit``, ``step`` and ``value``.
    """

    figsize = (10, 3.2)

    def __init__(self, model, inputs: dict, *, layer=None, step_labels=None):
        import ipywidgets as widgets

        from dlhelpers.inspect.rnn import hidden_states

        if not isinstance(inputs, dict) or not inputs:
            fail("inputs", "a non-empty dict of name -> one example", inputs)
        examples = {name: np.asarray(v) for name, v in inputs.items()}
        first_name, first = next(iter(examples.items()))
        for name, example in examples.items():
            if example.shape != first.shape:
                fail(
                    "inputs",
                    f"examples of one shape, like {first_name!r} {first.shape}",
                    f"{name!r} of shape {example.shape}",
                )
        batch = np.stack(list(examples.values()))
        states = hidden_states(model, batch, layer=layer)
        self.states = dict(zip(inputs, states, strict=True))
        steps, units = states.shape[1:]
        if step_labels is not None and len(step_labels) != steps:
            fail("step_labels", f"{steps} labels (one per time step)", step_labels)
        self.step_labels = None if step_labels is None else list(step_labels)
        slider = {"continuous_update": False}
        controls = {
            "input": widgets.Dropdown(options=list(inputs), description="input"),
            "unit": widgets.IntSlider(0, 0, units - 1, description="unit", **slider),
            "step": widgets.IntSlider(steps - 1, 0, steps - 1, description="time step", **slider),
        }
        super().__init__(controls, title="Hidden state over time")

    def compute(self, input, unit, step):
        states = self.states[input]  # the sliders keep unit and step in range
        value = float(states[step, unit])
        return {"input": input, "states": states, "unit": unit, "step": step, "value": value}

    def draw(self, fig, result):
        heat, line, bars = fig.subplots(1, 3, gridspec_kw={"width_ratios": [2.2, 1.4, 1]})
        states, unit, step = result["states"], result["unit"], result["step"]
        plot_hidden_states(
            states,
            ax=heat,
            highlight=(unit, step),
            step_labels=self.step_labels,
            title=f"{result['input']}: all units",
        )
        line.plot(states[:, unit], color="#457b9d")
        line.plot([step], [states[step, unit]], "o", color="#e76f51")
        if np.all(np.abs(states) <= 1):  # tanh / sigmoid states: show their whole range
            line.set_ylim(-1.05, 1.05)
        line.set_title(f"unit {unit} over time", fontsize=10)
        line.set_xlabel("time step t")
        line.grid(alpha=0.3)
        bars.barh(np.arange(states.shape[1]), states[step], color="#a8dadc")
        bars.barh([unit], [states[step, unit]], color="#e76f51")
        bars.invert_yaxis()
        bars.set_title(f"$h_t$ at step {step}", fontsize=10)
        bars.set_ylabel("hidden unit")


class GradientFlowExplorer(Explorer):
    """Scale the recurrent weights and the sequence length; watch dL/dh_t shrink or grow.

    A fixed random SimpleRNN (NumPy, checked against Keras in the tests) reads a random
    sequence; the loss reads only the last hidden state. Backpropagation through time
    (:func:`dlhelpers.scratch.rnn_backward`) gives ``||dL/dh_t||`` for every step.

    Controls: ``radius`` (spectral radius of the recurrent kernel), ``steps`` (sequence
    length), ``activation`` and ``input_scale`` (large inputs saturate tanh).
    ``result`` holds ``norms`` ``(steps,)`` and ``ratio`` = first / last norm.
    """

    figsize = (7, 3.2)

    def __init__(self, units: int = 16, *, seed: int = 0):
        import ipywidgets as widgets

        units = check_scalar(units, "units", int, low=1, high=256)
        rng = np.random.default_rng(check_scalar(seed, "seed", int, low=0))
        self.kernel = rng.normal(size=(1, units))
        self.recurrent = np.linalg.qr(rng.normal(size=(units, units)))[0]
        self.noise = rng.normal(size=(1, 200, 1))
        self.readout = np.full((1, units), 1 / np.sqrt(units))  # dL/dh_T: a unit vector
        slider = {"continuous_update": False}
        controls = {
            "radius": widgets.FloatSlider(
                0.9, min=0.5, max=1.5, step=0.05, description="radius", **slider
            ),
            "steps": widgets.IntSlider(40, min=5, max=200, description="length", **slider),
            "activation": widgets.Dropdown(options=["tanh", "linear"], description="activation"),
            "input_scale": widgets.FloatLogSlider(
                0.05, base=10, min=-2, max=0.5, description="input scale", **slider
            ),
        }
        super().__init__(controls, title="Gradients through time")

    def compute(self, radius, steps, activation, input_scale):
        if steps > self.noise.shape[1]:
            fail("steps", f"at most {self.noise.shape[1]} steps", steps)
        x = input_scale * self.noise[:, :steps]
        recurrent = scale_spectral_radius(self.recurrent, radius)
        bias = np.zeros(self.kernel.shape[1])
        states = rnn_forward(x, self.kernel, recurrent, bias, activation=activation)
        grads = rnn_backward(
            x, states, self.readout, self.kernel, recurrent, bias, activation=activation
        )
        norms = np.linalg.norm(grads.hidden[0], axis=1)
        ratio = float(norms[0] / norms[-1])
        return {"norms": norms, "ratio": ratio, "radius": radius, "activation": activation}

    def draw(self, fig, result):
        ax = fig.add_subplot()
        norms = result["norms"]
        plot_step_gradients({r"measured $\|\partial L/\partial h_t\|$": norms}, ax=ax)
        t = np.arange(1, len(norms) + 1)  # h_1 .. h_T
        rule = norms[-1] * result["radius"] ** (len(norms) - t)
        ax.plot(t, rule, "--", color="0.5", label=r"radius$^{\,T-t}$")
        ax.set_title(
            f"{result['activation']}, radius {result['radius']:.2f}: first / last = "
            f"{result['ratio']:.2g}",
            fontsize=10,
        )
        ax.legend(fontsize=8)
