"""A one-stage grid detector (YOLO-style) for Chapter 11: targets, the network, its loss.

The canvas is cut into a grid of ``cell`` x ``cell`` pixel cells. The cell holding a digit's
box centre is responsible for it and learns to say, in ``5 + num_classes`` numbers:
objectness (a logit: is a digit's centre here?), the box (``ty, tx``: the centre's place
inside the cell, ``th, tw``: height and width as fractions of the canvas, all through a
sigmoid) and the digit (class logits). Chapter 11 writes the network and the loss out first.

TensorFlow is imported inside the functions that need it, never at import time.
"""

from __future__ import annotations

import numpy as np

from dlhelpers._validation import check_array, check_same_length, check_scalar, fail
from dlhelpers.scratch.detection import non_max_suppression

__all__ = [
    "WEIGHTS",
    "encode_targets",
    "decode_outputs",
    "loss_terms",
    "detector_loss",
    "build_detector",
    "conv_encoder",
]

# Weights of the three loss terms. Objectness is averaged over every cell, while the box and
# class terms only over cells with a digit (a few of 36): the box error, a squared difference
# of fractions, is small next to cross-entropies, so it counts 5 times (YOLO's lambda_coord).
WEIGHTS = {"objectness": 1.0, "box": 5.0, "class": 1.0}


def encode_targets(boxes, classes, *, size: int = 48, cell: int = 8) -> np.ndarray:
    """The training target of every cell: ``(N, G, G, 6)`` with ``G = size // cell``.

    Channels: objectness (1 in the cell holding a box centre, else 0), ``ty, tx`` (the
    centre's offset inside that cell, 0-1), ``th, tw`` (box height and width / ``size``)
    and the class (stored as a float).

    Args:
        boxes: one ``(k, 4)`` array ``(y1, x1, y2, x2)`` per image.
        classes: one ``(k,)`` array of class labels per image.
        size: canvas side in pixels; cell: cell side in pixels (it must divide ``size``).

    Raises:
        ValueError: two boxes of one image centred in the same cell.
    """
    size = check_scalar(size, "size", int, low=1)
    cell = check_scalar(cell, "cell", int, low=1, high=size)
    if size % cell:
        fail("cell", f"a divisor of size {size}", cell)
    grid = size // cell
    check_same_length(boxes=boxes, classes=classes)
    targets = np.zeros((len(boxes), grid, grid, 6), np.float32)
    for i, (image_boxes, image_classes) in enumerate(zip(boxes, classes, strict=True)):
        image_boxes = check_array(image_boxes, f"boxes[{i}]", ndim=2, min_size=0).reshape(-1, 4)
        check_same_length(**{f"boxes[{i}]": image_boxes, f"classes[{i}]": image_classes})
        centres = (image_boxes[:, :2] + image_boxes[:, 2:]) / 2
        if np.any((centres < 0) | (centres > size)):
            fail(f"boxes[{i}]", f"box centres inside the {size}x{size} canvas", image_boxes)
        for (y1, x1, y2, x2), label in zip(image_boxes, image_classes, strict=True):
            cy, cx = (y1 + y2) / 2 / cell, (x1 + x2) / 2 / cell
            row, col = min(int(cy), grid - 1), min(int(cx), grid - 1)
            if targets[i, row, col, 0]:
                fail("boxes", "at most one box centre per cell", f"two in cell {(row, col)}")
            targets[i, row, col] = (
                1,
                cy - row,
                cx - col,
                (y2 - y1) / size,
                (x2 - x1) / size,
                label,
            )
    return targets


def _sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))  # 1 / (1 + exp(-z)) without overflow for z << 0


def decode_outputs(
    outputs,
    *,
    cell: int = 8,
    score_threshold: float = 0.3,
    iou_threshold: float = 0.5,
    class_aware: bool = True,
) -> list:
    """Turn the network's raw outputs into detections, image by image (then NMS).

    A cell's score is its objectness probability, times its best class probability when
    ``class_aware``. Cells scoring at least ``score_threshold`` become boxes; non-maximum
    suppression at ``iou_threshold`` then drops boxes overlapping a better one.

    Args:
        outputs: ``(N, G, G, 5 + C)`` raw outputs (logits and box logits).
        cell: the cell side in pixels.
        score_threshold: the confidence a detection needs.
        iou_threshold: NMS drops a box overlapping a kept one by more than this.
        class_aware: multiply the score by the class probability.

    Returns:
        One ``(boxes (k, 4), scores (k,), classes (k,))`` triple per image, best first.
    """
    outputs = check_array(outputs, "outputs", ndim=4).astype(np.float64)
    if outputs.shape[1] != outputs.shape[2] or outputs.shape[3] < 6:
        fail("outputs", "(N, G, G, 5 + C) with a square grid and C >= 1", outputs)
    cell = check_scalar(cell, "cell", int, low=1)
    score_threshold = check_scalar(score_threshold, "score_threshold", float, low=0, high=1)
    grid = outputs.shape[1]
    rows, cols = np.meshgrid(np.arange(grid), np.arange(grid), indexing="ij")
    results = []
    for out in outputs:
        objectness, box = _sigmoid(out[..., 0]), _sigmoid(out[..., 1:5])
        logits = out[..., 5:] - out[..., 5:].max(-1, keepdims=True)
        probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
        scores = objectness * probs.max(-1) if class_aware else objectness
        cy, cx = (rows + box[..., 0]) * cell, (cols + box[..., 1]) * cell
        h, w = box[..., 2] * grid * cell, box[..., 3] * grid * cell
        boxes = np.stack([cy - h / 2, cx - w / 2, cy + h / 2, cx + w / 2], -1)
        keep = scores >= score_threshold
        boxes, scores, labels = boxes[keep], scores[keep], probs.argmax(-1)[keep]
        best = non_max_suppression(boxes, scores, iou_threshold)
        results.append((boxes[best], scores[best], labels[best]))
    return results


def loss_terms(y_true, y_pred) -> dict:
    """The three terms of :func:`detector_loss`, unweighted, as scalar tensors.

    - ``objectness``: binary cross-entropy of every cell's objectness logit (mean over cells);
    - ``box``: squared error of the four sigmoid box outputs, summed, on cells with a digit
      (mean over those cells);
    - ``class``: cross-entropy of the class logits on cells with a digit (mean over them).
    """
    from keras import ops

    y_true = ops.convert_to_tensor(y_true, "float32")
    has_digit = y_true[..., 0]
    n_digits = ops.maximum(ops.sum(has_digit), 1.0)
    objectness = ops.mean(ops.binary_crossentropy(has_digit, y_pred[..., 0], from_logits=True))
    box_error = ops.sum(ops.square(ops.sigmoid(y_pred[..., 1:5]) - y_true[..., 1:5]), axis=-1)
    labels = ops.cast(y_true[..., 5], "int32")
    class_error = ops.sparse_categorical_crossentropy(labels, y_pred[..., 5:], from_logits=True)
    return {
        "objectness": objectness,
        "box": ops.sum(has_digit * box_error) / n_digits,
        "class": ops.sum(has_digit * class_error) / n_digits,
    }


def detector_loss(y_true, y_pred):
    """The detector's loss: the :data:`WEIGHTS`-weighted sum of :func:`loss_terms`."""
    return sum(WEIGHTS[name] * term for name, term in loss_terms(y_true, y_pred).items())


def build_detector(*, size: int = 48, width: int = 24, num_classes: int = 10, seed: int = 0):
    """The Chapter 11 detector: four 3x3 convolutions, three 2x2 poolings, a 1x1 head.

    ``conv1`` (``width // 2`` filters, at full size) -> ``pool1`` -> ``conv2`` (``width``)
    -> ``pool2`` -> ``conv3`` (``2 * width``) -> ``pool3`` -> ``conv4`` (``2 * width``) ->
    ``head`` (``5 + num_classes`` per cell). Three poolings make the grid cell 8 pixels.

    Args:
        size: canvas side in pixels, a multiple of 8; width: ``conv2``'s filters;
        num_classes: digits to name; seed: passed to ``keras.utils.set_random_seed``, which
            seeds Python, NumPy and Keras globally (as ``dlhelpers.set_seed`` does), so the
            initial weights repeat.

    Returns:
        An uncompiled ``keras.Model`` from ``(size, size, 1)`` to
        ``(size // 8, size // 8, 5 + num_classes)``; compile it with :func:`detector_loss`.
    """
    import keras
    from keras import layers

    size = check_scalar(size, "size", int, low=8)
    if size % 8:
        fail("size", "a multiple of 8 (three 2x2 poolings)", size)
    width = check_scalar(width, "width", int, low=2)
    num_classes = check_scalar(num_classes, "num_classes", int, low=1)
    keras.utils.set_random_seed(check_scalar(seed, "seed", int, low=0))
    inputs = keras.Input((size, size, 1), name="scene")
    *_, x = conv_encoder(inputs, width)
    outputs = layers.Conv2D(5 + num_classes, 1, name="head")(x)
    return keras.Model(inputs, outputs, name="grid_detector")


def conv_encoder(inputs, width: int) -> tuple:
    """The detector's encoder, shared with the U-Net: three conv + 2x2-pool stages, then a conv.

    Layers ``conv1``-``conv4`` (``width // 2``, ``width``, ``2 * width``, ``2 * width`` filters,
    3x3, 'same', ReLU) and ``pool1``-``pool3``; the names let a U-Net copy a trained detector's
    encoder weights layer by layer.

    Args:
        inputs: a Keras tensor ``(N, H, W, C)``, ``H`` and ``W`` multiples of 8.
        width: the filters of ``conv2`` (validated by the callers).

    Returns:
        ``(e1, e2, e3, x)``: the outputs of ``conv1`` ``(N, H, W, width // 2)``, ``conv2``
        ``(N, H/2, W/2, width)``, ``conv3`` ``(N, H/4, W/4, 2 * width)`` (the U-Net's skips) and
        ``conv4`` ``(N, H/8, W/8, 2 * width)``.
    """
    from keras import layers

    def conv(filters, name):
        return layers.Conv2D(filters, 3, padding="same", activation="relu", name=name)

    e1 = conv(width // 2, "conv1")(inputs)
    x = layers.MaxPooling2D(2, name="pool1")(e1)
    e2 = conv(width, "conv2")(x)
    x = layers.MaxPooling2D(2, name="pool2")(e2)
    e3 = conv(2 * width, "conv3")(x)
    x = layers.MaxPooling2D(2, name="pool3")(e3)
    return e1, e2, e3, conv(2 * width, "conv4")(x)
