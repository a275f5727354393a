"""The attention explorer, driven by setting control values (no browser)."""

import numpy as np
import pytest

from dlhelpers import seq2seq as s
from dlhelpers.explorers import AttentionExplorer


@pytest.fixture(scope="module")
def setup(tf):
    import dlhelpers

    dlhelpers.set_seed(0)
    data = s.make_dates(40, seed=0, formats=["dd/mm/yy", "d mon yyyy"], max_dates=2)
    iv, ov = s.CharVocab(data.inputs), s.CharVocab("0123456789- ")
    in_len = max(len(t) for t in data.inputs)
    out_len = max(len(t) for t in data.targets) + 1
    model = s.build_encoder_decoder(
        len(iv), len(ov), in_len, out_len, units=8, embed_dim=4, attention=True
    )
    return model, iv, ov, in_len, out_len, data.inputs[:3]


def test_explorer_decodes_and_draws_each_choice(setup):
    model, iv, ov, in_len, out_len, examples = setup
    ex = AttentionExplorer(model, iv, ov, in_len, out_len, examples)
    assert ex.updates == 1 and ex.error is None and ex.fig is not None
    first = ex.result
    assert first["text"] == examples[0]
    assert first["weights"].shape == (len(first["rows"]), len(examples[0]))
    np.testing.assert_allclose(first["weights"].sum(1), 1, rtol=1e-4)  # pads carry no weight
    enc = iv.encode([examples[0]], in_len)
    assert first["decoded"] == ov.decode(s.greedy_decode(model, enc, out_len))[0]

    ex.controls["text"].value = examples[1]
    assert ex.updates == 2 and ex.result["text"] == examples[1]
    assert ex.result["weights"].shape[1] == len(examples[1])


def test_explorer_reports_bad_text_without_raising(setup):
    model, iv, ov, in_len, out_len, examples = setup
    ex = AttentionExplorer(model, iv, ov, in_len, out_len, examples)
    ex.controls["text"].value = "3 mar 1997!"
    assert ex.updates == 1 and "unknown character(s) ['!']" in ex.error
    assert "unknown" in ex.message.value
    ex.controls["text"].value = "1" * (in_len + 1)
    assert f"expected at most {in_len} characters" in ex.error
    ex.controls["text"].value = "  "
    assert "expected some characters" in ex.error
    ex.controls["text"].value = examples[2]
    assert ex.error is None and ex.updates == 2 and ex.message.value == ""


def test_explorer_needs_examples(setup):
    model, iv, ov, in_len, out_len, _ = setup
    with pytest.raises(ValueError, match="examples: expected at least one input string"):
        AttentionExplorer(model, iv, ov, in_len, out_len, [])


# ----------------------------------------------------------------- the plots it uses
def test_explorer_needs_an_attention_model(tf):
    model = s.build_encoder_decoder(20, 10, 8, 5, units=4, embed_dim=2, attention=False)
    iv, ov = s.CharVocab("abc"), s.CharVocab("0123456")
    with pytest.raises(
        ValueError, match="model: expected an encoder-decoder with an Attention layer"
    ):
        AttentionExplorer(model, iv, ov, 8, 5, ["abc"])


def test_plot_temperatures_needs_temperatures():
    from dlhelpers.plots import plot_temperatures

    with pytest.raises(ValueError, match=r"distributions: expected a non-empty dict"):
        plot_temperatures({})


def test_plot_attention_draws_the_weights():
    from matplotlib.figure import Figure

    from dlhelpers.plots import plot_attention

    w = np.random.default_rng(0).dirichlet(np.ones(5), size=3)
    fig = plot_attention(w, "ab cd", ["x", "y", "</s>"], title="t")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    np.testing.assert_allclose(ax.images[0].get_array(), w)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "␣", "c", "d"]
    other = Figure()
    ax2 = other.add_subplot()
    assert plot_attention(w, "abcde", "xyz", ax=ax2) is other
    with pytest.raises(ValueError, match=r"input_tokens: expected 5 labels .*received 4 labels\."):
        plot_attention(w, "abcd", "xyz")
    with pytest.raises(ValueError, match="weights: expected a 2-D array"):
        plot_attention(w[0], "abcde", "x")


def test_plot_accuracy_by_group_and_temperatures():
    from dlhelpers.plots import plot_accuracy_by_group, plot_temperatures
    from dlhelpers.seq2seq import apply_temperature

    fig = plot_accuracy_by_group({"a": {1: 0.5, 2: 0.25}, "b": {1: 1.0, 2: 0.75}})
    heights = sorted(round(p.get_height(), 2) for p in fig.axes[0].patches)
    assert heights == [0.25, 0.5, 0.75, 1.0]
    with pytest.raises(ValueError, match="results: expected the same groups"):
        plot_accuracy_by_group({"a": {1: 0.5}, "b": {2: 0.5}})
    with pytest.raises(ValueError, match="results: expected a non-empty dict"):
        plot_accuracy_by_group({})
    # one value per seed: the bar is the mean and each value is a dot
    fig = plot_accuracy_by_group({"a": {1: [0.2, 0.4, 0.9], 2: [0.0, 0.1, 0.2]}, "b": {1: 1, 2: 0}})
    ax = fig.axes[0]
    heights = [round(p.get_height(), 2) for p in ax.patches]
    assert heights == [0.5, 0.1, 1.0, 0.0]
    dots = sorted(round(float(y), 2) for c in ax.collections for y in c.get_offsets()[:, 1])
    assert dots == [0.0, 0.1, 0.2, 0.2, 0.4, 0.9]
    assert "dots: each run" in ax.get_legend().get_texts()[0].get_text()
    with pytest.raises(ValueError, match="results: expected at least one accuracy per group"):
        plot_accuracy_by_group({"a": {1: []}})
    p = np.array([0.1, 0.6, 0.3])
    fig = plot_temperatures({t: apply_temperature(p, t) for t in (0.5, 2.0)}, labels="abc", top=3)
    bars = [b.get_height() for b in fig.axes[0].patches]
    order = [1, 2, 0]
    np.testing.assert_allclose(bars[:3], apply_temperature(p, 0.5)[order])
    np.testing.assert_allclose(bars[3:], apply_temperature(p, 2.0)[order])
