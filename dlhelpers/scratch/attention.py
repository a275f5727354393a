"""Dot-product attention in NumPy, matching Keras (Chapter 7; causal self-attention, Chapter 13).

Layouts follow Keras: queries ``(N, Tq, d)``, keys and values ``(N, Tv, d)``
(the key may have another feature size than the value), attention weights
``(N, Tq, Tv)`` for one head and ``(N, heads, Tq, Tv)`` for several.
"""

from __future__ import annotations

import numpy as np

from dlhelpers._validation import check_array, check_scalar, fail, reject
from dlhelpers.scratch.backprop import softmax  # one softmax for the whole course

__all__ = [
    "scaled_dot_product_attention",
    "multi_head_attention",
    "causal_mask",
    "causal_self_attention",
]


def _check_mask(mask, n: int, tq: int, tv: int) -> np.ndarray:
    """Turn a mask of shape ``(N, Tv)`` or ``(N, Tq, Tv)`` into ``(N, Tq, Tv)``.

    As in Keras, a 2-D mask is always a padding mask ``(N, Tv)``; a per-query mask
    (e.g. causal) must be 3-D, ``(N, Tq, Tv)`` or ``(1, Tq, Tv)``. Reading a 2-D mask
    as ``(Tq, Tv)`` would be ambiguous whenever ``N == Tq``.
    """
    m = np.asarray(mask)
    if m.dtype.kind not in "biu":
        fail("mask", "a boolean or 0/1 array (True where a query may attend)", m)
    if m.ndim == 2 and m.shape == (n, tv):
        m = m[:, None, :]
    elif m.ndim != 3 or m.shape[1:] != (tq, tv) or m.shape[0] not in (1, n):
        fail(
            "mask",
            f"shape (N, Tv)=({n}, {tv}) (padding) or (N, Tq, Tv)=({n}, {tq}, {tv}) "
            f"(per query, e.g. causal: add a leading axis to a (Tq, Tv) mask)",
            m,
        )
    m = np.broadcast_to(m.astype(bool), (n, tq, tv))
    if not np.all(m.any(axis=-1)):
        raise ValueError(
            "mask: expected at least one True per query (a query must attend to something), "
            "received a row that masks every key."
        )
    return m


def scaled_dot_product_attention(query, key, value, mask=None, scale=None):
    """Dot-product attention: ``softmax(scale * query @ key^T) @ value``.

    Args:
        query: ``(N, Tq, d)`` array.
        key: ``(N, Tv, d)`` array (same ``d`` as ``query``).
        value: ``(N, Tv, dv)`` array (same ``Tv`` as ``key``).
        mask: optional boolean array, True where a query may attend to a key:
            ``(N, Tv)`` (padding mask) or ``(N, Tq, Tv)`` / ``(1, Tq, Tv)`` (per query,
            e.g. causal), as in Keras.
        scale: multiplies the scores. ``None`` uses ``1 / sqrt(d)`` as in the
            Transformer; ``keras.layers.Attention(use_scale=False)`` uses ``1.0``.

    Returns:
        output: ``(N, Tq, dv)`` weighted sums of the values.
        weights: ``(N, Tq, Tv)`` attention weights; each row sums to 1.

    Raises:
        ValueError: wrong ranks, mismatched sizes, a bad mask or a non-positive scale.

    Example:
        >>> q = k = v = np.eye(2)[None]
        >>> out, w = scaled_dot_product_attention(q, k, v, scale=1.0)
        >>> w.shape
        (1, 2, 2)
    """
    q = check_array(query, "query", ndim=3)
    k = check_array(key, "key", ndim=3)
    v = check_array(value, "value", ndim=3)
    if k.shape[0] != q.shape[0] or v.shape[0] != q.shape[0]:
        raise ValueError(
            f"query, key, value: expected the same batch size N, received "
            f"{q.shape[0]}, {k.shape[0]} and {v.shape[0]}."
        )
    if k.shape[1] != v.shape[1]:
        raise ValueError(
            f"key, value: expected the same length Tv, received key {k.shape} and value {v.shape}."
        )
    if k.shape[2] != q.shape[2]:
        raise ValueError(
            f"query, key: expected the same feature size d, received query {q.shape} "
            f"and key {k.shape}."
        )
    scale = (
        1.0 / np.sqrt(q.shape[2])
        if scale is None
        else check_scalar(scale, "scale", float, low=0, closed="neither")
    )
    scores = scale * np.einsum("nqd,nvd->nqv", q, k)
    if mask is not None:
        m = _check_mask(mask, q.shape[0], q.shape[1], k.shape[1])
        scores = np.where(m, scores, -np.inf)
    weights = softmax(scores, axis=-1)
    return weights @ v, weights


def _check_kernel(name: str, a: np.ndarray, want: tuple, dims: str) -> None:
    """``weights: expected Wq of shape (d_query=5, heads, key_dim), received (4, 2, 3).``"""
    if a.ndim != len(want) or any(
        w is not None and n != w for n, w in zip(a.shape, want, strict=True)
    ):
        shown = ", ".join(
            d if w is None else f"{d}={w}" for d, w in zip(dims.split(), want, strict=True)
        )
        reject("weights", f"{name} of shape ({shown})", str(a.shape))


def multi_head_attention(query, value, key=None, weights=(), mask=None, use_bias=True):
    """``keras.layers.MultiHeadAttention`` in NumPy, with the layer's own weights.

    Each head projects the query, key and value, runs scaled dot-product attention
    (scale ``1 / sqrt(key_dim)``), and the output kernel projects the heads back and sums them.

    Args:
        query: ``(N, Tq, d_query)`` array.
        value: ``(N, Tv, d_value)`` array.
        key: ``(N, Tv, d_key)`` array; defaults to ``value`` as in Keras.
        weights: ``layer.get_weights()`` of a built ``MultiHeadAttention``:
            ``[Wq, bq, Wk, bk, Wv, bv, Wo, bo]`` with ``Wq`` of shape
            ``(d_query, heads, key_dim)``, ``Wk`` ``(d_key, heads, key_dim)``,
            ``Wv`` ``(d_value, heads, value_dim)``, ``Wo`` ``(heads, value_dim, d_out)``;
            without the biases when ``use_bias=False``.
        mask: optional boolean mask as in :func:`scaled_dot_product_attention`
            (Keras' ``attention_mask``), shared by all heads.
        use_bias: whether ``weights`` holds biases (the layer's ``use_bias``).

    Returns:
        output: ``(N, Tq, d_out)``.
        weights: ``(N, heads, Tq, Tv)`` attention weights (Keras'
            ``return_attention_scores=True``).

    Raises:
        ValueError: wrong ranks, mismatched lengths, not the layer's number of weights, or
            kernels whose shapes do not fit the inputs or each other (heads, key_dim).
    """
    q = check_array(query, "query", ndim=3)
    v = check_array(value, "value", ndim=3)
    k = v if key is None else check_array(key, "key", ndim=3)
    if k.shape[:2] != v.shape[:2]:
        raise ValueError(
            f"key, value: expected the same batch size and length Tv, received key {k.shape} "
            f"and value {v.shape}."
        )
    ws = [np.asarray(w, dtype=float) for w in weights]
    if len(ws) != 4 * (1 + use_bias):
        order = "query, key, value and output kernels" + (", each with its bias" * use_bias)
        reject(
            "weights",
            f"{4 * (1 + use_bias)} arrays (get_weights() order: {order})",
            f"{len(ws)} arrays",
        )
    (wq, wk, wv, wo), (bq, bk, bv, bo) = (ws[0::2], ws[1::2]) if use_bias else (ws, [0] * 4)
    _check_kernel("Wq", wq, (q.shape[2], None, None), "d_query heads key_dim")
    h, kd = wq.shape[1:]
    _check_kernel("Wk", wk, (k.shape[2], h, kd), "d_key heads key_dim")
    _check_kernel("Wv", wv, (v.shape[2], h, None), "d_value heads value_dim")
    _check_kernel("Wo", wo, (h, wv.shape[2], None), "heads value_dim d_out")
    if use_bias:
        _check_kernel("bq", bq, (h, kd), "heads key_dim")
        _check_kernel("bk", bk, (h, kd), "heads key_dim")
        _check_kernel("bv", bv, (h, wv.shape[2]), "heads value_dim")
        _check_kernel("bo", bo, (wo.shape[2],), "d_out")
    # project, then fold the heads into the batch: (N, T, d) -> (N, T, H, k) -> (N*H, T, k)
    heads, n, tq, tv = wq.shape[1], q.shape[0], q.shape[1], k.shape[1]

    def fold(x, kernel, bias):
        a = np.einsum("ntd,dhk->nthk", x, kernel) + bias
        return a.transpose(0, 2, 1, 3).reshape(n * heads, a.shape[1], a.shape[3])

    m = None if mask is None else np.repeat(_check_mask(mask, n, tq, tv), heads, axis=0)
    out, w = scaled_dot_product_attention(
        fold(q, wq, bq), fold(k, wk, bk), fold(v, wv, bv), mask=m, scale=1 / np.sqrt(wq.shape[2])
    )
    out = out.reshape(n, heads, tq, -1).transpose(0, 2, 1, 3)  # (N, Tq, H, value_dim)
    return np.einsum("nthv,hvo->nto", out, wo) + bo, w.reshape(n, heads, tq, tv)


def causal_mask(length: int) -> np.ndarray:
    """``(1, length, length)`` boolean mask: query ``t`` may attend to keys ``0..t`` only.

    Example:
        >>> causal_mask(3)[0].astype(int)
        array([[1, 0, 0],
               [1, 1, 0],
               [1, 1, 1]])
    """
    length = check_scalar(length, "length", int, low=1)
    return np.tril(np.ones((length, length), dtype=bool))[None]


def causal_self_attention(x, weights=(), use_bias=True):
    """Masked multi-head self-attention of a decoder: each position sees itself and the past.

    ``keras.layers.MultiHeadAttention(...)(x, x, use_causal_mask=True)`` in NumPy: query, key
    and value all come from ``x``, and :func:`causal_mask` hides every later position (its
    score becomes ``-inf`` before the softmax, so its weight is exactly 0).

    Args:
        x: ``(N, T, d)`` array.
        weights: the layer's ``get_weights()``, as in :func:`multi_head_attention`.
        use_bias: whether ``weights`` holds biases.

    Returns:
        output ``(N, T, d_out)`` and weights ``(N, heads, T, T)``, zero above the diagonal.
    """
    x = check_array(x, "x", ndim=3)
    return multi_head_attention(
        x, x, weights=weights, mask=causal_mask(x.shape[1]), use_bias=use_bias
    )
