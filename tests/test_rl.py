"""The agent loop, tabular Q-learning and the DQN pieces of Chapter 14 (short runs)."""

import gymnasium as gym
import numpy as np
import pytest

from dlhelpers import rl
from dlhelpers.scratch.rl import greedy_actions, td_targets, value_iteration


@pytest.fixture(scope="module")
def lake():
    return gym.make("FrozenLake-v1", is_slippery=False)


def test_transition_table_of_the_deterministic_lake(lake):
    probs, rewards, dones = rl.transition_table(lake)
    assert probs.shape == (16, 4, 16)
    np.testing.assert_allclose(probs.sum(axis=2), 1.0)
    assert set(probs.ravel()) == {0.0, 1.0}, "deterministic: every move has one outcome"
    assert rewards[14, 2, 15] == 1.0 and rewards.sum() == 1, "only stepping onto G pays"
    assert dones[0, 1, 4] == 0 and dones[4, 1, 8] == 0 and dones[0, 2, 1] == 0
    assert dones[14, 2, 15] == 1 and dones[2, 1, 6] == 0 and dones[1, 1, 5] == 1  # G, F, H


def test_run_episode_and_random_returns_are_seeded(lake):
    rewards = rl.run_episode(lake, lambda s: 1 if s in (0, 4, 9) else 2, seed=0)
    assert rewards.tolist() == [0, 0, 0, 0, 0, 1.0], "down, down, right, down, right, right"
    cartpole = gym.make("CartPole-v1")
    first, again = rl.random_returns(cartpole, [3, 4, 5]), rl.random_returns(cartpole, [3, 4, 5])
    np.testing.assert_array_equal(first, again)
    assert np.all(first >= 1)


@pytest.mark.parametrize("seed", range(2))
def test_q_learning_finds_the_value_iteration_policy(lake, seed):
    probs, rewards, dones = rl.transition_table(lake)
    values, q_star, _ = value_iteration(probs, rewards, dones, 0.9)
    result = rl.q_learning(lake, 2000, learning_rate=0.5, discount=0.9, epsilon=0.5, seed=seed)
    open_cells = np.flatnonzero(np.isin(lake.unwrapped.desc.ravel(), [b"S", b"F"]))
    best = greedy_actions(q_star)
    chosen = result.q.argmax(axis=1)
    assert all(best[s, chosen[s]] for s in open_cells)
    np.testing.assert_allclose(result.q.max(axis=1)[open_cells], values[open_cells], atol=1e-3)
    assert result.returns.shape == (2000,) and set(result.returns) <= {0.0, 1.0}


def test_q_learning_is_reproducible_and_validates(lake):
    a = rl.q_learning(lake, 50, seed=3)
    b = rl.q_learning(lake, 50, seed=3)
    np.testing.assert_array_equal(a.q, b.q)
    with pytest.raises(ValueError, match="learning_rate: expected a number > 0, received 0"):
        rl.q_learning(lake, 5, learning_rate=0)
    with pytest.raises(ValueError, match="episodes: expected an integer >= 1, received 0"):
        rl.q_learning(lake, 0)


def test_replay_buffer_overwrites_the_oldest_and_samples_stored_rows():
    buffer = rl.ReplayBuffer(4, state_dim=2)
    for t in range(6):
        buffer.add([t, -t], t % 2, float(t), [t + 1, -t - 1], t == 5)
    assert len(buffer) == 4 and sorted(buffer.rewards.tolist()) == [2.0, 3.0, 4.0, 5.0]
    states, actions, rewards, next_states, dones = buffer.sample(32, np.random.default_rng(0))
    np.testing.assert_array_equal(states[:, 0], rewards)  # each row stays one transition
    np.testing.assert_array_equal(next_states[:, 0], rewards + 1)
    np.testing.assert_array_equal(dones, rewards == 5)
    assert states.dtype == np.float32 and actions.dtype == np.int32


def test_q_network_and_targets_match_numpy():
    import keras

    from dlhelpers.training import assert_same_model

    net = rl.build_q_network(4, 2, units=(8, 8))
    plain = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(2),
        ]
    )
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 4)).astype("float32")
    assert_same_model(plain, net, x)
    rewards, dones = np.ones(16, "float32"), (rng.random(16) < 0.3).astype("float32")
    got = np.asarray(rl.dqn_targets(net, rewards, x, dones, 0.99))
    expected = td_targets(rewards, np.asarray(net(x)), dones, 0.99)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)  # float32 both ways


def test_train_step_takes_the_huber_gradient_step():
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(0)
    net, target = rl.build_q_network(3, 2, units=(6,)), rl.build_q_network(3, 2, units=(6,))
    twin = rl.build_q_network(3, 2, units=(6,))
    twin.set_weights(net.get_weights())
    rng = np.random.default_rng(1)
    batch = (
        rng.normal(size=(8, 3)).astype("float32"),
        rng.integers(0, 2, 8).astype("int32"),
        rng.normal(size=8).astype("float32"),
        rng.normal(size=(8, 3)).astype("float32"),
        (rng.random(8) < 0.5).astype("float32"),
    )
    loss = rl.make_train_step(net, target, keras.optimizers.SGD(0.1), 0.9)(*batch)
    # the same step by hand, eagerly
    s, a, r, s2, d = batch
    y = r + 0.9 * (1 - d) * np.asarray(target(s2)).max(axis=1)
    with tf.GradientTape() as tape:
        chosen = tf.gather(twin(s), a, batch_dims=1)
        by_hand = keras.losses.Huber()(y, chosen)
    grads = tape.gradient(by_hand, twin.trainable_variables)
    keras.optimizers.SGD(0.1).apply(grads, twin.trainable_variables)
    assert np.isclose(float(loss), float(by_hand), rtol=1e-6)
    for w, v in zip(net.get_weights(), twin.get_weights(), strict=True):
        np.testing.assert_allclose(w, v, rtol=1e-5, atol=1e-7)  # float32, graph vs eager


def test_train_dqn_short_run_is_seeded():
    kwargs = dict(seed=1, units=(8,), learning_starts=50, target_every=50, epsilon=(1, 0.1, 100))
    a, b = rl.train_dqn(200, **kwargs), rl.train_dqn(200, **kwargs)
    assert len(a.returns) == len(a.end_steps) > 0 and a.end_steps[-1] <= 200
    np.testing.assert_array_equal(a.returns, b.returns)
    assert a.returns.sum() <= 200, "at most one reward a step"
    returns = rl.greedy_returns(a.q_network, gym.make("CartPole-v1"), [0, 1])
    assert returns.shape == (2,) and np.all(returns >= 1)


def test_returns_by_step_averages_the_last_finished_episodes():
    end_steps, returns = np.array([10, 25, 30, 60]), np.array([10.0, 15.0, 5.0, 30.0])
    grid = np.array([5, 10, 29, 30, 100])
    got = rl.returns_by_step(end_steps, returns, grid, window=2)
    expected = [np.nan, 10.0, 12.5, 10.0, 17.5]
    np.testing.assert_allclose(got, expected)


class _Flags(gym.Wrapper):
    """Records the (terminated, truncated) flags of every step."""

    def __init__(self, env):
        super().__init__(env)
        self.flags = []

    def step(self, action):
        out = super().step(action)
        self.flags.append((bool(out[2]), bool(out[3])))
        return out


def test_q_learning_bootstraps_through_a_truncated_step(monkeypatch):
    # a time limit of 5 steps truncates many episodes (the goal is 6 steps away)
    env = _Flags(gym.make("FrozenLake-v1", is_slippery=False, max_episode_steps=5))
    dones = []

    def recording(q, state, action, reward, next_state, done, alpha, gamma):
        dones.append(bool(done))
        return update(q, state, action, reward, next_state, done, alpha, gamma)

    update = rl.q_learning_update
    monkeypatch.setattr(rl, "q_learning_update", recording)
    rl.q_learning(env, 40, epsilon=0.5, seed=0)
    terminated = [t for t, _ in env.flags]
    assert any(u and not t for t, u in env.flags), "some steps were truncated, not terminated"
    assert dones == terminated, "only a terminated step stops the bootstrap"


def test_dqn_stores_a_truncated_step_as_not_done(monkeypatch):
    gym.register(
        id="TruncatedCartPole-v0",
        entry_point="gymnasium.envs.classic_control.cartpole:CartPoleEnv",
        max_episode_steps=5,
    )
    stored = []

    class Recording(rl.ReplayBuffer):
        def add(self, state, action, reward, next_state, done):
            stored.append(bool(done))
            super().add(state, action, reward, next_state, done)

    monkeypatch.setattr(rl, "ReplayBuffer", Recording)
    run = rl.train_dqn(40, env_id="TruncatedCartPole-v0", units=(4,), learning_starts=1000)
    truncated = [step - 1 for step, ret in zip(run.end_steps, run.returns, strict=True) if ret == 5]
    assert truncated, "some episodes ran into the 5-step limit"
    assert not any(stored[t] for t in truncated), "a truncated step still bootstraps"


def test_entry_point_validation(lake):
    with pytest.raises(ValueError, match="state_dim: expected an integer >= 1, received 0"):
        rl.ReplayBuffer(4, state_dim=0)
    with pytest.raises(ValueError, match="buffer: expected at least one stored transition"):
        rl.ReplayBuffer(4, state_dim=2).sample(2, np.random.default_rng(0))
    with pytest.raises(ValueError, match="train_every: expected an integer >= 1, received 0"):
        rl.train_dqn(10, train_every=0)
    with pytest.raises(ValueError, match="target_every: expected an integer >= 1, received 0"):
        rl.train_dqn(10, target_every=0)
    with pytest.raises(ValueError, match=r"epsilon: expected a tuple \(start, end, decay_steps\)"):
        rl.train_dqn(10, epsilon=(1.0, 0.1))
    with pytest.raises(ValueError, match="epsilon end: expected a number <= 1, received 2"):
        rl.train_dqn(10, epsilon=(1.0, 2, 100))
    with pytest.raises(ValueError, match=r"rewards: expected shape \(8,\), received \(8, 1\)\."):
        rl.dqn_targets(None, np.ones((8, 1)), np.ones((8, 4)), np.ones(8), 0.9)
    with pytest.raises(ValueError, match="discount: expected a number <= 1, received 2"):
        rl.dqn_targets(None, np.ones(8), np.ones((8, 4)), np.ones(8), 2)


def test_run_episode_stops_at_max_steps(lake):
    rewards = rl.run_episode(lake, lambda s: 0, seed=0, max_steps=7)  # left forever: no end
    assert rewards.shape == (7,)
