"""Chapter 7 checkers accept the reference solutions and reject the usual mistakes."""

import numpy as np
import pytest

from dlhelpers.exercises import ch07
from dlhelpers.exercises.solutions import ch07 as ref


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@pytest.mark.parametrize(
    ("checker", "solution"),
    [
        (ch07.check_dot_product_weights, ref.dot_product_weights),
        (ch07.check_scaled_dot_product, ref.scaled_dot_product),
        (ch07.check_temperature_softmax, ref.temperature_softmax),
    ],
)
def test_reference_solutions_pass(checker, solution):
    feedback = checker(solution)
    assert feedback and str(feedback).startswith("Correct!")


def test_reference_solutions_agree_with_the_package():
    from dlhelpers.scratch import scaled_dot_product_attention
    from dlhelpers.seq2seq import apply_temperature

    rng = np.random.default_rng(0)
    q, k, v = rng.normal(size=(3, 4)), rng.normal(size=(5, 4)), rng.normal(size=(5, 2))
    out, w = scaled_dot_product_attention(q[None], k[None], v[None])
    np.testing.assert_allclose(ref.scaled_dot_product(q, k, v), out[0])
    _, w1 = scaled_dot_product_attention(q[None], k[None], v[None], scale=1.0)
    np.testing.assert_allclose(ref.dot_product_weights(q, k), w1[0])
    logits = rng.normal(size=6)
    np.testing.assert_allclose(
        ref.temperature_softmax(logits, 0.7), apply_temperature(_softmax(logits), 0.7)
    )


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda q, k: _softmax(q @ k.T, axis=0), "along the last axis"),
        (lambda q, k: _softmax(q @ k.T / np.sqrt(q.shape[1])), "do not divide by sqrt"),
        (lambda q, k: q @ k.T, "raw scores"),
        (lambda q, k: _softmax(k @ q.T), None),
    ],
)
def test_dot_product_weights_rejects_typical_mistakes(wrong, hint):
    feedback = ch07.check_dot_product_weights(wrong)
    assert not feedback
    assert feedback.hint == hint if hint is None else hint in feedback.hint


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda q, k, v: _softmax(q @ k.T) @ v, "not scaled"),
        (lambda q, k, v: _softmax(q @ k.T / q.shape[1]) @ v, "not by d"),
        (lambda q, k, v: _softmax(q @ k.T / np.sqrt(q.shape[1]), axis=0) @ v, "axis=-1"),
        (lambda q, k, v: _softmax(q @ k.T / np.sqrt(q.shape[1])), "multiply them by the values"),
    ],
)
def test_scaled_dot_product_rejects_typical_mistakes(wrong, hint):
    feedback = ch07.check_scaled_dot_product(wrong)
    assert not feedback and hint in feedback.hint
    assert "case:" in str(feedback) and "expected:" in str(feedback)


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda z, t: _softmax(z) / t, "after the softmax"),
        (lambda z, t: _softmax(z * t), "divide"),
        (lambda z, t: _softmax(z), "ignored"),
    ],
)
def test_temperature_softmax_rejects_typical_mistakes(wrong, hint):
    feedback = ch07.check_temperature_softmax(wrong)
    assert not feedback and hint in feedback.hint


def test_stub_and_broken_functions_get_clear_messages():
    def stub(*args):
        raise NotImplementedError

    assert "not written yet" in str(ch07.check_temperature_softmax(stub))
    feedback = ch07.check_scaled_dot_product(lambda q, k, v: q @ v)
    assert not feedback and "raised ValueError" in str(feedback)
    assert not ch07.check_dot_product_weights("not a function")


def test_feedback_text_is_deterministic():
    def stub(q, k):
        raise NotImplementedError

    assert str(ch07.check_dot_product_weights(stub)) == str(ch07.check_dot_product_weights(stub))
    wrong = lambda q, k: _softmax(q @ k.T, axis=0)  # noqa: E731
    assert str(ch07.check_dot_product_weights(wrong)) == str(ch07.check_dot_product_weights(wrong))


# ------------------------------------------------------------ Exercise 4: a model
def test_date_task_and_held_out_lines_are_disjoint():
    task = ch07.date_task()
    enc, dec = task.x_train
    assert enc.shape == (1024, task.in_length) and dec.shape == task.y_train.shape
    np.testing.assert_array_equal(dec[:, 1:], task.y_train[:, :-1])  # teacher forcing
    held = ch07._held_out(task)
    assert len(held.target) == 300
    seen = set(task.in_vocab.decode(enc))
    assert not seen & set(task.in_vocab.decode(held.encoder_input))


def test_reference_model_passes_on_held_out_lines(tf):
    feedback = ch07.check_date_model(ref.train_date_model)
    assert feedback, str(feedback)
    assert "held-out lines exactly right" in str(feedback)


def test_untrained_model_fails_with_what_to_try(tf):
    from dlhelpers import seq2seq

    def untrained(task):
        sizes = (len(task.in_vocab), len(task.out_vocab), task.in_length, task.out_length)
        return seq2seq.build_encoder_decoder(*sizes, units=4, embed_dim=2)

    feedback = ch07.check_date_model(untrained)
    assert not feedback and "80% needed" in str(feedback)
    assert "attention" in feedback.hint


def test_date_model_checker_explains_bad_functions():
    def stub(task):
        raise NotImplementedError

    assert "not written yet" in str(ch07.check_date_model(stub))
    feedback = ch07.check_date_model(lambda task: None)
    assert not feedback and "raised AttributeError" in str(feedback)
    assert "return a trained Keras model" in feedback.hint
    assert "expected a function train(task)" in str(ch07.check_date_model("model"))
