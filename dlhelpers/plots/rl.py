"""Chapter 14's figures: values and greedy actions on a grid world, return curves over seeds."""

from __future__ import annotations

import warnings

import numpy as np

from dlhelpers._validation import check_array, fail
from dlhelpers.plots._common import axes_or_new

__all__ = ["ARROWS", "plot_value_map", "plot_returns"]

# FrozenLake's action order: 0 left, 1 down, 2 right, 3 up, as (dx, dy) on an image whose
# row 0 is at the top.
ARROWS = np.array([[-1, 0], [0, 1], [1, 0], [0, -1]])


def plot_value_map(values, greedy, desc, *, ax=None, title="state values and greedy actions"):
    """Draw each state's value as a colour and an arrow for each of its best actions.

    Args:
        values: ``(rows * cols,)`` state values, row by row.
        greedy: ``(rows * cols, 4)`` boolean mask of the best actions in FrozenLake's order
            (column 0 left, 1 down, 2 right, 3 up: :data:`ARROWS`); ties give several
            arrows; no arrow is drawn on cells marked ``H`` (hole) or ``G`` (goal).
        desc: ``(rows, cols)`` map letters (``S``, ``F``, ``H``, ``G``), bytes or str.
    """
    desc = np.asarray(desc).astype(str)
    if desc.ndim != 2:
        fail("desc", "a 2-D map of letters", desc)
    rows, cols = desc.shape
    values = check_array(values, "values", ndim=1)
    greedy = check_array(greedy, "greedy", ndim=2, dtype=bool)
    if values.shape != (rows * cols,) or greedy.shape != (rows * cols, len(ARROWS)):
        fail("values, greedy", f"shapes ({rows * cols},) and ({rows * cols}, 4)", values)
    fig, ax = axes_or_new(ax, (3.6, 3.2))
    image = ax.imshow(values.reshape(rows, cols), cmap="viridis", vmin=min(0.0, values.min()))
    for s in range(rows * cols):
        r, c = divmod(s, cols)
        ax.text(c - 0.4, r - 0.25, desc[r, c], color="w", fontsize=8, fontweight="bold")
        if desc[r, c] in "HG":
            continue
        for dx, dy in ARROWS[greedy[s]]:
            ax.arrow(
                c, r, 0.3 * dx, 0.3 * dy, head_width=0.12, color="w", length_includes_head=True
            )
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=9)
    fig.colorbar(image, ax=ax, shrink=0.8, label="value")
    return fig


def plot_returns(x, curves: dict, *, baseline=None, ax=None, xlabel="episode", ylabel="return"):
    """One line per run family: the mean over seeds, with the band from the lowest to the highest.

    Args:
        x: ``(points,)`` x values (episodes or environment steps).
        curves: label -> ``(seeds, points)`` array (NaN where a seed has no value yet).
        baseline: optional ``(label, value)`` drawn as a dashed horizontal line.
    """
    x = check_array(x, "x", ndim=1)
    fig, ax = axes_or_new(ax, (5, 3))
    for label, runs in curves.items():
        runs = check_array(runs, label, ndim=2, allow_nan=True)
        if runs.shape[1] != len(x):
            fail(label, f"{len(x)} points per seed", runs)
        with warnings.catch_warnings():  # all-NaN columns (before any episode ended)
            warnings.simplefilter("ignore", RuntimeWarning)
            low, mean, high = np.nanmin(runs, 0), np.nanmean(runs, 0), np.nanmax(runs, 0)
        (line,) = ax.plot(x, mean, label=f"{label} (mean of {len(runs)} seeds)")
        ax.fill_between(x, low, high, color=line.get_color(), alpha=0.2)
    if baseline is not None:
        ax.axhline(baseline[1], color="k", linestyle="--", linewidth=1, label=baseline[0])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8)
    return fig
