"""Sequence-to-sequence models, attention and a character language model (Chapter 7).

- Data: written dates to normalise (``make_dates``), generated offline with
  ``datetime`` and a seeded RNG, and the Zen of Python (``zen_text``) for a
  character-level language model.
- Characters to integers: :class:`CharVocab` (``encode`` names unknown characters).
- Models (Keras, built lazily): a plain GRU encoder-decoder, the same with
  dot-product attention over the encoder states, and a small Transformer;
  :func:`refit_from_seed` trains one of them again from another seed.
- Decoding: teacher-forced predictions, free-running greedy decoding, and
  sampling with a temperature.

Importing this module does not import TensorFlow.
"""

from __future__ import annotations

import datetime
from collections import namedtuple

import numpy as np

from dlhelpers._validation import (
    check_array,
    check_choice,
    check_scalar,
    fail,
)
from dlhelpers._validation import reject as _reject

__all__ = [
    "DATE_FORMATS",
    "DateData",
    "make_dates",
    "zen_text",
    "CharVocab",
    "encode_pairs",
    "Seq2SeqArrays",
    "positional_encoding",
    "build_encoder_decoder",
    "build_transformer",
    "refit_from_seed",
    "attention_weights",
    "greedy_decode",
    "teacher_forced_decode",
    "sequence_accuracy",
    "apply_temperature",
    "sample_index",
    "char_windows",
    "build_char_lm",
    "generate_text",
]

PAD, START, END = "<pad>", "<s>", "</s>"
_ORDINAL = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}


def _ordinal(day: int) -> str:
    return f"{day}{_ORDINAL.get(day, 'th')}"


# English names, hard-coded: ``calendar`` would follow the machine's locale.
_MONTHS = (
    "january february march april may june july august september october november december"
).split()
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()


def _month(d: datetime.date) -> str:
    return _MONTHS[d.month - 1]


def _weekday(d: datetime.date) -> str:
    return _WEEKDAYS[d.weekday()]


# Short formats put every field in a few characters; long ones spell things out and
# add the weekday, so the day sits far from the end of the input.
DATE_FORMATS = {
    "dd/mm/yy": lambda d: d.strftime("%d/%m/%y"),
    "d.m.yyyy": lambda d: f"{d.day}.{d.month}.{d.year}",
    "d mon yyyy": lambda d: f"{d.day} {_month(d)[:3]} {d.year}",
    "month d, yyyy": lambda d: f"{_month(d)} {d.day}, {d.year}",
    "d month yyyy": lambda d: f"{d.day} {_month(d)} {d.year}",
    "the dth of month yyyy": lambda d: f"the {_ordinal(d.day)} of {_month(d)} {d.year}",
    "dth month yyyy, weekday": lambda d: f"{_ordinal(d.day)} {_month(d)} {d.year}, {_weekday(d)}",
    "weekday the dth of month yyyy": (
        lambda d: f"{_weekday(d)} the {_ordinal(d.day)} of {_month(d)} {d.year}"
    ),
}

DateData = namedtuple("DateData", ["inputs", "targets", "formats"])


def make_dates(
    n: int,
    seed: int = 0,
    formats=None,
    first_year: int = 1950,
    last_year: int = 2049,
    max_dates: int = 1,
) -> DateData:
    """Random dates written in several formats, with their ISO form ``yyyy-mm-dd``.

    Two-digit years follow the range: ``dd/mm/yy`` is read inside
    ``[first_year, last_year]``, which must then span at most 100 years.

    Args:
        n: how many dates.
        seed: seed of the random generator (same seed, same dates).
        formats: a name or a list of names from :data:`DATE_FORMATS` to draw from
            (default: all).
        max_dates: each line holds 1 to ``max_dates`` dates (drawn uniformly).
        first_year, last_year: the range of years (inclusive).

    Returns:
        ``DateData(inputs, targets, formats)``: lists of ``n`` input lines (dates joined
        by ``"; "``), ``n`` target lines (ISO dates joined by a space) and ``n`` tuples
        of the format names used.

    Raises:
        ValueError: ``n`` < 1, an unknown format, or an empty year range.
    """
    n = check_scalar(n, "n", int, low=1)
    if isinstance(formats, str):
        formats = [formats]  # one format name, not a sequence of characters
    names = list(DATE_FORMATS) if formats is None else list(formats)
    for name in names:
        check_choice(name, "formats", tuple(DATE_FORMATS))
    if not names:
        fail("formats", "at least one format name", formats)
    first_year = check_scalar(first_year, "first_year", int, low=1, high=9999)
    last_year = check_scalar(last_year, "last_year", int, low=first_year, high=9999)
    if "dd/mm/yy" in names and last_year - first_year >= 100:
        fail(
            "last_year", f"at most {first_year + 99} with the two-digit format dd/mm/yy", last_year
        )
    max_dates = check_scalar(max_dates, "max_dates", int, low=1)
    rng = np.random.default_rng(seed)
    start = datetime.date(first_year, 1, 1).toordinal()
    stop = datetime.date(last_year, 12, 31).toordinal()
    counts = rng.integers(1, max_dates + 1, size=n)
    inputs, targets, used = [], [], []
    for i in range(n):
        days = rng.integers(start, stop + 1, size=counts[i])
        picks = rng.integers(0, len(names), size=counts[i])
        dates = [datetime.date.fromordinal(int(d)) for d in days]
        inputs.append(
            "; ".join(DATE_FORMATS[names[p]](d) for d, p in zip(dates, picks, strict=True))
        )
        targets.append(" ".join(d.isoformat() for d in dates))
        used.append(tuple(names[p] for p in picks))
    return DateData(inputs, targets, used)


def zen_text() -> str:
    """The Zen of Python (``import this``), decoded without printing it."""
    import codecs
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        import this
    return codecs.decode(this.s, "rot13")


class CharVocab:
    """Characters to integer ids and back, with padding, start and end tokens.

    Id 0 is padding, 1 the start token, 2 the end token; characters follow in
    sorted order.

    Args:
        texts: strings whose characters make up the vocabulary.

    Attributes:
        tokens: list of tokens, index = id.
        index: dict token -> id.
    """

    def __init__(self, texts):
        if isinstance(texts, str):
            texts = [texts]
        chars = sorted({c for t in texts for c in t})
        if not chars:
            fail("texts", "at least one character", texts)
        self.tokens = [PAD, START, END, *chars]
        self.index = {t: i for i, t in enumerate(self.tokens)}

    pad_id, start_id, end_id = 0, 1, 2

    def __len__(self) -> int:
        return len(self.tokens)

    def __repr__(self) -> str:
        return f"CharVocab({len(self)} tokens: {''.join(self.tokens[3:])!r})"

    def encode(
        self, texts, length: int | None = None, *, start: bool = False, end: bool = False
    ) -> np.ndarray:
        """Encode strings as an ``(N, length)`` int array, padded with 0 at the end.

        Args:
            texts: a string or a list of strings.
            length: row length (default: the longest encoded text).
            start, end: put the start token first / the end token last.

        Raises:
            ValueError: a character outside the vocabulary (named), or a text
                longer than ``length``.
        """
        if isinstance(texts, str):
            texts = [texts]
        rows = []
        for t in texts:
            unknown = sorted({c for c in t if c not in self.index})
            if unknown:
                _reject(
                    "texts",
                    f"only characters of the vocabulary {''.join(self.tokens[3:])!r}",
                    f"{t!r} with unknown character(s) {unknown}",
                )
            rows.append([START] * start + list(t) + [END] * end)
        longest = max((len(r) for r in rows), default=0)
        length = longest if length is None else check_scalar(length, "length", int, low=1)
        if longest > length:
            fail("length", f"at least {longest} (the longest encoded text)", length)
        out = np.zeros((len(rows), length), dtype=np.int32)
        for i, r in enumerate(rows):
            out[i, : len(r)] = [self.index[c] for c in r]
        return out

    def decode(self, ids) -> list[str]:
        """Turn ``(N, T)`` ids back into strings, stopping at the end token, skipping pads."""
        ids = np.atleast_2d(np.asarray(ids))
        texts = []
        for row in ids:
            chars = []
            for i in row:
                if i == self.end_id:
                    break
                if i > self.end_id:
                    chars.append(self.tokens[int(i)])
            texts.append("".join(chars))
        return texts


Seq2SeqArrays = namedtuple("Seq2SeqArrays", ["encoder_input", "decoder_input", "target"])


def encode_pairs(
    inputs, targets, in_vocab: CharVocab, out_vocab: CharVocab, in_length: int, out_length: int
) -> Seq2SeqArrays:
    """Arrays for teacher forcing: the decoder reads the target shifted right by one.

    ``decoder_input`` is ``<s> y1 ... y(T-1)`` and ``target`` is ``y1 ... yT </s>``,
    so at step t the decoder is fed the true previous character.

    Returns:
        ``Seq2SeqArrays(encoder_input (N, in_length), decoder_input (N, out_length),
        target (N, out_length))`` of int32 ids.
    """
    if len(inputs) != len(targets):
        raise ValueError(
            f"inputs, targets: expected the same number of strings, received "
            f"{len(inputs)} and {len(targets)}."
        )
    in_length = check_scalar(in_length, "in_length", int, low=1)
    out_length = check_scalar(out_length, "out_length", int, low=1)
    longest = max((len(t) for t in targets), default=0)
    if longest + 1 > out_length:
        fail(
            "out_length",
            f"at least {longest + 1} (the longest target, {longest} characters, plus the end token)",
            out_length,
        )
    enc = in_vocab.encode(inputs, in_length)
    full = out_vocab.encode(targets, out_length + 1, start=True, end=True)
    return Seq2SeqArrays(enc, full[:, :-1], full[:, 1:])


def positional_encoding(length: int, depth: int) -> np.ndarray:
    """Sinusoidal positions of the Transformer paper, ``(length, depth)``.

    Column pairs ``2i, 2i+1`` hold ``sin`` and ``cos`` of ``pos / 10000**(2i/depth)``.
    """
    length = check_scalar(length, "length", int, low=1)
    depth = check_scalar(depth, "depth", int, low=2)
    pos = np.arange(length)[:, None]
    rates = 1.0 / 10000 ** (2 * (np.arange(depth) // 2) / depth)
    angles = pos * rates[None, :]
    return np.where(np.arange(depth) % 2 == 0, np.sin(angles), np.cos(angles))


# ----------------------------------------------------------------------------- models
def _keras():
    from dlhelpers._tf import import_tensorflow

    import_tensorflow()
    import keras

    return keras


def _compile(keras, model, learning_rate: float):
    """Adam and sparse cross-entropy; the optimizer's variables are created right away.

    Created here, they are not created inside the first traced training step,
    which then traces faster (about a second less per model on a 2-core CPU).
    """
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    model.optimizer.build(model.trainable_variables)
    return model


def _rnn_decoder_head(dec_seq, enc_seq, layers):
    """The decoder's top: optional dot-product attention over encoder states, then softmax.

    The attention layer is called with ``return_attention_scores=True`` inside the
    graph, so :func:`attention_weights` can read the weights from the same model.
    """
    if "attention" in layers:
        context, _ = layers["attention"]([dec_seq, enc_seq], return_attention_scores=True)
        dec_seq = layers["concat"]([dec_seq, context])
    return layers["output"](layers["combine"](dec_seq))


def build_encoder_decoder(
    in_vocab_size: int,
    out_vocab_size: int,
    in_length: int,
    out_length: int,
    units: int = 64,
    embed_dim: int = 16,
    attention: bool = False,
    learning_rate: float = 5e-3,
    context_every_step: bool = False,
):
    """A GRU encoder-decoder, optionally with dot-product attention (Luong style).

    The encoder GRU reads the (zero-padded, masked) input; its last state starts
    the decoder GRU, which reads the target shifted right (teacher forcing).
    Without attention the decoder sees the input only through that one state
    vector. With ``attention=True`` every decoder output also queries all
    encoder states (``keras.layers.Attention``, unscaled dot product) and the
    context vector is concatenated before the output layer.

    Inputs ``[encoder_input (N, in_length), decoder_input (N, out_length)]``,
    output probabilities ``(N, out_length, out_vocab_size)``; compiled with
    Adam and sparse categorical cross-entropy.
    """
    keras = _keras()
    for name, value in [
        ("in_vocab_size", in_vocab_size),
        ("out_vocab_size", out_vocab_size),
        ("in_length", in_length),
        ("out_length", out_length),
        ("units", units),
        ("embed_dim", embed_dim),
    ]:
        check_scalar(value, name, int, low=1)
    enc_in = keras.Input((in_length,), dtype="int32", name="encoder_input")
    dec_in = keras.Input((out_length,), dtype="int32", name="decoder_input")
    x = keras.layers.Embedding(in_vocab_size, embed_dim, mask_zero=True, name="encoder_embedding")(
        enc_in
    )
    enc_seq, enc_state = keras.layers.GRU(
        units, return_sequences=True, return_state=True, name="encoder"
    )(x)
    y = keras.layers.Embedding(out_vocab_size, embed_dim, name="decoder_embedding")(dec_in)
    if context_every_step:
        repeated = keras.layers.RepeatVector(out_length, name="repeat_context")(enc_state)
        y = keras.layers.Concatenate(name="concat_inputs")([y, repeated])
    dec_seq = keras.layers.GRU(units, return_sequences=True, name="decoder")(
        y, initial_state=enc_state
    )
    layers = {
        "combine": keras.layers.Dense(units, activation="tanh", name="combine"),
        "output": keras.layers.Dense(out_vocab_size, activation="softmax", name="output"),
    }
    if attention:
        layers["attention"] = keras.layers.Attention(use_scale=False, name="attention")
        layers["concat"] = keras.layers.Concatenate(name="concat_context")
    probs = _rnn_decoder_head(dec_seq, enc_seq, layers)
    name = "seq2seq_attention" if attention else "seq2seq_plain"
    model = keras.Model([enc_in, dec_in], probs, name=name)
    return _compile(keras, model, learning_rate)


def _transformer_block_layers(
    keras, prefix: str, d_model: int, heads: int, ff_dim: int, cross: bool
):
    names = ["self"] + (["cross"] if cross else [])
    layers = {}
    for n in names:
        layers[n] = keras.layers.MultiHeadAttention(
            heads, d_model // heads, name=f"{prefix}_{n}_attention"
        )
        layers[n + "_norm"] = keras.layers.LayerNormalization(name=f"{prefix}_{n}_norm")
    layers["ff1"] = keras.layers.Dense(ff_dim, activation="relu", name=f"{prefix}_ff1")
    layers["ff2"] = keras.layers.Dense(d_model, name=f"{prefix}_ff2")
    layers["ff_norm"] = keras.layers.LayerNormalization(name=f"{prefix}_ff_norm")
    return layers


def build_transformer(
    in_vocab_size: int,
    out_vocab_size: int,
    in_length: int,
    out_length: int,
    d_model: int = 64,
    heads: int = 4,
    ff_dim: int = 128,
    learning_rate: float = 2e-3,
):
    """A one-block Transformer encoder-decoder for the same seq2seq task.

    Tokens are embedded and sinusoidal positions added (attention alone ignores
    order). The encoder block is multi-head self-attention and a feed-forward
    layer, each with a residual connection and layer normalisation; the decoder
    block adds causal self-attention (no peeking at later targets) and
    cross-attention over the encoder output. Padding in the input is masked.

    Same inputs, outputs and compilation as :func:`build_encoder_decoder`.
    """
    keras = _keras()
    from keras import ops

    for name, value in [
        ("in_vocab_size", in_vocab_size),
        ("out_vocab_size", out_vocab_size),
        ("in_length", in_length),
        ("out_length", out_length),
        ("d_model", d_model),
        ("heads", heads),
        ("ff_dim", ff_dim),
    ]:
        check_scalar(value, name, int, low=1)
    if d_model % heads:
        fail("d_model", f"a multiple of heads={heads}", d_model)
    enc_in = keras.Input((in_length,), dtype="int32", name="encoder_input")
    dec_in = keras.Input((out_length,), dtype="int32", name="decoder_input")
    pad_mask = ops.not_equal(enc_in, 0)  # (N, Tin), True on real characters
    pos_in = positional_encoding(in_length, d_model).astype("float32")
    pos_out = positional_encoding(out_length, d_model).astype("float32")
    x = keras.layers.Embedding(in_vocab_size, d_model, name="encoder_embedding")(enc_in)
    x = ops.add(x, pos_in[None])
    enc = _transformer_block_layers(keras, "encoder", d_model, heads, ff_dim, cross=False)
    self_mask = ops.logical_and(pad_mask[:, :, None], pad_mask[:, None, :])
    x = enc["self_norm"](x + enc["self"](x, x, attention_mask=self_mask))
    x = enc["ff_norm"](x + enc["ff2"](enc["ff1"](x)))
    y = keras.layers.Embedding(out_vocab_size, d_model, name="decoder_embedding")(dec_in)
    y = ops.add(y, pos_out[None])
    dec = _transformer_block_layers(keras, "decoder", d_model, heads, ff_dim, cross=True)
    y = dec["self_norm"](y + dec["self"](y, y, use_causal_mask=True))
    cross_mask = ops.repeat(pad_mask[:, None, :], out_length, axis=1)
    y = dec["cross_norm"](y + dec["cross"](y, x, attention_mask=cross_mask))
    y = dec["ff_norm"](y + dec["ff2"](dec["ff1"](y)))
    probs = keras.layers.Dense(out_vocab_size, activation="softmax", name="output")(y)
    model = keras.Model([enc_in, dec_in], probs, name="transformer")
    return _compile(keras, model, learning_rate)


def refit_from_seed(model, build, seed: int, x, y, **fit_kwargs):
    """Train ``model`` again from scratch, starting as a model built after ``set_seed(seed)``.

    A claim that one model beats another needs several seeds, so each model is
    trained several times. A new Keras model spends seconds tracing its training
    step on its first ``fit``; this keeps ``model`` (and its traced step) and
    resets only its state: the weights of ``build()`` called right after
    ``dlhelpers.set_seed(seed)``, and a fresh optimizer (step 0, zero moments).
    The seed also fixes the shuffling of this ``fit``.

    Args:
        model: a compiled Keras model.
        build: a function of no arguments returning a new compiled model of the
            same architecture (for example the builder call that made ``model``).
        seed: a non-negative integer.
        x, y: training inputs and targets, passed to ``model.fit``.
        **fit_kwargs: passed to ``model.fit`` (``epochs``, ``batch_size``, ...).

    Returns:
        The ``History`` returned by ``model.fit``.

    Raises:
        ValueError: ``build()`` returns a model whose weights or optimizer state
            do not match ``model``'s.
    """
    from dlhelpers._tf import set_seed

    set_seed(seed)
    fresh = build()
    shapes = [tuple(w.shape) for w in model.weights]
    new_shapes = [tuple(w.shape) for w in getattr(fresh, "weights", [])]
    if new_shapes != shapes:
        _reject(
            "build",
            f"a function returning a model with the weight shapes of {model.name!r}",
            f"a model with weight shapes {new_shapes}",
        )
    model.set_weights(fresh.get_weights())
    for m in (model, fresh):  # build the optimizers so their (zero) state can be copied
        if not m.optimizer.built:
            m.optimizer.build(m.trainable_variables)
    state = [np.asarray(v) for v in fresh.optimizer.variables]
    if [s.shape for s in state] != [tuple(v.shape) for v in model.optimizer.variables]:
        _reject(
            "build",
            f"a model compiled with the optimizer of {model.name!r}",
            f"optimizer {type(fresh.optimizer).__name__} with {len(state)} variables",
        )
    model.optimizer.set_weights(state)
    return model.fit(x, y, **fit_kwargs)


def attention_weights(model, encoder_input, decoder_input) -> np.ndarray:
    """The attention weights of a model from :func:`build_encoder_decoder` (``attention=True``).

    Reads the weights the model's own attention layer computes (a second output
    of the same graph), so they are exactly the ones used for the prediction.

    Args:
        model: the trained attention encoder-decoder.
        encoder_input: ``(N, in_length)`` ids.
        decoder_input: ``(N, out_length)`` ids (e.g. the greedy output shifted right).

    Returns:
        ``(N, out_length, in_length)`` weights; row t says where output step t looked.

    Raises:
        ValueError: the model has no layer named ``"attention"``.
    """
    keras = _keras()
    names = {layer.name for layer in model.layers}
    if "attention" not in names:
        _reject(
            "model",
            "an encoder-decoder built with attention=True (a layer named 'attention')",
            f"model {model.name!r} with layers {sorted(names)}",
        )
    in_size, out_size = _input_vocab_sizes(model)
    enc = _check_ids(encoder_input, "encoder_input", in_size)
    dec = _check_ids(decoder_input, "decoder_input", out_size)
    if len(enc) != len(dec):
        fail("decoder_input", f"{len(enc)} rows like encoder_input", dec)
    # the layer was called with return_attention_scores=True: its output is (context, weights)
    scores = keras.Model(model.inputs, model.get_layer("attention").output[1])
    return np.asarray(scores.predict_on_batch([enc, dec]))


def _check_ids(x, name: str, vocab_size) -> np.ndarray:
    """A 2-D array of integer ids in ``[0, vocab_size)`` (floats are not silently truncated)."""
    a = check_array(x, name, ndim=2, dtype=None)
    if a.dtype.kind not in "iu":
        if a.dtype.kind != "f" or not np.all(np.isfinite(a)) or np.any(a != np.round(a)):
            fail(name, "integer token ids", a)
    if np.any(a < 0) or (vocab_size is not None and np.any(a >= vocab_size)):
        _reject(
            name,
            f"ids in [0, {vocab_size})" if vocab_size else "non-negative ids",
            f"values from {a.min()} to {a.max()}",
        )
    return a.astype(np.int32)


def _input_vocab_sizes(model):
    """Input vocabulary sizes of the model's two embeddings (None when not found)."""
    sizes = []
    for name in ("encoder_embedding", "decoder_embedding"):
        try:
            sizes.append(int(model.get_layer(name).input_dim))
        except (ValueError, AttributeError):
            sizes.append(None)
    return sizes


def teacher_forced_decode(model, encoder_input, decoder_input, batch_size: int = 512):
    """Predicted ids when the decoder is fed the *true* previous characters: ``(N, T)``."""
    in_size, out_size = _input_vocab_sizes(model)
    enc = _check_ids(encoder_input, "encoder_input", in_size)
    dec = _check_ids(decoder_input, "decoder_input", out_size)
    batch_size = check_scalar(batch_size, "batch_size", int, low=1)
    if len(enc) != len(dec):
        fail("decoder_input", f"{len(enc)} rows like encoder_input", dec)
    return np.argmax(_predict(model, enc, dec, batch_size), axis=-1).astype(np.int32)


def _predict(model, enc, dec, batch_size: int) -> np.ndarray:
    """``model.predict`` without its per-call set-up cost (decoding calls it once per step)."""
    parts = [
        np.asarray(model.predict_on_batch([enc[i : i + batch_size], dec[i : i + batch_size]]))
        for i in range(0, len(enc), batch_size)
    ]
    return np.concatenate(parts)


def greedy_decode(
    model, encoder_input, out_length: int, start_id: int = CharVocab.start_id, batch_size: int = 512
) -> np.ndarray:
    """Free-running decoding: feed the model its own previous prediction.

    Starts from the start token; at step t the decoder input holds the ids
    predicted at steps ``< t`` and the most likely character at step t is kept.
    Works for any model with inputs ``[encoder_input, decoder_input]`` whose
    step-t output depends only on decoder inputs ``<= t`` (all builders here).

    Returns:
        ``(N, out_length)`` predicted ids.
    """
    in_size, out_size = _input_vocab_sizes(model)
    enc = _check_ids(encoder_input, "encoder_input", in_size)
    out_length = check_scalar(out_length, "out_length", int, low=1)
    start_id = check_scalar(start_id, "start_id", int, low=0)
    if out_size is not None and start_id >= out_size:
        fail("start_id", f"an id below the output vocabulary size {out_size}", start_id)
    batch_size = check_scalar(batch_size, "batch_size", int, low=1)
    dec = np.zeros((len(enc), out_length), dtype=np.int32)
    dec[:, 0] = start_id
    pred = np.zeros_like(dec)
    for t in range(out_length):
        probs = _predict(model, enc, dec, batch_size)
        pred[:, t] = np.argmax(probs[:, t], axis=-1)
        if t + 1 < out_length:
            dec[:, t + 1] = pred[:, t]
    return pred


def sequence_accuracy(predicted, target, pad_id: int = 0):
    """Character accuracy (pads ignored) and exact-match accuracy (every character right).

    Returns:
        ``(char_accuracy, exact_accuracy)`` as floats in [0, 1].
    """
    p = check_array(predicted, "predicted", ndim=2, dtype=None)
    t = check_array(target, "target", ndim=2, dtype=None)
    if p.shape != t.shape:
        fail("predicted", f"the shape of target {t.shape}", p)
    real = t != pad_id
    right = (p == t) | ~real
    return float((p == t)[real].mean()), float(right.all(axis=1).mean())


# ------------------------------------------------------------------ language model
def apply_temperature(probs, temperature: float) -> np.ndarray:
    """Re-shape a distribution with a temperature: ``softmax(log(p) / temperature)``.

    Below 1 the likely characters get likelier (safer, repetitive text); above 1
    the distribution flattens (more surprising, more mistakes). Works on the
    last axis.

    Raises:
        ValueError: a non-positive temperature, or probabilities that are
            negative or do not sum to 1.
    """
    temperature = check_scalar(temperature, "temperature", float, low=0, closed="neither")
    p = check_array(probs, "probs", ndim=(1, 2))
    if np.any(p < 0) or not np.allclose(p.sum(axis=-1), 1.0, atol=1e-4):
        fail("probs", "non-negative probabilities summing to 1 along the last axis", p)
    with np.errstate(divide="ignore"):
        logits = np.log(p) / temperature
    logits = logits - np.max(logits, axis=-1, keepdims=True)
    e = np.exp(logits)
    return e / e.sum(axis=-1, keepdims=True)


def sample_index(probs, temperature: float = 1.0, rng=None) -> int:
    """Draw one index from ``probs`` (1-D) after :func:`apply_temperature`.

    ``rng`` is a ``numpy.random.Generator`` or a seed (int); the same seed gives
    the same draw.
    """
    p = apply_temperature(check_array(probs, "probs", ndim=1), temperature)
    rng = np.random.default_rng(rng)
    return int(rng.choice(len(p), p=p))


def char_windows(text: str, vocab: CharVocab, window: int, step: int = 1):
    """Next-character training pairs: ``X (N, window)`` ids and ``y (N, window)``, ``y`` = ``X`` shifted by one."""
    window = check_scalar(window, "window", int, low=1)
    step = check_scalar(step, "step", int, low=1)
    if len(text) < window + 1:
        _reject("text", f"at least window + 1 = {window + 1} characters", f"{len(text)} characters")
    ids = vocab.encode([text])[0]
    starts = np.arange(0, len(ids) - window, step)
    X = np.stack([ids[s : s + window] for s in starts])
    y = np.stack([ids[s + 1 : s + window + 1] for s in starts])
    return X, y


def build_char_lm(
    vocab_size: int, units: int = 128, embed_dim: int = 16, learning_rate: float = 5e-3
):
    """A GRU that predicts the next character at every position: ``(N, T) -> (N, T, vocab)``."""
    keras = _keras()
    vocab_size = check_scalar(vocab_size, "vocab_size", int, low=2)
    check_scalar(units, "units", int, low=1)
    inp = keras.Input((None,), dtype="int32", name="characters")
    x = keras.layers.Embedding(vocab_size, embed_dim, name="embedding")(inp)
    x = keras.layers.GRU(units, return_sequences=True, name="gru")(x)
    out = keras.layers.Dense(vocab_size, activation="softmax", name="next_char")(x)
    model = keras.Model(inp, out, name="char_lm")
    return _compile(keras, model, learning_rate)


def _lm_stepper(model):
    """A model that advances the char LM one chunk at a time, carrying the GRU state.

    It shares the embedding and output layers of ``model`` and copies its GRU's
    weights, so stepping gives the same probabilities as reading the whole text.
    """
    keras = _keras()
    names = {layer.name for layer in model.layers}
    if not {"embedding", "gru", "next_char"} <= names:
        _reject(
            "model",
            "a model from build_char_lm (layers 'embedding', 'gru', 'next_char')",
            f"model {model.name!r} with layers {sorted(names)}",
        )
    gru = model.get_layer("gru")
    chars = keras.Input((None,), dtype="int32")
    state_in = keras.Input((gru.units,))
    config = {**gru.get_config(), "return_state": True, "name": "gru_step"}
    stepping = keras.layers.GRU.from_config(config)
    seq, state = stepping(model.get_layer("embedding")(chars), initial_state=state_in)
    step = keras.Model([chars, state_in], [model.get_layer("next_char")(seq), state])
    stepping.set_weights(gru.get_weights())
    return step


def generate_text(
    model, vocab: CharVocab, prompt: str, length: int, temperature: float = 1.0, seed: int = 0
) -> str:
    """Extend ``prompt`` by ``length`` characters sampled from a character model.

    The model reads the prompt once, then one character at a time, carrying its
    GRU state; each next character is drawn from its prediction with
    :func:`sample_index` (seeded: same seed, same text).

    Args:
        model: a model from :func:`build_char_lm`.
        vocab: the ``CharVocab`` it was trained with.
        prompt: the text to continue (characters of the vocabulary).
        length: how many characters to add.
        temperature: > 0; below 1 safer, above 1 more surprising.
        seed: seed of the sampling.

    Raises:
        ValueError: an empty prompt, unknown characters in it, or a bad temperature.
    """
    check_scalar(temperature, "temperature", float, low=0, closed="neither")
    length = check_scalar(length, "length", int, low=1)
    if not prompt:
        fail("prompt", "at least one character", prompt)
    ids = vocab.encode([prompt])
    step = _lm_stepper(model)
    state = np.zeros((1, model.get_layer("gru").units), dtype="float32")
    rng = np.random.default_rng(seed)
    new = []
    for _ in range(length):
        probs, state = step.predict_on_batch([ids, state])
        p = np.asarray(probs, dtype=float)[0, -1]
        p[: vocab.end_id + 1] = 0.0  # never emit padding/start/end inside text
        new.append(sample_index(p / p.sum(), temperature, rng))
        ids = np.array([[new[-1]]], dtype=np.int32)
        state = np.asarray(state)
    return prompt + vocab.decode([new])[0]
