"""Plots for Chapter 6: gates over time, learning curves of several RNNs, forecasts."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from dlhelpers._validation import check_array, check_scalar, fail
from dlhelpers.plots._common import axes_or_new

__all__ = [
    "plot_gate_activations",
    "plot_gate_traces",
    "plot_sequence_curves",
    "plot_series_forecast",
]

_SIGMOID_GATES = ("input", "forget", "output", "update", "reset")


def _gate_names(gates, names):
    if not isinstance(gates, dict) or not gates:
        fail("gates", "a dict of name -> (N, T, units) arrays, as gate_activations returns", gates)
    names = list(gates) if names is None else list(names)
    unknown = [n for n in names if n not in gates]
    if unknown:
        fail("names", f"keys of gates ({', '.join(map(repr, gates))})", unknown)
    return names


def _sample(gates, name, sample):
    arr = check_array(gates[name], f"gates[{name!r}]", ndim=3)
    return arr[check_scalar(sample, "sample", int, low=0, high=arr.shape[0] - 1)]


def gate_range(name, values):
    """Colour/axis limits for one gate: ``(0, 1)`` for the sigmoid gates, ``(-1, 1)`` for
    tanh outputs, and a range symmetric around 0 that holds the data otherwise (the LSTM
    cell state is not bounded, nor is anything under another activation)."""
    lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
    if name in _SIGMOID_GATES and lo >= 0.0 and hi <= 1.0:
        return 0.0, 1.0
    if name in ("candidate", "hidden") and lo >= -1.0 and hi <= 1.0:
        return -1.0, 1.0
    m = max(abs(lo), abs(hi), 1e-6)
    return -m, m


def check_feature_names(feature_names, n_features):
    """Return ``feature_names`` as a list of ``n_features`` labels (or ``None``)."""
    if feature_names is None:
        return None
    if isinstance(feature_names, str) or len(feature_names) != n_features:
        fail("feature_names", f"{n_features} labels, one per input feature", feature_names)
    return [str(n) for n in feature_names]


def draw_inputs(ax, sequence, feature_names=None):
    """Draw one ``(T, features)`` input sequence as one line per feature on ``ax``."""
    for k in range(sequence.shape[1]):
        label = feature_names[k] if feature_names else f"feature {k}"
        ax.plot(sequence[:, k], lw=1, label=label)
    ax.legend(fontsize=7, loc="upper right", ncol=sequence.shape[1])
    ax.set_ylabel("input", fontsize=8)


def draw_gate_heatmap(ax, values, name, vmin=0.0, vmax=1.0):
    """Draw one ``(T, units)`` gate as a units x time heatmap on ``ax``; return the image."""
    image = ax.imshow(
        values.T, aspect="auto", cmap="viridis", vmin=vmin, vmax=vmax, interpolation="nearest"
    )
    ax.set_ylabel(f"{name}\nunit", fontsize=8)
    return image


def plot_gate_activations(
    gates: dict, x=None, *, sample: int = 0, names=None, feature_names=None
) -> Figure:
    """Heatmaps (unit x time step) of each gate for one sequence, the input on top.

    Args:
        gates: dict of name -> ``(N, T, units)``, as
            :func:`dlhelpers.inspect.gate_activations` returns.
        x: optional ``(N, T, features)`` inputs drawn above the gates.
        sample: which sequence to show.
        names: which gates, in order (default: all keys of ``gates``).
        feature_names: labels of the input features in the legend.
    """
    names = _gate_names(gates, names)
    rows = len(names) + (x is not None)
    fig, axes = plt.subplots(
        rows, 1, sharex=True, squeeze=False, figsize=(7, 1.1 * rows + 0.6), dpi=75,
        layout="constrained",
    )  # fmt: skip
    axes = axes[:, 0]
    if x is not None:
        xs = check_array(x, "x", ndim=3)
        check_scalar(sample, "sample", int, low=0, high=xs.shape[0] - 1)
        draw_inputs(axes[0], xs[sample], check_feature_names(feature_names, xs.shape[2]))
    for ax, name in zip(axes[rows - len(names) :], names, strict=True):
        values = _sample(gates, name, sample)
        image = draw_gate_heatmap(ax, values, name, *gate_range(name, gates[name]))
        fig.colorbar(image, ax=ax, pad=0.01, fraction=0.03)
    axes[-1].set_xlabel("time step")
    return fig


def plot_gate_traces(
    gates: dict, *, sample: int = 0, names=None, unit=None, marks=None, ax=None
) -> Figure:
    """Gate activations of one sequence over time as lines: the mean over units, or one unit.

    Args:
        gates: dict of name -> ``(N, T, units)``.
        sample: which sequence.
        names: which gates (default: the sigmoid gates present).
        unit: ``None`` for the mean over units, else a unit index.
        marks: optional time steps to mark with dashed vertical lines.
        ax: draw into this axes instead of a new figure.
    """
    if names is None:
        names = [n for n in _SIGMOID_GATES if n in gates]
    names = _gate_names(gates, names)
    fig, ax = axes_or_new(ax, (7, 2.6))
    ranges = [gate_range(name, gates[name]) for name in names]
    for name in names:
        values = _sample(gates, name, sample)
        if unit is None:
            ax.plot(values.mean(axis=1), lw=1.5, label=f"{name} (mean of units)")
        else:
            unit = check_scalar(unit, "unit", int, low=0, high=values.shape[1] - 1)
            ax.plot(values[:, unit], lw=1.5, label=f"{name} (unit {unit})")
    for t in [] if marks is None else np.atleast_1d(marks):
        ax.axvline(t, color="k", ls="--", lw=0.8)
    low, high = min(r[0] for r in ranges), max(r[1] for r in ranges)
    ax.set_ylim(low - 0.02 * (high - low), high + 0.02 * (high - low))
    ax.set_xlabel("time step")
    ax.set_ylabel("activation")
    ax.legend(fontsize=7, loc="lower left")
    return fig


def plot_sequence_curves(
    histories: dict,
    key: str = "val_loss",
    *,
    baseline=None,
    baseline_label: str = "predict the mean",
    ylabel: str | None = None,
    log: bool = True,
    ax=None,
) -> Figure:
    """Several models' learning curves on one axes (for instance SimpleRNN, LSTM, GRU).

    Args:
        histories: dict of label -> a ``History.history`` dict (metric -> values per epoch),
            or label -> list of them (one per seed): the runs of one label share a colour
            and one legend entry, so the spread between seeds shows.
        key: the metric to draw (``"val_loss"`` by default).
        baseline: optional number drawn as a horizontal dashed line, ``baseline_label``.
        ylabel: the y axis label (default: ``key``); log: logarithmic y axis.
        ax: draw into this axes instead of a new figure.
    """
    if not isinstance(histories, dict) or not histories:
        fail("histories", "a dict of label -> History", histories)
    fig, ax = axes_or_new(ax, (6, 3))
    for label, runs in histories.items():
        runs = list(runs) if isinstance(runs, (list, tuple)) else [runs]
        if not runs:
            fail(f"histories[{label!r}]", "a History or a non-empty list of them", runs)
        color = None
        for k, values in enumerate(runs):
            values = getattr(values, "history", values)  # a History object works too
            if key not in values:
                fail("key", f"one of {', '.join(map(repr, values))}", key)
            (line,) = ax.plot(
                np.arange(1, len(values[key]) + 1), values[key], marker=".", color=color,
                alpha=1.0 if len(runs) == 1 else 0.7, label=label if k == 0 else None,
            )  # fmt: skip
            color = line.get_color()
    if baseline is not None:
        ax.axhline(baseline, color="gray", ls="--", lw=1, label=baseline_label)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(key if ylabel is None else ylabel)
    ax.legend(fontsize=8)
    return fig


def plot_series_forecast(
    index, actual, forecasts: dict, *, split=None, ax=None, xlabel="time", ylabel="value"
) -> Figure:
    """A series and one or more forecasts of it against time.

    Args:
        index: ``(T,)`` times of ``actual`` (years, dates, steps); actual: ``(T,)`` values.
        forecasts: dict of label -> ``(times, values)`` pairs.
        split: optional time where the held-out period starts (a vertical line).
        ax: draw into this axes instead of a new figure; xlabel, ylabel: the axis labels.
    """
    actual = check_array(actual, "actual", ndim=1)
    index = np.asarray(index)
    if index.shape != actual.shape:
        fail("index", f"shape {actual.shape} like actual", index)
    if not isinstance(forecasts, dict):
        fail("forecasts", "a dict of label -> (times, values)", forecasts)
    fig, ax = axes_or_new(ax, (7, 2.8))
    ax.plot(index, actual, color="k", lw=1.2, label="observed")
    for label, pair in forecasts.items():
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            fail(f"forecasts[{label!r}]", "a (times, values) pair", pair)
        values, times = check_array(pair[1], f"forecasts[{label!r}] values", ndim=1), pair[0]
        if np.shape(times) != values.shape:
            fail(f"forecasts[{label!r}] times", f"shape {values.shape} like its values", times)
        ax.plot(times, values, lw=1.2, label=label)
    if split is not None:
        ax.axvline(split, color="gray", ls=":", lw=1)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    legend = {"loc": "lower left", "bbox_to_anchor": (0, 1), "frameon": False}
    ax.legend(fontsize=7, ncol=len(forecasts) + 1, **legend)
    return fig
