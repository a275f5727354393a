"""Chapter 13's language models: data windows, n-gram baselines, perplexity, sampling, and
the Keras builders of the decoder-only Transformer and the GRU the chapter writes out.

The NumPy parts import nothing heavy; the builders import Keras when called.
"""

from __future__ import annotations

import numpy as np

from dlhelpers._validation import check_array, check_scalar, fail

__all__ = [
    "next_token_windows",
    "unigram",
    "bigram",
    "token_log_probs",
    "perplexity",
    "sampling_distribution",
    "sample_next",
    "next_token_logits",
    "generate",
    "build_transformer_lm",
    "build_gru_lm",
]


def _ids(x, name: str, ndim) -> np.ndarray:
    a = check_array(x, name, ndim=ndim, dtype=None)
    if a.dtype.kind not in "iu" or a.min() < 0:
        fail(name, "non-negative integer token ids", a)
    return a


def next_token_windows(ids, length: int) -> tuple[np.ndarray, np.ndarray]:
    """Cut a stream of ids into non-overlapping windows and their next-token targets.

    Returns ``x, y`` of shape ``(n, length)`` with ``y[i, t] = ids[i * length + t + 1]``:
    every position of a window is a training example, the token that follows it the label.

    Example:
        >>> x, y = next_token_windows(np.arange(7), 3)
        >>> x.tolist(), y.tolist()
        ([[0, 1, 2], [3, 4, 5]], [[1, 2, 3], [4, 5, 6]])
    """
    a = _ids(ids, "ids", 1)
    length = check_scalar(length, "length", int, low=1)
    n = (len(a) - 1) // length
    if n < 1:
        fail("ids", f"at least {length + 1} ids for one window of length {length}", a)
    return a[: n * length].reshape(n, length), a[1 : n * length + 1].reshape(n, length)


def unigram(ids, vocab_size: int, alpha: float = 1.0) -> np.ndarray:
    """Token frequencies with add-``alpha`` smoothing: ``(count + alpha) / (n + alpha * V)``.

    Example:
        >>> unigram([2, 2, 3], 4, alpha=1.0).tolist()
        [0.14285714285714285, 0.14285714285714285, 0.42857142857142855, 0.2857142857142857]
    """
    a = _ids(ids, "ids", 1)
    vocab_size = check_scalar(vocab_size, "vocab_size", int, low=int(a.max()) + 1)
    alpha = check_scalar(alpha, "alpha", float, low=0, closed="neither")
    counts = np.bincount(a, minlength=vocab_size) + alpha
    return counts / counts.sum()


def bigram(ids, vocab_size: int, alpha: float = 0.1) -> np.ndarray:
    """``P[a, b]`` = probability that ``b`` follows ``a``, add-``alpha`` smoothed per row.

    A row of a token never seen in training is uniform.
    """
    a = _ids(ids, "ids", 1)
    vocab_size = check_scalar(vocab_size, "vocab_size", int, low=int(a.max()) + 1)
    alpha = check_scalar(alpha, "alpha", float, low=0, closed="neither")
    counts = np.full((vocab_size, vocab_size), alpha)
    np.add.at(counts, (a[:-1], a[1:]), 1)
    return counts / counts.sum(axis=1, keepdims=True)


def token_log_probs(logits, targets) -> np.ndarray:
    """``log softmax(logits)[target]`` per position, in nats, computed in float64.

    Args:
        logits: ``(..., V)`` scores of a model (before the softmax).
        targets: ``(...)`` ids of the true next tokens.
    """
    z = check_array(logits, "logits", ndim=(1, 2, 3)).astype(np.float64)
    t = _ids(targets, "targets", z.ndim - 1)
    if t.shape != z.shape[:-1] or t.max() >= z.shape[-1]:
        fail("targets", f"ids below {z.shape[-1]} of shape {z.shape[:-1]}", t)
    top = z.max(axis=-1, keepdims=True)
    log_norm = top[..., 0] + np.log(np.exp(z - top).sum(axis=-1))
    return np.take_along_axis(z, t[..., None], axis=-1)[..., 0] - log_norm


def perplexity(log_probs) -> float:
    """``exp(-mean(log p))``: the cross-entropy in nats per token, exponentiated.

    A model that spreads its bet evenly over ``k`` tokens has perplexity ``k``.

    Example:
        >>> round(perplexity(np.log([0.25, 0.25])), 6)
        4.0
    """
    lp = check_array(log_probs, "log_probs", ndim=None, allow_nan=True)
    if np.isnan(lp).any() or np.any(lp > 0):
        fail("log_probs", "log-probabilities (<= 0; -inf for a probability of 0)", lp)
    return float(np.exp(-lp.mean()))


def sampling_distribution(logits, temperature: float = 1.0, top_k: int | None = None):
    """The probabilities :func:`sample_next` draws from, ``(V,)``.

    Keep the ``top_k`` largest logits (``None``: all), divide by ``temperature`` and take the
    softmax. ``temperature=0`` puts all the mass on the largest logit (greedy decoding; the
    first one if several tie). Logits tied with the ``top_k``-th largest are all kept, so more
    than ``top_k`` tokens may remain. A logit of ``-inf`` (a masked token) gets probability 0.

    Example:
        >>> sampling_distribution([2.0, 1.0, 1.0, -np.inf], top_k=2).round(3).tolist()
        [0.576, 0.212, 0.212, 0.0]
    """
    z = check_array(logits, "logits", ndim=1, allow_nan=True).astype(np.float64)
    if np.isnan(z).any() or np.isposinf(z).any() or np.isneginf(z).all():
        fail("logits", "finite values or -inf (masked), at least one finite", z)
    temperature = check_scalar(temperature, "temperature", float, low=0)
    if top_k is not None:
        top_k = check_scalar(top_k, "top_k", int, low=1, high=len(z))
        z = np.where(z >= np.sort(z)[-top_k], z, -np.inf)
    if temperature == 0:
        return np.eye(len(z))[np.argmax(z)]
    e = np.exp((z - z.max()) / temperature)
    return e / e.sum()


def sample_next(logits, temperature: float = 1.0, top_k: int | None = None, rng=None) -> int:
    """One token id drawn from :func:`sampling_distribution`; ``rng`` a seed or Generator."""
    p = sampling_distribution(logits, temperature, top_k)
    return int(np.random.default_rng(rng).choice(len(p), p=p))


def _prompt(model, prompt_ids) -> list:
    """``prompt_ids`` checked against ``model``'s vocabulary (its output size), as a list."""
    ids = _ids(prompt_ids, "prompt_ids", 1)
    vocab_size = int(model.output_shape[-1])
    if ids.max() >= vocab_size:
        fail("prompt_ids", f"ids below the model's vocabulary size {vocab_size}", ids)
    return ids.tolist()


def _last_logits(model, ids: list) -> np.ndarray:
    context = model.input_shape[1]  # None for a model built on keras.Input((None,))
    recent = ids[-context:] if context else ids
    window = np.zeros((1, context or len(recent)), dtype=np.int32)
    window[0, : len(recent)] = recent
    return np.asarray(model.predict_on_batch(window))[0, len(recent) - 1]


def next_token_logits(model, prompt_ids) -> np.ndarray:
    """The logits ``(V,)`` a causal ``model`` gives the token after ``prompt_ids``.

    ``model`` maps ``(1, context)`` ids to ``(1, context, V)`` logits, and position ``t``
    depends only on positions ``<= t`` (both chapter models). The last ``context`` ids are fed,
    padded with 0 on the right: the causal mask keeps the padding out of position ``t``. A
    model built on ``keras.Input((None,))`` (no fixed context, e.g. a GRU) gets every id.
    """
    return _last_logits(model, _prompt(model, prompt_ids))


def generate(model, prompt_ids, steps: int, temperature=1.0, top_k=None, seed: int = 0):
    """Extend ``prompt_ids`` by ``steps`` tokens sampled from a causal ``model``.

    Each step draws from :func:`sampling_distribution` of :func:`next_token_logits`.

    Returns:
        The prompt followed by the new ids, ``(len(prompt) + steps,)`` int32.
    """
    ids = _prompt(model, prompt_ids)
    steps = check_scalar(steps, "steps", int, low=0)
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        ids.append(sample_next(_last_logits(model, ids), temperature, top_k, rng))
    return np.array(ids, dtype=np.int32)


def _keras():
    from dlhelpers._tf import import_tensorflow

    import_tensorflow()
    import keras

    return keras


def _compile(model, learning_rate: float):
    keras = _keras()
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model


def build_transformer_lm(
    vocab_size: int,
    context: int,
    d_model: int = 32,
    heads: int = 2,
    ff_dim: int = 64,
    blocks: int = 1,
    learning_rate: float = 1e-2,
    name: str = "transformer_lm",
):
    """The chapter's decoder-only Transformer, compiled (Adam, cross-entropy on logits).

    Token embedding plus a learned position embedding; ``blocks`` times causal multi-head
    self-attention and a feed-forward layer, each added back (residual) and layer-normalised;
    a ``Dense(vocab_size)`` gives next-token logits ``(N, context, vocab_size)``. ``name`` names
    the model (copies trained side by side in one ``keras.Model`` need distinct names).
    """
    keras = _keras()
    layers, ops = keras.layers, keras.ops
    vocab_size = check_scalar(vocab_size, "vocab_size", int, low=2)
    learning_rate = check_scalar(learning_rate, "learning_rate", float, low=0, closed="neither")
    context = check_scalar(context, "context", int, low=1)
    if check_scalar(d_model, "d_model", int, low=1) % check_scalar(heads, "heads", int, low=1):
        fail("d_model", f"a multiple of heads={heads}", d_model)
    ff_dim = check_scalar(ff_dim, "ff_dim", int, low=1)
    inputs = keras.Input((context,), dtype="int32", name="tokens")
    positions = ops.zeros_like(inputs) + ops.arange(context, dtype="int32")
    x = layers.Embedding(vocab_size, d_model, name="token_embedding")(inputs)
    x = x + layers.Embedding(context, d_model, name="position_embedding")(positions)
    for b in range(check_scalar(blocks, "blocks", int, low=1)):
        attention = layers.MultiHeadAttention(heads, d_model // heads, name=f"attention_{b}")
        x = layers.LayerNormalization(name=f"norm_a{b}")(x + attention(x, x, use_causal_mask=True))
        ff = layers.Dense(ff_dim, activation="relu", name=f"ff_{b}")(x)
        x = layers.LayerNormalization(name=f"norm_f{b}")(
            x + layers.Dense(d_model, name=f"ff_out_{b}")(ff)
        )
    logits = layers.Dense(vocab_size, name="next_token")(x)
    return _compile(keras.Model(inputs, logits, name=name), learning_rate)


def build_gru_lm(
    vocab_size: int,
    context: int,
    embed_dim: int = 32,
    units: int = 40,
    learning_rate: float = 1e-2,
    name: str = "gru_lm",
):
    """The chapter's GRU language model, compiled like :func:`build_transformer_lm`.

    ``Embedding -> GRU(return_sequences=True) -> Dense(vocab_size)``: a recurrent state
    carries the past instead of attention; logits ``(N, context, vocab_size)``.
    """
    keras = _keras()
    layers = keras.layers
    vocab_size = check_scalar(vocab_size, "vocab_size", int, low=2)
    learning_rate = check_scalar(learning_rate, "learning_rate", float, low=0, closed="neither")
    embed_dim = check_scalar(embed_dim, "embed_dim", int, low=1)
    units = check_scalar(units, "units", int, low=1)
    inputs = keras.Input((check_scalar(context, "context", int, low=1),), dtype="int32")
    x = layers.Embedding(vocab_size, embed_dim, name="token_embedding")(inputs)
    x = layers.GRU(units, return_sequences=True, name="gru")(x)
    logits = layers.Dense(vocab_size, name="next_token")(x)
    return _compile(keras.Model(inputs, logits, name=name), learning_rate)
