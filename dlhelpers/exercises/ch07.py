"""Exercises for Chapter 7: attention weights, scaled dot-product attention, temperature,
and a model to build and train (``check_date_model``, scored on held-out lines).
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from dlhelpers.exercises._core import Case, Feedback, check_cases, compare
from dlhelpers.scratch.backprop import softmax as _softmax

__all__ = [
    "check_dot_product_weights",
    "check_scaled_dot_product",
    "check_temperature_softmax",
    "DateTask",
    "date_task",
    "check_date_model",
]


def _matches(received, wrong) -> bool:
    return compare(wrong, received) is None


def _rng_cases(shapes, seed):
    rng = np.random.default_rng(seed)
    return [tuple(rng.normal(size=s) for s in shape) for shape in shapes]


def check_dot_product_weights(func):
    """Check ``func(query (Tq, d), keys (Tv, d)) -> weights (Tq, Tv)``, unscaled softmax over keys."""
    cases = []
    for q, k in _rng_cases([((1, 3), (4, 3)), ((3, 2), (5, 2)), ((4, 4), (4, 4))], seed=70):
        cases.append(Case(f"query {q.shape}, keys {k.shape}", (q, k), _softmax(q @ k.T)))

    def hints(case, received):
        q, k = case.args
        scores = q @ k.T
        if _matches(received, _softmax(scores, axis=0)):
            return (
                "each query's weights must sum to 1 over the keys: take the softmax along "
                "the last axis (axis=-1), not over the queries."
            )
        if _matches(received, _softmax(scores / np.sqrt(q.shape[1]))):
            return "this exercise asks for the plain dot product: do not divide by sqrt(d) yet."
        if _matches(received, scores):
            return "these are the raw scores: turn each row into weights with a softmax."
        return None

    return check_cases(func, cases, hints=hints, what="dot_product_weights")


def check_scaled_dot_product(func):
    """Check ``func(query (Tq, d), key (Tv, d), value (Tv, dv)) -> (Tq, dv)``."""
    cases = []
    shapes = [((2, 4), (3, 4), (3, 2)), ((1, 9), (6, 9), (6, 3)), ((5, 16), (5, 16), (5, 16))]
    for q, k, v in _rng_cases(shapes, seed=71):
        q = 3 * q  # large scores, so a missing scale shows
        expected = _softmax(q @ k.T / np.sqrt(q.shape[1])) @ v
        cases.append(Case(f"query {q.shape}, key {k.shape}, value {v.shape}", (q, k, v), expected))

    def hints(case, received):
        q, k, v = case.args
        d = q.shape[1]
        if _matches(received, _softmax(q @ k.T) @ v):
            return "the scores are not scaled: divide q @ k.T by sqrt(d) before the softmax."
        if _matches(received, _softmax(q @ k.T / d) @ v):
            return "divide by sqrt(d), not by d."
        if _matches(received, _softmax(q @ k.T / np.sqrt(d), axis=0) @ v):
            return "take the softmax over the keys (axis=-1) so each query's weights sum to 1."
        if _matches(received, _softmax(q @ k.T / np.sqrt(d))):
            return "these are the weights: multiply them by the values to get the output."
        return None

    return check_cases(func, cases, hints=hints, what="scaled_dot_product")


def check_temperature_softmax(func):
    """Check ``func(logits (vocab,), temperature) -> probabilities (vocab,)``."""
    rng = np.random.default_rng(72)
    cases = []
    for size, t in [(5, 1.0), (8, 0.5), (6, 2.0), (10, 0.1)]:
        logits = rng.normal(scale=2.0, size=size)
        cases.append(Case(f"{size} logits, temperature {t}", (logits, t), _softmax(logits / t)))

    def hints(case, received):
        logits, t = case.args
        if _matches(received, _softmax(logits) / t):
            return (
                "the temperature was applied after the softmax: divide the logits by the "
                "temperature first, then take the softmax (the result must sum to 1)."
            )
        if _matches(received, _softmax(logits * t)):
            return "multiply by 1/temperature (divide), not by the temperature."
        if _matches(received, _softmax(logits)):
            return "the temperature was ignored: use softmax(logits / temperature)."
        return None

    return check_cases(func, cases, hints=hints, what="temperature_softmax")


# ------------------------------------------------------------ Exercise 4: a model
DateTask = namedtuple(
    "DateTask", ["x_train", "y_train", "in_vocab", "out_vocab", "in_length", "out_length"]
)
_FORMATS, _TRAIN_SEED, _NEEDED = ("dd/mm/yy", "d.m.yyyy", "d mon yyyy"), 70, 0.8


def date_task(n: int = 1024) -> DateTask:
    """The training data of Exercise 4: ``n`` one-date lines, encoded for teacher forcing.

    ``x_train`` is ``[encoder_input, decoder_input]``, ``y_train`` the target ids.
    """
    from dlhelpers import seq2seq

    data = seq2seq.make_dates(n, seed=_TRAIN_SEED, formats=list(_FORMATS))
    in_vocab = seq2seq.CharVocab(" ./0123456789abcdefgjlmnoprstuvy")  # every format's characters
    out_vocab = seq2seq.CharVocab("0123456789-")
    a = seq2seq.encode_pairs(data.inputs, data.targets, in_vocab, out_vocab, 11, 11)
    return DateTask([a.encoder_input, a.decoder_input], a.target, in_vocab, out_vocab, 11, 11)


def _held_out(task: DateTask, n: int = 300):
    """Lines the learner never sees: another seed, minus any line of the training set."""
    from dlhelpers import seq2seq

    seen = set(task.in_vocab.decode(task.x_train[0]))
    data = seq2seq.make_dates(2 * n, seed=int.from_bytes(b"held out"), formats=list(_FORMATS))
    pairs = [(i, t) for i, t in zip(data.inputs, data.targets, strict=True) if i not in seen][:n]
    inputs, targets = zip(*pairs, strict=True)
    length = task.out_length
    return seq2seq.encode_pairs(
        inputs, targets, task.in_vocab, task.out_vocab, task.in_length, length
    )


def check_date_model(train):
    """Check ``train(task) -> model``: a Keras model trained on ``task = date_task()`` must get
    at least 80 % of 300 held-out one-date lines exactly right when decoding greedily."""
    from dlhelpers.seq2seq import greedy_decode, sequence_accuracy, teacher_forced_decode

    what = getattr(train, "__name__", "your function")
    if not callable(train):
        return Feedback(False, f"expected a function train(task), received {type(train).__name__}.")
    task = date_task()
    try:
        model = train(task)
        held = _held_out(task)
        free = greedy_decode(model, held.encoder_input, task.out_length)
        forced = teacher_forced_decode(model, held.encoder_input, held.decoder_input)
    except NotImplementedError:
        return Feedback(False, f"{what} is not written yet (it raised NotImplementedError).")
    except Exception as err:  # the learner's code may raise anything
        shape = "inputs [encoder_input, decoder_input] and output (N, out_length, out vocabulary)"
        return Feedback(
            False,
            f"{what} (or decoding its model) raised {type(err).__name__}: {err}",
            hint=f"return a trained Keras model with {shape}, like the chapter's models.",
        )
    chars, exact = sequence_accuracy(free, held.target)
    exact_forced = sequence_accuracy(forced, held.target)[1]
    score = f"{exact:.0%} of {len(free)} held-out lines exactly right ({chars:.0%} of characters)"
    if exact >= _NEEDED:
        return Feedback(True, f"{what}'s model got {score}.")
    if exact_forced > exact + 0.2:
        hint = (
            "it does far better fed the true previous characters than its own: train it "
            "with the decoder input shifted right (x_train[1] starts with <s>), as given."
        )
    else:
        hint = (
            "try attention over the encoder states (Section 4): the plain encoder-decoder "
            "squeezes the line through one vector. Then more epochs (watch the loss fall "
            "well below 0.1) or Adam's learning rate around 1e-2."
        )
    return Feedback(False, f"{what}'s model got {score}; {_NEEDED:.0%} needed.", hint=hint)
