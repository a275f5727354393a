"""Plots for Chapter 5: input vectors, the unrolled RNN, hidden states, gradients over time.

Every function returns the matplotlib ``Figure``; those that need one axes accept ``ax=``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle
from matplotlib.ticker import MaxNLocator

from dlhelpers._validation import check_array, check_scalar, fail
from dlhelpers.plots._common import axes_or_new

__all__ = [
    "plot_hidden_states",
    "plot_input_vectors",
    "plot_clipping_losses",
    "plot_step_gradients",
    "plot_unrolled",
]


def plot_input_vectors(
    panels: dict,
    *,
    step_labels: dict | None = None,
    feature_labels: dict | None = None,
    figsize=(9, 3),
) -> Figure:
    """Show sequences as one column vector per time step, side by side.

    Args:
        panels: title -> ``(T, features)`` array (one sequence each).
        step_labels: title -> list of ``T`` tick labels (e.g. the characters).
        feature_labels: title -> list of ``features`` row labels (e.g. the alphabet).
        figsize: the figure size in inches.

    Returns:
        The Figure, one heatmap (features down, time steps across) per panel.
    """
    if not isinstance(panels, dict) or not panels:
        fail("panels", "a non-empty dict of title -> (T, features) array", panels)
    arrays = {k: check_array(v, f"panels[{k!r}]", ndim=2) for k, v in panels.items()}
    fig = plt.figure(figsize=figsize, dpi=75, layout="constrained")
    widths = [max(a.shape[0], 4) for a in arrays.values()]
    axes = fig.subplots(1, len(arrays), gridspec_kw={"width_ratios": widths}, squeeze=False)[0]
    for ax, (title, arr) in zip(axes, arrays.items(), strict=True):
        image = ax.imshow(arr.T, aspect="auto", cmap="viridis", interpolation="nearest")
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("time step t")
        steps = (step_labels or {}).get(title)
        if steps is not None:
            ax.set_xticks(
                range(len(steps)),
                [repr(s)[1:-1] if isinstance(s, str) else s for s in steps],
                fontsize=8,
            )
        feats = (feature_labels or {}).get(title)
        if feats is not None:
            ax.set_yticks(range(len(feats)), list(feats), fontsize=8)
        else:
            ax.set_yticks(range(arr.shape[1]))
        ax.set_ylabel("feature")
        fig.colorbar(image, ax=ax, shrink=0.8)
    return fig


def _box(ax, xy, text, color, width=0.8, height=0.5):
    corner = (xy[0] - width / 2, xy[1] - height / 2)
    style = {"boxstyle": "round,pad=0.05", "fc": color, "ec": "0.2", "lw": 1}
    ax.add_patch(FancyBboxPatch(corner, width, height, **style))
    ax.text(*xy, text, ha="center", va="center", fontsize=10)


def _arrow(ax, start, end, color="0.2", style="-|>"):
    ax.add_patch(
        FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=12, color=color, lw=1.3)
    )


def plot_unrolled(
    steps: int = 4,
    *,
    return_sequences: bool = True,
    show_steps: bool = True,
    ax=None,
    figsize=(9, 3.6),
) -> Figure:
    """Draw a SimpleRNN unrolled over ``steps`` time steps.

    Each copy of the cell is the *same* layer (same ``kernel``, ``recurrent_kernel``,
    ``bias``). Inputs ``x_t`` enter from below, the hidden state travels left to right,
    and the outputs the layer returns are drawn in colour: every ``h_t`` with
    ``return_sequences=True``, only the last one otherwise.

    Args:
        steps: how many time steps to draw (1 to 8).
        return_sequences: which outputs to highlight.
        show_steps: number the seven stages of an RNN's run (1 input vectors, 2 initial
            state, 3 recurrent unit, 4 output, 5 state update, 6 repeat, 7 use the output).
        ax: an axes to draw on, or ``None`` for a new figure.
    """
    steps = check_scalar(steps, "steps", int, low=1, high=8)
    fig, ax = axes_or_new(ax, figsize)
    used, unused = "#f4a261", "0.9"
    _box(ax, (0, 1), "$h_0$", "#e9ecef", width=0.6)
    for t in range(1, steps + 1):
        _box(ax, (t * 1.5, 0), f"$x_{{{t}}}$", "#a8dadc", width=0.6)
        _box(ax, (t * 1.5, 1), "RNN\ncell", "#457b9d", width=0.8, height=0.6)
        is_used = return_sequences or t == steps
        _box(ax, (t * 1.5, 2.1), f"$h_{{{t}}}$", used if is_used else unused, width=0.6)
        _arrow(ax, (t * 1.5, 0.3), (t * 1.5, 0.66))
        _arrow(ax, (t * 1.5, 1.34), (t * 1.5, 1.8))
        _arrow(ax, ((t - 1) * 1.5 + (0.35 if t == 1 else 0.45), 1), (t * 1.5 - 0.45, 1))
    last = steps * 1.5
    _box(ax, (last + 1.5, 2.1), "Dense\n(task)", used, width=0.9, height=0.6)
    if return_sequences:
        ax.text(last + 1.5, 1.4, "all $h_t$:\n(N, T, units)", ha="center", fontsize=8)
    else:
        ax.text(last + 1.5, 1.4, "last $h_T$:\n(N, units)", ha="center", fontsize=8)
    _arrow(ax, (last + 0.35, 2.1), (last + 1.02, 2.1), color="#e76f51")
    if return_sequences:  # every h_t goes on to the next layer, not only the last
        for t in range(1, steps):
            ax.add_patch(
                FancyArrowPatch(
                    (t * 1.5, 2.42),
                    (last + 1.5 - 0.2 * (steps - t) / steps, 2.47),
                    arrowstyle="-|>",
                    mutation_scale=10,
                    color="#e76f51",
                    lw=1.0,
                    connectionstyle=f"arc3,rad={-0.25 * (1.5 / (steps - t + 1)) ** 0.5:.3f}",
                )
            )
    note = "the same kernel, recurrent_kernel and bias at every step"
    ax.text(steps * 0.75 + 0.75, -0.65, note, ha="center", fontsize=9, style="italic")
    if show_steps:
        marks = [(0.95, 0.25), (-0.45, 1.3), (2.05, 1.3), (1.95, 2.45), (2.25, 1.15)]
        marks += [(last - 0.75, 1.15) if steps >= 3 else (last + 0.6, 0.5), (last + 2.05, 2.55)]
        circle = {"boxstyle": "circle,pad=0.2", "fc": "#d62828", "ec": "none"}
        for number, (x, y) in enumerate(marks, start=1):
            ax.text(x, y, str(number), ha="center", va="center", fontsize=8, color="white",
                    bbox=circle)  # fmt: skip
    ax.set_xlim(-0.6, last + 2.3)
    ax.set_ylim(-0.9, 3.3 if return_sequences else 2.8)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


def plot_hidden_states(
    states, *, ax=None, step_labels=None, highlight=None, title: str | None = None, figsize=(7, 3)
) -> Figure:
    """Heatmap of one sequence's hidden states: units down, time steps across.

    Args:
        states: ``(T, units)`` for one example (e.g. ``hidden_states(model, x)[0]``).
        ax: an axes to draw on, or ``None``.
        step_labels: ``T`` tick labels for the time axis (e.g. years), optional.
        highlight: ``(unit, step)`` to outline one cell, optional.
        title: the axes title.
    """
    states = check_array(states, "states", ndim=2)
    fig, ax = axes_or_new(ax, figsize)
    limit = max(float(np.max(np.abs(states))), 1e-12)
    image = ax.imshow(
        states.T, aspect="auto", cmap="RdBu_r", vmin=-limit, vmax=limit, interpolation="nearest"
    )
    ax.set_xlabel("time step t")
    ax.set_ylabel("hidden unit")
    if step_labels is not None:
        step_labels = list(step_labels)
        if len(step_labels) != states.shape[0]:
            fail("step_labels", f"{states.shape[0]} labels (one per time step)", step_labels)
        every = max(1, len(step_labels) // 10)
        ticks = list(range(0, len(step_labels), every))
        ax.set_xticks(ticks, [str(step_labels[i]) for i in ticks], fontsize=8)
    if highlight is not None:
        unit, step = highlight
        check_scalar(unit, "highlight unit", int, low=0, high=states.shape[1] - 1)
        check_scalar(step, "highlight step", int, low=0, high=states.shape[0] - 1)
        ax.add_patch(Rectangle((step - 0.5, unit - 0.5), 1, 1, fill=False, ec="black", lw=2))
    if title:
        ax.set_title(title, fontsize=10)
    fig.colorbar(image, ax=ax, label="$h_t$")
    return fig


def _curves(values, labels, name):
    """Turn one curve, a 2-D stack, or a dict of curves into ``{label: 1-D array}``."""
    if isinstance(values, dict):
        return {
            str(k): check_array(v, f"{name}[{k!r}]", ndim=1, allow_nan=True)
            for k, v in values.items()
        }
    arr = check_array(values, name, ndim=(1, 2), allow_nan=True)
    rows = arr[None] if arr.ndim == 1 else arr
    if labels is None:
        labels = [None] * len(rows) if arr.ndim == 1 else [str(i) for i in range(len(rows))]
    if len(labels) != len(rows):
        fail("labels", f"{len(rows)} labels (one per curve)", labels)
    return dict(zip(labels, rows, strict=True))


def plot_step_gradients(
    norms,
    *,
    labels=None,
    ax=None,
    log: bool = True,
    ylabel: str = r"$\|\partial L / \partial h_t\|$",
    figsize=(6, 3),
) -> Figure:
    """Gradient norm against time step, one curve per setting.

    Args:
        norms: ``(T,)``, ``(k, T)`` or a dict label -> ``(T,)`` (e.g. from
            :func:`dlhelpers.inspect.step_gradient_norms` or ``rnn_backward``).
        labels: curve labels when ``norms`` is an array.
        ax: an axes to draw on, or ``None``.
        log: logarithmic y axis (vanishing and exploding span many decades).
        ylabel: the y-axis label.
    """
    curves = _curves(norms, labels, "norms")
    fig, ax = axes_or_new(ax, figsize)
    for label, curve in curves.items():
        ax.plot(np.arange(1, len(curve) + 1), curve, marker=".", label=label)  # h_1 .. h_T
    if log:
        ax.set_yscale("log")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("time step t (the loss is read at the end)")
    ax.set_ylabel(ylabel)
    if any(label is not None for label in curves):
        ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def plot_clipping_losses(curves, *, ax=None, log: bool = True, figsize=(6, 3)) -> Figure:
    """Training loss per epoch for several runs (a dict label -> losses).

    NaN or infinite losses are marked with an ``x`` at the top of the axes, so a run that
    diverged stays visible.
    """
    curves = _curves(curves, None, "curves")
    fig, ax = axes_or_new(ax, figsize)
    for label, loss in curves.items():
        epochs = np.arange(1, len(loss) + 1)
        (line,) = ax.plot(epochs, np.where(np.isfinite(loss), loss, np.nan), label=label)
        bad = ~np.isfinite(loss)
        if bad.any():
            ax.plot(
                epochs[bad],
                np.full(bad.sum(), 1.0),
                "x",
                color=line.get_color(),
                transform=ax.get_xaxis_transform(),
                clip_on=False,
            )
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return fig
