"""Chapter 6 checkers accept the reference solutions and explain typical mistakes."""

import re

import numpy as np
import pytest

from dlhelpers.exercises import ch06
from dlhelpers.exercises.solutions import ch06 as solutions
from dlhelpers.scratch import gru_param_count, gru_step, lstm_step


def _sig(z):
    return 1 / (1 + np.exp(-z))


def test_references_pass():
    assert ch06.check_lstm_step(solutions.lstm_step)
    assert ch06.check_gru_step(solutions.gru_step_reset_before)
    assert ch06.check_gru_param_count(solutions.gru_param_count)


def test_package_functions_pass_the_same_checkers():
    assert ch06.check_lstm_step(lambda *a: tuple(lstm_step(*a)))
    assert ch06.check_gru_step(lambda x, h, k, r, b: gru_step(x, h, k, r, b, reset_after=False))
    assert ch06.check_gru_param_count(lambda f, u, ra: gru_param_count(f, u, reset_after=ra))


def _lstm_variant(order=(0, 1, 2, 3), bias=True, tanh_h=True):
    def step(x, h, c, k, rk, b):
        blocks = np.split(x @ k + h @ rk + (b if bias else 0), 4, axis=-1)
        zi, zf, zc, zo = (blocks[j] for j in order)
        c = _sig(zf) * c + _sig(zi) * np.tanh(zc)
        return _sig(zo) * (np.tanh(c) if tanh_h else c), c

    return step


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (_lstm_variant(order=(0, 1, 3, 2)), "i, f, c, o"),
        (_lstm_variant(order=(1, 0, 2, 3)), "not f, i, c, o"),
        (_lstm_variant(bias=False), "the bias"),
        (_lstm_variant(tanh_h=False), r"h = o \* tanh\(c\)"),
    ],
)
def test_lstm_step_mistakes_get_their_hint(wrong, hint):
    feedback = ch06.check_lstm_step(wrong)
    assert not feedback
    assert feedback.case is not None
    assert re.search(hint, feedback.hint)


def test_lstm_step_stub_and_wrong_return_type():
    def stub(*args):
        raise NotImplementedError

    assert "not written yet" in str(ch06.check_lstm_step(stub))
    feedback = ch06.check_lstm_step(lambda *a: None)
    assert not feedback and "expected a pair (h, c)" in feedback.message


@pytest.mark.parametrize(
    "check",
    [
        ch06.check_lstm_step,
        ch06.check_gru_step,
        ch06.check_gru_param_count,
    ],
)
def test_a_stub_that_raises_is_not_started_rather_than_wrong(check):
    def stub(*args):
        raise NotImplementedError

    feedback = check(stub)
    assert not feedback
    assert "not written yet" in str(feedback) and "wrong answer" not in str(feedback)


def _gru_variant(order=(0, 1, 2), reset_after=False, swap=False, bias=True):
    def step(x, h, k, rk, b):
        bx = np.split(x @ k + (b if bias else 0), 3, axis=-1)
        bu = np.split(rk, 3, axis=-1)
        (xz, xr, xh), (uz, ur, uh) = [bx[j] for j in order], [bu[j] for j in order]
        z, r = _sig(xz + h @ uz), _sig(xr + h @ ur)
        cand = np.tanh(xh + (r * (h @ uh) if reset_after else (r * h) @ uh))
        return (1 - z) * h + z * cand if swap else z * h + (1 - z) * cand

    return step


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (_gru_variant(reset_after=True), "before the product"),
        (_gru_variant(swap=True), "the blend"),
        (_gru_variant(order=(1, 0, 2)), "z \\(update\\), r \\(reset\\)"),
        (_gru_variant(bias=False), "the bias"),
    ],
)
def test_gru_step_mistakes_get_their_hint(wrong, hint):

    feedback = ch06.check_gru_step(wrong)
    assert not feedback
    assert re.search(hint, feedback.hint)


def test_feedback_text_is_deterministic():
    def stub(*args):
        return None

    texts = {str(ch06.check_gru_param_count(stub)) for _ in range(2)}
    assert len(texts) == 1
    assert "features=2, units=3, reset_after=True" in texts.pop()


@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("features, units", [(1, 1), (3, 7), (5, 2)])
def test_reference_gru_param_count_equals_keras(features, units, reset_after):
    import keras

    layer = keras.layers.GRU(units, reset_after=reset_after)
    layer.build((None, 4, features))
    assert solutions.gru_param_count(features, units, reset_after) == layer.count_params()


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (lambda f, u, ra: 3 * (f * u + u * u) + 3 * u, "two bias rows"),
        (lambda f, u, ra: 3 * (f * u + u * u) + (3 * u if ra else 6 * u), "two bias rows"),
        (lambda f, u, ra: 3 * (f * u + u * u), "bias"),
        (lambda f, u, ra: 4 * (f * u + u * u + u), "LSTM"),
    ],
)
def test_gru_param_count_mistakes_get_their_hint(wrong, hint):
    feedback = ch06.check_gru_param_count(wrong)
    assert not feedback and hint in feedback.hint
