"""Plots for Chapter 11: detections on a scene, precision-recall curves, masks."""

from __future__ import annotations

import numpy as np

from dlhelpers._validation import check_array, check_scalar, fail
from dlhelpers.plots._common import axes_or_new

__all__ = ["plot_detections", "plot_precision_recall", "plot_mask"]

RIGHT, WRONG, TRUTH = "#1a9850", "#d73027", "#4575b4"


def _scene(image, name: str = "image") -> np.ndarray:
    image = check_array(image, name, ndim=(2, 3))
    if image.ndim == 3:
        if image.shape[-1] != 1:
            fail(name, "an (H, W) or (H, W, 1) grey image", image)
        image = image[..., 0]
    return image


def _rectangle(ax, box, colour, style="-"):
    from matplotlib.patches import Rectangle

    y1, x1, y2, x2 = box
    # pixel i covers [i - 0.5, i + 0.5] in imshow's coordinates
    ax.add_patch(
        Rectangle((x1 - 0.5, y1 - 0.5), x2 - x1, y2 - y1, fill=False, ec=colour, lw=1.6, ls=style)
    )


def plot_detections(
    image, boxes, *, scores=None, classes=None, correct=None, true_boxes=None, ax=None, title=None
):
    """A scene with its detections: green when ``correct``, red when not, blue dashed truths.

    Args:
        image: ``(H, W)`` or ``(H, W, 1)``.
        boxes: ``(k, 4)`` detected boxes ``(y1, x1, y2, x2)``.
        scores, classes: optional ``(k,)``; written above each box ("7 0.93").
        correct: optional ``(k,)`` booleans (true positives); without it boxes are green.
        true_boxes: optional ``(m, 4)`` true boxes, drawn dashed.
        ax: axes to draw on (a new figure by default); title: the axes' title.

    Returns:
        The Figure. The image is ``ax.images[0]``; the boxes are ``ax.patches``, truths first.
    """
    image = _scene(image)
    boxes = check_array(boxes, "boxes", ndim=2, min_size=0)
    if boxes.size and boxes.shape[1] != 4:
        fail("boxes", "an (n, 4) array of boxes (y1, x1, y2, x2)", boxes)
    boxes = boxes.reshape(-1, 4)
    fig, ax = axes_or_new(ax, (3, 3))
    ax.imshow(image, cmap="gray_r", vmin=0, vmax=1)
    for box in [] if true_boxes is None else np.asarray(true_boxes).reshape(-1, 4):
        _rectangle(ax, box, TRUTH, "--")
    for i, box in enumerate(boxes):
        ok = True if correct is None else bool(correct[i])
        _rectangle(ax, box, RIGHT if ok else WRONG)
        words = ([] if classes is None else [str(int(classes[i]))]) + (
            [] if scores is None else [f"{scores[i]:.2f}"]
        )
        if words:
            ax.text(box[1], box[0] - 1, " ".join(words), color=RIGHT if ok else WRONG, fontsize=7)
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=9)
    return fig


def plot_precision_recall(curves: dict, *, ax=None, title="Precision-recall at IoU 0.5"):
    """One precision-recall step curve per entry of ``curves``: ``{label: (recall, precision)}``.

    Returns:
        The Figure; ``ax.lines[i]`` holds curve ``i`` (recall on x, precision on y).
    """
    if not curves:
        fail("curves", "at least one (recall, precision) pair", curves)
    fig, ax = axes_or_new(ax, (4, 3))
    for label, (recall, precision) in curves.items():
        recall = check_array(recall, f"curves[{label!r}] recall", ndim=1, min_size=0)
        precision = check_array(precision, f"curves[{label!r}] precision", ndim=1, min_size=0)
        ax.step(recall, precision, where="post", label=label)
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8)
    return fig


def plot_mask(image, mask, *, num_classes: int = 11, highlight=None, ax=None, title=None):
    """A per-pixel label mask over its scene: one colour per class, background left clear.

    Args:
        image: ``(H, W)`` or ``(H, W, 1)``.
        mask: ``(H, W)`` integer labels, 0 background.
        num_classes: the number of labels, background included, at most 21 (one fixed
            colour per label).
        highlight: a label to show alone (the others are hidden), or ``None`` for all.
        ax: axes to draw on; title: the axes' title.

    Returns:
        The Figure; ``ax.images[0]`` is the scene, ``ax.images[1]`` the (masked) labels.
    """
    from matplotlib import colormaps
    from matplotlib.colors import ListedColormap

    image = _scene(image)
    mask = check_array(mask, "mask", ndim=2, dtype=np.int64)
    if mask.shape != image.shape:
        fail("mask", f"the image's shape {image.shape}", mask)
    num_classes = check_scalar(num_classes, "num_classes", int, low=2, high=21)
    fig, ax = axes_or_new(ax, (3, 3))
    ax.imshow(image, cmap="gray_r", vmin=0, vmax=1)
    hidden = (mask == 0) if highlight is None else (mask != highlight)
    palette = colormaps["tab10" if num_classes <= 11 else "tab20"].colors  # one per label
    colours = ListedColormap(palette[: num_classes - 1])
    ax.imshow(
        np.ma.masked_array(mask, hidden),
        cmap=colours,
        vmin=0.5,
        vmax=num_classes - 0.5,
        alpha=0.6,
        interpolation="nearest",
    )
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=9)
    return fig
