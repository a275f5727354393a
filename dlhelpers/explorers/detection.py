"""Chapter 11's explorers: a trained detector's boxes under two thresholds; a U-Net's masks."""

from __future__ import annotations

import numpy as np

from dlhelpers._validation import check_array, check_same_length, check_scalar, fail
from dlhelpers.detection import decode_outputs
from dlhelpers.explorers._base import Explorer
from dlhelpers.plots.detection import plot_detections, plot_mask
from dlhelpers.scratch.detection import match_detections
from dlhelpers.scratch.segmentation import per_class_iou

__all__ = ["DetectionExplorer", "SegmentationExplorer"]


def _scene_slider(n: int):
    import ipywidgets as widgets

    return widgets.IntSlider(value=0, min=0, max=n - 1, description="scene")


class DetectionExplorer(Explorer):
    """Pick a test scene, the confidence threshold and the NMS IoU threshold; see the boxes.

    The model runs once on every scene (in the constructor); moving a control only decodes
    its outputs again, so each change is instant.

    Args:
        model: a trained detector (``(N, S, S, 1)`` to ``(N, G, G, 5 + C)``).
        images: ``(N, S, S, 1)`` scenes; true_boxes, true_classes: one array per scene.
        cell: the grid cell side in pixels.

    Attributes:
        result: dict with ``index``, ``boxes``, ``scores``, ``classes``, ``correct``
            (1 for a detection matching a true digit of its class at IoU 0.5), ``found``
            and ``missed`` (true digits matched / not).
    """

    figsize = (4, 4)

    def __init__(self, model, images, true_boxes, true_classes, *, cell: int = 8):
        import ipywidgets as widgets

        self.images = check_array(images, "images", ndim=4)
        if not len(true_boxes) == len(true_classes) == len(self.images):
            fail("true_boxes", f"one array per scene ({len(self.images)})", len(true_boxes))
        self.true_boxes, self.true_classes = true_boxes, true_classes
        self.cell = check_scalar(cell, "cell", int, low=1)
        self.outputs = np.asarray(model.predict(self.images, verbose=0))
        slider = dict(min=0.05, max=0.95, step=0.05, continuous_update=False)
        controls = {
            "index": _scene_slider(len(self.images)),
            "score_threshold": widgets.FloatSlider(value=0.3, description="confidence", **slider),
            "iou_threshold": widgets.FloatSlider(value=0.5, description="NMS IoU", **slider),
        }
        super().__init__(controls, title="Detections on a test scene")

    def compute(self, index, score_threshold, iou_threshold) -> dict:
        ((boxes, scores, classes),) = decode_outputs(
            self.outputs[index : index + 1],
            cell=self.cell,
            score_threshold=score_threshold,
            iou_threshold=iou_threshold,
        )
        truth, truth_classes = self.true_boxes[index], self.true_classes[index]
        correct = match_detections(boxes, scores, truth, 0.5, classes, truth_classes)
        return {
            "index": index,
            "boxes": boxes,
            "scores": scores,
            "classes": classes,
            "correct": correct,
            "found": int(correct.sum()),
            "missed": len(truth) - int(correct.sum()),
        }

    def draw(self, fig, result) -> None:
        title = (
            f"{len(result['boxes'])} boxes: {result['found']} right, "
            f"{len(result['boxes']) - result['found']} wrong, {result['missed']} digit(s) missed"
        )
        plot_detections(
            self.images[result["index"]],
            result["boxes"],
            scores=result["scores"],
            classes=result["classes"],
            correct=result["correct"],
            true_boxes=self.true_boxes[result["index"]],
            ax=fig.add_subplot(),
            title=title,
        )


class SegmentationExplorer(Explorer):
    """Pick a scene and a class; see the true and the predicted pixels of that class.

    Args:
        model: a trained segmenter (``(N, S, S, 1)`` to ``(N, S, S, num_classes)`` logits).
        images: ``(N, S, S, 1)`` scenes; masks: ``(N, S, S)`` true labels (0 background).
        class_names: the name of each label, background first.

    Attributes:
        result: dict with ``index``, ``label`` (``None`` for every class), ``predicted``
            (the ``(S, S)`` predicted labels) and ``iou`` (per-class IoU on this scene).
    """

    figsize = (6, 3.2)

    def __init__(self, model, images, masks, class_names):
        import ipywidgets as widgets

        self.images = check_array(images, "images", ndim=4)
        self.masks = check_array(masks, "masks", ndim=3, dtype=np.int64)
        check_same_length(images=self.images, masks=self.masks)
        self.class_names = list(class_names)
        logits = np.asarray(model.predict(self.images, verbose=0))
        if logits.shape[-1] != len(self.class_names):
            fail("class_names", f"one name per output channel ({logits.shape[-1]})", class_names)
        self.predicted = logits.argmax(-1)
        options = [("every class", None)] + [
            (name, label) for label, name in enumerate(self.class_names) if label > 0
        ]
        controls = {
            "index": _scene_slider(len(self.images)),
            "label": widgets.Dropdown(options=options, value=None, description="class"),
        }
        super().__init__(controls, title="Predicted and true masks")

    def compute(self, index, label) -> dict:
        predicted = self.predicted[index]
        iou = per_class_iou(self.masks[index], predicted, len(self.class_names))
        return {"index": index, "label": label, "predicted": predicted, "iou": iou}

    def draw(self, fig, result) -> None:
        index, label = result["index"], result["label"]
        n = len(self.class_names)
        where = "" if label is None else f" ({self.class_names[label]})"
        iou = np.nan if label is None else result["iou"][label]
        score = "" if label is None else (", absent" if np.isnan(iou) else f", IoU {iou:.2f}")
        left, right = fig.subplots(1, 2)
        plot_mask(
            self.images[index],
            self.masks[index],
            num_classes=n,
            highlight=label,
            ax=left,
            title="true" + where,
        )
        plot_mask(
            self.images[index],
            result["predicted"],
            num_classes=n,
            highlight=label,
            ax=right,
            title="predicted" + where + score,
        )
