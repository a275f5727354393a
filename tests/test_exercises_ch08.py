"""Chapter 8 checkers accept the reference solutions and reject typical wrong answers."""

import numpy as np

from dlhelpers.exercises import ch08
from dlhelpers.exercises.solutions import ch08 as solutions


def test_references_pass():
    assert ch08.check_exponential_decay(solutions.exponential_decay)
    assert ch08.check_kfold_mean_std(solutions.kfold_mean_std)
    assert ch08.check_pick_learning_rate(solutions.pick_learning_rate)


def test_stub_is_not_written_yet():
    def stub(*args):
        raise NotImplementedError

    for check in (
        ch08.check_exponential_decay,
        ch08.check_kfold_mean_std,
        ch08.check_pick_learning_rate,
    ):
        feedback = check(stub)
        assert not feedback and "not written yet" in str(feedback)


def test_exponential_decay_wrong_answers():
    def no_staircase(step, lr0, decay_steps, rate, staircase=False):
        return lr0 * rate ** (step / decay_steps)

    def per_step(step, lr0, decay_steps, rate, staircase=False):
        return lr0 * rate**step

    def removed(step, lr0, decay_steps, rate, staircase=False):
        return lr0 * (1 - rate) ** (step / decay_steps)

    feedback = ch08.check_exponential_decay(no_staircase)
    assert not feedback and "staircase=True" in feedback.case and "rounded down" in feedback.hint
    feedback = ch08.check_exponential_decay(per_step)
    assert not feedback and "not step" in feedback.hint
    feedback = ch08.check_exponential_decay(removed)
    assert not feedback and "factor kept" in feedback.hint


def test_kfold_wrong_answers():
    feedback = ch08.check_kfold_mean_std(lambda s: (np.mean(s), np.std(s)))
    assert not feedback and "ddof=1" in feedback.hint
    feedback = ch08.check_kfold_mean_std(lambda s: (np.median(s), np.std(s, ddof=1)))
    assert not feedback and "median" in feedback.hint
    feedback = ch08.check_kfold_mean_std(lambda s: np.mean(s))
    assert not feedback and "pair" in feedback.hint


def test_pick_learning_rate_wrong_answers():
    feedback = ch08.check_pick_learning_rate(lambda lrs, losses: lrs[np.nanargmin(losses)])
    assert not feedback and "divide it by 10" in feedback.hint
    feedback = ch08.check_pick_learning_rate(lambda lrs, losses: int(np.nanargmin(losses)))
    assert not feedback and "index" in feedback.hint
    feedback = ch08.check_pick_learning_rate(lambda lrs, losses: lrs[np.argmin(losses)] / 10)
    assert not feedback and "NaN" in feedback.case and "nanargmin" in feedback.hint


def test_feedback_text_is_deterministic():
    def wrong(lrs, losses):
        return lrs[np.nanargmin(losses)]

    assert str(ch08.check_pick_learning_rate(wrong)) == str(ch08.check_pick_learning_rate(wrong))
