"""Plots for the tuning chapter: sweeps, the LR finder, schedules, CV spread, tuner trials."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from dlhelpers._validation import check_array, fail
from dlhelpers.plots._common import axes_or_new

__all__ = [
    "plot_sweeps",
    "plot_run_histories",
    "plot_lr_finder",
    "plot_schedules",
    "plot_cv_spread",
    "plot_trials",
]


def _check_history(history, metric, name="histories"):
    if not isinstance(history, dict) or metric not in history:
        keys = sorted(history) if isinstance(history, dict) else history
        fail(name, f"history dicts with a {metric!r} entry", keys)


def plot_run_histories(histories: dict, metric: str = "val_loss", *, ax=None, title=None) -> Figure:
    """One curve per run of ``{label: history}``: ``metric`` (a history entry) per epoch."""
    if not isinstance(histories, dict) or not histories:
        fail("histories", "a non-empty dict {label: history}", histories)
    fig, ax = axes_or_new(ax, (4.5, 3))
    for label, history in histories.items():
        _check_history(history, metric)
        values = history[metric]
        ax.plot(np.arange(1, len(values) + 1), values, marker=".", label=str(label))
    ax.set(xlabel="epoch", ylabel=metric, title=title)
    if metric.endswith("loss"):
        ax.set_yscale("log")
    ax.legend(fontsize="small")
    return fig


def plot_sweeps(sweeps, metric: str = "val_loss") -> Figure:
    """One panel per ``SweepResult`` of :func:`dlhelpers.tuning.sweep`, a curve per value tried."""
    sweeps = list(sweeps)
    if not sweeps or not all(hasattr(s, "histories") for s in sweeps):
        fail("sweeps", "a non-empty list of SweepResult", sweeps)
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(
        1,
        len(sweeps),
        figsize=(3.2 * len(sweeps), 2.8),
        dpi=75,
        sharey=True,
        squeeze=False,
        layout="constrained",
    )
    axes = axes[0]
    for ax, result in zip(axes, sweeps, strict=True):
        labels = [
            f"{result.param}={v:g}" if isinstance(v, float) else f"{result.param}={v}"
            for v in result.values
        ]
        plot_run_histories(
            dict(zip(labels, result.histories, strict=True)), metric, ax=ax, title=result.param
        )
        ax.legend(fontsize="x-small")
    for ax in axes[1:]:
        ax.set_ylabel("")
    return fig


def plot_lr_finder(result, *, ax=None) -> Figure:
    """Loss against learning rate (log scale), raw and smoothed, with the suggestion marked."""
    if not hasattr(result, "suggestion"):
        fail("result", "an LRFinderResult from find_learning_rate", result)
    fig, ax = axes_or_new(ax, (4.5, 3))
    ax.plot(result.lrs, result.losses, color="0.75", lw=1, label="loss per step")
    ax.plot(result.lrs, result.smoothed, color="C0", lw=2, label="smoothed")
    ax.axvline(result.suggestion, color="C3", ls="--", label=f"suggestion {result.suggestion:.2g}")
    ax.set(
        xscale="log",
        xlabel="learning rate",
        ylabel="training loss",
        title="learning-rate range test",
    )
    finite = result.smoothed[np.isfinite(result.smoothed)]
    ax.set_ylim(0, min(float(np.max(finite)), 3 * float(finite[0])) * 1.05)
    ax.legend(fontsize="small")
    return fig


def plot_schedules(curves: dict, *, ax=None) -> Figure:
    """Learning rate against step, one line per schedule (``{name: (S,) rates}``)."""
    if not isinstance(curves, dict) or not curves:
        fail("curves", "a non-empty dict {name: learning rates}", curves)
    fig, ax = axes_or_new(ax, (4.5, 3))
    for name, lrs in curves.items():
        lrs = check_array(lrs, f"curves[{name!r}]", ndim=1)
        ax.plot(np.arange(len(lrs)), lrs, label=str(name))
    ax.set(
        xlabel="training step",
        ylabel="learning rate",
        yscale="log",
        title="learning-rate schedules",
    )
    ax.legend(fontsize="small")
    return fig


def plot_cv_spread(single_errors, kfold_errors, *, ax=None) -> Figure:
    """How far single-split scores and k-fold means land from their reference.

    Args:
        single_errors: ``(M,)`` single-split score minus the reference score (for
            example the same model's score on a large unseen pool), one per data set.
        kfold_errors: ``(R,)`` k-fold mean minus its reference, one per data set.
        ax: an optional matplotlib Axes to draw into.

    Returns:
        The Figure: one dot per data set, the mean and standard deviation of each
        kind beside it, and the reference as a line at zero error.
    """
    single = check_array(single_errors, "single_errors", ndim=1)
    means = check_array(kfold_errors, "kfold_errors", ndim=1)
    fig, ax = axes_or_new(ax, (4.5, 3))
    ax.axhline(0.0, color="0.3", lw=1, ls="--", label="reference: the pool score")
    rng = np.random.default_rng(0)  # jitter only, so points do not hide each other
    for i, values in enumerate([single, means]):
        ax.scatter(
            i + rng.uniform(-0.08, 0.08, len(values)), values, alpha=0.6, color=f"C{i}", s=14
        )
        ax.errorbar(
            i + 0.25,
            values.mean(),
            yerr=values.std(ddof=1) if len(values) > 1 else 0,
            fmt="o",
            color="k",
            capsize=4,
        )
    ax.set_xticks([0, 1], ["single split", "k-fold mean"])
    ax.set(
        ylabel="estimate - reference",
        title="error of the estimate (mean +/- std in black)",
        xlim=(-0.5, 1.5),
    )
    ax.legend(fontsize="small", loc="lower right")
    return fig


def plot_trials(tables: dict, *, ax=None) -> Figure:
    """Score against trial number for each tuner (``{name: trials_table(tuner)}``).

    Dots are the trials' scores, the line the best score found so far; each tuner has
    its own line style so that identical best-so-far lines stay distinguishable.
    """
    from matplotlib.ticker import MaxNLocator

    if not isinstance(tables, dict) or not tables:
        fail("tables", "a non-empty dict {tuner name: trials table}", tables)
    fig, ax = axes_or_new(ax, (4.5, 3))
    styles = ["-", "--", ":", "-."]
    for i, (name, table) in enumerate(tables.items()):
        if not {"trial", "score", "best_so_far"} <= set(getattr(table, "columns", [])):
            fail(f"tables[{name!r}]", "a table from trials_table", table)
        ax.plot(table["trial"], table["score"], "o", color=f"C{i}", alpha=0.6)
        ax.step(
            table["trial"],
            table["best_so_far"],
            where="post",
            color=f"C{i}",
            linestyle=styles[i % len(styles)],
            linewidth=1.5 + 0.5 * (len(tables) - 1 - i),
            label=name,
        )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set(xlabel="trial", ylabel="validation score", title="search progress")
    ax.legend(fontsize="small")
    return fig
