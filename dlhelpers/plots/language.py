"""Chapter 13's figures: word embeddings in 2-D, attention over text, perplexities, and the
next-token distribution of a sampler. Arrays in, Figure out."""

from __future__ import annotations

import textwrap

import numpy as np

from dlhelpers._validation import check_array, fail
from dlhelpers.plots._common import axes_or_new

__all__ = [
    "plot_embedding_map",
    "plot_attention_pattern",
    "plot_perplexities",
    "plot_token_probs",
    "plot_text",
]


def _labels(labels, n: int, name: str) -> list:
    labels = [str(s) for s in labels]
    if len(labels) != n:
        fail(name, f"{n} labels", labels)
    return labels


def plot_embedding_map(points, words, groups=None, group_names=None, *, ax=None, title=None):
    """Words at their 2-D coordinates (e.g. the first two principal components).

    Args:
        points: ``(n, 2)`` coordinates.
        words: ``n`` labels written beside the points.
        groups: optional ``(n,)`` integer group per word (colours), named by ``group_names``.
    """
    p = check_array(points, "points", ndim=2)
    if p.shape[1] != 2:
        fail("points", "an (n, 2) array", p)
    words = _labels(words, len(p), "words")
    fig, ax = axes_or_new(ax, (6, 4.5))
    g = np.zeros(len(p), dtype=int) if groups is None else np.asarray(groups, dtype=int)
    for k in np.unique(g):
        name = None if group_names is None else group_names[k]
        ax.scatter(*p[g == k].T, s=14, color=f"C{k}", label=name)
    for (x, y), word in zip(p, words, strict=True):
        ax.annotate(word, (x, y), fontsize=7, xytext=(2, 2), textcoords="offset points")
    if group_names is not None:
        ax.legend(fontsize=7, loc="best")
    ax.set(xlabel="component 1", ylabel="component 2", title=title or "Word embeddings")
    return fig


def plot_attention_pattern(weights, tokens, *, ax=None, title=None):
    """A ``(T, T)`` causal attention matrix: row = the position that looks, column = where.

    ``tokens`` label both axes (characters are shown with spaces as ``␣``).
    """
    w = check_array(weights, "weights", ndim=2)
    if w.shape[0] != w.shape[1]:
        fail("weights", "a square (T, T) array", w)
    tokens = [t.replace(" ", "\u2423") for t in _labels(tokens, len(w), "tokens")]
    fig, ax = axes_or_new(ax, (5, 4.5))
    image = ax.imshow(w, cmap="viridis", vmin=0, vmax=max(float(w.max()), 1e-12))
    ax.set_xticks(range(len(w)), tokens, fontsize=7)
    ax.set_yticks(range(len(w)), tokens, fontsize=7)
    ax.set(xlabel="attends to (key)", ylabel="position (query)", title=title or "Attention")
    fig.colorbar(image, ax=ax, shrink=0.8)
    return fig


def plot_perplexities(names, values, *, ax=None, title=None):
    """One bar per model: its perplexity (lower is better), the value written on the bar."""
    v = check_array(values, "values", ndim=1)
    names = _labels(names, len(v), "names")
    fig, ax = axes_or_new(ax, (5, 2.8))
    bars = ax.bar(names, v, color=[f"C{i}" for i in range(len(v))])
    ax.bar_label(bars, fmt="%.2f", fontsize=8)
    ax.set(ylabel="perplexity", title=title or "Held-out perplexity (lower is better)")
    return fig


def plot_token_probs(probs, tokens, *, top=12, ax=None, title=None):
    """The ``top`` most likely next tokens of a distribution ``probs`` ``(V,)``, as bars."""
    p = check_array(probs, "probs", ndim=1)
    tokens = _labels(tokens, len(p), "tokens")
    order = np.argsort(-p, kind="stable")[:top]
    fig, ax = axes_or_new(ax, (6, 3))
    ax.bar([repr(tokens[i]) for i in order], p[order], color="C0")
    ax.set(ylabel="probability", ylim=(0, 1), title=title or "Next-token distribution")
    ax.tick_params(axis="x", labelsize=7)
    return fig


def plot_text(text: str, *, width: int = 80, ax=None, title=None):
    """``text`` wrapped at ``width`` characters on an empty axes (a generated sample)."""
    if not isinstance(text, str):
        fail("text", "a string", text)
    fig, ax = axes_or_new(ax, (6, 2))
    ax.axis("off")
    ax.text(0, 1, "\n".join(textwrap.wrap(text, width)), va="top", family="monospace", fontsize=8)
    ax.set_title(title or "Generated text", fontsize=9, loc="left")
    return fig
