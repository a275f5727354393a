"""dlhelpers.scratch.segmentation: pixel metrics and transposed convolutions equal Keras'."""

import numpy as np
import pytest

from dlhelpers.scratch.segmentation import (
    confusion_counts,
    conv2d_transpose,
    conv_transpose_output_size,
    dice,
    per_class_iou,
    pixel_accuracy,
)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_iou_and_accuracy_equal_keras_metrics(tf, seed):
    import keras

    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 7))
    y_true = rng.integers(0, n, size=(3, 9, 9))
    y_pred = np.where(
        rng.uniform(size=y_true.shape) < 0.6, y_true, rng.integers(0, n, size=y_true.shape)
    )
    miou = keras.metrics.MeanIoU(num_classes=n)
    miou.update_state(y_true.ravel(), y_pred.ravel())
    # Keras sums the counts in float32: about 1e-7 relative
    np.testing.assert_allclose(
        np.nanmean(per_class_iou(y_true, y_pred, n)), float(miou.result()), rtol=1e-5
    )
    acc = keras.metrics.Accuracy()
    acc.update_state(y_true.ravel(), y_pred.ravel())
    np.testing.assert_allclose(pixel_accuracy(y_true, y_pred), float(acc.result()), rtol=1e-6)


@pytest.mark.parametrize("seed", [0, 1])
def test_dice_is_f1_and_follows_from_iou(seed):
    from sklearn.metrics import confusion_matrix, f1_score

    rng = np.random.default_rng(seed)
    y_true, y_pred = rng.integers(0, 4, size=200), rng.integers(0, 4, size=200)
    np.testing.assert_allclose(
        dice(y_true, y_pred, 4), f1_score(y_true, y_pred, average=None), rtol=1e-12
    )
    iou = per_class_iou(y_true, y_pred, 4)
    np.testing.assert_allclose(dice(y_true, y_pred, 4), 2 * iou / (1 + iou), rtol=1e-12)
    np.testing.assert_array_equal(
        confusion_counts(y_true, y_pred, 4), confusion_matrix(y_true, y_pred)
    )


def test_absent_classes_are_nan_and_bad_masks_refused():
    iou = per_class_iou([0, 0], [0, 0], 3)
    assert iou[0] == 1 and np.isnan(iou[1:]).all()
    with pytest.raises(ValueError, match=r"y_pred: expected the shape of y_true \(2,\)"):
        pixel_accuracy([0, 1], [0, 1, 1])
    with pytest.raises(ValueError, match="y_true/y_pred: expected labels 0..1"):
        per_class_iou([0, 2], [0, 1], 2)


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("output_padding", [None, 0, 1])
def test_transposed_output_size_equals_keras(tf, padding, output_padding):
    import keras

    for size in (1, 4, 7):
        for k in (1, 2, 3, 5):
            for s in (1, 2, 3):
                if output_padding is not None and output_padding >= s:
                    continue  # Keras refuses output_padding >= strides
                layer = keras.layers.Conv2DTranspose(
                    1, k, strides=s, padding=padding, output_padding=output_padding
                )
                expected = layer.compute_output_shape((1, size, size, 1))[1]
                got = conv_transpose_output_size(size, k, s, padding, output_padding)
                assert got == expected, (size, k, s, padding, output_padding)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_transposed_convolution_equals_keras_layer(tf, seed):
    import keras

    rng = np.random.default_rng(seed)
    h, w, c_in, c_out = (int(v) for v in rng.integers(1, 6, size=4))
    k, s = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    layer = keras.layers.Conv2DTranspose(c_out, k, strides=s)
    x = rng.normal(size=(2, h, w, c_in)).astype("float32")
    expected = layer(x).numpy()
    kernel, bias = layer.get_weights()
    # float32 in Keras vs float64 by hand, sums of a few products
    np.testing.assert_allclose(conv2d_transpose(x, kernel, bias, s), expected, rtol=1e-5, atol=1e-5)


def test_transposed_convolution_refuses_mismatched_channels():
    with pytest.raises(ValueError, match="kernel: expected"):
        conv2d_transpose(np.zeros((1, 2, 2, 3)), np.zeros((2, 2, 1, 2)))
    with pytest.raises(ValueError, match="padding: expected one of 'valid', 'same'"):
        conv_transpose_output_size(4, 2, 2, "full")


def test_classes_absent_from_a_scene_divide_by_nothing():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no 0 / 0 anywhere
        iou = per_class_iou([[0, 0], [2, 2]], [[0, 2], [2, 2]], 4)
        scores = dice([[0, 0], [2, 2]], [[0, 2], [2, 2]], 4)
    np.testing.assert_allclose(iou, [0.5, np.nan, 2 / 3, np.nan])
    np.testing.assert_allclose(scores, [2 / 3, np.nan, 0.8, np.nan])
