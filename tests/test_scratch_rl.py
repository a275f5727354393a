"""The NumPy references of Chapter 14 against independent computations on random inputs."""

import itertools

import numpy as np
import pytest

from dlhelpers.scratch import rl


def random_table(rng, n_states=4, n_actions=2, end_rate=0.3):
    """A random MDP: random transition probabilities, rewards and episode ends."""
    probs = rng.random((n_states, n_actions, n_states))
    probs /= probs.sum(axis=2, keepdims=True)
    rewards = rng.normal(size=probs.shape)
    dones = (rng.random(probs.shape) < end_rate).astype(float)
    return probs, rewards, dones


@pytest.mark.parametrize("seed", range(4))
def test_discounted_returns_match_the_sum_of_discounted_rewards(seed):
    rng = np.random.default_rng(seed)
    rewards, gamma = rng.normal(size=rng.integers(1, 30)), rng.uniform(0, 1)
    expected = [sum(gamma**k * r for k, r in enumerate(rewards[t:])) for t in range(len(rewards))]
    np.testing.assert_allclose(rl.discounted_returns(rewards, gamma), expected, rtol=1e-12)


def test_discounted_returns_closed_form_for_a_constant_reward():
    # r = 1 for T steps: G_0 = (1 - gamma**T) / (1 - gamma), the geometric series.
    assert np.isclose(rl.discounted_returns(np.ones(10), 0.9)[0], (1 - 0.9**10) / 0.1)
    assert rl.discounted_returns([], 0.9).shape == (0,)


def test_discounted_returns_validation():
    with pytest.raises(ValueError, match="discount: expected a number <= 1, received 1.5"):
        rl.discounted_returns([1.0], 1.5)
    with pytest.raises(ValueError, match="rewards: expected a 1-D array"):
        rl.discounted_returns(np.ones((2, 2)), 0.9)


@pytest.mark.parametrize("seed", range(4))
def test_q_learning_update_changes_one_entry_towards_the_target(seed):
    rng = np.random.default_rng(seed)
    q = rng.normal(size=(5, 3))
    s, a, s2 = rng.integers(5), rng.integers(3), rng.integers(5)
    r, done, alpha, gamma = rng.normal(), bool(rng.integers(2)), rng.uniform(0.1, 1), 0.9
    new_q, error = rl.q_learning_update(q, s, a, r, s2, done, alpha, gamma)
    target = r + (0.0 if done else gamma * max(q[s2]))
    expected = q.copy()
    expected[s, a] = (1 - alpha) * q[s, a] + alpha * target  # the same update, rearranged
    np.testing.assert_allclose(new_q, expected, rtol=1e-12)
    assert np.isclose(error, target - q[s, a])
    assert not np.shares_memory(new_q, q), "the input table is left alone"


@pytest.mark.parametrize("seed", range(3))
def test_td_targets_row_by_row(seed):
    rng = np.random.default_rng(seed)
    rewards, dones = rng.normal(size=8), rng.integers(0, 2, 8).astype(float)
    next_q = rng.normal(size=(8, 3))
    expected = [
        r + (0 if d else 0.97 * max(row)) for r, d, row in zip(rewards, dones, next_q, strict=True)
    ]
    np.testing.assert_allclose(rl.td_targets(rewards, next_q, dones, 0.97), expected, rtol=1e-12)


def brute_force_values(probs, rewards, dones, gamma):
    """The best deterministic policy's values, found by solving every policy's linear system."""
    n_states, n_actions, _ = probs.shape
    best = np.full(n_states, -np.inf)
    for policy in itertools.product(range(n_actions), repeat=n_states):
        idx = np.arange(n_states), np.array(policy)
        p, r, d = probs[idx], rewards[idx], dones[idx]  # (states, states) under the policy
        values = np.linalg.solve(np.eye(n_states) - gamma * p * (1 - d), np.sum(p * r, axis=1))
        best = np.maximum(best, values)  # an optimal policy is best in every state at once
    return best


@pytest.mark.parametrize("seed", range(4))
def test_value_iteration_matches_brute_force_policy_enumeration(seed):
    rng = np.random.default_rng(seed)
    probs, rewards, dones = random_table(rng)
    values, q, sweeps = rl.value_iteration(probs, rewards, dones, 0.9)
    # Both are exact up to float64 rounding and value iteration's stopping tolerance.
    np.testing.assert_allclose(values, brute_force_values(probs, rewards, dones, 0.9), atol=1e-9)
    np.testing.assert_allclose(q, rl.q_from_values(values, probs, rewards, dones, 0.9), atol=1e-9)
    assert sweeps > 1


def test_greedy_actions_keeps_ties():
    mask = rl.greedy_actions(np.array([[1.0, 1.0, 0.0], [0.0, 2.0, 1.0]]))
    assert mask.tolist() == [[True, True, False], [False, True, False]]


def test_epsilon_greedy_explores_at_the_rate_asked():
    rng = np.random.default_rng(0)
    q_values = np.array([0.0, 1.0, 0.0, 0.0])
    picks = np.array([rl.epsilon_greedy(q_values, 0.4, rng) for _ in range(4000)])
    # best action: 1 - 0.4 + 0.4 / 4 = 0.7 of the time; 4000 draws give a std of about 0.007
    assert abs(np.mean(picks == 1) - 0.7) < 0.03
    tied = [rl.epsilon_greedy(np.zeros(3), 0.0, rng) for _ in range(300)]
    assert set(tied) == {0, 1, 2}, "ties are broken at random"
    same = [rl.epsilon_greedy(q_values, 0.5, np.random.default_rng(7)) for _ in range(3)]
    assert len(set(same)) == 1, "the same seed gives the same choice"


def test_linear_epsilon():
    assert [rl.linear_epsilon(t, 1.0, 0.05, 100) for t in (0, 100, 500)] == [1.0, 0.05, 0.05]
    assert np.isclose(rl.linear_epsilon(25, 1.0, 0.2, 100), 0.8)


def test_td_targets_refuse_columns_that_would_broadcast():
    next_q, ones = np.zeros((64, 2)), np.ones(64)
    with pytest.raises(ValueError, match=r"rewards: expected shape \(64,\), received \(64, 1\)\."):
        rl.td_targets(ones[:, None], next_q, ones, 0.9)
    with pytest.raises(ValueError, match=r"dones: expected shape \(64,\), received \(63,\)\."):
        rl.td_targets(ones, next_q, ones[:63], 0.9)
    with pytest.raises(ValueError, match="discount: expected a number <= 1, received 1.1"):
        rl.td_targets(ones, next_q, ones, 1.1)


def test_entry_point_validation():
    q = np.zeros((3, 2))
    with pytest.raises(ValueError, match="state: expected an integer <= 2, received 3"):
        rl.q_learning_update(q, 3, 0, 0.0, 0, False, 0.5, 0.9)
    with pytest.raises(ValueError, match="action: expected an integer <= 1, received 2"):
        rl.q_learning_update(q, 0, 2, 0.0, 0, False, 0.5, 0.9)
    with pytest.raises(ValueError, match="learning_rate: expected a number > 0, received 0"):
        rl.q_learning_update(q, 0, 0, 0.0, 0, False, 0, 0.9)
    with pytest.raises(ValueError, match="discount: expected a number >= 0, received -0.1"):
        rl.q_learning_update(q, 0, 0, 0.0, 0, False, 0.5, -0.1)
    with pytest.raises(ValueError, match="decay_steps: expected an integer >= 1, received 0"):
        rl.linear_epsilon(3, 1.0, 0.1, 0)
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="epsilon: expected a number <= 1, received 1.5"):
        rl.epsilon_greedy(np.zeros(2), 1.5, rng)
    with pytest.raises(ValueError, match="q_values: expected finite values, received 1 NaN"):
        rl.epsilon_greedy(np.array([0.0, np.nan]), 0.1, rng)
    probs, rewards, dones = random_table(rng)
    with pytest.raises(ValueError, match=r"rewards: expected the shape of probs \(4, 2, 4\)"):
        rl.value_iteration(probs, rewards[:, :1], dones, 0.9)
    with pytest.raises(ValueError, match="probs: expected shape \\(states, actions, states\\)"):
        rl.value_iteration(probs[:, :, :3], rewards, dones, 0.9)
    with pytest.raises(ValueError, match="probs: expected non-negative probabilities summing"):
        rl.value_iteration(2 * probs, rewards, dones, 0.9)
