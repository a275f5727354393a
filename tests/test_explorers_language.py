"""The generation explorer, driven by setting control values (no browser)."""

import numpy as np
import pytest

from dlhelpers import language_model as lm
from dlhelpers import text
from dlhelpers.explorers.language import GenerationExplorer


@pytest.fixture(scope="module")
def setup(tf):
    import keras

    keras.utils.set_random_seed(0)
    vocab = text.CharVocabulary("the pass statement does nothing at all")
    return lm.build_transformer_lm(len(vocab), 8, d_model=8, heads=2, ff_dim=16), vocab


def test_explorer_samples_and_draws(setup):
    model, vocab = setup
    ex = GenerationExplorer(model, vocab, prompt="the ", temperature=0.8, top_k=0, steps=10)
    assert ex.updates == 1 and ex.error is None and ex.fig is not None and ex.code_text is None
    r = ex.result
    assert r["prompt"] == "the " and len(r["ids"]) == 14
    expected = lm.generate(model, vocab.encode("the "), 10, 0.8, None, seed=0)
    np.testing.assert_array_equal(r["ids"], expected)
    assert r["text"] == vocab.decode(expected[4:])
    assert r["probs"].shape == (len(vocab),) and np.isclose(r["probs"].sum(), 1)

    ex.controls["top_k"].value = 3
    assert ex.updates == 2 and np.count_nonzero(ex.result["probs"]) == 3
    ex.controls["temperature"].value = 0.0
    assert np.isclose(ex.result["probs"].max(), 1.0)
    ex.controls["seed"].value = 4  # greedy: the seed changes nothing
    greedy = lm.generate(model, vocab.encode("the "), 10, 0.0)
    np.testing.assert_array_equal(ex.result["ids"], greedy)


def test_explorer_refuses_unknown_prompts(setup):
    model, vocab = setup
    ex = GenerationExplorer(model, vocab, prompt="the ", steps=5)
    ex.controls["prompt"].value = "ZZ"
    assert ex.updates == 1 and "prompt: expected some characters" in ex.error
    ex.controls["prompt"].value = ""
    assert ex.error is not None and ex.fig is None
    ex.controls["prompt"].value = "a long prompt, longer than the context"
    assert ex.error is None and ex.updates == 2 and len(ex.result["ids"]) == 38 + 5


def test_explorer_checks_its_arguments_and_fits_the_vocabulary(setup):
    model, vocab = setup
    ex = GenerationExplorer(model, vocab, steps=3)
    assert ex.controls["top_k"].max == min(30, len(vocab)) == len(vocab)
    with pytest.raises(ValueError, match="steps: expected an integer >= 1"):
        GenerationExplorer(model, vocab, steps=0)
    with pytest.raises(ValueError, match=f"vocab: expected {len(vocab)} tokens"):
        GenerationExplorer(model, text.CharVocabulary("ab"))


def test_explorer_on_a_model_without_fixed_context(setup):
    import keras

    _, vocab = setup
    keras.utils.set_random_seed(0)
    inputs = keras.Input((None,), dtype="int32")
    h = keras.layers.GRU(4, return_sequences=True)(keras.layers.Embedding(len(vocab), 3)(inputs))
    model = keras.Model(inputs, keras.layers.Dense(len(vocab))(h))
    ex = GenerationExplorer(model, vocab, prompt="the ", steps=4)
    assert ex.error is None and len(ex.result["ids"]) == 8
    full = np.asarray(model(vocab.encode("the ")[None]))[0, -1]
    np.testing.assert_allclose(
        ex.result["probs"], lm.sampling_distribution(full, 0.8), rtol=1e-5, atol=1e-7
    )
