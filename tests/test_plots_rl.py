"""Chapter 14's figures draw the values, arrows and curves they are given."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.patches import FancyArrow

from dlhelpers.plots.rl import ARROWS, plot_returns, plot_value_map

DESC = np.array([list("SFFF"), list("FHFH"), list("FFFH"), list("HFFG")])


def test_value_map_draws_the_values_and_one_arrow_per_best_action():
    values = np.linspace(0, 1, 16)
    greedy = np.zeros((16, 4), dtype=bool)
    greedy[:, 2] = True
    greedy[0, 1] = True  # a tie in the start state: two arrows
    fig = plot_value_map(values, greedy, DESC)
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.images[0].get_array(), values.reshape(4, 4))
    arrows = [p for p in ax.patches if isinstance(p, FancyArrow)]
    open_cells = int(np.isin(DESC, ["S", "F"]).sum())
    assert len(arrows) == open_cells + 1, "no arrows on holes and the goal"
    assert [t.get_text() for t in ax.texts] == list("".join("".join(r) for r in DESC))
    plt.close(fig)


def test_value_map_arrow_directions():
    greedy = np.zeros((16, 4), dtype=bool)
    greedy[0, 3] = True  # up, from the top-left cell
    fig = plot_value_map(np.zeros(16), greedy, DESC)
    (arrow,) = [p for p in fig.axes[0].patches if isinstance(p, FancyArrow)]
    tip = arrow.get_xy()[np.argmin(arrow.get_xy()[:, 1])]  # up = smaller row on an image
    assert tip[1] < 0 and abs(tip[0]) < 1e-9 and ARROWS[3].tolist() == [0, -1]
    plt.close(fig)


def test_value_map_validation():
    with pytest.raises(ValueError, match="values, greedy: expected shapes"):
        plot_value_map(np.zeros(9), np.zeros((9, 4), bool), DESC)


def test_returns_draws_the_mean_and_the_band():
    x = np.arange(5)
    runs = np.array([[0, 1, 2, 3, 4], [2, 3, 4, 5, 6], [np.nan, 2, 3, 4, 5]], dtype=float)
    fig = plot_returns(x, {"dqn": runs}, baseline=("random", 1.5))
    ax = fig.axes[0]
    line, base = ax.lines
    np.testing.assert_allclose(line.get_ydata(), [1, 2, 3, 4, 5])
    assert line.get_label() == "dqn (mean of 3 seeds)" and base.get_ydata()[0] == 1.5
    band = ax.collections[0].get_paths()[0].vertices
    assert band[:, 1].min() == 0 and band[:, 1].max() == 6, "from the lowest to the highest seed"
    with pytest.raises(ValueError, match="dqn: expected 5 points per seed"):
        plot_returns(x, {"dqn": runs[:, :3]})
    plt.close(fig)


def test_value_map_colour_scale_reaches_negative_values():
    values = np.linspace(-0.5, 1, 16)
    fig = plot_value_map(values, np.zeros((16, 4), dtype=bool), DESC)
    assert fig.axes[0].images[0].get_clim() == (-0.5, 1.0), "negative values keep their colour"
    plt.close(fig)
