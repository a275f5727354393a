"""Chapter 11 exercises: the IoU of two boxes, the Dice score of two masks, the output size of
a transposed convolution.

Each ``check_*`` takes your function and returns a :class:`~dlhelpers.exercises.Feedback`.
"""

from __future__ import annotations

import numpy as np

from dlhelpers.exercises._core import Case, check_cases
from dlhelpers.scratch.detection import box_iou as _iou_matrix
from dlhelpers.scratch.segmentation import conv_transpose_output_size, dice

__all__ = ["check_box_iou", "check_dice_score", "check_transposed_size"]


# --------------------------------------------------------------------------- 1. IoU
_BOX_PAIRS = [
    ("overlapping", (0, 0, 4, 4), (2, 2, 6, 6)),
    ("disjoint", (0, 0, 2, 2), (5, 5, 8, 9)),
    ("touching at an edge", (0, 0, 3, 3), (0, 3, 3, 6)),
    ("one inside the other", (0, 0, 10, 10), (2, 3, 5, 7)),
    ("identical", (1.5, 2, 4, 7.5), (1.5, 2, 4, 7.5)),
    ("crossing bars", (0, 4, 10, 6), (4, 0, 6, 10)),
    ("tall and wide", (0, 0, 8, 2), (1, -3, 3, 5)),
]
_IOU_CASES = [Case(name, (a, b), float(_iou_matrix([a], [b])[0, 0])) for name, a, b in _BOX_PAIRS]


def _iou_hint(case, received):
    a, b = (np.asarray(v, float) for v in case.args)
    inter = max(0, min(a[2], b[2]) - max(a[0], b[0])) * max(0, min(a[3], b[3]) - max(a[1], b[1]))
    area = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1])
    if np.isclose(received, inter / area):
        return "The union counts the overlap once: area(a) + area(b) - intersection."
    if case.expected == 0 and received != 0:
        return (
            "When the boxes do not overlap, a side of the intersection is negative: clip it at 0."
        )
    return (
        "Intersection: from the larger of the top-left corners to the smaller of the bottom-right."
    )


def check_box_iou(func):
    """``func(a, b)`` -> the IoU of two boxes ``(y1, x1, y2, x2)``."""
    return check_cases(func, _IOU_CASES, hints=_iou_hint, what="box_iou")


# --------------------------------------------------------------------------- 2. Dice
_rng = np.random.default_rng(11)
_DICE_CASES = []
for _name, _shape, _p in [
    ("5x5 random", (5, 5), 0.4),
    ("8x8 sparse", (8, 8), 0.1),
    ("4x6", (4, 6), 0.6),
]:
    _t, _q = _rng.random(_shape) < _p, _rng.random(_shape) < _p
    _DICE_CASES.append(Case(_name, (_t, _q), float(dice(_t, _q, 2)[1])))
_DICE_CASES.append(Case("no overlap", (np.eye(3, dtype=bool), ~np.eye(3, dtype=bool)), 0.0))
_DICE_CASES.append(Case("both empty", (np.zeros((2, 2), bool), np.zeros((2, 2), bool)), 1.0))


def _dice_hint(case, received):
    t, p = (np.asarray(m, bool) for m in case.args)
    if t.sum() + p.sum() == 0:
        return "Two empty masks agree perfectly: return 1.0 (and do not divide by zero)."
    inter, union = np.sum(t & p), np.sum(t | p)
    if np.isclose(received, inter / union):
        return "That is the IoU. Dice is 2 * overlap / (size of true + size of predicted)."
    return "Dice = 2 |T and P| / (|T| + |P|), with T and P the sets of True pixels."


def check_dice_score(func):
    """``func(true_mask, pred_mask)`` -> the Dice score of two boolean masks."""
    return check_cases(func, _DICE_CASES, hints=_dice_hint, what="dice_score")


# --------------------------------------------------------------------------- 3. transposed size
_SIZE_CASES = [
    Case(
        f"size {n}, kernel {k}, stride {s}, {pad}",
        (n, k, s, pad),
        conv_transpose_output_size(n, k, s, pad),
    )
    for n, k, s, pad in [
        (12, 2, 2, "valid"),
        (12, 3, 2, "valid"),
        (6, 3, 1, "valid"),
        (5, 1, 3, "valid"),
        (7, 4, 2, "same"),
        (10, 3, 3, "valid"),
    ]
]


def _size_hint(case, received):
    n, k, s, pad = case.args
    if received == (n - 1) * s + k and k < s:
        return "With a stride larger than the kernel, the gaps at the end count: size * strides."
    if pad == "same":
        return "'same' undoes a 'same' convolution: size * strides."
    return "Windows of kernel_size cells, strides apart: (size - 1) * strides + kernel_size."


def check_transposed_size(func):
    """``func(size, kernel_size, strides, padding)`` -> ``Conv2DTranspose``'s output length."""
    return check_cases(func, _SIZE_CASES, hints=_size_hint, what="transposed_size")
