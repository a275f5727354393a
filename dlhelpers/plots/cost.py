"""Chapter 12's cost figures: a learning curve with its spread, and time against multiply-adds."""

from __future__ import annotations

import numpy as np

from dlhelpers._validation import check_array, check_same_length, fail
from dlhelpers.plots._common import axes_or_new

__all__ = ["plot_learning_curve", "plot_time_vs_macs"]


def plot_learning_curve(sizes, accuracy, *, ax=None, title: str | None = None):
    """Accuracy against training-set size: one dot per seed, the mean, the min-max band.

    Args:
        sizes: ``(n_sizes,)`` training-set sizes (a log axis).
        accuracy: ``(n_seeds, n_sizes)`` test accuracies.
    """
    sizes = check_array(sizes, "sizes", ndim=1)
    accuracy = check_array(accuracy, "accuracy", ndim=2)
    if accuracy.shape[1] != len(sizes):
        fail("accuracy", f"one column per size ({len(sizes)})", accuracy)
    fig, ax = axes_or_new(ax, (4.5, 2.8))
    ax.fill_between(sizes, accuracy.min(0), accuracy.max(0), alpha=0.2, label="min-max of seeds")
    ax.plot(sizes, accuracy.mean(0), marker="o", label="mean")
    for row in accuracy:
        ax.plot(sizes, row, ls="none", marker=".", color="k", alpha=0.5)
    ax.set_xscale("log")
    ax.set_xlabel("training images")
    ax.set_ylabel("test accuracy")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(title or f"Learning curve ({len(accuracy)} seeds)", fontsize=9)
    return fig


def plot_time_vs_macs(macs, seconds, labels=None, *, ax=None, title: str | None = None):
    """Measured seconds against multiply-adds, log-log, with the line ``time ~ count``.

    The dashed line goes through the largest point with slope 1: points on it cost the
    same per multiply-add; points above it pay a fixed cost per call on top.
    """
    macs = check_array(macs, "macs", ndim=1)
    seconds = check_array(seconds, "seconds", ndim=1)
    check_same_length(macs=macs, seconds=seconds)
    fig, ax = axes_or_new(ax, (4.5, 3))
    ax.loglog(macs, seconds, "o")
    for i, label in enumerate(labels if labels is not None else []):
        ax.annotate(str(label), (macs[i], seconds[i]), fontsize=7, xytext=(3, 3),
                    textcoords="offset points")  # fmt: skip
    top = np.argmax(macs)
    span = np.array([macs.min(), macs.max()])
    ax.loglog(span, seconds[top] * span / macs[top], "--", lw=1, label="time proportional to count")
    ax.set_xlabel("multiply-adds per batch")
    ax.set_ylabel("seconds per batch")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title, fontsize=9)
    return fig
