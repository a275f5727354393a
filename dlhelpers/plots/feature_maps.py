"""Plots for Chapter 4: digits, learned filters, feature maps, saliency, curves."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from dlhelpers._validation import check_array, check_same_length, check_scalar, fail

__all__ = [
    "plot_digits",
    "plot_filters",
    "plot_feature_maps",
    "plot_saliency",
    "plot_curves",
]


def _grid(n: int, ncols: int, cell: float = 0.9, dpi: int = 72, title_space: float = 0.0, fig=None):
    """``n`` tick-less panels in rows of ``ncols`` on ``fig`` (a new pyplot figure by default)."""
    ncols = max(1, min(ncols, n))
    nrows = int(np.ceil(n / ncols))
    if fig is None:
        size = (cell * ncols, cell * nrows + title_space)
        fig = plt.figure(figsize=size, dpi=dpi, layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False).ravel())
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, axes


def _as_2d_images(images, name: str) -> np.ndarray:
    images = check_array(images, name, ndim=(3, 4))
    if images.ndim == 4:
        if images.shape[-1] != 1:
            fail(name, "(N, H, W) or (N, H, W, 1) grey images", images)
        images = images[..., 0]
    return images


def _caption(i: int, labels, predictions) -> str:
    """``"true 3\npred 5"``: the parts of image ``i``'s caption that were given."""
    parts = [] if labels is None else [f"true {labels[i]}"]
    return "\n".join(parts + ([] if predictions is None else [f"pred {predictions[i]}"]))


def plot_digits(
    images,
    labels=None,
    predictions=None,
    *,
    titles=None,
    ncols: int = 10,
    title=None,
    cell: float = 0.9,
) -> Figure:
    """A grid of grey images, captioned with labels and, if given, predictions.

    Args:
        images: ``(N, H, W)`` or ``(N, H, W, 1)``.
        labels: optional ``(N,)`` true labels.
        predictions: optional ``(N,)`` predicted labels; wrong ones are captioned in red.
        titles: optional ``N`` captions used instead of labels and predictions.
        ncols: images per row.
        title: optional figure title.
        cell: size of one image in inches.

    Returns:
        The matplotlib ``Figure``.
    """
    images = _as_2d_images(images, "images")
    ncols = check_scalar(ncols, "ncols", int, low=1)
    for arr, name in ((labels, "labels"), (predictions, "predictions"), (titles, "titles")):
        if arr is not None:
            check_same_length(images=images, **{name: list(arr)})
    fig, axes = _grid(len(images), ncols, cell, title_space=0.3 if title else 0.0)
    for i, (ax, img) in enumerate(zip(axes, images, strict=False)):
        ax.imshow(img, cmap="gray_r", vmin=min(0.0, img.min()), vmax=max(1.0, img.max()))
        if titles is not None:
            ax.set_title(str(titles[i]), fontsize=7)
        elif labels is not None or predictions is not None:
            wrong = labels is not None and predictions is not None and predictions[i] != labels[i]
            ax.set_title(
                _caption(i, labels, predictions), fontsize=7, color="#c00" if wrong else "black"
            )
    if title:
        fig.suptitle(title, fontsize=9)
    return fig


def plot_filters(
    kernel,
    *,
    in_channel: int = 0,
    max_filters: int = 32,
    ncols: int = 8,
    title=None,
    limit: float | None = None,
    colorbar: bool = True,
) -> Figure:
    """The learned kernels of a ``Conv2D`` layer, one small image per filter.

    Blue is negative, red positive, on one colour scale for every panel, symmetric
    around zero (white), labelled by a colour bar.

    Args:
        kernel: ``(kh, kw, C_in, filters)`` (Keras layout, e.g. from ``conv_filters``).
        in_channel: which input channel's slice to draw.
        max_filters: draw at most this many filters.
        ncols: filters per row.
        title: optional figure title.
        limit: the colour scale runs from ``-limit`` to ``+limit``; by default the
            largest absolute weight drawn. Pass the same ``limit`` to two calls to
            compare two sets of filters (before and after training) on one scale.
        colorbar: add a colour bar labelled "weight".

    Returns:
        The matplotlib ``Figure``.
    """
    kernel = check_array(kernel, "kernel", ndim=4)
    in_channel = check_scalar(in_channel, "in_channel", int, low=0, high=kernel.shape[2] - 1)
    n = min(kernel.shape[3], check_scalar(max_filters, "max_filters", int, low=1))
    if limit is None:
        limit = float(np.abs(kernel[:, :, in_channel, :n]).max()) or 1.0
    else:
        limit = check_scalar(limit, "limit", float, low=0, closed="neither")
    fig, axes = _grid(
        n, check_scalar(ncols, "ncols", int, low=1), 0.7, title_space=0.3 if title else 0.0
    )
    if colorbar:  # room on the right for the bar, so the panels keep their size
        width, height = fig.get_size_inches()
        fig.set_size_inches(width + 0.8, height)
    image = None
    for j in range(n):
        image = axes[j].imshow(kernel[:, :, in_channel, j], cmap="RdBu_r", vmin=-limit, vmax=limit)
        axes[j].set_title(str(j), fontsize=7)
    if colorbar:
        bar = fig.colorbar(image, ax=list(axes), shrink=0.9, pad=0.02, aspect=12)
        bar.set_label("weight", fontsize=7)
        bar.ax.tick_params(labelsize=6)
    if title:
        fig.suptitle(title, fontsize=9)
    return fig


def plot_feature_maps(
    maps,
    *,
    image=None,
    max_maps: int = 16,
    ncols: int = 8,
    title=None,
    fig: Figure | None = None,
    shared_scale: bool = False,
) -> Figure:
    """The feature maps of one image at one layer, one panel per channel.

    Args:
        maps: ``(H', W', C)`` maps of one image (or ``(1, H', W', C)``).
        image: optional ``(H, W)`` / ``(H, W, 1)`` input drawn first for reference.
        max_maps: draw at most this many channels.
        ncols: panels per row.
        title: optional figure title.
        fig: draw onto this Figure instead of a new one (explorers use it).
        shared_scale: one colour scale (min to max over all drawn channels) for
            every panel, so that dark panels are weak channels; by default each
            panel is scaled to its own range.
    """
    maps = check_array(maps, "maps", ndim=(3, 4))
    if maps.ndim == 4:
        if maps.shape[0] != 1:
            fail("maps", "the maps of one image, (H', W', C) or (1, H', W', C)", maps)
        maps = maps[0]
    n = min(maps.shape[-1], check_scalar(max_maps, "max_maps", int, low=1))
    scale = {}
    if shared_scale:
        low, high = float(maps[..., :n].min()), float(maps[..., :n].max())
        scale = {"vmin": low, "vmax": high if high > low else low + 1.0}
    ncols = check_scalar(ncols, "ncols", int, low=1)
    fig, axes = _grid(n + (image is not None), ncols, title_space=0.3 if title else 0, fig=fig)
    k = 0
    if image is not None:
        img = np.asarray(image, dtype=float)
        axes[0].imshow(img[..., 0] if img.ndim == 3 else img, cmap="gray_r")
        axes[0].set_title("input", fontsize=7)
        k = 1
    for j in range(n):
        axes[k + j].imshow(maps[:, :, j], cmap="viridis", **scale)
        axes[k + j].set_title(f"map {j}", fontsize=7)
    if title:
        fig.suptitle(title, fontsize=9)
    return fig


def plot_saliency(images, maps, labels=None, predictions=None, *, title=None) -> Figure:
    """Each image (top row) above its saliency map (bottom row)."""
    images = _as_2d_images(images, "images")
    maps = check_array(maps, "maps", ndim=3)
    check_same_length(images=images, maps=maps)
    n = len(images)
    fig = plt.figure(figsize=(1.1 * n, 2.4 + (0.3 if title else 0)), dpi=72, layout="constrained")
    axes = fig.subplots(2, n, squeeze=False)
    for i in range(n):
        axes[0, i].imshow(images[i], cmap="gray_r")
        axes[1, i].imshow(maps[i], cmap="hot")
        axes[0, i].set_title(_caption(i, labels, predictions), fontsize=7)
        for ax in axes[:, i]:
            ax.set_xticks([])
            ax.set_yticks([])
    axes[1, 0].set_ylabel("saliency", fontsize=8)
    if title:
        fig.suptitle(title, fontsize=9)
    return fig


def plot_curves(
    x, curves: dict, *, xlabel: str, ylabel: str = "accuracy", title=None, ax=None
) -> Figure:
    """One line per named curve over a shared ``x`` (e.g. accuracy vs shift or epsilon)."""
    x = check_array(x, "x", ndim=1)
    if not isinstance(curves, dict) or not curves:
        fail("curves", "a non-empty dict {name: values}", curves)
    if ax is None:
        fig = plt.figure(figsize=(4.5, 2.8), dpi=80, layout="constrained")
        ax = fig.subplots()
    else:
        fig = ax.figure
    for name, values in curves.items():
        values = check_array(values, f"curves[{name!r}]", ndim=1)
        check_same_length(x=x, **{f"curves[{name!r}]": values})
        ax.plot(x, values, marker="o", ms=3, label=name)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title, fontsize=9)
    return fig
