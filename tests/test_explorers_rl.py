"""The tabular Q-learning explorer, driven by setting its controls."""

import numpy as np
import pytest

from dlhelpers.explorers.rl import QLearningExplorer


@pytest.fixture(scope="module")
def explorer():
    return QLearningExplorer(episodes=120, seeds=2)


def test_explorer_learns_and_draws(explorer):
    result = explorer.result
    assert result["q"].shape == (2, 16, 4) and result["returns"].shape == (2, 120)
    assert np.isclose(result["success"], result["returns"][:, -50:].mean())
    left, right = explorer.fig.axes[:2]  # then the colour bar
    np.testing.assert_allclose(left.images[0].get_array().ravel(), result["q"][0].max(axis=1))
    (line,) = right.lines
    window_means = [np.convolve(r, np.ones(20) / 20, mode="valid") for r in result["returns"]]
    np.testing.assert_allclose(line.get_ydata(), np.mean(window_means, axis=0))


def test_without_discount_only_the_last_step_has_a_value(explorer):
    before = explorer.updates
    explorer.controls["discount"].value = 0.0
    # with discount 0 only the step onto the goal has a value
    q = explorer.result["q"]
    assert explorer.updates == before + 1
    assert np.count_nonzero(q.max(axis=2) > 1e-12) <= 2, "one state per seed at most"
    explorer.controls["discount"].value = 0.9


def test_code_runs_and_gives_seed_0(explorer):
    explorer.controls["learning_rate"].value = 0.3
    namespace = {}
    exec(explorer.code_text, namespace)
    np.testing.assert_array_equal(namespace["q"], explorer.result["q"][0])
    np.testing.assert_array_equal(namespace["returns"], explorer.result["returns"][0])
    explorer.controls["learning_rate"].value = 0.5


def test_constructor_validation():
    with pytest.raises(ValueError, match="episodes: expected an integer >= 50, received 10"):
        QLearningExplorer(episodes=10)
    with pytest.raises(ValueError, match="seeds: expected an integer >= 1, received 0"):
        QLearningExplorer(seeds=0)
