"""Agents on Gymnasium environments: tabular Q-learning and a Keras DQN (Chapter 14).

The maths of each step lives in :mod:`dlhelpers.scratch.rl` (NumPy); this module runs it
against real environments. Gymnasium and TensorFlow are imported inside the functions that
need them, so ``import dlhelpers.rl`` stays light.

- :func:`transition_table`: a toy-text environment's ``env.unwrapped.P`` as arrays.
- :func:`run_episode`, :func:`random_returns`: the agent-environment loop and a baseline.
- :func:`q_learning`: tabular Q-learning with epsilon-greedy exploration.
- :class:`ReplayBuffer`, :func:`build_q_network`, :func:`dqn_targets`,
  :func:`make_train_step`, :func:`train_dqn`, :func:`greedy_returns`: the deep Q-network.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from dlhelpers._validation import check_scalar, fail, reject
from dlhelpers.scratch.rl import check_batch, epsilon_greedy, linear_epsilon, q_learning_update

__all__ = [
    "transition_table",
    "run_episode",
    "random_returns",
    "QLearningResult",
    "q_learning",
    "ReplayBuffer",
    "build_q_network",
    "dqn_targets",
    "make_train_step",
    "DQNResult",
    "train_dqn",
    "greedy_returns",
    "returns_by_step",
]


def transition_table(env):
    """``env.unwrapped.P`` (Gymnasium toy-text) as ``(probs, rewards, dones)`` arrays.

    Each array has shape ``(states, actions, states)``; see :mod:`dlhelpers.scratch.rl`.
    """
    table = env.unwrapped.P
    n_states, n_actions = len(table), len(table[0])
    probs = np.zeros((n_states, n_actions, n_states))
    rewards, dones = np.zeros_like(probs), np.zeros_like(probs)
    for s, actions in table.items():
        for a, outcomes in actions.items():
            for p, s2, r, done in outcomes:
                probs[s, a, s2] += p
                rewards[s, a, s2] = r
                dones[s, a, s2] = float(done)
    return probs, rewards, dones


def run_episode(env, choose, seed: int, *, max_steps: int = 100_000) -> np.ndarray:
    """Play one episode: observe, act, receive a reward, until it ends. Returns its rewards.

    Args:
        env: a Gymnasium environment.
        choose: ``choose(observation) -> action``, the agent's policy.
        seed: the episode's seed (``env.reset(seed=seed)``).
        max_steps: stop after this many steps even if the episode has not ended (an
            environment made without a time limit could otherwise run forever).
    """
    max_steps = check_scalar(max_steps, "max_steps", int, low=1)
    observation, _ = env.reset(seed=seed)
    rewards, done = [], False
    while not done and len(rewards) < max_steps:
        observation, reward, terminated, truncated, _ = env.step(choose(observation))
        rewards.append(reward)
        done = terminated or truncated
    return np.asarray(rewards, dtype=float)


def random_returns(env, seeds) -> np.ndarray:
    """The undiscounted return of a uniformly random policy on one episode per seed."""
    returns = []
    for seed in seeds:
        env.action_space.seed(int(seed))
        returns.append(run_episode(env, lambda _: env.action_space.sample(), int(seed)).sum())
    return np.asarray(returns)


class QLearningResult(NamedTuple):
    """``q``: (states, actions) learned table; ``returns``: (episodes,) return of each episode."""

    q: np.ndarray
    returns: np.ndarray


def q_learning(
    env,
    episodes: int,
    *,
    learning_rate: float = 0.5,
    discount: float = 0.9,
    epsilon: float = 0.1,
    seed: int = 0,
) -> QLearningResult:
    """Tabular Q-learning from an all-zero table, acting epsilon-greedily.

    Every step applies :func:`dlhelpers.scratch.rl.q_learning_update`; a step that
    ends the episode by truncation (a time limit) still bootstraps from the next state.

    Args:
        env: a Gymnasium environment with discrete observations and actions.
        episodes: how many episodes to learn from.
        learning_rate: alpha in (0, 1]; discount: gamma in [0, 1]; epsilon in [0, 1].
        seed: seeds the first ``env.reset`` and the exploration Generator.

    Returns:
        A :class:`QLearningResult`.
    """
    episodes = check_scalar(episodes, "episodes", int, low=1)
    learning_rate = check_scalar(
        learning_rate, "learning_rate", float, low=0, high=1, closed="right"
    )
    discount = check_scalar(discount, "discount", float, low=0, high=1)
    epsilon = check_scalar(epsilon, "epsilon", float, low=0, high=1)
    rng = np.random.default_rng(seed)
    q = np.zeros((env.observation_space.n, env.action_space.n))
    returns = np.zeros(episodes)
    state, _ = env.reset(seed=seed)
    for episode in range(episodes):
        if episode:
            state, _ = env.reset()
        done = False
        while not done:
            action = epsilon_greedy(q[state], epsilon, rng)
            next_state, reward, terminated, truncated, _ = env.step(action)
            q, _ = q_learning_update(
                q, state, action, reward, next_state, terminated, learning_rate, discount
            )
            returns[episode] += reward
            state, done = next_state, terminated or truncated
    return QLearningResult(q, returns)


class ReplayBuffer:
    """A fixed-size memory of transitions; the oldest are overwritten first.

    Sampling random past transitions breaks the correlation of consecutive steps,
    which a network trained on them one after another would overfit to.

    >>> buffer = ReplayBuffer(3, state_dim=2)
    >>> for t in range(5):
    ...     buffer.add([t, t], 0, 1.0, [t + 1, t + 1], False)
    >>> len(buffer), sorted(buffer.states[:, 0].tolist())
    (3, [2.0, 3.0, 4.0])
    """

    def __init__(self, capacity: int, state_dim: int):
        self.capacity = check_scalar(capacity, "capacity", int, low=1)
        state_dim = check_scalar(state_dim, "state_dim", int, low=1)
        self.states = np.zeros((capacity, state_dim), dtype=np.float32)
        self.actions = np.zeros(capacity, dtype=np.int32)
        self.rewards = np.zeros(capacity, dtype=np.float32)
        self.next_states = np.zeros((capacity, state_dim), dtype=np.float32)
        self.dones = np.zeros(capacity, dtype=np.float32)
        self.size = 0
        self.position = 0

    def __len__(self) -> int:
        return self.size

    def add(self, state, action, reward, next_state, done) -> None:
        i = self.position
        self.states[i], self.actions[i], self.rewards[i] = state, action, reward
        self.next_states[i], self.dones[i] = next_state, done
        self.position = (i + 1) % self.capacity
        self.size = min(self.size + 1, self.capacity)

    def sample(self, batch_size: int, rng: np.random.Generator) -> tuple:
        """``batch_size`` stored transitions drawn uniformly (with replacement).

        Returns:
            ``(states, actions, rewards, next_states, dones)``, each with ``batch_size`` rows.
        """
        if self.size == 0:
            reject("buffer", "at least one stored transition", "an empty buffer")
        rows = rng.integers(self.size, size=check_scalar(batch_size, "batch_size", int, low=1))
        return (
            self.states[rows],
            self.actions[rows],
            self.rewards[rows],
            self.next_states[rows],
            self.dones[rows],
        )


def build_q_network(state_dim: int, n_actions: int, units=(64, 64)):
    """A Keras MLP from a state to one value per action (linear outputs)."""
    import keras

    return keras.Sequential(
        [
            keras.Input((int(state_dim),)),
            *[keras.layers.Dense(int(n), activation="relu") for n in units],
            keras.layers.Dense(int(n_actions)),
        ],
        name="q_network",
    )


def dqn_targets(target_network, rewards, next_states, dones, discount: float):
    """``rewards + discount * (1 - dones) * max_a Q_target(next_states, a)``, as a tensor.

    Args:
        target_network: a Keras model from ``(batch, state_dim)`` states to action values.
        rewards, dones: ``(batch,)`` (a ``(batch, 1)`` column is refused: it would broadcast).
        next_states: ``(batch, state_dim)``.
        discount: gamma in [0, 1].
    """
    import tensorflow as tf

    check_batch(next_states.shape[0], rewards=rewards, dones=dones)
    discount = check_scalar(discount, "discount", float, low=0, high=1)
    next_q = target_network(next_states, training=False)
    return rewards + discount * (1.0 - dones) * tf.reduce_max(next_q, axis=1)


def make_train_step(q_network, target_network, optimizer, discount: float):
    """A ``tf.function`` that takes one gradient step of the Huber TD loss on a batch.

    Returns:
        ``step(states, actions, rewards, next_states, dones) -> loss``.
    """
    import keras
    import tensorflow as tf

    huber = keras.losses.Huber()

    @tf.function  # one traced graph per step: no Python between the operations
    def step(states, actions, rewards, next_states, dones):
        targets = dqn_targets(target_network, rewards, next_states, dones, discount)
        with tf.GradientTape() as tape:
            q = q_network(states, training=True)
            chosen = tf.gather(q, actions, batch_dims=1)  # Q(s, a) of the action taken
            loss = huber(targets, chosen)
        grads = tape.gradient(loss, q_network.trainable_variables)
        optimizer.apply(grads, q_network.trainable_variables)
        return loss

    return step


class DQNResult(NamedTuple):
    """``q_network``: the trained model; ``returns``: each finished training episode's
    return; ``end_steps``: the environment step at which each of them ended."""

    q_network: object
    returns: np.ndarray
    end_steps: np.ndarray


def train_dqn(
    steps: int = 4000,
    *,
    seed: int = 0,
    env_id: str = "CartPole-v1",
    units=(64, 64),
    learning_rate: float = 1e-3,
    discount: float = 0.99,
    batch_size: int = 64,
    buffer_size: int = 50_000,
    learning_starts: int = 500,
    train_every: int = 2,
    target_every: int = 250,
    epsilon=(1.0, 0.05, 2000),
    progress=None,
) -> DQNResult:
    """Train a deep Q-network for ``steps`` environment steps.

    Each step: act epsilon-greedily (epsilon falls linearly as ``(start, end, decay_steps)``),
    store the transition, then (after ``learning_starts`` steps, every ``train_every`` steps)
    take one gradient step on a random replay batch, against a target network that copies
    the online one every ``target_every`` steps.
    Seeded: the same ``seed`` gives the same run on one machine.

    Args:
        steps: environment steps to train for.
        train_every, target_every: how often (in steps) to train and to copy the target
            network; integers >= 1.
        epsilon: ``(start, end, decay_steps)`` of :func:`dlhelpers.scratch.rl.linear_epsilon`.
        seed: seeds the weights (``keras.utils.set_random_seed``), the first episode and
            the Generator behind exploration and replay sampling.
        progress: optional callable ``progress(n)`` called with each step (a tqdm's ``update``).

    Returns:
        A :class:`DQNResult`.
    """
    import gymnasium as gym
    import keras
    import tensorflow as tf

    steps = check_scalar(steps, "steps", int, low=1)
    train_every = check_scalar(train_every, "train_every", int, low=1)
    target_every = check_scalar(target_every, "target_every", int, low=1)
    if not (isinstance(epsilon, (tuple, list)) and len(epsilon) == 3):
        fail("epsilon", "a tuple (start, end, decay_steps)", epsilon)
    epsilon = (
        check_scalar(epsilon[0], "epsilon start", float, low=0, high=1),
        check_scalar(epsilon[1], "epsilon end", float, low=0, high=1),
        check_scalar(epsilon[2], "epsilon decay_steps", int, low=1),
    )
    env = gym.make(env_id)
    keras.utils.set_random_seed(seed)
    state_dim, n_actions = int(env.observation_space.shape[0]), int(env.action_space.n)
    q_network = build_q_network(state_dim, n_actions, units)
    target_network = build_q_network(state_dim, n_actions, units)
    target_network.set_weights(q_network.get_weights())
    train_step = make_train_step(
        q_network, target_network, keras.optimizers.Adam(learning_rate), discount
    )
    greedy = tf.function(lambda x: tf.argmax(q_network(x, training=False), axis=1)[0])
    buffer, rng = ReplayBuffer(buffer_size, state_dim), np.random.default_rng(seed)
    returns, end_steps, total = [], [], 0.0
    state, _ = env.reset(seed=seed)
    for t in range(steps):
        if rng.random() < linear_epsilon(t, *epsilon):
            action = int(rng.integers(n_actions))
        else:
            action = int(greedy(tf.constant(state[None], tf.float32)))
        next_state, reward, terminated, truncated, _ = env.step(action)
        buffer.add(state, action, reward, next_state, terminated)  # truncation is not an end
        total += reward
        state = next_state
        if terminated or truncated:
            returns.append(total)
            end_steps.append(t + 1)
            total = 0.0
            state, _ = env.reset()
        if t >= learning_starts and t % train_every == 0:
            train_step(*buffer.sample(batch_size, rng))
        if t % target_every == 0:
            target_network.set_weights(q_network.get_weights())
        if progress is not None:
            progress(1)
    env.close()
    return DQNResult(q_network, np.asarray(returns), np.asarray(end_steps))


def greedy_returns(q_network, env, seeds) -> np.ndarray:
    """The return of the greedy policy ``argmax_a Q(s, a)`` on one episode per seed."""
    import tensorflow as tf

    greedy = tf.function(lambda x: tf.argmax(q_network(x, training=False), axis=1)[0])

    def choose(observation):
        return int(greedy(tf.constant(observation[None], tf.float32)))

    return np.asarray([run_episode(env, choose, int(seed)).sum() for seed in seeds])


def returns_by_step(end_steps, returns, grid, *, window: int = 10) -> np.ndarray:
    """The mean return of the last ``window`` episodes finished by each step of ``grid``.

    Puts runs whose episodes end at different steps on one x axis; NaN before the
    first episode ends.
    """
    end_steps, returns = np.asarray(end_steps), np.asarray(returns, dtype=float)
    done = np.searchsorted(end_steps, grid, side="right")  # episodes finished by each step
    cumulative = np.concatenate([[0.0], np.cumsum(returns)])
    first = np.maximum(done - window, 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(done > 0, (cumulative[done] - cumulative[first]) / (done - first), np.nan)
