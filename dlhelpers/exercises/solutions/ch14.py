"""Reference solutions of the chapter 14 exercises (peek only after trying)."""

import numpy as np

__all__ = ["discounted_return", "q_update", "td_targets"]


def discounted_return(rewards, discount):
    return float(sum(discount**k * r for k, r in enumerate(rewards)))


def q_update(q, state, action, reward, next_state, done, learning_rate, discount):
    q = np.array(q, dtype=float)
    target = reward + (0.0 if done else discount * q[next_state].max())
    q[state, action] += learning_rate * (target - q[state, action])
    return q


def td_targets(rewards, next_q, dones, discount):
    return rewards + discount * (1 - dones) * np.max(next_q, axis=1)
