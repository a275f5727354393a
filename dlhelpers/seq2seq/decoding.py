"""Running a trained seq2seq model: teacher-forced and greedy decoding, scores, sampling.

The decoders work for any model with inputs ``[encoder_input, decoder_input]`` whose
step-t output depends only on decoder inputs ``<= t`` (every builder of
:mod:`dlhelpers.seq2seq.models`, and the models the chapter writes out).
"""

from __future__ import annotations

import numpy as np

from dlhelpers._validation import check_array, check_scalar, fail, reject

__all__ = [
    "greedy_decode",
    "teacher_forced_decode",
    "sequence_accuracy",
    "apply_temperature",
    "sample_index",
]


def _ids(x, name: str, model, layer: str) -> np.ndarray:
    """A 2-D array of integer ids below the vocabulary size of ``model``'s ``layer``."""
    a = check_array(x, name, ndim=2, dtype=None)
    if a.dtype.kind not in "iu" and (a.dtype.kind != "f" or np.any(a != np.round(a))):
        fail(name, "integer token ids", a)
    try:
        size = int(model.get_layer(layer).input_dim)
    except (ValueError, AttributeError):  # a model without that embedding: no upper bound
        size = None
    if a.size and (a.min() < 0 or (size is not None and a.max() >= size)):
        ids = f"ids in [0, {size})" if size else "non-negative ids"
        reject(name, ids, f"values from {a.min()} to {a.max()}")
    return a.astype(np.int32)


def _predict(model, enc, dec, batch_size: int) -> np.ndarray:
    """``model.predict`` without its per-call set-up cost (greedy decoding calls it per step)."""
    batch_size = check_scalar(batch_size, "batch_size", int, low=1)
    return np.concatenate(
        [
            np.asarray(model.predict_on_batch([enc[i : i + batch_size], dec[i : i + batch_size]]))
            for i in range(0, len(enc), batch_size)
        ]
    )


def teacher_forced_decode(model, encoder_input, decoder_input, batch_size: int = 512):
    """Predicted ids ``(N, T)`` when the decoder is fed the *true* previous characters."""
    enc = _ids(encoder_input, "encoder_input", model, "encoder_embedding")
    dec = _ids(decoder_input, "decoder_input", model, "decoder_embedding")
    if len(enc) != len(dec):
        fail("decoder_input", f"{len(enc)} rows like encoder_input", dec)
    return np.argmax(_predict(model, enc, dec, batch_size), axis=-1).astype(np.int32)


def greedy_decode(model, encoder_input, out_length: int, start_id: int = 1, batch_size: int = 512):
    """Free-running decoding: feed the model its own previous predictions.

    Starts from the start token; at step t the decoder input holds the ids predicted at
    steps ``< t`` and the most likely character at step t is kept.

    Returns:
        ``(N, out_length)`` predicted ids.
    """
    enc = _ids(encoder_input, "encoder_input", model, "encoder_embedding")
    out_length = check_scalar(out_length, "out_length", int, low=1)
    dec = np.zeros((len(enc), out_length), dtype=np.int32)
    dec[:, 0] = check_scalar(start_id, "start_id", int, low=0)
    _ids(dec[:1, :1], "start_id", model, "decoder_embedding")
    for t in range(out_length):
        step = np.argmax(_predict(model, enc, dec, batch_size)[:, t], axis=-1)
        if t + 1 < out_length:
            dec[:, t + 1] = step
    return np.concatenate([dec[:, 1:], step[:, None]], axis=1).astype(np.int32)


def sequence_accuracy(predicted, target, pad_id: int = 0):
    """Character accuracy (pads ignored) and exact-match accuracy (every character right).

    Example:
        >>> sequence_accuracy([[3, 4, 2, 9], [5, 1, 7, 2]], [[3, 4, 2, 0], [5, 6, 7, 2]])
        (0.8571428571428571, 0.5)
    """
    p = check_array(predicted, "predicted", ndim=2, dtype=None)
    t = check_array(target, "target", ndim=2, dtype=None)
    if p.shape != t.shape:
        fail("predicted", f"the shape of target {t.shape}", p)
    real = t != pad_id
    return float((p == t)[real].mean()), float(((p == t) | ~real).all(axis=1).mean())


def apply_temperature(probs, temperature: float) -> np.ndarray:
    """Re-shape distributions (last axis) with a temperature: ``softmax(log(p) / temperature)``.

    Below 1 the likely characters get likelier (safer, repetitive text); above 1 the
    distribution flattens (more surprising, more mistakes).
    """
    temperature = check_scalar(temperature, "temperature", float, low=0, closed="neither")
    p = check_array(probs, "probs", ndim=(1, 2))
    if np.any(p < 0) or not np.allclose(p.sum(axis=-1), 1.0, atol=1e-4):
        fail("probs", "non-negative probabilities summing to 1 along the last axis", p)
    with np.errstate(divide="ignore"):
        logits = np.log(p) / temperature
    e = np.exp(logits - np.max(logits, axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def sample_index(probs, temperature: float = 1.0, rng=None) -> int:
    """One index drawn from ``probs`` (1-D) after :func:`apply_temperature`.

    ``rng`` is a ``numpy.random.Generator`` or a seed: the same seed gives the same draw.
    """
    p = apply_temperature(check_array(probs, "probs", ndim=1), temperature)
    return int(np.random.default_rng(rng).choice(len(p), p=p))
