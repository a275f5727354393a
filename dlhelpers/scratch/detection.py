"""Object detection by hand in NumPy (Chapter 11): box IoU, non-maximum suppression,
matching detections to true boxes, precision-recall and average precision.

Boxes follow TensorFlow's layout ``(y1, x1, y2, x2)`` (``tf.image.non_max_suppression``
and ``tf.image.draw_bounding_boxes`` take that order), in pixels, with ``y1 <= y2`` and
``x1 <= x2``; a box covers ``(y2 - y1) * (x2 - x1)`` pixels.
"""

from __future__ import annotations

import numpy as np

from dlhelpers._validation import check_array, check_same_length, check_scalar, fail

__all__ = [
    "box_area",
    "box_iou",
    "non_max_suppression",
    "match_detections",
    "precision_recall",
    "average_precision",
    "detection_average_precision",
]


def _boxes(boxes, name: str) -> np.ndarray:
    boxes = check_array(boxes, name, ndim=2, min_size=0)
    if boxes.size == 0:
        return boxes.reshape(0, 4)
    if boxes.shape[1] != 4:
        fail(name, "an (n, 4) array of boxes (y1, x1, y2, x2)", boxes)
    if np.any(boxes[:, 2] < boxes[:, 0]) or np.any(boxes[:, 3] < boxes[:, 1]):
        fail(name, "boxes (y1, x1, y2, x2) with y1 <= y2 and x1 <= x2", boxes)
    return boxes


def box_area(boxes) -> np.ndarray:
    """Areas of ``(n, 4)`` boxes ``(y1, x1, y2, x2)``: ``(y2 - y1) * (x2 - x1)``."""
    boxes = _boxes(boxes, "boxes")
    return (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])


def box_iou(a, b) -> np.ndarray:
    """Intersection over union of every box of ``a`` with every box of ``b``.

    The intersection of two boxes is the box between the larger top-left corner and the
    smaller bottom-right one (empty when those cross); the union is the two areas minus
    the intersection, counted twice otherwise. Two empty boxes have IoU 0.

    Args:
        a: ``(n, 4)`` boxes ``(y1, x1, y2, x2)``.
        b: ``(m, 4)`` boxes.

    Returns:
        ``(n, m)`` float64 IoU values in [0, 1].

    Example:
        >>> box_iou([[0, 0, 2, 2]], [[1, 1, 3, 3], [0, 0, 2, 2]]).round(3).tolist()
        [[0.143, 1.0]]
    """
    a, b = _boxes(a, "a"), _boxes(b, "b")
    top_left = np.maximum(a[:, None, :2], b[None, :, :2])
    bottom_right = np.minimum(a[:, None, 2:], b[None, :, 2:])
    sides = np.clip(bottom_right - top_left, 0, None)
    inter = sides[..., 0] * sides[..., 1]
    union = box_area(a)[:, None] + box_area(b)[None, :] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def non_max_suppression(boxes, scores, iou_threshold: float = 0.5, max_output=None):
    """Greedy non-maximum suppression, as ``tf.image.non_max_suppression`` does it.

    Repeat: keep the highest-scoring box left, then drop every remaining box whose IoU
    with it is above ``iou_threshold``.

    Args:
        boxes: ``(n, 4)`` boxes ``(y1, x1, y2, x2)``.
        scores: ``(n,)`` scores.
        iou_threshold: boxes overlapping a kept box by more than this are dropped.
        max_output: keep at most this many boxes (``None``: no limit).

    Returns:
        int64 indices of the kept boxes, best score first.

    Example:
        >>> boxes = [[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30]]
        >>> non_max_suppression(boxes, [0.9, 0.8, 0.7]).tolist()
        [0, 2]
    """
    boxes = _boxes(boxes, "boxes")
    scores = check_array(scores, "scores", ndim=1, min_size=0)
    check_same_length(boxes=boxes, scores=scores)
    iou_threshold = check_scalar(iou_threshold, "iou_threshold", float, low=0, high=1)
    limit = len(boxes) if max_output is None else check_scalar(max_output, "max_output", int, low=0)
    order = np.argsort(-scores, kind="stable")
    keep = []
    while order.size and len(keep) < limit:
        best, order = order[0], order[1:]
        keep.append(best)
        order = order[box_iou(boxes[best : best + 1], boxes[order])[0] <= iou_threshold]
    return np.array(keep, dtype=np.int64)


def match_detections(
    boxes, scores, true_boxes, iou_threshold: float = 0.5, classes=None, true_classes=None
) -> np.ndarray:
    """Mark each detection of one image as a true positive (1) or a false positive (0).

    Detections are taken best score first; each is matched to the unmatched true box it
    overlaps most (of its own class, when classes are given) and is a true positive when
    that IoU is at least ``iou_threshold``. A true box matches one detection at most, so a
    second detection of the same digit is a false positive.

    Args:
        boxes: ``(n, 4)`` detected boxes; scores: ``(n,)`` their scores.
        true_boxes: ``(m, 4)`` true boxes of the image.
        iou_threshold: the IoU a match needs (0.5 is the usual "AP50").
        classes, true_classes: optional ``(n,)`` and ``(m,)`` class labels.

    Returns:
        ``(n,)`` int64 array, 1 for a true positive, in the order of ``boxes``.
    """
    boxes, true_boxes = _boxes(boxes, "boxes"), _boxes(true_boxes, "true_boxes")
    scores = check_array(scores, "scores", ndim=1, min_size=0)
    check_same_length(boxes=boxes, scores=scores)
    iou_threshold = check_scalar(iou_threshold, "iou_threshold", float, low=0, high=1)
    iou = box_iou(boxes, true_boxes)
    if (classes is None) != (true_classes is None):
        fail("classes, true_classes", "both or neither", (classes is None, true_classes is None))
    if classes is not None:
        classes, true_classes = np.asarray(classes), np.asarray(true_classes)
        check_same_length(boxes=boxes, classes=classes)
        check_same_length(true_boxes=true_boxes, true_classes=true_classes)
        iou = np.where(classes[:, None] == true_classes[None, :], iou, 0.0)
    hit = np.zeros(len(boxes), dtype=np.int64)
    free = np.ones(len(true_boxes), dtype=bool)
    for i in np.argsort(-scores, kind="stable"):
        candidates = np.where(free, iou[i], -1.0)
        if candidates.size and candidates.max() >= iou_threshold:
            free[candidates.argmax()] = False
            hit[i] = 1
    return hit


def precision_recall(scores, hits, n_true: int):
    """Precision and recall as the score threshold falls past each detection in turn.

    Args:
        scores: ``(n,)`` scores of every detection (of every image).
        hits: ``(n,)`` 1 for a true positive, 0 for a false positive.
        n_true: how many true boxes there are in all (the recall's denominator: a true box
            no detection found lowers the recall).

    Returns:
        ``(precision, recall, thresholds)``, three ``(n,)`` arrays, best score first.
    """
    scores = check_array(scores, "scores", ndim=1, min_size=0)
    hits = check_array(hits, "hits", ndim=1, min_size=0)
    check_same_length(scores=scores, hits=hits)
    n_true = check_scalar(n_true, "n_true", int, low=1)
    order = np.argsort(-scores, kind="stable")
    tp = np.cumsum(hits[order])
    precision = tp / np.arange(1, len(order) + 1)
    return precision, tp / n_true, scores[order]


def average_precision(precision, recall) -> float:
    """Area under the precision-recall steps: ``sum over n of (R_n - R_{n-1}) * P_n``.

    The same sum as scikit-learn's ``average_precision_score`` (no interpolation of the
    precision). PASCAL VOC and COCO first replace each precision by the best one at a
    higher recall; that raises the figure a little.

    Example:
        >>> average_precision([1.0, 0.5, 2 / 3], [0.5, 0.5, 1.0])
        0.8333333333333333
    """
    precision = check_array(precision, "precision", ndim=1, min_size=0)
    recall = check_array(recall, "recall", ndim=1, min_size=0)
    check_same_length(precision=precision, recall=recall)
    return float(np.sum(np.diff(recall, prepend=0.0) * precision))


def detection_average_precision(
    detections, true_boxes, iou_threshold: float = 0.5, true_classes=None
) -> dict:
    """Average precision of detections over many images, at one IoU threshold.

    Args:
        detections: one ``(boxes, scores, classes)`` triple per image.
        true_boxes: one ``(m, 4)`` array per image.
        iou_threshold: the IoU a match needs.
        true_classes: ``None`` for class-agnostic AP (any box may match any digit); else one
            ``(m,)`` array per image, and the result is the mean over classes of each
            class's AP (detections match only true boxes of their class).

    Returns:
        dict with ``ap``, and ``precision``, ``recall`` (class-agnostic: the curve;
        by class: ``per_class`` AP values instead). No detections at all give AP 0.
        Class-aware, a class no true box has is left out of the mean (detections of it are
        counted nowhere), as PASCAL VOC and COCO do.
    """
    if len(detections) != len(true_boxes):
        fail("detections", f"one triple per image ({len(true_boxes)} images)", detections)
    if true_classes is not None and len(true_classes) != len(true_boxes):
        fail("true_classes", f"one array per image ({len(true_boxes)} images)", true_classes)
    if sum(len(t) for t in true_boxes) == 0:
        fail("true_boxes", "at least one true box over all images (AP divides by their number)", 0)
    if true_classes is None:
        scores, hits = [], []
        for (boxes, s, _), truth in zip(detections, true_boxes, strict=True):
            scores.append(np.asarray(s, float))
            hits.append(match_detections(boxes, s, truth, iou_threshold))
        n_true = sum(len(t) for t in true_boxes)
        p, r, _ = precision_recall(np.concatenate(scores), np.concatenate(hits), n_true)
        return {"ap": average_precision(p, r), "precision": p, "recall": r}
    per_class = {}
    for c in np.unique(np.concatenate([np.asarray(t) for t in true_classes])):
        scores, hits, n_true = [], [], 0
        for (boxes, s, cls), truth, tcls in zip(detections, true_boxes, true_classes, strict=True):
            mine, theirs = np.asarray(cls) == c, np.asarray(tcls) == c
            scores.append(np.asarray(s, float)[mine])
            hits.append(
                match_detections(np.asarray(boxes)[mine], scores[-1], truth[theirs], iou_threshold)
            )
            n_true += int(theirs.sum())
        p, r, _ = precision_recall(np.concatenate(scores), np.concatenate(hits), n_true)
        per_class[int(c)] = average_precision(p, r)
    return {"ap": float(np.mean(list(per_class.values()))), "per_class": per_class}
