"""Plots for the attention chapter: attention heatmaps and accuracy comparisons."""

from __future__ import annotations

import numpy as np

from dlhelpers._validation import check_array, fail, reject
from dlhelpers.plots._common import axes_or_new

__all__ = ["plot_attention", "plot_accuracy_by_group", "plot_temperatures"]


def _labels(tokens, n: int, name: str) -> list[str]:
    labels = list(tokens)
    if len(labels) != n:
        reject(name, f"{n} labels (one per row/column of weights)", f"{len(labels)} labels")
    return ["␣" if t == " " else t for t in labels]


def plot_attention(weights, input_tokens, output_tokens, ax=None, title: str | None = None):
    """Heatmap of attention weights: one row per output step, one column per input token.

    Args:
        weights: ``(T_out, T_in)`` array (rows usually sum to 1).
        input_tokens: ``T_in`` labels for the columns (a string works: one character each).
        output_tokens: ``T_out`` labels for the rows.
        ax: optional matplotlib axes to draw on.
        title: optional title.

    Returns:
        The matplotlib ``Figure``.
    """
    w = check_array(weights, "weights", ndim=2)
    cols = _labels(input_tokens, w.shape[1], "input_tokens")
    rows = _labels(output_tokens, w.shape[0], "output_tokens")
    fig, ax = axes_or_new(ax, (0.22 * w.shape[1] + 1.8, 0.22 * w.shape[0] + 1.2))
    image = ax.imshow(w, cmap="viridis", vmin=0, vmax=max(float(w.max()), 1e-12), aspect="auto")
    ax.set_xticks(range(len(cols)), cols, fontsize=8)
    ax.set_yticks(range(len(rows)), rows, fontsize=8)
    ax.set_xlabel("input character (encoder step)")
    ax.set_ylabel("output character")
    if title:
        ax.set_title(title, fontsize=10)
    fig.colorbar(image, ax=ax, shrink=0.8, label="attention weight")
    return fig


def plot_accuracy_by_group(
    results: dict, group_label: str = "group", ax=None, ylabel: str = "exact-match accuracy"
):
    """Grouped bars: ``results[model_name][group]`` is an accuracy or a list of them.

    With a list (one value per seed, say) the bar shows the mean and a dot marks
    each value, so the spread is on the plot, not only the average.

    Returns:
        The matplotlib ``Figure``.

    Raises:
        ValueError: an empty ``results``, models with different groups, or an
            empty list of values.
    """
    if not isinstance(results, dict) or not results:
        fail("results", "a non-empty dict {model name: {group: accuracy}}", results)
    groups = list(next(iter(results.values())))
    fig, ax = axes_or_new(ax, (5.5, 3))
    width = 0.8 / len(results)
    x = np.arange(len(groups))
    for i, (name, accs) in enumerate(results.items()):
        if list(accs) != groups:
            reject(
                "results", f"the same groups {groups} for every model", f"{list(accs)} for {name!r}"
            )
        values = [np.atleast_1d(np.asarray(accs[g], dtype=float)) for g in groups]
        if any(v.size == 0 for v in values):
            reject("results", "at least one accuracy per group", f"an empty list for {name!r}")
        centres = x + (i - (len(results) - 1) / 2) * width
        bars = ax.bar(centres, [v.mean() for v in values], width, label=name)
        if any(v.size > 1 for v in values):
            for c, v in zip(centres, values, strict=True):
                ax.scatter(np.full(v.size, c), v, s=12, color="black", zorder=3, edgecolors="white")
            bars.set_label(f"{name} (mean; dots: each run)")
    ax.set_xticks(x, [str(g) for g in groups])
    ax.set_xlabel(group_label)
    ax.set_ylabel(ylabel)
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=8)
    return fig


def plot_temperatures(distributions: dict, labels=None, ax=None, top: int = 12):
    """Bars of one next-character distribution re-shaped by several temperatures.

    Args:
        distributions: ``{temperature: probabilities (vocab,)}``, e.g. from
            ``seq2seq.apply_temperature``; bars follow the most likely entries first
            (the same order at every temperature).
        labels: names of the ``vocab`` entries (characters).
        top: how many of the most likely entries to show.

    Returns:
        The matplotlib ``Figure``.
    """
    if not isinstance(distributions, dict) or not distributions:
        fail("distributions", "a non-empty dict {temperature: probabilities}", distributions)
    probs = [check_array(p, f"distributions[{t!r}]", ndim=1) for t, p in distributions.items()]
    n = len(probs[0])
    names = [str(i) for i in range(n)] if labels is None else _labels(labels, n, "labels")
    order = np.argsort(probs[0])[::-1][:top]
    fig, ax = axes_or_new(ax, (6, 2.8))
    width = 0.8 / len(probs)
    for i, (t, p) in enumerate(zip(distributions, probs, strict=True)):
        offset = (i - (len(probs) - 1) / 2) * width
        ax.bar(np.arange(len(order)) + offset, p[order], width, label=f"T = {t:g}")
    ax.set_xticks(range(len(order)), [names[j] for j in order])
    ax.set_ylabel("probability")
    ax.set_xlabel("next character (most likely first)")
    ax.legend(fontsize=8)
    return fig
