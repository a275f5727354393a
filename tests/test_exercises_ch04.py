"""Chapter 4 checkers accept the reference solutions and reject typical mistakes."""

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix

from dlhelpers.exercises import ch04
from dlhelpers.exercises.solutions import ch04 as solutions


def test_references_pass():
    assert ch04.check_fgsm_step(solutions.fgsm_step)
    assert ch04.check_confusion_counts(solutions.confusion_counts)
    assert ch04.check_receptive_field(solutions.receptive_field)


def test_reference_confusion_counts_equal_scikit_learn():
    rng = np.random.default_rng(0)
    for k in (2, 5, 10):
        y_true, y_pred = rng.integers(0, k, 200), rng.integers(0, k, 200)
        np.testing.assert_array_equal(
            solutions.confusion_counts(y_true, y_pred, k),
            confusion_matrix(y_true, y_pred, labels=range(k)),
        )


def test_stubs_are_reported_as_not_written():
    def stub(*args):
        raise NotImplementedError

    for check in (ch04.check_fgsm_step, ch04.check_confusion_counts, ch04.check_receptive_field):
        feedback = check(stub)
        assert not feedback and "not written yet" in str(feedback)


@pytest.mark.parametrize(
    "wrong,hint",
    [
        (lambda x, g, e: np.clip(x - e * np.sign(g), 0, 1), "sign error"),
        (lambda x, g, e: x + e * np.sign(g), "clip the result"),
        (lambda x, g, e: np.clip(x + e * g, 0, 1), "only the sign of the gradient"),
        (lambda x, g, e: np.clip(x + 2 * e * np.sign(g), 0, 1), None),
    ],
)
def test_fgsm_checker_rejects_typical_mistakes(wrong, hint):
    feedback = ch04.check_fgsm_step(wrong)
    assert not feedback
    assert feedback.hint == hint if hint is None else hint in feedback.hint


def test_confusion_checker_rejects_transposed_and_undersized():
    transposed = ch04.check_confusion_counts(lambda t, p, k: solutions.confusion_counts(p, t, k))
    assert not transposed and "swap the two indices" in transposed.hint
    undersized = ch04.check_confusion_counts(
        lambda t, p, k: solutions.confusion_counts(t, p, int(max(max(t), max(p))) + 1)
    )
    assert not undersized and "n_classes" in undersized.hint
    assert "expected" in str(undersized) and "case:" in str(undersized)


@pytest.mark.parametrize(
    "wrong,hint",
    [
        (lambda ks, ss: sum(ks), "double-counts"),
        (lambda ks, ss: 1 + sum(k - 1 for k in ks), "product of the earlier strides"),
        (lambda ks, ss: solutions.receptive_field(ks, ss) - 1, "off by one"),
        (lambda ks, ss: None, "one whole number"),
    ],
)
def test_receptive_field_checker_rejects_typical_mistakes(wrong, hint):
    feedback = ch04.check_receptive_field(wrong)
    assert not feedback and hint in feedback.hint


def test_feedback_text_is_deterministic():
    def wrong(x, g, e):
        return np.clip(x - e * np.sign(g), 0, 1)

    assert str(ch04.check_fgsm_step(wrong)) == str(ch04.check_fgsm_step(wrong))


@pytest.mark.parametrize(
    "args", [(28, 1, (32, 64), 64, 10), (16, 3, (4, 6), 8, 5), (30, 2, (5, 7, 9), 12, 3)]
)
def test_reference_cnn_param_count_equals_keras(tf, args):
    from dlhelpers.cnn import build_digit_cnn

    n, c, filters, dense, k = args
    model = build_digit_cnn(filters, dense_units=dense, input_shape=(n, n, c), num_classes=k)
    assert solutions.cnn_param_count(*args) == model.count_params()


@pytest.mark.parametrize(
    "flag,hint",
    [("bias", "bias"), ("in_channels", "C_in"), ("pool", "halves"), ("shrink", "size - 2")],
)
def test_cnn_param_checker_names_the_typical_mistake(flag, hint):
    def wrong(n, c, f, d, k):
        return ch04._cnn_params(n, c, f, d, k, **{flag: False})

    assert ch04.check_cnn_param_count(solutions.cnn_param_count)
    feedback = ch04.check_cnn_param_count(wrong)
    assert not feedback and hint in feedback.hint
    assert not ch04.check_cnn_param_count(lambda *a: solutions.cnn_param_count(*a) + 1)
