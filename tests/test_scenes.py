"""dlhelpers.scenes: generated scenes of real digits, their boxes and per-pixel labels."""

import numpy as np
import pytest

from dlhelpers.scenes import INK, make_scenes


@pytest.fixture(scope="module")
def digits():
    rng = np.random.default_rng(0)
    images = np.zeros((20, 28, 28), np.uint8)
    for i in range(20):  # a filled rectangle of random size: a stand-in digit
        h, w = rng.integers(8, 20, size=2)
        images[i, 14 - h // 2 : 14 + h // 2, 14 - w // 2 : 14 + w // 2] = 255
    return images, np.arange(20) % 10


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_boxes_masks_and_canvas_agree(digits, seed):
    scenes = make_scenes(*digits, 12, size=40, digits=(1, 3), sides=(10, 16), seed=seed)
    assert scenes.images.shape == (12, 40, 40, 1) and scenes.images.dtype == np.float32
    assert scenes.masks.shape == (12, 40, 40)
    for image, mask, boxes, classes, sources in zip(
        scenes.images[..., 0], scenes.masks, *scenes[1:3], scenes.sources, strict=True
    ):
        assert 1 <= len(boxes) <= 3 and len(boxes) == len(classes) == len(sources)
        np.testing.assert_array_equal(classes, digits[1][sources])
        np.testing.assert_array_equal(mask > 0, image > INK)  # ink pixels are labelled
        for (y1, x1, y2, x2), label in zip(boxes.astype(int), classes, strict=True):
            inside = np.zeros_like(mask, bool)
            inside[y1:y2, x1:x2] = True
            # the box is the tight box of its digit's ink
            own = np.zeros_like(mask, bool)
            own[y1:y2, x1:x2] = mask[y1:y2, x1:x2] == label + 1
            rows, cols = np.nonzero(own)
            assert (
                rows.min() == y1
                and rows.max() + 1 == y2
                and cols.min() == x1
                and cols.max() + 1 == x2
            )


def test_scenes_repeat_with_a_seed_and_differ_without(digits):
    a, b, c = (make_scenes(*digits, 5, seed=s) for s in (3, 3, 4))
    np.testing.assert_array_equal(a.images, b.images)
    assert not np.array_equal(a.images, c.images)


def test_real_mnist_digits_are_scaled_to_one(digits):
    scenes = make_scenes(*digits, 3, seed=0)
    assert scenes.images.max() <= 1.0 and scenes.images.max() > 0.9


def test_bad_arguments_are_refused(digits):
    with pytest.raises(ValueError, match="n_scenes: expected an integer >= 1"):
        make_scenes(*digits, 0)
    with pytest.raises(ValueError, match="digits/sides: expected"):
        make_scenes(*digits, 2, size=16, sides=(10, 20))
    with pytest.raises(ValueError, match="images, labels: expected the same number of rows"):
        make_scenes(digits[0], digits[1][:5], 2)


def test_non_square_digits_and_negative_labels_are_refused(digits):
    with pytest.raises(ValueError, match=r"images: expected square \(M, side, side\) digits"):
        make_scenes(digits[0][:, :, :20], digits[1], 2)
    with pytest.raises(ValueError, match="labels: expected class labels >= 0"):
        make_scenes(digits[0], -digits[1] - 1, 2)


def test_other_canvas_sizes(digits):
    scenes = make_scenes(*digits, 4, size=64, digits=(2, 4), sides=(10, 20), seed=1)
    assert scenes.images.shape == (4, 64, 64, 1)
    assert all(np.all((b >= 0) & (b <= 64)) for b in scenes.boxes)
