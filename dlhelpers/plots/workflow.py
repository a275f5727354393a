"""Plots for the deep-learning workflow (Chapter 1): learning curves, confusion matrix, ROC."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from dlhelpers._validation import check_array, fail
from dlhelpers.plots._common import axes_or_new

__all__ = [
    "plot_history",
    "plot_histories",
    "plot_confusion_matrix",
    "plot_roc",
    "plot_distributions",
]


def _history_dict(history) -> dict:
    logs = getattr(history, "history", history)
    if not isinstance(logs, Mapping) or not logs:
        fail("history", "a Keras History or a non-empty dict of per-epoch lists", history)
    return dict(logs)


def plot_history(history, metric: str = "loss", *, ax=None, title: str | None = None):
    """Training and validation curves of one metric against the epoch.

    Args:
        history: a Keras ``History`` or its ``.history`` dict.
        metric: the logged metric, e.g. ``"loss"`` or ``"accuracy"``; its
            ``"val_"`` twin is drawn too when present (the curves are then labelled
            "training ..." and "validation ..."; a lone curve, such as the learning rate,
            is labelled with the metric's name).
        ax: axes to draw on (a new figure when ``None``).
        title: axes title.

    Returns:
        The matplotlib ``Figure``.
    """
    logs = _history_dict(history)
    if metric not in logs:
        fail("metric", "one of " + ", ".join(sorted(logs)), metric)
    fig, ax = axes_or_new(ax, (5, 3), dpi=80)
    epochs = np.arange(1, len(logs[metric]) + 1)
    if f"val_{metric}" in logs:
        ax.plot(epochs, logs[metric], label=f"training {metric}")
        ax.plot(epochs, logs[f"val_{metric}"], label=f"validation {metric}")
    else:  # a value without a validation twin (the learning rate, say) is no "training" curve
        ax.plot(epochs, logs[metric], label=metric.replace("_", " "))
    ax.set(xlabel="epoch", ylabel=metric, title=title)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend()
    return fig


def plot_histories(histories: Mapping, metric: str = "val_loss", *, ax=None, title=None):
    """One metric of several runs on one axes, e.g. SGD against Adam.

    Args:
        histories: ``{label: History or dict}``.
        metric: the logged metric to draw.

    Returns:
        The matplotlib ``Figure``.
    """
    if not histories:
        fail("histories", "a non-empty dict of label -> History", histories)
    fig, ax = axes_or_new(ax, (5, 3), dpi=80)
    for label, history in histories.items():
        logs = _history_dict(history)
        if metric not in logs:
            fail("metric", f"a metric logged by run {label!r} ({', '.join(sorted(logs))})", metric)
        ax.plot(np.arange(1, len(logs[metric]) + 1), logs[metric], label=str(label))
    ax.set(xlabel="epoch", ylabel=metric, title=title)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend()
    return fig


def plot_confusion_matrix(
    confusion, class_names: Sequence[str] | None = None, *, ax=None, title: str | None = None
):
    """A confusion matrix as an annotated heatmap (true classes as rows).

    Args:
        confusion: ``(n_classes, n_classes)`` counts, an array or the DataFrame
            from :func:`dlhelpers.evaluation.classification_metrics`.
        class_names: labels of rows and columns (taken from a DataFrame when omitted).

    Returns:
        The matplotlib ``Figure``.
    """
    import seaborn as sns

    names = class_names
    if names is None and hasattr(confusion, "index"):
        names = [str(i) for i in confusion.index]
    counts = check_array(confusion, "confusion", ndim=2)
    if counts.shape[0] != counts.shape[1]:
        fail("confusion", "a square matrix", counts)
    names = names if names is not None else [str(i) for i in range(len(counts))]
    fig, ax = axes_or_new(ax, (3.6, 3), dpi=80)
    sns.heatmap(
        counts.astype(int),
        annot=True,
        fmt="d",
        cmap="Blues",
        cbar=False,
        xticklabels=names,
        yticklabels=names,
        ax=ax,
    )
    ax.set(xlabel="predicted", ylabel="true", title=title)
    return fig


def plot_roc(y_true, y_prob, class_names: Sequence[str] | None = None, *, ax=None, title=None):
    """ROC curve(s) with their AUC: one curve for two classes, one-vs-rest otherwise.

    Args:
        y_true: ``(n,)`` integer labels.
        y_prob: ``(n, n_classes)`` probabilities, or ``(n,)`` for the positive class.

    Returns:
        The matplotlib ``Figure``.
    """
    from sklearn.metrics import auc, roc_curve

    y_true = check_array(y_true, "y_true", ndim=1).astype(int)
    y_prob = check_array(y_prob, "y_prob", ndim=(1, 2))
    if y_prob.ndim == 1:
        y_prob = np.column_stack([1 - y_prob, y_prob])
    n_classes = y_prob.shape[1]
    names = list(class_names) if class_names is not None else [str(i) for i in range(n_classes)]
    fig, ax = axes_or_new(ax, (3.6, 3), dpi=80)
    positives = [1] if n_classes == 2 else range(n_classes)
    for k in positives:
        fpr, tpr, _ = roc_curve(y_true == k, y_prob[:, k])
        ax.plot(fpr, tpr, label=f"{names[k]} (AUC {auc(fpr, tpr):.2f})")
    ax.plot([0, 1], [0, 1], "k--", lw=0.8, label="chance")
    ax.set(xlabel="false positive rate", ylabel="true positive rate", title=title)
    ax.legend(fontsize=8)
    return fig


def plot_distributions(columns: Mapping[str, np.ndarray], *, bins: int = 30, title=None):
    """Histograms of several versions of a column side by side (raw, standardised, ...).

    Args:
        columns: ``{label: 1-D values}``, drawn left to right.

    Returns:
        The matplotlib ``Figure``.
    """
    if not columns:
        fail("columns", "a non-empty dict of label -> values", columns)
    fig, axes = plt.subplots(
        1,
        len(columns),
        figsize=(3 * len(columns), 2.4),
        dpi=80,
        layout="constrained",
        squeeze=False,
    )
    for ax, (label, values) in zip(axes[0], columns.items(), strict=True):
        values = check_array(values, f"columns[{label!r}]", ndim=1, allow_nan=True)
        ax.hist(values[np.isfinite(values)], bins=bins, color="tab:blue", alpha=0.8)
        ax.set_title(label, fontsize=10)
    if title:
        fig.suptitle(title)
    return fig
