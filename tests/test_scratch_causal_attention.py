"""Causal (decoder) self-attention in NumPy against Keras' MultiHeadAttention."""

import numpy as np
import pytest

from dlhelpers.scratch.attention import causal_mask, causal_self_attention


@pytest.fixture(scope="module")
def keras64(tf):
    import keras

    previous = keras.config.floatx()
    keras.config.set_floatx("float64")
    yield keras
    keras.config.set_floatx(previous)


def _layer(keras, heads, key_dim, d, t, seed, use_bias=True):
    keras.utils.set_random_seed(seed)
    layer = keras.layers.MultiHeadAttention(heads, key_dim, use_bias=use_bias, dtype="float64")
    layer(np.zeros((1, t, d)), np.zeros((1, t, d)))  # build
    return layer


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(("n", "t", "d", "heads", "key_dim"), [(1, 1, 2, 1, 2), (2, 5, 4, 2, 3)])
def test_matches_keras_use_causal_mask(keras64, seed, n, t, d, heads, key_dim):
    x = np.random.default_rng(seed).normal(size=(n, t, d))
    layer = _layer(keras64, heads, key_dim, d, t, seed)
    out, scores = layer(x, x, use_causal_mask=True, return_attention_scores=True)
    mine, weights = causal_self_attention(x, layer.get_weights())
    # the tolerances of tests/test_scratch_attention.py: Keras' masked softmax agrees with
    # NumPy's to about 1e-7 relative even in float64 (it adds a large negative, not -inf)
    np.testing.assert_allclose(mine, np.asarray(out), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(weights, np.asarray(scores), rtol=1e-6, atol=1e-8)
    assert np.all(np.triu(weights, k=1) == 0), "no weight on later positions"


@pytest.mark.parametrize("seed", [3, 4])
def test_without_bias_and_against_an_explicit_mask(keras64, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(3, 6, 4))
    layer = _layer(keras64, 2, 2, 4, 6, seed, use_bias=False)
    explicit = layer(x, x, attention_mask=np.tril(np.ones((3, 6, 6), dtype=bool)))
    mine, _ = causal_self_attention(x, layer.get_weights(), use_bias=False)
    np.testing.assert_allclose(mine, np.asarray(explicit), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("seed", [0, 5])
def test_a_later_token_does_not_change_earlier_outputs(seed):
    rng = np.random.default_rng(seed)
    d, heads, k = 4, 2, 3
    weights = [
        rng.normal(size=(d, heads, k)),
        rng.normal(size=(heads, k)),
        rng.normal(size=(d, heads, k)),
        rng.normal(size=(heads, k)),
        rng.normal(size=(d, heads, k)),
        rng.normal(size=(heads, k)),
        rng.normal(size=(heads, k, d)),
        rng.normal(size=(d,)),
    ]
    x = rng.normal(size=(1, 7, d))
    changed = x.copy()
    changed[0, 4:] = rng.normal(size=(3, d))
    a, _ = causal_self_attention(x, weights)
    b, _ = causal_self_attention(changed, weights)
    np.testing.assert_array_equal(a[0, :4], b[0, :4])
    assert not np.allclose(a[0, 4:], b[0, 4:])


def test_mask_shape_and_validation():
    m = causal_mask(4)
    assert m.shape == (1, 4, 4) and m.dtype == bool and m[0].sum() == 10
    with pytest.raises(ValueError, match="length: expected an integer >= 1, received 0"):
        causal_mask(0)
    with pytest.raises(ValueError, match="x: expected a 3-D array"):
        causal_self_attention(np.zeros((2, 3)))
