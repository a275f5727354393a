"""What every plot module needs: the given axes, or a new pyplot figure."""

from __future__ import annotations


def axes_or_new(ax, figsize, *, dpi: int = 75):
    """Return ``(fig, ax)``: ``ax`` and its figure, or a new single-axes pyplot figure.

    New figures go through pyplot so Jupyter's inline backend shows them once
    when a notebook writes ``fig = plot_x(...)``.
    """
    if ax is not None:
        return ax.figure, ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=figsize, dpi=dpi, layout="constrained")
