"""The detection and segmentation explorers, driven by setting control values (no browser)."""

import numpy as np
import pytest

from dlhelpers.detection import decode_outputs, encode_targets
from dlhelpers.scratch.segmentation import per_class_iou


class _Fixed:
    """A stand-in model: returns fixed outputs (what a trained network would give)."""

    def __init__(self, outputs):
        self.outputs = outputs

    def predict(self, x, verbose=0):
        return self.outputs[: len(x)]


def _logit(p):
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


@pytest.fixture
def scenes():
    boxes = [
        np.array([[2.0, 3.0, 14.0, 11.0], [20.0, 25.0, 36.0, 40.0]]),
        np.array([[30.0, 30.0, 44.0, 40.0]]),
    ]
    classes = [np.array([4, 7]), np.array([1])]
    t = encode_targets(boxes, classes)
    outputs = np.concatenate([_logit(t[..., :5]), 5 * np.eye(10)[t[..., 5].astype(int)]], -1)
    outputs[0, 5, 5, 0] = 1.0  # a spurious cell: objectness 0.73, unsure of the digit
    outputs[0, 5, 5, 5:] = 0.0
    images = np.zeros((2, 48, 48, 1), "float32")
    return images, boxes, classes, outputs


def test_detection_explorer_redraws_boxes_for_each_threshold(scenes):
    from dlhelpers.explorers.detection import DetectionExplorer

    images, boxes, classes, outputs = scenes
    explorer = DetectionExplorer(_Fixed(outputs), images, boxes, classes)
    assert explorer.fig is not None and explorer.result["found"] == 2
    assert len(explorer.result["boxes"]) == 2  # the spurious cell scores 0.73 x 0.1: below 0.3
    explorer.controls["score_threshold"].value = 0.05
    assert len(explorer.result["boxes"]) == 3 and explorer.result["correct"].tolist().count(0) == 1
    expected = decode_outputs(outputs[:1], score_threshold=0.05, iou_threshold=0.5)[0][0]
    np.testing.assert_allclose(explorer.result["boxes"], expected)
    explorer.controls["index"].value = 1
    assert explorer.result["found"] == 1 and explorer.result["missed"] == 0
    explorer.controls["score_threshold"].value = 0.95
    assert explorer.result["missed"] == 1 and len(explorer.fig.axes[0].patches) == 1  # the truth
    assert explorer.controls["score_threshold"].continuous_update is False


def test_detection_explorer_refuses_mismatched_truths(scenes):
    from dlhelpers.explorers.detection import DetectionExplorer

    images, boxes, classes, outputs = scenes
    with pytest.raises(ValueError, match=r"true_boxes: expected one array per scene \(2\)"):
        DetectionExplorer(_Fixed(outputs), images, boxes[:1], classes[:1])


def test_segmentation_explorer_shows_the_chosen_class():
    from dlhelpers.explorers.detection import SegmentationExplorer

    rng = np.random.default_rng(0)
    masks = rng.integers(0, 3, size=(3, 8, 8))
    logits = rng.normal(size=(3, 8, 8, 3))
    explorer = SegmentationExplorer(_Fixed(logits), np.zeros((3, 8, 8, 1)), masks, ["bg", "a", "b"])
    assert explorer.result["label"] is None and len(explorer.fig.axes) == 2
    explorer.controls["index"].value = 2
    explorer.controls["label"].value = 1
    np.testing.assert_array_equal(explorer.result["predicted"], logits[2].argmax(-1))
    np.testing.assert_allclose(
        explorer.result["iou"], per_class_iou(masks[2], logits[2].argmax(-1), 3)
    )
    shown = explorer.fig.axes[1].images[1].get_array()
    np.testing.assert_array_equal(shown.mask, logits[2].argmax(-1) != 1)
    assert "IoU" in explorer.fig.axes[1].get_title()


def test_segmentation_explorer_names_an_absent_class_and_checks_its_names():
    from dlhelpers.explorers.detection import SegmentationExplorer

    masks = np.zeros((2, 4, 4), int)
    logits = np.zeros((2, 4, 4, 3))
    logits[..., 0] = 1.0  # background everywhere: class 2 is absent from truth and prediction
    explorer = SegmentationExplorer(_Fixed(logits), np.zeros((2, 4, 4, 1)), masks, ["bg", "a", "b"])
    explorer.controls["label"].value = 2
    assert explorer.fig.axes[1].get_title().endswith("absent")
    with pytest.raises(
        ValueError, match=r"class_names: expected one name per output channel \(3\)"
    ):
        SegmentationExplorer(_Fixed(logits), np.zeros((2, 4, 4, 1)), masks, ["bg", "a"])
    with pytest.raises(ValueError, match="images, masks: expected the same number of rows"):
        SegmentationExplorer(_Fixed(logits), np.zeros((2, 4, 4, 1)), masks[:1], ["bg", "a", "b"])
