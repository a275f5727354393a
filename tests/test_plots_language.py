"""Chapter 13's plots draw the arrays they are given."""

import numpy as np
import pytest

from dlhelpers.plots.language import (
    plot_attention_pattern,
    plot_embedding_map,
    plot_perplexities,
    plot_text,
    plot_token_probs,
)


def test_embedding_map_draws_each_word_at_its_point():
    points = np.random.default_rng(0).normal(size=(6, 2))
    words = list("abcdef")
    fig = plot_embedding_map(points, words, [0, 1, 0, 2, 1, 0], ["x", "y", "z"])
    ax = fig.axes[0]
    drawn = np.concatenate([c.get_offsets() for c in ax.collections])
    np.testing.assert_allclose(np.sort(drawn, axis=0), np.sort(points, axis=0))
    labels = {t.get_text(): t.xy for t in ax.texts}
    assert set(labels) == set(words)
    np.testing.assert_allclose(labels["d"], points[3])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["x", "y", "z"]
    with pytest.raises(ValueError, match="points: expected an \\(n, 2\\) array"):
        plot_embedding_map(np.zeros((3, 3)), list("abc"))
    with pytest.raises(ValueError, match="words: expected 6 labels"):
        plot_embedding_map(points, list("ab"))


def test_attention_pattern_image_is_the_weights():
    w = np.tril(np.random.default_rng(1).random((5, 5)))
    fig = plot_attention_pattern(w, list("ab cd"))
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.images[0].get_array(), w)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "\u2423", "c", "d"]
    with pytest.raises(ValueError, match="weights: expected a square"):
        plot_attention_pattern(np.zeros((2, 3)), list("ab"))


def test_perplexity_bars_have_the_values():
    fig = plot_perplexities(["uni", "bi", "net"], [26.9, 10.7, 7.0])
    ax = fig.axes[0]
    np.testing.assert_allclose([b.get_height() for b in ax.patches], [26.9, 10.7, 7.0])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["uni", "bi", "net"]


def test_token_probs_shows_the_top_ones_in_order():
    p = np.array([0.1, 0.5, 0.05, 0.35])
    fig = plot_token_probs(p, ["a", "b", "c", "d"], top=3)
    ax = fig.axes[0]
    np.testing.assert_allclose([b.get_height() for b in ax.patches], [0.5, 0.35, 0.1])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["'b'", "'d'", "'a'"]


def test_text_panel_wraps_the_text():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    assert plot_text("word " * 40, width=30, ax=ax) is fig
    shown = ax.texts[0].get_text()
    assert shown.replace("\n", " ").split() == ["word"] * 40
    assert max(len(line) for line in shown.splitlines()) <= 30
    with pytest.raises(ValueError, match="text: expected a string"):
        plot_text(3)
