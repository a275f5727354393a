"""dlhelpers.scratch.detection: IoU, NMS, matching and AP by hand equal independent answers."""

import numpy as np
import pytest

from dlhelpers.scratch.detection import (
    average_precision,
    box_area,
    box_iou,
    detection_average_precision,
    match_detections,
    non_max_suppression,
    precision_recall,
)


def _random_boxes(rng, n, size=16):
    corners = np.sort(rng.integers(0, size, size=(n, 2, 2)), axis=1)
    return np.column_stack([corners[:, 0], corners[:, 1] + 1])


def _raster(box, size=17):
    grid = np.zeros((size, size), bool)
    grid[box[0] : box[2], box[1] : box[3]] = True
    return grid


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_iou_equals_pixel_counts_of_rasterised_boxes(seed):
    rng = np.random.default_rng(seed)
    a, b = _random_boxes(rng, 30), _random_boxes(rng, 25)
    counted = np.array(
        [[np.sum(_raster(p) & _raster(q)) / np.sum(_raster(p) | _raster(q)) for q in b] for p in a]
    )
    np.testing.assert_allclose(box_iou(a, b), counted, rtol=1e-12)
    np.testing.assert_array_equal(box_area(a), [_raster(p).sum() for p in a])


def test_iou_of_touching_nested_disjoint_and_identical_boxes():
    a = [[0, 0, 4, 4], [0, 0, 10, 10], [0, 0, 2, 2], [1, 1, 3, 3], [0, 0, 0, 0]]
    b = [[0, 4, 4, 8], [2, 2, 4, 4], [5, 5, 7, 7], [1, 1, 3, 3], [0, 0, 0, 0]]
    np.testing.assert_allclose(np.diag(box_iou(a, b)), [0, 0.04, 0, 1, 0])


def test_iou_refuses_inverted_boxes():
    with pytest.raises(ValueError, match=r"a: expected boxes \(y1, x1, y2, x2\) with y1 <= y2"):
        box_iou([[5, 0, 1, 3]], [[0, 0, 1, 1]])


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("threshold", [0.0, 0.2, 0.5, 0.8])
def test_nms_equals_tensorflow(tf, seed, threshold):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 40))
    top_left = rng.uniform(0, 30, size=(n, 2))
    boxes = np.column_stack([top_left, top_left + rng.uniform(1, 12, size=(n, 2))]).astype(
        "float32"
    )
    scores = rng.uniform(size=n).astype("float32")
    for limit in (n, 3):
        expected = tf.image.non_max_suppression(
            boxes, scores, limit, iou_threshold=threshold
        ).numpy()
        np.testing.assert_array_equal(
            non_max_suppression(boxes, scores, threshold, limit), expected
        )


def test_nms_of_nothing_is_nothing_and_bad_thresholds_are_refused():
    assert non_max_suppression(np.zeros((0, 4)), np.zeros(0)).tolist() == []
    with pytest.raises(ValueError, match="iou_threshold: expected a number <= 1"):
        non_max_suppression([[0, 0, 1, 1]], [1.0], 1.5)


def test_matching_takes_best_scores_first_and_one_detection_per_truth():
    truth = np.array([[0, 0, 10, 10], [20, 20, 30, 30]])
    boxes = np.array([[0, 0, 10, 10], [1, 1, 10, 10], [20, 20, 29, 30], [40, 40, 45, 45]])
    scores = np.array([0.5, 0.9, 0.7, 0.8])
    # the 0.9 box takes the first digit, so the exact 0.5 box is a duplicate
    assert match_detections(boxes, scores, truth).tolist() == [0, 1, 1, 0]
    # with classes, a box of the wrong digit matches nothing
    hits = match_detections(boxes, scores, truth, 0.5, [3, 3, 5, 3], [3, 4])
    assert hits.tolist() == [0, 1, 0, 0]
    assert match_detections(boxes, scores, np.zeros((0, 4))).tolist() == [0, 0, 0, 0]


def test_precision_recall_and_ap_of_a_known_case():
    p, r, t = precision_recall([0.6, 0.9, 0.7, 0.8], [0, 1, 1, 0], 3)
    np.testing.assert_allclose(p, [1, 1 / 2, 2 / 3, 1 / 2])
    np.testing.assert_allclose(r, [1 / 3, 1 / 3, 2 / 3, 2 / 3])
    np.testing.assert_allclose(t, [0.9, 0.8, 0.7, 0.6])
    np.testing.assert_allclose(average_precision(p, r), 5 / 9)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_ap_equals_scikit_learn_rescaled(seed):
    from sklearn.metrics import average_precision_score

    rng = np.random.default_rng(seed)
    scores, hits = rng.uniform(size=80), (rng.uniform(size=80) < 0.5).astype(int)
    n_true = int(hits.sum() + rng.integers(0, 20))
    p, r, _ = precision_recall(scores, hits, n_true)
    expected = average_precision_score(hits, scores) * hits.sum() / n_true
    np.testing.assert_allclose(average_precision(p, r), expected, rtol=1e-12)


def test_detection_ap_over_images_agnostic_and_by_class():
    truth = [np.array([[0, 0, 10, 10]]), np.array([[0, 0, 8, 8], [10, 10, 20, 20]])]
    classes = [np.array([1]), np.array([2, 1])]
    perfect = [(t.astype(float), np.ones(len(t)), c) for t, c in zip(truth, classes, strict=True)]
    assert detection_average_precision(perfect, truth)["ap"] == pytest.approx(1.0)
    assert detection_average_precision(perfect, truth, true_classes=classes)["ap"] == pytest.approx(
        1.0
    )
    swapped = [
        (t.astype(float), np.ones(len(t)), 3 - c) for t, c in zip(truth, classes, strict=True)
    ]
    assert detection_average_precision(swapped, truth)["ap"] == pytest.approx(1.0)
    by_class = detection_average_precision(swapped, truth, true_classes=classes)
    assert by_class["ap"] == 0 and set(by_class["per_class"]) == {1, 2}
    with pytest.raises(ValueError, match="detections: expected one triple per image"):
        detection_average_precision(perfect[:1], truth)


def test_boxes_of_the_wrong_width_are_refused():
    with pytest.raises(ValueError, match=r"a: expected an \(n, 4\) array of boxes"):
        box_iou(np.zeros((4, 3)), [[0, 0, 1, 1]])
    assert box_iou(np.zeros((0, 4)), [[0, 0, 1, 1]]).shape == (0, 1)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_nms_with_equal_scores_equals_tensorflow(tf, seed):
    # ties: both keep the lower index first
    rng = np.random.default_rng(seed)
    top_left = rng.integers(0, 20, size=(25, 2))
    boxes = np.column_stack([top_left, top_left + rng.integers(2, 10, size=(25, 2))])
    boxes = boxes.astype("float32")
    scores = rng.integers(0, 3, size=25).astype("float32") / 2  # many equal scores
    expected = tf.image.non_max_suppression(boxes, scores, 25, iou_threshold=0.3).numpy()
    np.testing.assert_array_equal(non_max_suppression(boxes, scores, 0.3), expected)


def test_ap_with_no_detections_is_zero_and_no_truth_is_refused():
    truth = [np.array([[0.0, 0, 4, 4]]), np.zeros((0, 4))]
    nothing = [(np.zeros((0, 4)), np.zeros(0), np.zeros(0, int))] * 2
    assert detection_average_precision(nothing, truth)["ap"] == 0
    assert detection_average_precision(nothing, truth, true_classes=[[3], []])["ap"] == 0
    with pytest.raises(ValueError, match="true_boxes: expected at least one true box"):
        detection_average_precision(nothing, [np.zeros((0, 4))] * 2)
    with pytest.raises(ValueError, match="true_classes: expected one array per image"):
        detection_average_precision(nothing, truth, true_classes=[[3]])


def test_matching_needs_both_class_lists():
    with pytest.raises(ValueError, match="classes, true_classes: expected both or neither"):
        match_detections([[0, 0, 1, 1]], [1.0], [[0, 0, 1, 1]], 0.5, classes=[1])
    with pytest.raises(ValueError, match="boxes, classes: expected the same number of rows"):
        match_detections([[0, 0, 1, 1]], [1.0], [[0, 0, 1, 1]], 0.5, [1, 2], [1])
    with pytest.raises(ValueError, match="iou_threshold: expected a number <= 1"):
        match_detections([[0, 0, 1, 1]], [1.0], [[0, 0, 1, 1]], 50)


def test_class_aware_ap_leaves_out_classes_no_truth_has():
    truth, classes = [np.array([[0.0, 0, 4, 4]])], [np.array([3])]
    found = [(np.array([[0.0, 0, 4, 4], [10, 10, 14, 14]]), np.array([0.9, 0.8]), np.array([3, 5]))]
    result = detection_average_precision(found, truth, true_classes=classes)
    assert result["per_class"] == {3: 1.0} and result["ap"] == 1.0
