"""Chapter 14 exercises: a discounted return, one Q-learning update, a batch of DQN targets.

Each ``check_*`` takes your function and returns a :class:`~dlhelpers.exercises.Feedback`.
"""

from __future__ import annotations

import numpy as np

from dlhelpers.exercises._core import Case, check_cases
from dlhelpers.scratch.rl import discounted_returns, q_learning_update, td_targets

__all__ = ["check_discounted_return", "check_q_update", "check_td_targets"]

_rng = np.random.default_rng(14)


# --------------------------------------------------------------------------- 1. return
def _return_case(name, rewards, discount):
    return Case(name, (rewards, discount), float(discounted_returns(rewards, discount)[0]))


_RETURN_CASES = [
    _return_case("the goal on the third step, discount 0.9", [0.0, 0.0, 1.0], 0.9),
    _return_case("five rewards of 1, discount 0.5", [1.0] * 5, 0.5),
    _return_case("one reward, discount 0.99", [2.0], 0.99),
    _return_case("no discount", [1.0, -1.0, 3.0], 1.0),
    _return_case("random rewards, discount 0.8", np.round(_rng.normal(size=7), 2).tolist(), 0.8),
]


def _return_hint(case, received):
    rewards, discount = np.asarray(case.args[0], dtype=float), case.args[1]
    if np.isclose(received, rewards.sum()):
        return "That is the plain sum: the reward k steps ahead is weighted by discount**k."
    if np.isclose(received, np.sum(rewards * discount ** np.arange(1, len(rewards) + 1))):
        return "The first reward is not discounted: its weight is discount**0 = 1."
    if np.isclose(received, np.sum(rewards[::-1] * discount ** np.arange(len(rewards)))):
        return "The weights run the other way: the first reward gets discount**0."
    return "G_0 = r_0 + discount * r_1 + discount**2 * r_2 + ..."


def check_discounted_return(func):
    """``func(rewards, discount)`` -> the discounted return G_0 of one episode."""
    return check_cases(func, _RETURN_CASES, hints=_return_hint, what="discounted_return")


# --------------------------------------------------------------------------- 2. Q update
_Q = np.round(_rng.uniform(0, 1, (4, 2)), 2)
_UPDATE_CASES = [
    Case(
        f"{name}: state {s}, action {a}, reward {r}, next state {s2}, done {d}",
        (_Q.copy(), s, a, r, s2, d, alpha, 0.9),
        q_learning_update(_Q, s, a, r, s2, d, alpha, 0.9)[0],
    )
    for name, s, a, r, s2, d, alpha in [
        ("a step on", 0, 1, 0.0, 2, False, 0.5),
        ("the last step", 3, 0, 1.0, 3, True, 0.5),
        ("a reward on the way", 1, 0, 0.5, 0, False, 0.1),
        ("learning rate 1", 2, 1, 0.0, 1, False, 1.0),
    ]
]


_EDITED = "the input table, changed in place"


def _update_hint(case, received):
    q, s, a, r, s2, done, alpha, gamma = case.args
    if isinstance(received, str) and received == _EDITED:
        return "Your function changed the q it was given: work on a copy (np.array(q))."
    received = np.asarray(received, dtype=float)
    changed = np.argwhere(~np.isclose(received, q))
    if len(changed) > 1 or (len(changed) == 1 and tuple(changed[0]) != (s, a)):
        return "Only q[state, action] changes; work on a copy and leave the other entries."
    if done and np.isclose(received[s, a], q[s, a] + alpha * (r + gamma * q[s2].max() - q[s, a])):
        return "After the last step there is no next value: the target is just the reward."
    if np.isclose(received[s, a], r + gamma * (1 - done) * q[s2].max()):
        return "That replaces the value by the target; move it only learning_rate of the way."
    if np.isclose(received[s, a], q[s, a] + alpha * (r + gamma * q[s2].mean() - q[s, a])):
        return "Q-learning bootstraps from the best next action: max, not mean."
    return "q[s, a] += learning_rate * (reward + discount * max(q[next_state]) - q[s, a])."


def check_q_update(func):
    """``func(q, state, action, reward, next_state, done, learning_rate, discount)`` -> new q.

    The input table must come back unchanged: an answer that edits it in place fails.
    """
    if not callable(func):
        return check_cases(func, _UPDATE_CASES)

    def guarded(q, *args):
        before = np.array(q, copy=True)
        new_q = func(q, *args)
        return _EDITED if not np.array_equal(q, before) else new_q

    return check_cases(guarded, _UPDATE_CASES, hints=_update_hint, what="q_update")


# --------------------------------------------------------------------------- 3. DQN targets
_TARGET_CASES = []
for n, actions in [(4, 2), (6, 3), (1, 2)]:
    rewards = np.round(_rng.uniform(0, 1, n), 2)
    next_q = np.round(_rng.normal(size=(n, actions)), 2)
    dones = (np.arange(n) % 3 == 1).astype(float)
    _TARGET_CASES.append(
        Case(
            f"{n} transitions, {actions} actions",
            (rewards, next_q, dones, 0.99),
            td_targets(rewards, next_q, dones, 0.99),
        )
    )


def _target_hint(case, received):
    rewards, next_q, dones, gamma = case.args
    if np.asarray(received).shape != rewards.shape:
        return "One target per transition: reduce next_q over its actions (axis=1)."
    if np.allclose(received, rewards + gamma * next_q.max(axis=1)):
        return "A transition that ended the episode has no next value: multiply by (1 - dones)."
    if np.allclose(received, rewards + gamma * (1 - dones) * next_q.max(axis=0).max()):
        return "Take the best action of each row's own next state (max over axis=1)."
    return "target = reward + discount * (1 - done) * max over actions of next_q."


def check_td_targets(func):
    """``func(rewards, next_q, dones, discount)`` -> the (batch,) DQN targets."""
    return check_cases(func, _TARGET_CASES, hints=_target_hint, what="td_targets")
