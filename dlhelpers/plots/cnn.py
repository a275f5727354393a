"""Plots for Chapter 3: kernels and their feature maps, where a kernel lands, pooling.

Arrays in, Figure out: the numbers come from :mod:`dlhelpers.scratch`, computed by the caller.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from dlhelpers._validation import check_array, check_scalar, fail

__all__ = [
    "draw_conv_layout",
    "draw_kernel",
    "plot_conv_arithmetic",
    "plot_kernel_maps",
    "plot_pooling",
]


def draw_kernel(ax, kernel, *, title: str | None = None, fmt: str = "{:.2g}") -> None:
    """Draw a 2-D kernel as a blue-red grid with its numbers written in the cells."""
    kernel = check_array(kernel, "kernel", ndim=2)
    limit = max(float(np.abs(kernel).max()), 1e-12)
    ax.imshow(kernel, cmap="RdBu_r", vmin=-limit, vmax=limit)
    if kernel.size <= 49:
        for (i, j), value in np.ndenumerate(kernel):
            color = "white" if abs(value) > 0.6 * limit else "black"
            ax.text(j, i, fmt.format(value), ha="center", va="center", fontsize=8, color=color)
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=9)


def plot_kernel_maps(image, kernels, maps, names=None, *, figsize=None) -> Figure:
    """An image, then one column per kernel: the kernel (top) and its feature map (bottom).

    Args:
        image: ``(H, W)`` grey or ``(H, W, 3)`` colour image (shown as is).
        kernels: sequence of 2-D kernels, or ``None`` to show only the maps.
        maps: sequence of 2-D feature maps, one per kernel.
        names: optional column titles.
        figsize: optional figure size; by default about 1.8 inches per column.

    Returns:
        The matplotlib Figure.
    """
    image = check_array(image, "image", ndim=(2, 3))
    maps = [check_array(m, "maps", ndim=2) for m in maps]
    if kernels is not None and len(kernels) != len(maps):
        fail("kernels", f"one kernel per map ({len(maps)})", f"{len(kernels)} kernels")
    names = list(names) if names is not None else [f"map {i}" for i in range(len(maps))]
    rows = 1 if kernels is None else 2
    cols = len(maps) + 1
    fig = plt.figure(
        figsize=figsize or (1.8 * cols, 1.8 * rows + 0.2), dpi=75, layout="constrained"
    )
    axes = fig.subplots(rows, cols, squeeze=False)
    for ax in axes.ravel():
        ax.set_axis_off()
    shown = image / 255.0 if image.max() > 1.0 else image
    axes[0, 0].imshow(shown, cmap="gray" if image.ndim == 2 else None)
    axes[0, 0].set_title("input", fontsize=9)
    for j, fmap in enumerate(maps, start=1):
        if kernels is not None:
            axes[0, j].set_axis_on()
            draw_kernel(axes[0, j], kernels[j - 1], title=names[j - 1])
        # the 1st-99th percentile range: a few extreme pixels (often at the zero-padded
        # border) would otherwise wash out the rest
        lo, hi = np.percentile(fmap, [1, 99])
        axes[rows - 1, j].imshow(fmap, cmap="gray", vmin=lo, vmax=max(hi, lo + 1e-12))
        if kernels is None:
            axes[0, j].set_title(names[j - 1], fontsize=9)
    return fig


# --------------------------------------------------------------------------- arithmetic
def draw_conv_layout(fig: Figure, layout, position: int = 0) -> None:
    """Draw the padded input with one window highlighted, and the output grid, onto ``fig``.

    ``layout`` is a :class:`dlhelpers.scratch.ConvLayout` (from ``scratch.conv_layout``).
    Input rows and columns are numbered from 0 at the first real (unpadded) cell;
    output cells from 0 too. ``position`` is a row-major output index.

    Raises:
        ValueError: ``position`` outside ``0 .. output**2 - 1``.
    """
    n_out = layout.output
    position = check_scalar(position, "position", int, low=0, high=n_out * n_out - 1)
    oi, oj = divmod(position, n_out)
    total = layout.size + layout.before + layout.after
    ax_in, ax_out = fig.subplots(1, 2, width_ratios=[max(total, 1), max(n_out, 1)])
    for i in range(total):
        for j in range(total):
            inside = (
                layout.before <= i < layout.before + layout.size
                and layout.before <= j < layout.before + layout.size
            )
            unseen = inside and (
                i - layout.before in layout.unseen or j - layout.before in layout.unseen
            )
            color = "#f2c4c4" if unseen else ("white" if inside else "#d9d9d9")
            ax_in.add_patch(Rectangle((j, i), 1, 1, facecolor=color, edgecolor="#888", lw=0.6))
    for si in layout.starts:  # top-left corner of every window
        for sj in layout.starts:
            ax_in.plot(sj + 0.5, si + 0.5, "o", color="#1f77b4", ms=5)
    top, left = layout.starts[oi], layout.starts[oj]
    ax_in.add_patch(
        Rectangle(
            (left, top),
            layout.kernel_size,
            layout.kernel_size,
            fill=False,
            edgecolor="#d62728",
            lw=2.5,
        )
    )
    for i in range(n_out):
        for j in range(n_out):
            color = "#d62728" if (i, j) == (oi, oj) else "white"
            ax_out.add_patch(Rectangle((j, i), 1, 1, facecolor=color, edgecolor="#555", lw=0.8))
    title_in = f"input {layout.size}x{layout.size}, padded {layout.before}+{layout.after}"
    for ax, n, first, count, title in [
        (ax_in, total, layout.before, layout.size, title_in),
        (ax_out, n_out, 0, n_out, f"output {n_out}x{n_out}"),
    ]:
        ax.set_xlim(0, n)
        ax.set_ylim(n, 0)
        ax.set_aspect("equal")
        # row/column numbers of the real cells (padding cells stay unnumbered)
        ticks = [first + i + 0.5 for i in range(count)]
        labels = [str(i) for i in range(count)]
        ax.set_xticks(ticks, labels, fontsize=7)
        ax.set_yticks(ticks, labels, fontsize=7)
        ax.tick_params(length=0, pad=1)
        ax.set_title(title, fontsize=9)


def plot_conv_arithmetic(layout, *, position: int = 0, figsize=(6, 3)) -> Figure:
    """Show where the windows of ``layout`` (``scratch.conv_layout(...)``) land on the input.

    Grey cells are padding, pink cells are input cells no window covers, blue
    dots mark the top-left corner of every window, the red square is the window of
    output cell ``position`` (row-major), highlighted on the right.

    Raises:
        ValueError: a ``position`` outside ``0 .. output**2 - 1``.
    """
    fig = plt.figure(figsize=figsize, dpi=75, layout="constrained")
    draw_conv_layout(fig, layout, position)
    return fig


# --------------------------------------------------------------------------- pooling
def plot_pooling(image, pooled: dict, *, window=None, figsize=(7, 2.6)) -> Figure:
    """A small 2-D grid of numbers and its pooled versions, side by side, numbers in the cells.

    Args:
        image: a small ``(H, W)`` array.
        pooled: ``{title: (H', W') array}``, e.g. the max and the average pooling of ``image``.
        window: ``(ph, pw)`` of non-overlapping windows to outline on the input, or ``None``.

    Returns:
        The matplotlib Figure.
    """
    image = check_array(image, "image", ndim=2)
    panels = [("input", image)] + [(t, check_array(g, "pooled", ndim=2)) for t, g in pooled.items()]
    fig = plt.figure(figsize=figsize, dpi=75, layout="constrained")
    axes = fig.subplots(1, len(panels), width_ratios=[p[1].shape[1] for p in panels])
    # one colour scale for all panels; the top 40% of the colour map is left unused so that
    # black numbers stay readable on the darkest cells (any sign, constant grids too)
    lo, hi = float(image.min()), float(image.max())
    span = hi - lo if hi > lo else 1.0
    for ax, (title, grid) in zip(axes, panels, strict=True):
        ax.imshow(grid, cmap="Blues", vmin=lo, vmax=lo + 1.6 * span)
        for (i, j), value in np.ndenumerate(grid):
            ax.text(j, i, f"{value:.3g}", ha="center", va="center", fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(title, fontsize=9)
    if window is not None:  # non-overlapping windows: outline them
        for k in range(0, image.shape[0] + 1, window[0]):
            axes[0].axhline(k - 0.5, color="k", lw=1.2)
        for k in range(0, image.shape[1] + 1, window[1]):
            axes[0].axvline(k - 0.5, color="k", lw=1.2)
    return fig
