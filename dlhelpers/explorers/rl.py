"""Chapter 14's explorer: tabular Q-learning on FrozenLake under other settings."""

from __future__ import annotations

import numpy as np

from dlhelpers._validation import check_scalar
from dlhelpers.explorers._base import Explorer
from dlhelpers.plots.rl import plot_returns, plot_value_map
from dlhelpers.rl import q_learning
from dlhelpers.scratch.rl import greedy_actions

__all__ = ["QLearningExplorer"]


class QLearningExplorer(Explorer):
    """Learning rate, discount and exploration rate in; learned values and return curves out.

    Each change reruns Q-learning on the deterministic 4x4 FrozenLake for ``episodes``
    episodes on each of ``seeds`` seeds. ``result`` is a dict: ``q`` (seeds, 16, 4) learned
    tables, ``returns`` (seeds, episodes) each episode's return (1 when the goal was reached),
    and ``success`` (the fraction of the last 50 episodes that reached it, mean over seeds).
    """

    figsize = (8, 3.2)
    busy_text = "learning..."

    def __init__(
        self,
        *,
        learning_rate: float = 0.5,
        discount: float = 0.9,
        epsilon: float = 0.1,
        episodes: int = 300,
        seeds: int = 3,
    ):
        import gymnasium as gym
        import ipywidgets as widgets

        # success is measured on the last 50 episodes, so there must be at least 50
        self.episodes = check_scalar(episodes, "episodes", int, low=50)
        self.seeds = check_scalar(seeds, "seeds", int, low=1)
        self.env = gym.make("FrozenLake-v1", is_slippery=False)

        def slider(value, low, high, step, description):
            return widgets.FloatSlider(
                value=value,
                min=low,
                max=high,
                step=step,
                description=description,
                continuous_update=False,
                style={"description_width": "initial"},
            )

        controls = {
            "learning_rate": slider(learning_rate, 0.05, 1.0, 0.05, "learning rate"),
            "discount": slider(discount, 0.0, 0.99, 0.01, "discount"),
            "epsilon": slider(epsilon, 0.0, 1.0, 0.05, "exploration rate"),
        }
        super().__init__(controls, title="Tabular Q-learning on FrozenLake 4x4")

    def compute(self, learning_rate, discount, epsilon) -> dict:
        runs = [
            q_learning(
                self.env,
                self.episodes,
                learning_rate=learning_rate,
                discount=discount,
                epsilon=epsilon,
                seed=seed,
            )
            for seed in range(self.seeds)
        ]
        returns = np.stack([run.returns for run in runs])
        return {
            "q": np.stack([run.q for run in runs]),
            "returns": returns,
            "success": float(returns[:, -50:].mean()),
        }

    def code(self, learning_rate, discount, epsilon) -> str:
        return (
            "import gymnasium as gym\n"
            "from dlhelpers.rl import q_learning\n\n"
            'env = gym.make("FrozenLake-v1", is_slippery=False)\n'
            f"q, returns = q_learning(env, {self.episodes}, learning_rate={learning_rate:g}, "
            f"discount={discount:g}, epsilon={epsilon:g}, seed=0)\n"
        )

    def draw(self, fig, result) -> None:
        left, right = fig.subplots(1, 2, width_ratios=[1, 1.4])
        q = result["q"][0]
        plot_value_map(
            q.max(axis=1),
            greedy_actions(q),
            self.env.unwrapped.desc,
            ax=left,
            title="seed 0: max Q, greedy actions",
        )
        window = 20
        kernel = np.ones(window) / window
        smooth = np.stack([np.convolve(r, kernel, mode="valid") for r in result["returns"]])
        plot_returns(
            np.arange(window, self.episodes + 1),
            {f"last {window} episodes": smooth},
            ax=right,
            ylabel="success rate",
        )
        right.set_ylim(-0.05, 1.05)
