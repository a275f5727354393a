"""Reinforcement learning by hand in NumPy: returns, Bellman updates, value iteration (Chapter 14).

A transition table is three arrays of shape ``(states, actions, states)``, the layout of
Gymnasium's toy-text ``env.unwrapped.P`` turned into arrays:

- ``probs[s, a, s2]``: the probability that action ``a`` in state ``s`` leads to ``s2``;
- ``rewards[s, a, s2]``: the reward of that transition;
- ``dones[s, a, s2]``: 1 when that transition ends the episode (nothing is earned after it).

The Bellman optimality equation over such a table reads
``Q(s, a) = sum_s2 probs * (rewards + discount * (1 - dones) * max_a2 Q(s2, a2))``.

Example:
    >>> discounted_returns([0.0, 0.0, 1.0], 0.9)
    array([0.81, 0.9 , 1.  ])
"""

from __future__ import annotations

import numpy as np

from dlhelpers._validation import check_array, check_scalar, fail, reject

__all__ = [
    "discounted_returns",
    "q_learning_update",
    "td_targets",
    "check_batch",
    "q_from_values",
    "value_iteration",
    "greedy_actions",
    "epsilon_greedy",
    "linear_epsilon",
]


def discounted_returns(rewards, discount: float) -> np.ndarray:
    """The return from every step of one episode: ``G_t = r_t + discount * G_{t+1}``.

    Args:
        rewards: the rewards ``r_0 ... r_{T-1}`` of one episode, shape ``(T,)``.
        discount: the discount factor gamma, in [0, 1].

    Returns:
        ``(T,)`` array; ``G_0`` (the episode's discounted return) comes first.
    """
    rewards = check_array(rewards, "rewards", ndim=1, min_size=0)
    discount = check_scalar(discount, "discount", float, low=0, high=1)
    returns = np.zeros_like(rewards)
    running = 0.0
    for t in range(len(rewards) - 1, -1, -1):  # backwards: each G_t reuses G_{t+1}
        running = rewards[t] + discount * running
        returns[t] = running
    return returns


def q_learning_update(q, state, action, reward, next_state, done, learning_rate, discount):
    """One tabular Q-learning step on a copy of ``q``; returns ``(new_q, td_error)``.

    ``target = reward + discount * (1 - done) * max_a2 q[next_state, a2]`` and
    ``q[state, action] += learning_rate * (target - q[state, action])``.

    Args:
        q: ``(states, actions)`` table of action values.
        state, action, next_state: integer indices; ``reward`` a number.
        done: whether this step ended the episode (no value after it).
        learning_rate: alpha in (0, 1]; discount: gamma in [0, 1].

    >>> q, error = q_learning_update(np.zeros((2, 2)), 0, 1, 1.0, 1, True, 0.5, 0.9)
    >>> q[0].tolist(), error
    ([0.0, 0.5], 1.0)
    """
    q = np.array(check_array(q, "q", ndim=2))
    n_states, n_actions = q.shape
    check_scalar(state, "state", int, low=0, high=n_states - 1)
    check_scalar(next_state, "next_state", int, low=0, high=n_states - 1)
    check_scalar(action, "action", int, low=0, high=n_actions - 1)
    check_scalar(learning_rate, "learning_rate", float, low=0, high=1, closed="right")
    check_scalar(discount, "discount", float, low=0, high=1)
    target = reward + discount * (1.0 - float(done)) * q[next_state].max()
    td_error = target - q[state, action]
    q[state, action] += learning_rate * td_error
    return q, float(td_error)


def check_batch(batch: int, **arrays) -> None:
    """Check that each keyword array (rewards, dones...) has shape ``(batch,)`` exactly.

    A ``(batch, 1)`` column would broadcast against ``(batch,)`` into a silent
    ``(batch, batch)`` result, so it is refused. Works on NumPy arrays and tensors.

    >>> check_batch(64, rewards=np.zeros((64, 1)))
    Traceback (most recent call last):
    ...
    ValueError: rewards: expected shape (64,), received (64, 1).
    """
    for name, value in arrays.items():
        shape = tuple(value.shape) if hasattr(value, "shape") else np.shape(value)
        if shape != (batch,):
            reject(name, f"shape ({batch},)", str(shape))


def td_targets(rewards, next_q, dones, discount: float) -> np.ndarray:
    """The DQN's targets for a batch: ``rewards + discount * (1 - dones) * max(next_q)``.

    Args:
        rewards, dones: ``(batch,)``; ``next_q``: ``(batch, actions)``, the target
            network's action values of the next states.
        discount: gamma in [0, 1].

    >>> td_targets([1.0, 0.0], [[0.0, 2.0], [1.0, 3.0]], [0.0, 1.0], 0.5).tolist()
    [2.0, 0.0]
    """
    next_q = check_array(next_q, "next_q", ndim=2)
    rewards, dones = np.asarray(rewards, dtype=float), np.asarray(dones, dtype=float)
    check_batch(next_q.shape[0], rewards=rewards, dones=dones)
    discount = check_scalar(discount, "discount", float, low=0, high=1)
    return rewards + discount * (1.0 - dones) * next_q.max(axis=1)


def q_from_values(values, probs, rewards, dones, discount: float) -> np.ndarray:
    """One Bellman backup: ``Q(s, a) = sum_s2 p * (r + discount * (1 - done) * V(s2))``.

    Returns:
        ``(states, actions)`` action values.
    """
    return np.sum(probs * (rewards + discount * (1.0 - dones) * values), axis=2)


def value_iteration(probs, rewards, dones, discount: float, *, tol: float = 1e-12):
    """Repeat the Bellman optimality backup until the values stop moving.

    Args:
        probs, rewards, dones: the ``(states, actions, states)`` transition table.
        discount: gamma in [0, 1); below 1 the backup is a contraction, so it converges.
        tol: stop when no value changes by more than this.

    Returns:
        ``(values, q, sweeps)``: ``(states,)`` optimal values, ``(states, actions)``
        optimal action values, and the number of sweeps it took.
    """
    probs = check_array(probs, "probs", ndim=3)
    n_states, n_actions, n_next = probs.shape
    if n_next != n_states:
        fail("probs", "shape (states, actions, states)", probs)
    for name, table in (("rewards", rewards), ("dones", dones)):
        if check_array(table, name, ndim=3).shape != probs.shape:
            fail(name, f"the shape of probs {probs.shape}", np.asarray(table))
    sums = probs.sum(axis=2)
    if np.any(probs < 0) or not np.allclose(sums, 1):
        worst = np.unravel_index(np.argmax(np.abs(sums - 1)), sums.shape)
        reject(
            "probs",
            "non-negative probabilities summing to 1 over the next states",
            f"a sum of {sums[worst]:.3g} for state {worst[0]}, action {worst[1]}",
        )
    discount = check_scalar(discount, "discount", float, low=0, high=1, closed="left")
    values = np.zeros(probs.shape[0])
    for sweep in range(1, 100_000):
        q = q_from_values(values, probs, rewards, dones, discount)
        new_values = q.max(axis=1)
        if np.max(np.abs(new_values - values)) <= tol:
            return new_values, q, sweep
        values = new_values
    raise RuntimeError("value_iteration did not converge")  # pragma: no cover


def greedy_actions(q, *, atol: float = 1e-9) -> np.ndarray:
    """Boolean ``(states, actions)`` mask of the actions within ``atol`` of each row's best.

    Several actions can be equally good (ties); compare such sets, not one arg-max.
    """
    q = check_array(q, "q", ndim=2)
    return q >= q.max(axis=1, keepdims=True) - atol


def epsilon_greedy(q_values, epsilon: float, rng: np.random.Generator) -> int:
    """With probability ``epsilon`` a uniformly random action, else a best one.

    Ties between best actions are broken at random (from ``rng`` too), so an all-zero
    table does not always pick action 0.

    Args:
        q_values: ``(actions,)`` action values of the current state (no NaN).
        epsilon: the exploration rate, in [0, 1].
        rng: a NumPy Generator (one ``rng.random()`` draw, then one more when exploring or
            breaking a tie).

    >>> epsilon_greedy(np.array([0.0, 2.0, 1.0]), 0.0, np.random.default_rng(0))
    1
    """
    q_values = check_array(q_values, "q_values", ndim=1)
    check_scalar(epsilon, "epsilon", float, low=0, high=1)
    if rng.random() < epsilon:
        return int(rng.integers(len(q_values)))
    best = np.flatnonzero(q_values == q_values.max())
    return int(best[0] if len(best) == 1 else rng.choice(best))


def linear_epsilon(step, start: float, end: float, decay_steps: int) -> float:
    """The exploration rate at ``step``: from ``start`` down to ``end`` over ``decay_steps``.

    >>> linear_epsilon(50, 1.0, 0.1, 100)
    0.55
    """
    check_scalar(decay_steps, "decay_steps", int, low=1)
    fraction = min(step / decay_steps, 1.0)
    return round(start + fraction * (end - start), 12)
