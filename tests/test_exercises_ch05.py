"""Chapter 5 checkers accept the reference solutions and explain typical mistakes."""

import numpy as np
import pytest

from dlhelpers.exercises import ch05
from dlhelpers.exercises.solutions import ch05 as solutions


def test_references_pass():
    for check, func in [
        (ch05.check_rnn_step, solutions.rnn_step),
        (ch05.check_simple_rnn_params, solutions.simple_rnn_params),
        (ch05.check_clip_by_norm, solutions.clip_by_norm),
    ]:
        feedback = check(func)
        assert feedback, str(feedback)
        assert str(feedback).startswith("Correct!")


def test_simple_rnn_params_reference_matches_keras(tf):
    import keras

    for features, units, use_bias in [(1, 16, True), (4, 3, False), (7, 9, True)]:
        layer = keras.layers.SimpleRNN(units, use_bias=use_bias)
        layer.build((None, 5, features))
        assert solutions.simple_rnn_params(features, units, use_bias) == layer.count_params()


def test_rnn_step_reference_matches_keras_cell(tf):
    import keras

    rng = np.random.default_rng(0)
    cell = keras.layers.SimpleRNNCell(4, dtype="float64")
    cell.build((None, 3))
    x_t, h_prev = rng.normal(size=(2, 3)), rng.normal(size=(2, 4))
    want, _ = cell(x_t, [h_prev])
    np.testing.assert_allclose(solutions.rnn_step(x_t, h_prev, *cell.get_weights()), want.numpy())


def _stub(*args, **kwargs):
    raise NotImplementedError


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda x, h, k, r, b: x @ k + h @ r + b, "tanh is missing"),
        (lambda x, h, k, r, b: np.tanh(x @ k + h @ r), "the bias is missing"),
        (lambda x, h, k, r, b: np.tanh(x @ k + h @ r.T + b), "recurrent kernel is transposed"),
        (lambda x, h, k, r, b: np.tanh(x @ k + b), "previous hidden state is ignored"),
        (lambda x, h, k, r, b: 1 / (1 + np.exp(-(x @ k + h @ r + b))), "not the sigmoid"),
        (lambda x, h, k, r, b: np.tanh(x @ k + h @ r + b)[:, :1], "one column per unit"),
    ],
)
def test_rnn_step_checker_recognises_mistakes(wrong, hint):
    feedback = ch05.check_rnn_step(wrong)
    assert not feedback
    assert hint in feedback.hint
    assert "case:" in str(feedback)


def test_rnn_step_checker_handles_a_crash_and_a_stub():
    crash = ch05.check_rnn_step(lambda x, h, k, r, b: x @ k.T)
    assert not crash and "raised ValueError" in crash.message
    assert "not written yet" in ch05.check_rnn_step(_stub).message


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda f, u, use_bias=True: f * u + u * u, "count the bias"),
        (lambda f, u, use_bias=True: f * u + u, "recurrent kernel (units x units) has weights"),
        (lambda f, u, use_bias=True: u * u + u, "input kernel"),
        (lambda f, u, use_bias=True: f * u + u * u + u, "with use_bias=False there is no bias"),
        (lambda f, u, use_bias=True: f * u + 2 * u, "recurrent kernel is units x units"),
    ],
)
def test_params_checker_recognises_mistakes(wrong, hint):
    feedback = ch05.check_simple_rnn_params(wrong)
    assert not feedback and hint in feedback.hint


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (lambda g, c: np.clip(g, -c, c), "clip by value"),
        (lambda g, c: g * c / np.linalg.norm(g), "only shrink gradients that are longer"),
        (lambda g, c: g / np.linalg.norm(g), "multiply by clip_norm"),
        (lambda g, c: g, "scale grad by clip_norm"),
        (lambda g, c: np.atleast_2d(g), "same shape as grad"),
    ],
)
def test_clip_checker_recognises_mistakes(wrong, hint):
    feedback = ch05.check_clip_by_norm(wrong)
    assert not feedback and hint in feedback.hint


def test_feedback_text_is_deterministic():
    first = str(ch05.check_rnn_step(lambda x, h, k, r, b: np.tanh(x @ k + h @ r)))
    second = str(ch05.check_rnn_step(lambda x, h, k, r, b: np.tanh(x @ k + h @ r)))
    assert first == second and first.startswith("Not yet:")
