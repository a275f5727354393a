"""Scenes of several real MNIST digits on one canvas, with their boxes and per-pixel labels.

Chapter 11 detects and segments digits in scenes built here, offline, from the digits
:func:`dlhelpers.data.load_mnist` gives: each scene is a square canvas with a few digits of
different sizes pasted where they do not overlap. Boxes follow TensorFlow's layout
``(y1, x1, y2, x2)`` in pixels (``tf.image.non_max_suppression`` takes that order): the
tight box around the digit's ink, ``y2``/``x2`` one past the last inked row/column.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from dlhelpers._validation import check_array, check_pair, check_same_length, check_scalar, fail

__all__ = ["Scenes", "make_scenes", "INK"]

INK = 0.3  # a pixel brighter than this (0-1 scale) is ink: in the box, with the digit's label


class Scenes(NamedTuple):
    """Generated scenes.

    Attributes:
        images: ``(N, size, size, 1)`` float32 canvases, 0 (background) to 1 (ink).
        boxes: list of N ``(k, 4)`` float32 arrays ``(y1, x1, y2, x2)``, one row per digit.
        classes: list of N ``(k,)`` int64 arrays, the digit of each box.
        masks: ``(N, size, size)`` int64 per-pixel labels: 0 background, ``1 + digit`` ink.
        sources: list of N ``(k,)`` int64 arrays: which row of ``images`` each digit came from.
    """

    images: np.ndarray
    boxes: list
    classes: list
    masks: np.ndarray
    sources: list


def _resize(digit: np.ndarray, side: int) -> np.ndarray:
    """A 28x28 digit resampled to ``side`` x ``side`` (bilinear), values kept in [0, 1]."""
    from scipy import ndimage

    return np.clip(ndimage.zoom(digit, side / digit.shape[0], order=1), 0.0, 1.0)


def make_scenes(
    images,
    labels,
    n_scenes: int,
    *,
    size: int = 48,
    digits=(1, 3),
    sides=(14, 24),
    seed: int = 0,
) -> Scenes:
    """Build ``n_scenes`` canvases of real digits, with true boxes and per-pixel labels.

    Each scene draws a number of digits in ``digits`` (inclusive), each a random digit of
    ``images`` resized to a random side in ``sides`` (inclusive) and pasted at a random place
    where its square does not overlap the squares already pasted (a digit that finds no place
    in 100 tries is left out). MNIST centres each digit in its square, so the centres of two
    digits' boxes lie about a square apart: a detector's grid cell smaller than ``sides[0]``
    rarely holds two (:func:`dlhelpers.detection.encode_targets` refuses a scene where one does).

    Args:
        images: ``(M, 28, 28)`` digits, uint8 0-255 or floats 0-1.
        labels: ``(M,)`` their digits 0-9.
        n_scenes: how many scenes.
        size: the canvas side in pixels.
        digits: ``(fewest, most)`` digits per scene.
        sides: ``(smallest, largest)`` side of a pasted digit, in pixels.
        seed: random seed.

    Returns:
        :class:`Scenes`.

    Example:
        >>> from dlhelpers.data import load_mnist
        >>> images, labels = load_mnist()
        >>> scenes = make_scenes(images[:50], labels[:50], 4, seed=0)
        >>> scenes.images.shape, scenes.masks.shape, scenes.boxes[0].shape[1]
        ((4, 48, 48, 1), (4, 48, 48), 4)
    """
    images = check_array(images, "images", ndim=3, dtype=np.float32)
    labels = check_array(labels, "labels", ndim=1, dtype=np.int64)
    check_same_length(images=images, labels=labels)
    if images.shape[1] != images.shape[2]:
        fail("images", "square (M, side, side) digits", images)
    if labels.min() < 0:
        fail("labels", "class labels >= 0", labels)
    n_scenes = check_scalar(n_scenes, "n_scenes", int, low=1)
    size = check_scalar(size, "size", int, low=8)
    fewest, most = check_pair(digits, "digits")
    smallest, largest = check_pair(sides, "sides", minimum=4)
    if fewest > most or smallest > largest or largest > size:
        fail("digits/sides", f"(low, high) pairs with high <= size {size}", (digits, sides))
    seed = check_scalar(seed, "seed", int, low=0)
    if images.max() > 1.0:
        images = images / 255.0
    rng = np.random.default_rng(seed)
    canvases = np.zeros((n_scenes, size, size), np.float32)
    masks = np.zeros((n_scenes, size, size), np.int64)
    boxes, classes, sources = [], [], []
    for n in range(n_scenes):
        taken, scene_boxes, scene_classes, scene_sources = [], [], [], []
        for _ in range(rng.integers(fewest, most + 1)):
            side = int(rng.integers(smallest, largest + 1))
            for _try in range(100):
                y, x = rng.integers(0, size - side + 1, size=2)
                if all(
                    y >= b or y + side <= t or x >= r or x + side <= left for t, left, b, r in taken
                ):
                    break
            else:
                continue
            row = int(rng.integers(len(images)))
            digit = _resize(images[row], side)
            rows, cols = np.nonzero(digit > INK)
            if rows.size == 0:  # a blank digit: nothing to find
                continue
            taken.append((y, x, y + side, x + side))
            window = canvases[n, y : y + side, x : x + side]
            np.maximum(window, digit, out=window)
            masks[n, y : y + side, x : x + side][digit > INK] = labels[row] + 1
            scene_boxes.append(
                (y + rows.min(), x + cols.min(), y + rows.max() + 1, x + cols.max() + 1)
            )
            scene_classes.append(labels[row])
            scene_sources.append(row)
        boxes.append(np.array(scene_boxes, np.float32).reshape(-1, 4))
        classes.append(np.array(scene_classes, np.int64))
        sources.append(np.array(scene_sources, np.int64))
    return Scenes(canvases[..., None], boxes, classes, masks, sources)
