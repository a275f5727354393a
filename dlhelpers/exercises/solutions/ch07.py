"""Reference solutions for Chapter 7 (peek only after trying)."""

import numpy as np

__all__ = ["dot_product_weights", "scaled_dot_product", "temperature_softmax", "train_date_model"]


def _softmax(x):
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def dot_product_weights(query, keys):
    """Attention weights ``(Tq, Tv)``: softmax over the keys of ``query @ keys.T``."""
    return _softmax(np.asarray(query) @ np.asarray(keys).T)


def scaled_dot_product(query, key, value):
    """``softmax(query @ key.T / sqrt(d)) @ value`` for 2-D arrays, ``(Tq, dv)``."""
    query, key, value = (np.asarray(a, dtype=float) for a in (query, key, value))
    return _softmax(query @ key.T / np.sqrt(query.shape[-1])) @ value


def temperature_softmax(logits, temperature):
    """``softmax(logits / temperature)``: the distribution to sample the next token from."""
    return _softmax(np.asarray(logits, dtype=float) / temperature)


def train_date_model(task):
    """A GRU encoder-decoder with attention, trained on the task's lines (a few seconds)."""
    from dlhelpers import seq2seq

    model = seq2seq.build_encoder_decoder(
        len(task.in_vocab),
        len(task.out_vocab),
        task.in_length,
        task.out_length,
        units=32,
        attention=True,
        learning_rate=1e-2,
    )
    model.fit(task.x_train, task.y_train, epochs=4, batch_size=32, verbose=0)
    return model
