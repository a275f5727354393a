"""Plots for the backpropagation chapter: graphs, activations, boundaries, curves, gradient norms."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from dlhelpers._validation import check_array, check_scalar, fail
from dlhelpers.plots._common import axes_or_new

__all__ = [
    "plot_computation_graph",
    "plot_activations",
    "plot_decision_boundary",
    "plot_learning_snapshots",
    "plot_training_losses",
    "plot_gradient_norms",
]


def plot_computation_graph(nodes: dict, edges, *, ax=None, title: str | None = None) -> Figure:
    """Draw a small computation graph: boxes joined by arrows.

    Args:
        nodes: ``{name: (x, y, text)}``; ``text`` may hold several lines (value, gradient).
        edges: ``[(from_name, to_name), ...]``.
        ax: optional axes to draw on.

    Raises:
        ValueError: an edge names a node that is not in ``nodes``.
    """
    fig, ax = axes_or_new(ax, (8, 3))
    edges = list(edges)
    for src, dst in edges:
        for end in (src, dst):
            if end not in nodes:
                fail("edges", f"node names from {sorted(nodes)}", end)
    boxes = {
        name: ax.text(
            x,
            y,
            text,
            ha="center",
            va="center",
            fontsize=8,
            bbox={"boxstyle": "round,pad=0.4", "fc": "#eef3fb", "ec": "#3b6bb5"},
        )
        for name, (x, y, text) in nodes.items()
    }
    for src, dst in edges:
        (x0, y0, _), (x1, y1, _) = nodes[src], nodes[dst]
        # leave from the side of the source box that faces the target, enter the opposite side
        if abs(y1 - y0) > abs(x1 - x0):
            out, into = ((0.5, 0), (0.5, 1)) if y1 < y0 else ((0.5, 1), (0.5, 0))
        else:
            out, into = ((1, 0.5), (0, 0.5)) if x1 > x0 else ((0, 0.5), (1, 0.5))
        ax.annotate(
            "",
            xy=into,
            xycoords=boxes[dst],
            xytext=out,
            textcoords=boxes[src],
            arrowprops={"arrowstyle": "-|>", "color": "0.3", "shrinkA": 4, "shrinkB": 4},
        )
    xs = [v[0] for v in nodes.values()]
    ys = [v[1] for v in nodes.values()]
    ax.set_xlim(min(xs) - 0.7, max(xs) + 0.7)
    ax.set_ylim(min(ys) - 0.7, max(ys) + 0.7)
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=10)
    return fig


def plot_activations(x, curves: dict) -> Figure:
    """Activations (left) and their derivatives (right) against the same inputs ``x``.

    Args:
        x: ``(n,)`` inputs, e.g. ``np.linspace(-4, 4, 401)``.
        curves: ``{label: (values, derivatives)}``, two ``(n,)`` arrays per activation.

    Example:
        >>> x = np.linspace(-2, 2, 5)
        >>> fig = plot_activations(x, {"relu": (np.maximum(x, 0), (x > 0) * 1.0)})
        >>> fig.axes[0].get_lines()[0].get_ydata().tolist()
        [0.0, 0.0, 0.0, 1.0, 2.0]
    """
    x = check_array(x, "x", ndim=1)
    if not isinstance(curves, dict) or not curves:
        fail("curves", "a non-empty dict of label -> (values, derivatives)", curves)
    fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3), dpi=75, layout="constrained")
    for label, pair in curves.items():
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
            fail(f"curves[{label!r}]", "a pair (values, derivatives)", pair)
        for ax, values, name in zip((left, right), pair, (label, f"{label}'"), strict=True):
            values = check_array(values, f"curves[{label!r}]", ndim=1)
            if values.shape != x.shape:
                fail(f"curves[{label!r}]", f"arrays of the shape of x {x.shape}", values)
            ax.plot(x, values, label=name)
    left.set_title("activation f(x)")
    right.set_title("derivative f'(x)")
    for ax in (left, right):
        ax.axhline(0, color="0.7", lw=0.8)
        ax.set_xlabel("x")
        ax.legend(fontsize=8)
    return fig


def _grid(x, resolution):
    pad = 0.5
    (x0, y0), (x1, y1) = x.min(axis=0) - pad, x.max(axis=0) + pad
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    return gx, gy, np.column_stack([gx.ravel(), gy.ravel()])


def plot_decision_boundary(
    predict_proba, x, y, *, ax=None, resolution: int = 120, title: str | None = None
) -> Figure:
    """Shade what a 2-feature classifier predicts over the plane, with the points on top.

    Args:
        predict_proba: a function ``(M, 2) -> (M, K)`` probabilities, or an object with a
            ``predict_proba`` method (a NumPy ``MLP``). Wrap a Keras model as
            ``lambda v: keras_model.predict(v, verbose=0)``.
        x: ``(N, 2)`` points; y: ``(N,)`` integer labels.
        resolution: grid points per side.
    """
    x = check_array(x, "x", ndim=2)
    if x.shape[1] != 2:
        fail("x", "2 features (a plane to draw on)", x)
    y = np.asarray(y)
    if len(y) != len(x):
        fail("y", f"{len(x)} labels, one per row of x", y)
    resolution = check_scalar(resolution, "resolution", int, low=10)
    fn = getattr(predict_proba, "predict_proba", predict_proba)
    if not callable(fn):
        fail("predict_proba", "a function or a model with predict_proba", predict_proba)
    gx, gy, points = _grid(x, resolution)
    probs = np.asarray(fn(points))
    if probs.ndim != 2 or probs.shape[0] != len(points):
        fail("predict_proba", f"a function returning ({len(points)}, K) probabilities", probs)
    fig, ax = axes_or_new(ax, (4, 3.5))
    if probs.ndim == 2 and probs.shape[1] == 2:
        ax.contourf(
            gx,
            gy,
            probs[:, 1].reshape(gx.shape),
            levels=np.linspace(0, 1, 11),
            cmap="RdBu_r",
            alpha=0.6,
        )
        ax.contour(gx, gy, probs[:, 1].reshape(gx.shape), levels=[0.5], colors="k", linewidths=1)
        scatter_style = {"cmap": "RdBu_r", "vmin": 0, "vmax": 1}
    else:
        # one colour per class, the same in the shading and the points: class k <-> colour k
        from matplotlib.colors import ListedColormap

        k = max(probs.shape[1] if probs.ndim == 2 else 1, int(y.max()) + 1)
        base = plt.get_cmap("tab10" if k <= 10 else "tab20")
        cmap = ListedColormap([base(i % base.N) for i in range(k)])
        ax.contourf(
            gx,
            gy,
            probs.argmax(axis=1).reshape(gx.shape),
            levels=np.arange(k + 1) - 0.5,
            cmap=cmap,
            alpha=0.4,
        )
        scatter_style = {"cmap": cmap, "vmin": -0.5, "vmax": k - 0.5}
    ax.scatter(x[:, 0], x[:, 1], c=y, s=10, edgecolors="k", linewidths=0.3, **scatter_style)
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=9)
    return fig


def plot_learning_snapshots(model, snapshots, x, y, *, columns: int = 4) -> Figure:
    """The decision boundary of ``model`` at each ``(epoch, weights)`` snapshot of ``fit``.

    The model's current weights are restored afterwards.
    """
    snapshots = list(snapshots)
    if not snapshots:
        fail(
            "snapshots", "at least one (epoch, weights) pair (fit with snapshot_every=)", snapshots
        )
    columns = check_scalar(columns, "columns", int, low=1)
    rows = int(np.ceil(len(snapshots) / columns))
    cols = min(columns, len(snapshots))
    fig, axes = plt.subplots(
        rows, cols, figsize=(2.2 * cols, 2.1 * rows), dpi=75, layout="constrained"
    )
    axes = np.atleast_1d(axes).ravel()
    saved = model.get_weights()
    try:
        for ax, (epoch, weights) in zip(axes, snapshots, strict=False):
            model.set_weights(weights)
            plot_decision_boundary(model, x, y, ax=ax, resolution=60, title=f"epoch {epoch}")
    finally:
        model.set_weights(saved)
    for ax in axes[len(snapshots) :]:
        ax.axis("off")
    return fig


def plot_training_losses(
    curves: dict,
    *,
    ax=None,
    log: bool = True,
    xlabel: str = "epoch",
    ylabel: str = "training loss",
    marker: str | None = None,
) -> Figure:
    """One line per ``{label: values}`` entry, on a log scale by default.

    ``values`` is one run ``(epochs,)`` or several ``(runs, epochs)`` (seeds, say): several
    are drawn as their mean with the band from the lowest to the highest run, so three
    settings on three seeds read as three lines, not nine.

    Example:
        >>> fig = plot_training_losses({"SGD": [[1.0, 0.5], [1.0, 0.7]]}, log=False)
        >>> fig.axes[0].get_lines()[0].get_ydata().tolist()
        [1.0, 0.6]
    """
    if not isinstance(curves, dict) or not curves:
        fail("curves", "a non-empty dict of label -> values", curves)
    fig, ax = axes_or_new(ax, (5, 3))
    for label, values in curves.items():
        values = check_array(values, f"curves[{label!r}]", ndim=(1, 2))
        epochs = np.arange(1, values.shape[-1] + 1)
        if values.ndim == 1:
            ax.plot(epochs, values, label=label, marker=marker)
            continue
        label = f"{label}: mean of {len(values)}, band min-max"
        (line,) = ax.plot(epochs, values.mean(axis=0), marker=marker, label=label)
        ax.fill_between(
            epochs, values.min(axis=0), values.max(axis=0), color=line.get_color(), alpha=0.25
        )
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8)
    return fig


def plot_gradient_norms(norms: dict, *, ax=None) -> Figure:
    """Gradient norm of each dense layer (input side = layer 1) for each ``{label: norms}``."""
    if not isinstance(norms, dict) or not norms:
        fail("norms", "a non-empty dict of label -> per-layer norms", norms)
    return plot_training_losses(
        norms,
        ax=ax,
        xlabel="dense layer (1 = next to the input)",
        ylabel="|dL/dkernel|",
        marker="o",
    )
