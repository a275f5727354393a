"""Reference solutions of the chapter 11 exercises (peek only after trying)."""

import numpy as np

__all__ = ["box_iou", "dice_score", "transposed_size"]


def box_iou(a, b):
    """IoU of two boxes (y1, x1, y2, x2): the overlap's area over the union's."""
    height = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    width = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = height * width
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def dice_score(true_mask, pred_mask):
    """Dice of two boolean masks: twice the overlap over the two sizes (1.0 if both empty)."""
    true_mask, pred_mask = np.asarray(true_mask, bool), np.asarray(pred_mask, bool)
    sizes = true_mask.sum() + pred_mask.sum()
    return 1.0 if sizes == 0 else 2.0 * np.sum(true_mask & pred_mask) / sizes


def transposed_size(size, kernel_size, strides, padding):
    """Keras' Conv2DTranspose output length (no output_padding)."""
    if padding == "same":
        return size * strides
    return size * strides + max(kernel_size - strides, 0)
