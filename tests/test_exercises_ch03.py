"""Chapter 3 checkers accept the reference solutions and reject typical wrong answers."""

import numpy as np
import pytest

from dlhelpers.exercises import ch03 as ex
from dlhelpers.exercises.solutions import ch03 as sol
from dlhelpers.scratch import conv2d, conv_output_size, max_pool2d


def test_references_pass():
    for check, func in [
        (ex.check_output_size, sol.output_size),
        (ex.check_conv_pixel, sol.conv_pixel),
        (ex.check_max_pool, sol.max_pool),
        (ex.check_conv_params, sol.conv_params),
    ]:
        feedback = check(func)
        assert feedback, str(feedback)
        assert str(feedback).startswith("Correct!")


def test_references_agree_with_the_package_and_keras(tf):
    import keras

    rng = np.random.default_rng(0)
    for n in range(1, 12):
        for k in range(1, n + 1):
            for s in (1, 2, 3):
                for p in ("valid", "same"):
                    assert sol.output_size(n, k, s, p) == conv_output_size(n, k, s, p)
    image, kernel = rng.normal(size=(7, 8)), rng.normal(size=(3, 2))
    full = conv2d(image[None, :, :, None], kernel[:, :, None, None])[0, :, :, 0]
    assert sol.conv_pixel(image, kernel, 4, 6) == pytest.approx(full[4, 6])
    np.testing.assert_allclose(
        sol.max_pool(image, 3), max_pool2d(image[None, :, :, None], 3)[0, :, :, 0]
    )
    layer = keras.layers.Conv2D(8, 5, use_bias=False)
    layer.build((None, 9, 9, 3))
    assert sol.conv_params(5, 3, 8, use_bias=False) == layer.count_params()
    layer = keras.layers.Conv2D(4, 3)
    layer.build((None, 9, 9, 6))
    assert sol.conv_params(3, 6, 4) == layer.count_params()


def _fails_with(feedback, hint_part):
    assert not feedback
    assert feedback.hint is not None and hint_part in feedback.hint, str(feedback)
    assert str(feedback).startswith("Not yet:")


def test_output_size_wrong_answers():
    _fails_with(ex.check_output_size(lambda n, k, s, p: (n - k) // s), "off by one")
    _fails_with(
        ex.check_output_size(lambda n, k, s, p: (n - k) / s + 1), "round (size - k) / s down"
    )
    _fails_with(ex.check_output_size(lambda n, k, s, p: n - k + 1), "stride was ignored")
    _fails_with(ex.check_output_size(lambda n, k, s, p: (n - k) // s + 1), "kernel size drops out")
    _fails_with(
        ex.check_output_size(lambda n, k, s, p: n // s if p == "same" else (n - k) // s + 1),
        "round up",
    )
    _fails_with(
        ex.check_output_size(lambda n, k, s, p: n if p == "same" else (n - k) // s + 1),
        "strides 1",
    )


def test_output_size_rejects_symmetric_textbook_padding():
    # (n + 2p - k) // s + 1 with p = k // 2 on both sides: right for odd kernels only
    def symmetric(n, k, s, p):
        if p == "same":
            return (n + 2 * (k // 2) - k) // s + 1
        return (n - k) // s + 1

    assert symmetric(6, 4, 1, "same") == 7
    _fails_with(ex.check_output_size(symmetric), "one cell too many for an even kernel")
    assert "size=6, kernel=4, strides=1, 'same'" in str(ex.check_output_size(symmetric))


def test_conv_pixel_wrong_answers():
    def flipped(image, kernel, r, c):
        kh, kw = kernel.shape
        return float(np.sum(image[r : r + kh, c : c + kw] * kernel[::-1, ::-1]))

    def centred(image, kernel, r, c):
        kh, kw = kernel.shape
        r0, c0 = max(r - kh // 2, 0), max(c - kw // 2, 0)
        return float(np.sum(image[r0 : r0 + kh, c0 : c0 + kw] * kernel))

    def swapped(image, kernel, r, c):
        kh, kw = kernel.shape
        return float(np.sum(image[c : c + kh, r : r + kw] * kernel))

    def no_product(image, kernel, r, c):
        kh, kw = kernel.shape
        return float(np.sum(image[r : r + kh, c : c + kw]))

    _fails_with(ex.check_conv_pixel(flipped), "flipped")
    _fails_with(ex.check_conv_pixel(centred), "top-left corner")
    _fails_with(ex.check_conv_pixel(swapped), "swapped")
    _fails_with(ex.check_conv_pixel(no_product), "multiply")


def test_max_pool_wrong_answers():
    def average(image, size):
        h, w = image.shape[0] // size, image.shape[1] // size
        return image[: h * size, : w * size].reshape(h, size, w, size).mean(axis=(1, 3))

    def wrong_axes(image, size):
        h, w = image.shape[0] // size, image.shape[1] // size
        return image[: h * size, : w * size].reshape(h, size, w, size).max(axis=(1, 2))

    def overlapping(image, size):
        from numpy.lib.stride_tricks import sliding_window_view

        return sliding_window_view(image, (size, size)).max(axis=(2, 3))

    def keeps_leftovers(image, size):
        h, w = -(-image.shape[0] // size), -(-image.shape[1] // size)
        padded = np.full((h * size, w * size), -np.inf)
        padded[: image.shape[0], : image.shape[1]] = image
        return padded.reshape(h, size, w, size).max(axis=(1, 3))

    def transposed(image, size):
        return sol.max_pool(image, size).T

    _fails_with(ex.check_max_pool(average), "average pooling")
    _fails_with(ex.check_max_pool(wrong_axes), "wrong axes")
    _fails_with(ex.check_max_pool(overlapping), "not overlap")
    _fails_with(ex.check_max_pool(keeps_leftovers), "dropped")
    feedback = ex.check_max_pool(transposed)
    assert not feedback and feedback.case == "image 4x4, size 2"
    assert "swapped" in feedback.hint


def test_conv_params_wrong_answers():
    _fails_with(
        ex.check_conv_params(lambda k, c, f, b=True: k * k * f + (f if b else 0)),
        "every input channel",
    )
    _fails_with(ex.check_conv_params(lambda k, c, f, b=True: k * k * c * f), "one bias per filter")
    _fails_with(
        ex.check_conv_params(lambda k, c, f, b=True: k * k * c * f + (c if b else 0)),
        "not per input channel",
    )
    _fails_with(
        ex.check_conv_params(lambda k, c, f, b=True: k * c * f + (f if b else 0)), "k x k window"
    )
    _fails_with(ex.check_conv_params(lambda k, c, f, b=True: k * k * c * f + f), "use_bias=False")


def test_stubs_and_crashes_are_explained():
    def stub(*args):
        raise NotImplementedError

    for check in (
        ex.check_output_size,
        ex.check_conv_pixel,
        ex.check_max_pool,
        ex.check_conv_params,
    ):
        feedback = check(stub)
        assert not feedback and "not written yet" in str(feedback)
        assert not check(lambda *args: None)
    feedback = ex.check_max_pool(lambda image, size: image[100])
    assert not feedback and "raised IndexError" in str(feedback)
    assert str(ex.check_output_size(sol.output_size)) == str(ex.check_output_size(sol.output_size))
