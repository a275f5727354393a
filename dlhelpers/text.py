"""Chapter 13's text: Python's own help pages as a corpus, split, labelled and tokenised.

The corpus is ``pydoc_data.topics.topics``, the text ``help("assert")`` and friends print;
it ships with Python (no download). A *document* is one help topic; a *paragraph* is a block
of it between blank lines. Plain Python and NumPy, except the classifier builder (Keras,
imported when called).
"""

from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np

from dlhelpers._validation import check_array, check_scalar, fail

__all__ = [
    "GROUPS",
    "load_topics",
    "clean_paragraph",
    "paragraphs",
    "split_paragraphs",
    "labelled_paragraphs",
    "CharVocabulary",
    "build_text_classifier",
]

# Which part of the Python documentation each help topic comes from: the statements of the
# Language Reference, its expressions, its data model, and the Library Reference's built-in
# types. The other topics (lexical analysis, execution model, the debugger) have no label.
GROUPS = {
    "statements": (
        "assert assignment async augassign break class compound continue del else for "
        "function global if import nonlocal pass raise return try while with yield"
    ).split(),
    "expressions": (
        "atom-identifiers atom-literals attribute-references await binary bitwise booleans "
        "calls comparisons conversions dict exprlists in lambda lists operator-summary power "
        "shifting slicings subscriptions unary"
    ).split(),
    "data model": (
        "attribute-access callable-types context-managers customization numeric-types objects "
        "sequence-types specialnames types"
    ).split(),
    "built-in types": (
        "bltin-code-objects bltin-ellipsis-object bltin-null-object bltin-type-objects "
        "formatstrings specialattrs string-methods truth typesfunctions typesmapping "
        "typesmethods typesmodules typesseq typesseq-mutable"
    ).split(),
}


class Paragraph(NamedTuple):
    """One cleaned paragraph and the help topic (document) it comes from."""

    topic: str
    text: str


class Split(NamedTuple):
    """Paragraphs of the training, validation and test parts."""

    train: list
    val: list
    test: list


def load_topics() -> dict:
    """Python's help topics: ``{topic name: text}`` (79 topics, about 465,000 characters)."""
    from pydoc_data.topics import topics

    return dict(topics)


def clean_paragraph(text: str) -> str:
    """Drop heading underlines (``****``, ``====``, ``----``), join lines, squeeze spaces.

    Example:
        >>> clean_paragraph('The "pass" statement\\n********************')
        'The "pass" statement'
    """
    lines = [ln for ln in text.splitlines() if not re.fullmatch(r"\s*([*=\-^~])\1{2,}\s*", ln)]
    return " ".join(" ".join(lines).split())


def paragraphs(topics: dict, min_words: int = 8) -> list:
    """Every paragraph of every topic with at least ``min_words`` words, in topic order.

    Args:
        topics: ``{topic: text}`` as :func:`load_topics` returns.
        min_words: shorter blocks (headings, one-line grammar rules) are dropped.

    Returns:
        A list of :class:`Paragraph` ``(topic, text)``.
    """
    min_words = check_scalar(min_words, "min_words", int, low=1)
    out = []
    for topic, text in topics.items():
        for block in re.split(r"\n\s*\n", text):
            cleaned = clean_paragraph(block)
            if len(cleaned.split()) >= min_words:
                out.append(Paragraph(topic, cleaned))
    return out


def split_paragraphs(items, fractions=(0.8, 0.1, 0.1), seed: int = 0) -> Split:
    """Shuffle paragraphs at random into training, validation and test parts.

    Paragraphs, not topics, are the unit held out: a long topic (the data model has 224
    paragraphs) then lands in all three parts, as text of the same kind would in use.

    Example:
        >>> parts = split_paragraphs(list(range(10)), seed=0)
        >>> [len(p) for p in parts], sorted(parts.train + parts.val + parts.test) == list(range(10))
        ([8, 1, 1], True)
    """
    f = check_array(fractions, "fractions", ndim=1)
    if f.shape != (3,) or np.any(f <= 0) or not np.isclose(f.sum(), 1):
        fail("fractions", "three positive fractions summing to 1", fractions)
    seed = check_scalar(seed, "seed", int, low=0)
    order = np.random.default_rng(seed).permutation(len(items))
    cuts = np.round(np.cumsum(f[:2]) * len(items)).astype(int)
    return Split(*([items[i] for i in part] for part in np.split(order, cuts)))


def labelled_paragraphs(items) -> tuple[list, np.ndarray]:
    """The paragraphs whose topic has a group, as ``(texts, labels)``.

    Labels index ``list(GROUPS)``: 0 statements, 1 expressions, 2 data model, 3 built-in types.
    """
    group_of = {t: g for g, (_, ts) in enumerate(GROUPS.items()) for t in ts}
    kept = [p for p in items if p.topic in group_of]
    return [p.text for p in kept], np.array([group_of[p.topic] for p in kept], dtype=np.int32)


class CharVocabulary:
    """Characters to ids and back, with ``TextVectorization``'s reserved ids.

    Id 0 is padding (``""``), id 1 the out-of-vocabulary token (``"[UNK]"``), then the
    characters seen at least ``min_count`` times in ``text``, most frequent first and tied
    counts in *descending* character order: the order
    ``keras.layers.TextVectorization(split="character", standardize=None).adapt([text])``
    gives (Keras sorts with ``np.lexsort((tokens, counts))[::-1]``).

    Example:
        >>> v = CharVocabulary("abba c")
        >>> v.tokens, v.encode("cab!").tolist(), v.decode([4, 3, 2])
        (['', '[UNK]', 'b', 'a', 'c', ' '], [4, 3, 2, 1], 'cab')
        >>> v.decode([1]) == "\\ufffd"
        True
    """

    def __init__(self, text: str, min_count: int = 1):
        if not isinstance(text, str) or not text:
            fail("text", "a non-empty string", text)
        min_count = check_scalar(min_count, "min_count", int, low=1)
        chars, counts = np.unique(list(text), return_counts=True)
        order = sorted(zip(counts.tolist(), chars.tolist(), strict=True), reverse=True)
        self.tokens = ["", "[UNK]"] + [c for n, c in order if n >= min_count]
        self._ids = {c: i for i, c in enumerate(self.tokens)}

    def __len__(self) -> int:
        return len(self.tokens)

    def encode(self, text: str) -> np.ndarray:
        """Ids ``(len(text),)`` int32; unknown characters become 1."""
        return np.array([self._ids.get(c, 1) for c in text], dtype=np.int32)

    def decode(self, ids) -> str:
        """The characters of ``ids``; padding is dropped, ``[UNK]`` (id 1) is written as
        ``"\\ufffd"``, the Unicode replacement character."""
        return "".join("\ufffd" if i == 1 else self.tokens[i] for i in np.asarray(ids).ravel() if i)


def build_text_classifier(vocab_size: int, length: int, n_classes: int, embed_dim: int = 16):
    """The chapter's bag-of-embeddings classifier, compiled (Adam 1e-2, cross-entropy).

    ``Embedding(mask_zero=True) -> GlobalAveragePooling1D -> Dense(softmax)``: the mean of the
    word vectors of a paragraph (padding ignored), read by one linear layer. Word order is lost.
    """
    from dlhelpers._tf import import_tensorflow

    import_tensorflow()
    import keras
    from keras import layers

    model = keras.Sequential(
        [
            keras.Input((check_scalar(length, "length", int, low=1),), dtype="int32"),
            layers.Embedding(
                check_scalar(vocab_size, "vocab_size", int, low=2),
                embed_dim,
                mask_zero=True,
                name="embedding",
            ),
            layers.GlobalAveragePooling1D(name="mean_of_words"),
            layers.Dense(
                check_scalar(n_classes, "n_classes", int, low=2), activation="softmax", name="group"
            ),
        ],
        name="bag_of_embeddings",
    )
    model.compile(
        optimizer=keras.optimizers.Adam(1e-2),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model
