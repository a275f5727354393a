"""The help-topic corpus, its cleaning, split and labels, and the character vocabulary."""

import numpy as np
import pytest

from dlhelpers import text


@pytest.fixture(scope="module")
def paras():
    return text.paragraphs(text.load_topics())


def test_corpus_and_paragraphs(paras):
    topics = text.load_topics()
    assert len(topics) == 79 and sum(map(len, topics.values())) > 400_000
    assert all(len(p.text.split()) >= 8 for p in paras)
    assert all("  " not in p.text and "\n" not in p.text for p in paras), "spaces squeezed"
    assert not any(p.text.startswith(("***", "===")) for p in paras), "underlines dropped"
    grouped = {t for ts in text.GROUPS.values() for t in ts}
    assert grouped <= set(topics), "every grouped name is a real help topic"
    assert sum(map(len, text.GROUPS.values())) == len(grouped), "no topic in two groups"


def test_clean_paragraph_drops_underlines_and_squeezes_spaces():
    assert text.clean_paragraph("Title\n=====\n  a   b\n\tc") == "Title a b c"
    assert text.clean_paragraph("x - y\n---") == "x - y"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_split_is_random_disjoint_and_complete(seed):
    items = list(range(100))
    parts = text.split_paragraphs(items, (0.8, 0.1, 0.1), seed=seed)
    assert [len(p) for p in parts] == [80, 10, 10]
    assert sorted(parts.train + parts.val + parts.test) == items
    assert parts.train[:10] != list(range(10)), "shuffled, not the first rows"
    assert parts == text.split_paragraphs(items, seed=seed), "the seed fixes the split"


def test_split_validation():
    with pytest.raises(ValueError, match="fractions: expected three positive fractions"):
        text.split_paragraphs([1, 2, 3], (0.5, 0.6, -0.1))
    with pytest.raises(ValueError, match="seed: expected an integer >= 0"):
        text.split_paragraphs([1, 2, 3], seed=-1)


def test_labels_come_from_the_topic(paras):
    texts, labels = text.labelled_paragraphs(paras)
    group_of = {t: g for g, ts in enumerate(text.GROUPS.values()) for t in ts}
    expected = [group_of[p.topic] for p in paras if p.topic in group_of]
    assert labels.tolist() == expected and len(texts) == len(labels)
    assert set(labels.tolist()) == {0, 1, 2, 3}
    assert np.bincount(labels).max() / len(labels) < 0.45, "no group dominates"


def test_char_vocabulary_matches_text_vectorization(tf):
    import keras

    corpus = "the pass statement does nothing\nAt all."
    vocab = text.CharVocabulary(corpus, min_count=2)
    assert vocab.tokens[:2] == ["", "[UNK]"] and all(isinstance(t, str) for t in vocab.tokens)
    layer = keras.layers.TextVectorization(
        split="character", standardize=None, vocabulary=vocab.tokens[2:]
    )
    sample = "that pass, é!"
    np.testing.assert_array_equal(layer([sample]).numpy()[0], vocab.encode(sample))
    assert vocab.decode(vocab.encode("the st")) == "the st"
    assert vocab.decode(vocab.encode("p")) == "\ufffd", "p occurs once: below min_count"
    assert vocab.decode([0, 1, vocab.encode("t")[0]]) == "\ufffdt"


@pytest.mark.parametrize(
    "corpus", ["abba c", "the pass statement does nothing\nAt all. \u00e9\u00e9"]
)
def test_char_vocabulary_orders_ties_as_adapt(tf, corpus):
    import keras

    # ties ("a"/"b" twice, " "/"c" once): Keras puts them in descending character order
    layer = keras.layers.TextVectorization(split="character", standardize=None)
    layer.adapt([corpus])
    assert text.CharVocabulary(corpus).tokens == [str(t) for t in layer.get_vocabulary()]


def test_char_vocabulary_orders_by_frequency_and_validates():
    vocab = text.CharVocabulary("aaabbc", min_count=2)
    assert vocab.tokens == ["", "[UNK]", "a", "b"] and len(vocab) == 4
    assert vocab.encode("cab").tolist() == [1, 2, 3]
    with pytest.raises(ValueError, match="text: expected a non-empty string"):
        text.CharVocabulary("")
    with pytest.raises(ValueError, match="min_count: expected an integer >= 1"):
        text.CharVocabulary("abc", min_count=0)


def test_text_classifier_builder(tf):
    model = text.build_text_classifier(50, 7, 4, embed_dim=3)
    assert model.count_params() == 50 * 3 + 3 * 4 + 4
    probs = model.predict(np.array([[2, 3, 0, 0, 0, 0, 0]]), verbose=0)
    assert probs.shape == (1, 4) and np.isclose(probs.sum(), 1, rtol=1e-5)
    with pytest.raises(ValueError, match="n_classes: expected an integer >= 2"):
        text.build_text_classifier(50, 7, 1)
