"""Dot-product and multi-head attention in NumPy against Keras' layers."""

import re

import numpy as np
import pytest

from dlhelpers.scratch import multi_head_attention, scaled_dot_product_attention, softmax


@pytest.fixture(scope="module")
def keras64(tf):
    import keras

    previous = keras.config.floatx()
    keras.config.set_floatx("float64")
    yield keras
    keras.config.set_floatx(previous)


SHAPES = [(1, 1, 1, 2, 1), (2, 3, 5, 4, 4), (3, 6, 2, 8, 3), (2, 4, 7, 1, 5)]  # N, Tq, Tv, d, dv


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize(("n", "tq", "tv", "d", "dv"), SHAPES)
def test_matches_keras_attention_unscaled(keras64, n, tq, tv, d, dv, seed):
    rng = np.random.default_rng(seed)
    q, k, v = rng.normal(size=(n, tq, d)), rng.normal(size=(n, tv, d)), rng.normal(size=(n, tv, dv))
    layer = keras64.layers.Attention(use_scale=False, dtype="float64")
    out, scores = layer([q, v, k], return_attention_scores=True)
    mine, weights = scaled_dot_product_attention(q, k, v, scale=1.0)
    np.testing.assert_allclose(mine, np.asarray(out), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(weights, np.asarray(scores), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(weights.sum(-1), 1.0)


@pytest.mark.parametrize("seed", [0, 3, 4])
def test_padding_mask_matches_keras(keras64, seed):
    rng = np.random.default_rng(seed)
    n, tq, tv, d = 3, 4, 6, 5
    q, k, v = rng.normal(size=(n, tq, d)), rng.normal(size=(n, tv, d)), rng.normal(size=(n, tv, d))
    lengths = rng.integers(1, tv + 1, size=n)
    value_mask = np.arange(tv)[None, :] < lengths[:, None]
    out, scores = keras64.layers.Attention(dtype="float64")(
        [q, v, k], mask=[None, value_mask], return_attention_scores=True
    )
    mine, weights = scaled_dot_product_attention(q, k, v, mask=value_mask, scale=1.0)
    np.testing.assert_allclose(mine, np.asarray(out), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(weights, np.asarray(scores), rtol=1e-9, atol=1e-12)
    assert np.all(weights[~np.broadcast_to(value_mask[:, None, :], weights.shape)] == 0)


def test_default_scale_is_one_over_sqrt_d():
    rng = np.random.default_rng(5)
    q, k, v = rng.normal(size=(2, 3, 9)), rng.normal(size=(2, 4, 9)), rng.normal(size=(2, 4, 2))
    out, w = scaled_dot_product_attention(q, k, v)
    expected = softmax(np.einsum("nqd,nvd->nqv", q, k) / 3.0)
    np.testing.assert_allclose(w, expected)
    np.testing.assert_allclose(out, expected @ v)


def test_causal_mask_blocks_the_future():
    rng = np.random.default_rng(6)
    x = rng.normal(size=(2, 5, 3))
    causal = np.tril(np.ones((5, 5), dtype=bool))[None]
    _, w = scaled_dot_product_attention(x, x, x, mask=causal)
    assert np.all(np.triu(w[0], k=1) == 0) and np.all(np.triu(w[1], k=1) == 0)
    np.testing.assert_allclose(w[:, 0, 0], 1.0)


@pytest.mark.parametrize("fn", ["sdpa", "mha"])
def test_two_d_mask_is_padding_even_when_batch_equals_tq(fn):
    # N == Tq == Tv == 4: a 2-D mask is read as (N, Tv), as Keras does, never as (Tq, Tv)
    rng = np.random.default_rng(8)
    x = rng.normal(size=(4, 4, 4))
    causal = np.tril(np.ones((4, 4), dtype=bool))
    if fn == "sdpa":
        _, w2 = scaled_dot_product_attention(x, x, x, mask=causal)
        _, w3 = scaled_dot_product_attention(x, x, x, mask=causal[None])
        per_key = w2
    else:
        weights = [rng.normal(size=s) for s in [(4, 2, 2), (2, 2), (4, 2, 2), (2, 2)] * 2]
        weights[6], weights[7] = rng.normal(size=(2, 2, 4)), rng.normal(size=(4,))
        _, w2 = multi_head_attention(x, x, weights=weights, mask=causal)
        _, w3 = multi_head_attention(x, x, weights=weights, mask=causal[None])
        per_key = w2[:, 0]
    # as padding: example n attends to keys 0..n at every query
    for n in range(4):
        assert np.all(per_key[n][:, n + 1 :] == 0) and np.all(per_key[n][:, : n + 1] > 0)
    # as a 3-D causal mask: query t attends to keys 0..t in every example
    assert not np.allclose(w2, w3)
    assert np.all(np.triu(w3 if fn == "sdpa" else w3[:, 0], k=1)[..., :, :] == 0)


def test_two_d_causal_mask_with_other_batch_size_is_rejected():
    x = np.ones((2, 5, 3))
    with pytest.raises(ValueError, match=r"mask: expected shape \(N, Tv\)=\(2, 5\).*\(N, Tq, Tv\)"):
        scaled_dot_product_attention(x, x, x, mask=np.tril(np.ones((5, 5), dtype=bool)))


MHA = [  # N, Tq, Tv, d_query, d_value, heads, key_dim, value_dim, output_shape
    (2, 3, 5, 4, 4, 1, 4, None, None),
    (3, 4, 2, 6, 5, 2, 3, None, None),
    (1, 6, 6, 8, 3, 4, 2, 5, 7),
    (2, 1, 7, 3, 6, 3, 5, 2, 4),
]


@pytest.mark.parametrize("use_bias", [True, False])
@pytest.mark.parametrize("with_key", [True, False])
@pytest.mark.parametrize(("n", "tq", "tv", "dq", "dv", "heads", "key_dim", "value_dim", "out"), MHA)
def test_matches_keras_multi_head_attention(
    keras64, n, tq, tv, dq, dv, heads, key_dim, value_dim, out, with_key, use_bias
):
    rng = np.random.default_rng(heads * 10 + tq)
    q, v = rng.normal(size=(n, tq, dq)), rng.normal(size=(n, tv, dv))
    k = rng.normal(size=(n, tv, dq + 1)) if with_key else None
    layer = keras64.layers.MultiHeadAttention(
        heads,
        key_dim,
        value_dim=value_dim,
        output_shape=out,
        use_bias=use_bias,
        bias_initializer="random_normal",
        seed=heads,
        dtype="float64",
    )
    result, scores = layer(q, v, k, return_attention_scores=True)
    mine, weights = multi_head_attention(q, v, k, weights=layer.get_weights(), use_bias=use_bias)
    np.testing.assert_allclose(mine, np.asarray(result), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(weights, np.asarray(scores), rtol=1e-6, atol=1e-8)
    assert weights.shape == (n, heads, tq, tv)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_multi_head_attention_mask_matches_keras(keras64, seed):
    rng = np.random.default_rng(seed)
    q, v = rng.normal(size=(2, 4, 6)), rng.normal(size=(2, 5, 6))
    mask = rng.random((2, 4, 5)) > 0.4
    mask[:, :, seed] = True  # every query keeps one key
    layer = keras64.layers.MultiHeadAttention(2, 3, seed=seed, dtype="float64")
    result, scores = layer(q, v, attention_mask=mask, return_attention_scores=True)
    mine, weights = multi_head_attention(q, v, weights=layer.get_weights(), mask=mask)
    np.testing.assert_allclose(mine, np.asarray(result), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(weights, np.asarray(scores), rtol=1e-6, atol=1e-8)
    assert np.all(weights[np.broadcast_to(~mask[:, None], weights.shape)] == 0)


def test_bad_input_names_the_argument():
    q, k, v = np.zeros((2, 3, 4)), np.zeros((2, 5, 4)), np.zeros((2, 5, 2))
    with pytest.raises(
        ValueError, match=r"query: expected a 3-D array, received array of shape \(3, 4\)"
    ):
        scaled_dot_product_attention(q[0], k, v)
    with pytest.raises(
        ValueError,
        match=r"key, value: expected the same length Tv, received key \(2, 5, 4\) and value \(2, 4, 2\)",
    ):
        scaled_dot_product_attention(q, k, v[:, :4])
    with pytest.raises(ValueError, match="query, key: expected the same feature size d"):
        scaled_dot_product_attention(q, k[..., :3], v)
    with pytest.raises(ValueError, match="query, key, value: expected the same batch size N"):
        scaled_dot_product_attention(q, k[:1], v[:1])
    with pytest.raises(ValueError, match="scale: expected a number > 0, received -1"):
        scaled_dot_product_attention(q, k, v, scale=-1)
    with pytest.raises(ValueError, match=r"mask: expected shape \(N, Tv\)=\(2, 5\)"):
        scaled_dot_product_attention(q, k, v, mask=np.ones((2, 4), bool))
    with pytest.raises(ValueError, match="mask: expected at least one True per query"):
        scaled_dot_product_attention(q, k, v, mask=np.zeros((2, 5), bool))
    with pytest.raises(ValueError, match="mask: expected a boolean or 0/1 array"):
        scaled_dot_product_attention(q, k, v, mask=np.full((2, 5), 0.5))


def test_multi_head_bad_weights(keras64):
    q, v = np.zeros((2, 3, 4)), np.zeros((2, 5, 4))
    layer = keras64.layers.MultiHeadAttention(2, 3, dtype="float64")
    layer(q, v)
    w = layer.get_weights()
    with pytest.raises(ValueError, match="weights: expected 8 arrays"):
        multi_head_attention(q, v, weights=w[:6])
    with pytest.raises(
        ValueError,
        match=re.escape(
            "weights: expected Wq of shape (d_query=5, heads, key_dim), received (4, 2, 3)."
        ),
    ):
        multi_head_attention(np.zeros((2, 3, 5)), v, weights=w)
    bad = list(w)
    bad[2] = np.zeros((4, 3, 3))  # Wk with 3 heads, Wq with 2
    with pytest.raises(ValueError, match=re.escape("Wk of shape (d_key=4, heads=2, key_dim=3)")):
        multi_head_attention(q, v, weights=bad)
    bad = list(w)
    bad[6] = np.zeros((2, 4, 4))  # Wo reads value_dim 4, Wv makes 3
    with pytest.raises(ValueError, match=re.escape("Wo of shape (heads=2, value_dim=3, d_out)")):
        multi_head_attention(q, v, weights=bad)
    bad = list(w)
    bad[7] = np.zeros(5)
    with pytest.raises(ValueError, match=re.escape("bo of shape (d_out=4), received (5,)")):
        multi_head_attention(q, v, weights=bad)
    with pytest.raises(ValueError, match="key, value: expected the same batch size and length Tv"):
        multi_head_attention(q, v, key=np.zeros((2, 4, 4)), weights=w)
    with pytest.raises(ValueError, match="value: expected a 3-D array"):
        multi_head_attention(q, v[0], weights=w)
