"""Chapter 7's Keras models, reusable versions of the ones the chapter writes out (and
asserts equal): GRU encoder-decoders with or without attention, a one-block Transformer."""

from __future__ import annotations

import numpy as np

from dlhelpers._validation import check_scalar, fail, reject
from dlhelpers.inspect.core import keras_module

__all__ = ["positional_encoding", "build_encoder_decoder", "build_transformer", "refit_from_seed"]


def _compile(model, learning_rate: float):
    """Adam and sparse cross-entropy; the optimizer's variables made now, not in the first
    traced training step (which then traces about a second faster on a 2-core CPU)."""
    keras = keras_module()
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    model.optimizer.build(model.trainable_variables)
    return model


def positional_encoding(length: int, depth: int) -> np.ndarray:
    """Sinusoidal positions of the Transformer paper, ``(length, depth)``.

    Column pairs ``2i, 2i+1`` hold ``sin`` and ``cos`` of ``pos / 10000**(2i/depth)``.
    """
    length = check_scalar(length, "length", int, low=1)
    depth = check_scalar(depth, "depth", int, low=2)
    angles = np.arange(length)[:, None] / 10000 ** (2 * (np.arange(depth) // 2) / depth)
    return np.where(np.arange(depth) % 2 == 0, np.sin(angles), np.cos(angles))


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

    The encoder's last state starts the decoder GRU, which reads the shifted target
    (``context_every_step`` also feeds that state to every step); with ``attention=True``
    each decoder output queries all encoder states (``keras.layers.Attention``, unscaled).
    Compiled; inputs ``[encoder_input (N, in_length), decoder_input (N, out_length)]``,
    output probabilities ``(N, out_length, out_vocab_size)``.
    """
    layers = keras_module().layers
    enc_in = layers.Input((in_length,), dtype="int32", name="encoder_input")
    dec_in = layers.Input((out_length,), dtype="int32", name="decoder_input")
    x = layers.Embedding(in_vocab_size, embed_dim, mask_zero=True, name="encoder_embedding")(enc_in)
    gru = layers.GRU(units, return_sequences=True, return_state=True, name="encoder")
    enc_seq, enc_state = gru(x)
    y = layers.Embedding(out_vocab_size, embed_dim, name="decoder_embedding")(dec_in)
    if context_every_step:
        repeated = layers.RepeatVector(out_length, name="repeat_context")(enc_state)
        y = layers.Concatenate(name="concat_inputs")([y, repeated])
    dec_seq = layers.GRU(units, return_sequences=True, name="decoder")(y, initial_state=enc_state)
    if attention:
        context = layers.Attention(use_scale=False, name="attention")([dec_seq, enc_seq])
        dec_seq = layers.Concatenate(name="concat_context")([dec_seq, context])
    hidden = layers.Dense(units, activation="tanh", name="combine")(dec_seq)
    probs = layers.Dense(out_vocab_size, activation="softmax", name="output")(hidden)
    name = "seq2seq_attention" if attention else "seq2seq_plain"
    return _compile(keras_module().Model([enc_in, dec_in], probs, name=name), learning_rate)


def _block(x, context, mask, prefix, d_model, heads, ff_dim, causal=False, cross_mask=None):
    """One Transformer block: self-attention (causal in the decoder), cross-attention over
    ``context`` when given, then the feed-forward part; each a residual and a layer norm."""
    layers = keras_module().layers

    def sublayer(name, x, out):
        return layers.LayerNormalization(name=f"{prefix}_{name}_norm")(x + out)

    attend = layers.MultiHeadAttention(heads, d_model // heads, name=f"{prefix}_self_attention")
    x = sublayer("self", x, attend(x, x, attention_mask=mask, use_causal_mask=causal))
    if context is not None:
        cross = layers.MultiHeadAttention(heads, d_model // heads, name=f"{prefix}_cross_attention")
        x = sublayer("cross", x, cross(x, context, attention_mask=cross_mask))
    ff = layers.Dense(ff_dim, activation="relu", name=f"{prefix}_ff1")(x)
    return sublayer("ff", x, layers.Dense(d_model, name=f"{prefix}_ff2")(ff))


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
    """A one-block Transformer encoder-decoder, used like :func:`build_encoder_decoder`.

    Embeddings plus sinusoidal positions; encoder block: self-attention and feed-forward;
    decoder block: causal self-attention, cross-attention over the encoder, feed-forward
    (each a residual and a layer norm). Input padding is masked. A ``ValueError`` if
    ``d_model`` is not a multiple of ``heads``.
    """
    keras = keras_module()
    ops, layers = keras.ops, keras.layers
    if check_scalar(d_model, "d_model", int, low=1) % check_scalar(heads, "heads", int, low=1):
        fail("d_model", f"a multiple of heads={heads}", d_model)
    enc_in = layers.Input((in_length,), dtype="int32", name="encoder_input")
    dec_in = layers.Input((out_length,), dtype="int32", name="decoder_input")
    real = ops.not_equal(enc_in, 0)  # (N, Tin), True on real characters
    x = layers.Embedding(in_vocab_size, d_model, name="encoder_embedding")(enc_in)
    x = x + positional_encoding(in_length, d_model).astype("float32")
    size = (d_model, heads, ff_dim)
    x = _block(x, None, ops.logical_and(real[:, None, :], real[:, :, None]), "encoder", *size)
    y = layers.Embedding(out_vocab_size, d_model, name="decoder_embedding")(dec_in)
    y = y + positional_encoding(out_length, d_model).astype("float32")
    cross_mask = ops.repeat(real[:, None, :], out_length, axis=1)
    y = _block(y, x, None, "decoder", *size, causal=True, cross_mask=cross_mask)
    probs = layers.Dense(out_vocab_size, activation="softmax", name="output")(y)
    return _compile(keras.Model([enc_in, dec_in], probs, name="transformer"), learning_rate)


def refit_from_seed(model, build, seed: int, x, y, **fit_kwargs):
    """Train ``model`` again from scratch, starting as a model built after ``set_seed(seed)``.

    A new model spends seconds tracing its training step on its first ``fit``; this keeps
    ``model`` (and its traced step) and resets its state: the weights of ``build()`` (a
    function returning a new compiled model of the same architecture) called right after
    ``dlhelpers.set_seed(seed)``, and a fresh optimizer. The seed also fixes the shuffling.
    ``x``, ``y`` and ``fit_kwargs`` go to ``model.fit``, whose ``History`` is returned. A
    ``ValueError`` if ``build()``'s weights or optimizer state do not match ``model``'s.
    """
    from dlhelpers._tf import set_seed

    set_seed(seed)
    fresh = build()
    shapes = [tuple(w.shape) for w in getattr(fresh, "weights", [])]
    if shapes != [tuple(w.shape) for w in model.weights]:
        want = f"a function returning a model with the weight shapes of {model.name!r}"
        reject("build", want, f"a model with weight shapes {shapes}")
    model.set_weights(fresh.get_weights())
    for m in (model, fresh):  # build the optimizers so their (zero) state can be copied
        if not m.optimizer.built:
            m.optimizer.build(m.trainable_variables)
    state = [np.asarray(v) for v in fresh.optimizer.variables]
    if [s.shape for s in state] != [tuple(v.shape) for v in model.optimizer.variables]:
        want = f"a model compiled with the optimizer of {model.name!r}"
        reject(
            "build", want, f"optimizer {type(fresh.optimizer).__name__} with {len(state)} variables"
        )
    model.optimizer.set_weights(state)
    return model.fit(x, y, **fit_kwargs)
