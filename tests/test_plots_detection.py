"""dlhelpers.plots.detection: what is drawn is what was given."""

import numpy as np
import pytest

from dlhelpers.plots.detection import (
    RIGHT,
    TRUTH,
    WRONG,
    plot_detections,
    plot_mask,
    plot_precision_recall,
)


def test_detections_draw_the_image_and_one_rectangle_per_box():
    from matplotlib.colors import to_rgba

    image = np.random.default_rng(0).uniform(size=(20, 20, 1))
    boxes = np.array([[1.0, 2.0, 8.0, 9.0], [10.0, 10.0, 15.0, 18.0]])
    fig = plot_detections(
        image, boxes, scores=[0.9, 0.4], classes=[3, 5], correct=[1, 0], true_boxes=[[1, 2, 8, 8]]
    )
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.images[0].get_array(), image[..., 0])
    truth, right, wrong = ax.patches
    assert truth.get_edgecolor() == to_rgba(TRUTH) and truth.get_linestyle() == "--"
    assert right.get_edgecolor() == to_rgba(RIGHT) and wrong.get_edgecolor() == to_rgba(WRONG)
    assert (wrong.get_x(), wrong.get_y(), wrong.get_width(), wrong.get_height()) == (
        9.5,
        9.5,
        8.0,
        5.0,
    )
    assert [t.get_text() for t in ax.texts] == ["3 0.90", "5 0.40"]


def test_precision_recall_draws_each_curve():
    fig = plot_precision_recall({"a": ([0.1, 0.5, 1.0], [1.0, 0.8, 0.6]), "b": ([0.2], [0.5])})
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [0.1, 0.5, 1.0])
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [1.0, 0.8, 0.6])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]
    with pytest.raises(ValueError, match="curves: expected at least one"):
        plot_precision_recall({})


def test_mask_overlay_hides_background_or_the_other_classes():
    image = np.zeros((4, 4))
    mask = np.array([[0, 1, 1, 0], [0, 2, 2, 0], [0, 0, 0, 0], [3, 3, 0, 0]])
    ax = plot_mask(image, mask, num_classes=4).axes[0]
    drawn = ax.images[1].get_array()
    np.testing.assert_array_equal(drawn.data, mask)
    np.testing.assert_array_equal(drawn.mask, mask == 0)
    ax = plot_mask(image, mask, num_classes=4, highlight=2).axes[0]
    np.testing.assert_array_equal(ax.images[1].get_array().mask, mask != 2)
    with pytest.raises(ValueError, match=r"mask: expected the image's shape \(4, 4\)"):
        plot_mask(image, mask[:2])


def test_boxes_of_the_wrong_width_and_too_many_classes_are_refused():
    with pytest.raises(ValueError, match=r"boxes: expected an \(n, 4\) array"):
        plot_detections(np.zeros((8, 8)), np.zeros((4, 3)))
    with pytest.raises(ValueError, match="num_classes: expected an integer <= 21"):
        plot_mask(np.zeros((4, 4)), np.zeros((4, 4), int), num_classes=30)


def test_mask_colours_differ_for_every_label_up_to_21():
    mask = np.arange(16).reshape(4, 4) % 15
    ax = plot_mask(np.zeros((4, 4)), mask, num_classes=15).axes[0]
    overlay = ax.images[1]
    colours = {tuple(overlay.cmap(overlay.norm(label))) for label in range(1, 15)}
    assert len(colours) == 14
