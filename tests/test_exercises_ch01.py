"""Chapter 1 checkers accept the reference and catch the usual mistakes."""

import numpy as np

from dlhelpers.exercises import ch01
from dlhelpers.exercises.solutions import ch01 as ref


def test_references_pass():
    assert ch01.check_one_hot(ref.one_hot)
    assert ch01.check_standardize(ref.standardize)
    assert ch01.check_accuracy(ref.accuracy)


def test_one_hot_mistakes():
    transposed = ch01.check_one_hot(lambda y, k: np.eye(k)[y].T)
    assert not transposed and "transposed" in transposed.hint
    off_by_one = ch01.check_one_hot(lambda y, k: np.eye(k + 1)[y])
    assert not off_by_one and "n_classes columns" in off_by_one.hint


def test_standardize_mistakes():
    own_stats = ch01.check_standardize(
        lambda a, b: ((a - a.mean(0)) / a.std(0), (b - b.mean(0)) / b.std(0))
    )
    assert not own_stats and "training split only" in own_stats.hint

    def pooled(a, b):
        both = np.concatenate([a, b])
        return (a - both.mean(0)) / both.std(0), (b - both.mean(0)) / both.std(0)

    assert "leaks" in ch01.check_standardize(pooled).hint
    sample_std = ch01.check_standardize(
        lambda a, b: ((a - a.mean(0)) / a.std(0, ddof=1), (b - a.mean(0)) / a.std(0, ddof=1))
    )
    assert not sample_std and "ddof=0" in sample_std.hint
    assert not ch01.check_standardize(lambda a, b: a)


def test_accuracy_mistakes():
    count = ch01.check_accuracy(lambda y, p: np.sum(p.argmax(1) == y))
    assert not count and "fraction" in count.hint
    assert not ch01.check_accuracy(
        lambda y, p: float(np.mean(p.argmax(0)[: len(y)] == y[: p.shape[1]]))
    )


def test_unwritten_exercise_says_so():
    def stub(labels, n_classes):
        raise NotImplementedError

    feedback = ch01.check_one_hot(stub)
    assert not feedback and "not written yet" in str(feedback)


def test_odd_answers_get_feedback_not_a_traceback():
    for answer in (lambda y, p: p.argmax(1) == y, lambda y, p: None, lambda y, p: "0.5"):
        feedback = ch01.check_accuracy(answer)
        assert not feedback and feedback.case is not None
