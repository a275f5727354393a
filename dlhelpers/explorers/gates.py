"""The gates explorer of Chapter 6: pick a sequence and a gate, see it over time.

Gate activations are computed once, when the explorer is built, from a trained
model (no retraining); moving a control only redraws.
"""

from __future__ import annotations

import numpy as np

from dlhelpers._validation import check_array, fail
from dlhelpers.explorers._base import Explorer
from dlhelpers.plots.gates import (
    check_feature_names,
    draw_gate_heatmap,
    draw_inputs,
    gate_range,
    plot_gate_traces,
)

__all__ = ["GatesExplorer"]


class GatesExplorer(Explorer):
    """Choose an input sequence, a gate and a unit; see the gate over time.

    The top panel draws the chosen sequence's input features; the middle panel
    the chosen gate as a unit x time heatmap; the bottom panel one unit's trace
    (or the mean over units) with the sequence's ``marks`` as dashed lines.

    Args:
        model: a trained Keras model with an LSTM or GRU layer.
        x: ``(N, T, features)`` inputs to explore (keep N small, e.g. <= 20).
        layer: which LSTM/GRU layer (see :func:`dlhelpers.inspect.gate_activations`).
        marks: optional list of N lists of time steps to mark (for instance the
            marked positions of the adding problem).
        feature_names: optional labels of the input features.

    Attributes:
        gates: dict of gate name -> ``(N, T, units)``, computed once.
        result: dict with ``sample``, ``gate``, ``unit``, ``values`` ``(T, units)``
            and ``trace`` ``(T,)`` for the current controls.
    """

    figsize = (7, 4.2)

    def __init__(self, model, x, *, layer=None, marks=None, feature_names=None):
        import ipywidgets as widgets

        from dlhelpers.inspect.gates import gate_activations

        self.x = check_array(x, "x", ndim=3)
        if marks is not None and len(marks) != len(self.x):
            fail("marks", f"one list of time steps per sequence ({len(self.x)})", marks)
        self.marks = marks
        self.feature_names = check_feature_names(feature_names, self.x.shape[2])
        self.gates = gate_activations(model, self.x, layer)
        # one colour range per gate over all sequences, so it does not jump between them
        self.ranges = {name: gate_range(name, v) for name, v in self.gates.items()}
        units = next(iter(self.gates.values())).shape[2]
        controls = {
            "sample": widgets.Dropdown(
                options=list(range(len(self.x))), value=0, description="sequence"
            ),
            "gate": widgets.Dropdown(
                options=list(self.gates), value=next(iter(self.gates)), description="gate"
            ),
            "unit": widgets.Dropdown(
                options=[("mean", -1)] + [(str(u), u) for u in range(units)],
                value=-1,
                description="unit",
            ),
        }
        super().__init__(controls, title="Gate activations over time")

    def compute(self, sample, gate, unit):
        values = self.gates[gate][sample]
        trace = values.mean(axis=1) if unit < 0 else values[:, unit]
        return {"sample": sample, "gate": gate, "unit": unit, "values": values, "trace": trace}

    def draw(self, fig, result):
        ax_in, ax_map, ax_line = fig.subplots(
            3, 1, sharex=True, gridspec_kw={"height_ratios": [1, 1.4, 1]}
        )
        sample, gate, unit = result["sample"], result["gate"], result["unit"]
        marks = None if self.marks is None else self.marks[sample]
        draw_inputs(ax_in, self.x[sample], self.feature_names)
        draw_gate_heatmap(ax_map, result["values"], gate, *self.ranges[gate])
        plot_gate_traces(  # the colour range of the whole gate, so it does not jump
            {gate: self.gates[gate]}, sample=sample, unit=None if unit < 0 else unit,
            names=[gate], marks=marks, ax=ax_line,
        )  # fmt: skip
        for t in [] if marks is None else np.atleast_1d(marks):
            ax_in.axvline(t, color="k", ls="--", lw=0.8)
