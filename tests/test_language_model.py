"""Language-model helpers: windows, n-gram baselines, perplexity, sampling, the builders."""

import numpy as np
import pytest

from dlhelpers import language_model as lm


def test_windows_shift_by_one():
    ids = np.arange(23)
    x, y = lm.next_token_windows(ids, 5)
    assert x.shape == y.shape == (4, 5)
    np.testing.assert_array_equal(y, x + 1)
    with pytest.raises(ValueError, match="ids: expected at least 6 ids"):
        lm.next_token_windows(np.arange(5), 5)
    with pytest.raises(ValueError, match="ids: expected non-negative integer token ids"):
        lm.next_token_windows(np.array([0.5, 1.0]), 1)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ngrams_against_counting_loops(seed):
    rng = np.random.default_rng(seed)
    v, alpha = 6, 0.3
    ids = rng.integers(0, v - 1, 200)  # the last id never occurs
    uni = lm.unigram(ids, v, alpha)
    expected = [(np.sum(ids == i) + alpha) / (len(ids) + alpha * v) for i in range(v)]
    np.testing.assert_allclose(uni, expected)
    bi = lm.bigram(ids, v, alpha)
    counts = np.full((v, v), alpha)
    for a, b in zip(ids[:-1], ids[1:], strict=True):
        counts[a, b] += 1
    np.testing.assert_allclose(bi, counts / counts.sum(1, keepdims=True))
    np.testing.assert_allclose(bi.sum(1), 1)
    np.testing.assert_allclose(bi[v - 1], 1 / v)  # an unseen token: uniform


def test_ngram_validation():
    with pytest.raises(ValueError, match="vocab_size: expected an integer >= 4"):
        lm.unigram([1, 3], 3)
    with pytest.raises(ValueError, match="alpha: expected a number > 0"):
        lm.bigram([1, 2], 3, alpha=0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_perplexity_matches_keras_cross_entropy(tf, seed):
    import keras

    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(3, 7, 11)).astype("float32") * 3
    targets = rng.integers(0, 11, (3, 7))
    ppl = lm.perplexity(lm.token_log_probs(logits, targets))
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(targets, logits)
    # Keras works in float32, token_log_probs in float64
    np.testing.assert_allclose(np.log(ppl), float(loss), rtol=1e-5)
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    np.testing.assert_allclose(
        lm.token_log_probs(logits, targets),
        np.log(np.take_along_axis(probs, targets[..., None], -1)[..., 0]),
        rtol=1e-5,
    )


def test_perplexity_of_uniform_bets_is_their_width():
    assert np.isclose(lm.perplexity(np.log(np.full(9, 1 / 7))), 7)
    with pytest.raises(ValueError, match="log_probs: expected log-probabilities"):
        lm.perplexity([0.2])
    with pytest.raises(ValueError, match="targets: expected ids below 4"):
        lm.token_log_probs(np.zeros((2, 4)), [0, 4])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sampling_limits(seed):
    z = np.random.default_rng(seed).normal(size=20) * 2
    best = int(np.argmax(z))
    for rng in range(5):
        assert lm.sample_next(z, 1.0, top_k=1, rng=rng) == best
        assert lm.sample_next(z, 0.0, rng=rng) == best
        assert lm.sample_next(z, 1e-3, rng=rng) == best  # the limit temperature -> 0
    p = lm.sampling_distribution(z, 0.7, top_k=4)
    kept = np.argsort(z)[-4:]
    assert set(np.flatnonzero(p)) == set(kept) and np.isclose(p.sum(), 1)
    e = np.exp(z[kept] / 0.7)
    np.testing.assert_allclose(p[kept], e / e.sum())
    np.testing.assert_allclose(lm.sampling_distribution(z, 100.0), 1 / 20, rtol=0.1)


def test_empirical_distribution_matches_softmax():
    z = np.array([2.0, 1.0, 0.0, -1.0, 0.5])
    rng = np.random.default_rng(0)
    draws = [lm.sample_next(z, 1.0, rng=rng) for _ in range(20_000)]
    freq = np.bincount(draws, minlength=5) / 20_000
    # standard deviation of a frequency at 20,000 draws: at most 0.0035; 0.015 is four of them
    np.testing.assert_allclose(freq, np.exp(z) / np.exp(z).sum(), atol=0.015)


def test_sampling_validation():
    with pytest.raises(ValueError, match="temperature: expected a number >= 0"):
        lm.sampling_distribution([1.0, 2.0], -1.0)
    with pytest.raises(ValueError, match="top_k: expected an integer <= 2"):
        lm.sampling_distribution([1.0, 2.0], 1.0, top_k=3)


@pytest.fixture(scope="module")
def models(tf):
    import keras

    keras.utils.set_random_seed(0)
    return lm.build_transformer_lm(12, 6, d_model=8, heads=2, ff_dim=16), lm.build_gru_lm(
        12, 6, embed_dim=4, units=5
    )


def test_builders_are_causal(models):
    x = np.random.default_rng(0).integers(2, 12, (2, 6)).astype("int32")
    changed = x.copy()
    changed[:, 4:] = (x[:, 4:] + 1) % 12
    for model in models:
        a, b = np.asarray(model(x)), np.asarray(model(changed))
        assert a.shape == (2, 6, 12)
        np.testing.assert_allclose(a[:, :4], b[:, :4], atol=1e-6)
        assert not np.allclose(a[:, 4:], b[:, 4:])


def test_generate_right_pads_and_is_seeded(models):
    transformer, gru = models
    for model in models:
        out = lm.generate(model, [3, 4], 8, temperature=0.9, top_k=3, seed=1)
        assert out.shape == (10,) and out[:2].tolist() == [3, 4] and out.dtype == np.int32
        np.testing.assert_array_equal(out, lm.generate(model, [3, 4], 8, 0.9, 3, seed=1))
    greedy = lm.generate(transformer, [5], 3, temperature=0.0)
    window = np.zeros((1, 6), dtype="int32")
    window[0, 0] = 5
    assert greedy[1] == np.argmax(np.asarray(transformer(window))[0, 0])
    long = lm.generate(transformer, np.arange(2, 11), 2, temperature=0.0)  # longer than context
    assert len(long) == 11


def test_builder_validation(tf):
    with pytest.raises(ValueError, match="d_model: expected a multiple of heads=3"):
        lm.build_transformer_lm(10, 4, d_model=8, heads=3)
    with pytest.raises(ValueError, match="vocab_size: expected an integer >= 2"):
        lm.build_gru_lm(1, 4)


def test_masked_logits_and_ties():
    assert lm.perplexity([np.log(0.5), -np.inf]) == np.inf, "a true token given probability 0"
    p = lm.sampling_distribution([1.0, -np.inf, 0.0], 1.0)
    assert p[1] == 0 and np.isclose(p.sum(), 1)
    assert lm.sampling_distribution([1.0, -np.inf], 0.0).tolist() == [1.0, 0.0]
    tied = lm.sampling_distribution([3.0, 1.0, 1.0, 0.0], 1.0, top_k=2)
    assert np.count_nonzero(tied) == 3, "logits tied with the k-th largest are all kept"
    with pytest.raises(ValueError, match="logits: expected finite values or -inf"):
        lm.sampling_distribution([-np.inf, -np.inf])
    with pytest.raises(ValueError, match="logits: expected finite values or -inf"):
        lm.sampling_distribution([np.nan, 1.0])
    with pytest.raises(ValueError, match="log_probs: expected log-probabilities"):
        lm.perplexity([np.nan])


def test_generate_checks_prompt_and_steps(models):
    transformer, _ = models
    with pytest.raises(
        ValueError, match="prompt_ids: expected ids below the model's vocabulary size 12"
    ):
        lm.generate(transformer, [3, 12], 2)
    with pytest.raises(ValueError, match="steps: expected an integer >= 0"):
        lm.generate(transformer, [3], -1)
    with pytest.raises(ValueError, match="prompt_ids: expected at least 1 element"):
        lm.generate(transformer, [], 2)
    window = np.zeros((1, 6), dtype="int32")
    window[0, :2] = [3, 4]
    np.testing.assert_allclose(
        lm.next_token_logits(transformer, [3, 4]), np.asarray(transformer(window))[0, 1], rtol=1e-6
    )


def test_generate_without_fixed_context(tf):
    import keras

    keras.utils.set_random_seed(0)
    inputs = keras.Input((None,), dtype="int32")
    h = keras.layers.GRU(5, return_sequences=True)(keras.layers.Embedding(12, 4)(inputs))
    model = keras.Model(inputs, keras.layers.Dense(12)(h))
    out = lm.generate(model, [3, 4], 5, temperature=0.0)
    assert len(out) == 7
    step = np.asarray(model(out[None, :-1]))[0, -1]
    assert out[-1] == np.argmax(step), "every id so far is fed"


def test_builder_argument_checks(tf):
    with pytest.raises(ValueError, match="ff_dim: expected an integer >= 1"):
        lm.build_transformer_lm(10, 4, d_model=8, heads=2, ff_dim=0)
    with pytest.raises(ValueError, match="learning_rate: expected a number > 0"):
        lm.build_transformer_lm(10, 4, learning_rate=0)
    with pytest.raises(ValueError, match="embed_dim: expected an integer >= 1"):
        lm.build_gru_lm(10, 4, embed_dim=0)
    with pytest.raises(ValueError, match="units: expected an integer >= 1"):
        lm.build_gru_lm(10, 4, units=0)
    assert lm.build_gru_lm(10, 4, embed_dim=2, units=3, name="gru_1").name == "gru_1"
