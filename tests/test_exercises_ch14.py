"""Chapter 14's checkers: the references pass; typical mistakes fail with a useful hint."""

import numpy as np
import pytest

from dlhelpers.exercises import ch14, show_solution

CHECKS = {
    "discounted_return": ch14.check_discounted_return,
    "q_update": ch14.check_q_update,
    "td_targets": ch14.check_td_targets,
}


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_reference_passes(name):
    feedback = CHECKS[name](show_solution(14, name).function)
    assert feedback, str(feedback)


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_unwritten_function_says_so(name):
    def unwritten(*args):
        raise NotImplementedError

    assert "not written yet" in str(CHECKS[name](unwritten))


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (lambda rewards, discount: float(np.sum(rewards)), "plain sum"),
        (
            lambda rewards, discount: float(
                np.sum(np.asarray(rewards) * discount ** np.arange(1, len(rewards) + 1))
            ),
            "not discounted",
        ),
    ],
)
def test_discounted_return_hints(wrong, hint):
    feedback = ch14.check_discounted_return(wrong)
    assert not feedback and hint in str(feedback)


def _update(q, s, a, r, s2, done, alpha, gamma, *, use_done=True, move=True, reduce=np.max):
    q = np.array(q, dtype=float)
    target = r + gamma * (1 - (done if use_done else 0)) * reduce(q[s2])
    q[s, a] = q[s, a] + alpha * (target - q[s, a]) if move else target
    return q


@pytest.mark.parametrize(
    "kwargs, hint",
    [
        ({"use_done": False}, "no next value"),
        ({"move": False}, "learning_rate of the way"),
        ({"reduce": np.mean}, "max, not mean"),
    ],
)
def test_q_update_hints(kwargs, hint):
    feedback = ch14.check_q_update(lambda *args: _update(*args, **kwargs))
    assert not feedback and hint in str(feedback)


def test_td_targets_hints():
    ignores_done = ch14.check_td_targets(lambda r, q, d, g: r + g * q.max(axis=1))
    assert not ignores_done and "(1 - dones)" in str(ignores_done)
    one_max = ch14.check_td_targets(lambda r, q, d, g: r + g * (1 - d) * q.max())
    assert not one_max and "own next state" in str(one_max)


def test_in_place_q_update_is_told_to_work_on_a_copy():
    def in_place(q, s, a, r, s2, done, alpha, gamma):
        q[s, a] += alpha * (r + gamma * (1 - done) * q[s2].max() - q[s, a])
        return q  # the right values, but the caller's table changed

    feedback = ch14.check_q_update(in_place)
    assert not feedback and "work on a copy" in str(feedback)
