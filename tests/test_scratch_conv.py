"""dlhelpers.scratch.conv: convolution and pooling by hand equal TensorFlow/Keras."""

import itertools

import numpy as np
import pytest

from dlhelpers.scratch import (
    Padding,
    avg_pool2d,
    conv2d,
    conv2d_loop,
    conv_output_size,
    conv_padding,
    max_pool2d,
)

# (N, H, W, C_in, kh, kw, C_out, strides, padding)
CONV_CASES = [
    (2, 7, 9, 3, 3, 3, 4, 1, "valid"),
    (2, 7, 9, 3, 3, 3, 4, 1, "same"),
    (1, 8, 8, 2, 4, 4, 3, 2, "same"),  # even kernel: asymmetric padding
    (3, 9, 7, 2, 2, 3, 2, (3, 1), "valid"),
    (2, 10, 11, 1, 5, 2, 5, (2, 3), "same"),
    (1, 3, 3, 2, 5, 5, 1, 2, "same"),  # kernel larger than the input, padded
    (2, 6, 13, 4, 1, 1, 3, 2, "valid"),  # 1x1 convolution
    (1, 12, 5, 3, 3, 5, 2, (4, 2), "same"),
    (2, 5, 5, 1, 5, 5, 2, 1, "valid"),  # kernel exactly the input size
]


def _tf_conv(tf, x, k, b, strides, padding):
    s = (strides, strides) if isinstance(strides, int) else strides
    out = tf.nn.conv2d(x, k, strides=(1, *s, 1), padding=padding.upper()).numpy()
    return out if b is None else out + b


@pytest.mark.parametrize("case", CONV_CASES)
@pytest.mark.parametrize("seed", [0, 1])
def test_conv2d_and_loop_equal_tensorflow_float64(tf, case, seed):
    n, h, w, c, kh, kw, co, strides, padding = case
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, h, w, c))
    k = rng.normal(size=(kh, kw, c, co))
    b = rng.normal(size=co) if seed % 2 == 0 else None
    expected = _tf_conv(tf, x, k, b, strides, padding)
    assert expected.dtype == np.float64
    for fn in (conv2d, conv2d_loop):
        got = fn(x, k, b, strides=strides, padding=padding)
        assert got.dtype == np.float64
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("seed", [0, 3])
def test_conv2d_random_shapes_match_keras_layer(tf, seed):
    import keras

    rng = np.random.default_rng(seed)
    for _ in range(6):
        h, w = rng.integers(4, 14, size=2)
        kh, kw = rng.integers(1, 5, size=2)
        sh, sw = rng.integers(1, 4, size=2)
        c, co = rng.integers(1, 5, size=2)
        padding = ["valid", "same"][rng.integers(2)]
        x = rng.normal(size=(2, h, w, c))
        layer = keras.layers.Conv2D(
            int(co),
            (int(kh), int(kw)),
            strides=(int(sh), int(sw)),
            padding=padding,
            dtype="float64",
            bias_initializer="random_normal",
        )
        expected = layer(x).numpy()
        kernel, bias = (v.numpy() for v in layer.weights)
        got = conv2d(x, kernel, bias, strides=(int(sh), int(sw)), padding=padding)
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)


def test_conv2d_float32_stays_float32_and_matches(tf):
    rng = np.random.default_rng(5)
    x = rng.normal(size=(4, 28, 28, 8)).astype(np.float32)
    k = rng.normal(size=(3, 3, 8, 16)).astype(np.float32)
    got = conv2d(x, k, strides=2, padding="same")
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, _tf_conv(tf, x, k, None, 2, "same"), rtol=1e-4, atol=1e-4)


def test_conv2d_output_has_the_dtype_of_x_like_keras(tf):
    # a Keras layer casts its weights to the input's dtype: float32 in, float32 out,
    # even with float64 kernel and bias
    rng = np.random.default_rng(6)
    x = rng.normal(size=(2, 9, 7, 3)).astype(np.float32)
    k = rng.normal(size=(3, 2, 3, 4))
    b = rng.normal(size=4)
    for fn in (conv2d, conv2d_loop):
        got = fn(x, k, b, strides=2, padding="same")
        assert got.dtype == np.float32
        expected = _tf_conv(tf, x, k.astype(np.float32), b.astype(np.float32), 2, "same")
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)
    # float64 x with a float32 kernel stays float64
    assert conv2d(x.astype(np.float64), k.astype(np.float32)).dtype == np.float64
    for pool in (max_pool2d, avg_pool2d):
        assert pool(x, 2, padding="same").dtype == np.float32


@pytest.mark.parametrize("fn", [conv2d, conv2d_loop])
def test_padding_in_any_case_and_numpy_strides(fn):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(2, 8, 7, 3))
    k = rng.normal(size=(4, 3, 3, 2))
    expected = fn(x, k, strides=(2, 3), padding="same")
    for padding in ("SAME", "Same"):
        for strides in (np.array([2, 3]), np.array([2, 3], dtype=np.int32), [2, 3]):
            np.testing.assert_array_equal(fn(x, k, strides=strides, padding=padding), expected)
    np.testing.assert_array_equal(fn(x, k, padding="VALID"), fn(x, k, padding="valid"))
    np.testing.assert_array_equal(fn(x, k, strides=np.int64(2)), fn(x, k, strides=2))
    with pytest.raises(ValueError, match="strides: expected an int or a pair of ints"):
        fn(x, k, strides=np.array([1, 2, 3]))
    with pytest.raises(ValueError, match="strides: expected an int or a pair of ints"):
        fn(x, k, strides=np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="strides: expected an integer >= 1, received 0"):
        fn(x, k, strides=np.array([0, 2]))


def test_pooling_and_sizes_accept_padding_in_any_case_and_numpy_pairs():
    rng = np.random.default_rng(8)
    x = rng.normal(size=(1, 7, 6, 2))
    for pool in (max_pool2d, avg_pool2d):
        np.testing.assert_array_equal(
            pool(x, np.array([3, 2]), np.array([2, 2]), "SAME"), pool(x, (3, 2), 2, "same")
        )
    assert conv_output_size(7, 3, 2, "SAME") == conv_output_size(7, 3, 2, "same") == 4
    assert conv_padding(6, 4, 1, "Same") == Padding(1, 2, 6)
    assert conv_output_size((7, 6), np.array([3, 2]), np.array([2, 1]), "VALID") == (3, 5)


def test_conv2d_integer_input_is_computed_in_float():
    x = np.arange(16).reshape(1, 4, 4, 1)
    got = conv2d(x, np.ones((2, 2, 1, 1), dtype=int), strides=2)
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got[0, :, :, 0], [[10.0, 18.0], [42.0, 50.0]])


def test_same_padding_puts_the_extra_cell_bottom_right():
    # a delta at the top-left corner, kernel of ones 2x2: 'same' pads (0, 1), so only
    # output (0, 0) sees it; symmetric padding (1, 0) would put it at (0, 0) and (1, 1).
    x = np.zeros((1, 4, 4, 1))
    x[0, 0, 0, 0] = 1.0
    out = conv2d(x, np.ones((2, 2, 1, 1)), padding="same")[0, :, :, 0]
    expected = np.zeros((4, 4))
    expected[0, 0] = 1.0
    np.testing.assert_array_equal(out, expected)
    assert conv_padding(4, 2, 1, "same") == Padding(0, 1, 4)


# --------------------------------------------------------------------------- pooling
POOL_CASES = [
    (2, None, "valid"),
    (2, None, "same"),
    (3, None, "same"),
    (3, 1, "valid"),
    ((2, 3), (1, 2), "same"),
    (3, 2, "same"),
    ((3, 2), None, "valid"),
    (4, 3, "same"),
]


@pytest.mark.parametrize(("pool_size", "strides", "padding"), POOL_CASES)
@pytest.mark.parametrize("shape", [(2, 7, 9, 3), (1, 8, 8, 1), (3, 5, 11, 2)])
def test_pooling_equals_keras_float64(tf, pool_size, strides, padding, shape):
    import keras

    rng = np.random.default_rng(sum(shape))
    x = rng.normal(size=shape)
    kw = dict(pool_size=pool_size, strides=strides, padding=padding, dtype="float64")
    np.testing.assert_allclose(
        max_pool2d(x, pool_size, strides, padding),
        keras.layers.MaxPooling2D(**kw)(x).numpy(),
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        avg_pool2d(x, pool_size, strides, padding),
        keras.layers.AveragePooling2D(**kw)(x).numpy(),
        rtol=1e-12,
    )


def test_same_max_pool_ignores_padding_with_negative_inputs():
    x = -np.ones((1, 3, 3, 1))
    assert np.all(max_pool2d(x, 2, padding="same") == -1.0)  # zero padding would give 0
    assert np.all(avg_pool2d(x, 2, padding="same") == -1.0)  # padding is not averaged in


# --------------------------------------------------------------------------- sizes
def test_conv_output_size_matches_tensorflow_shapes(tf):
    checked = 0
    for n, k, s, padding in itertools.product(
        range(1, 10), range(1, 6), range(1, 4), ("valid", "same")
    ):
        x = np.zeros((1, n, n + 2, 1), dtype=np.float32)
        kernel = np.zeros((k, k, 1, 1), dtype=np.float32)
        if padding == "valid" and k > n:
            with pytest.raises(ValueError, match="kernel_size: expected at most the input size"):
                conv_output_size(n, k, s, padding)
            continue
        shape = tf.nn.conv2d(x, kernel, strides=s, padding=padding.upper()).shape
        assert conv_output_size(n, k, s, padding) == shape[1]
        assert conv_output_size((n, n + 2), k, s, padding) == (shape[1], shape[2])
        checked += 1
    assert checked > 200


def test_conv_output_size_examples_and_pairs():
    assert conv_output_size(28, 3) == 26
    assert conv_output_size(28, 3, 2, "valid") == 13
    assert conv_output_size(28, 3, 2, "same") == 14
    assert conv_output_size((28, 10), (3, 1), (1, 2), "valid") == (26, 5)
    assert conv_output_size(np.int64(7), 3, 2) == 3


# --------------------------------------------------------------------------- bad input
X = np.zeros((1, 5, 5, 3))
K = np.zeros((3, 3, 3, 2))


@pytest.mark.parametrize("fn", [conv2d, conv2d_loop])
def test_conv2d_errors_name_the_argument(fn):
    with pytest.raises(
        ValueError, match=r"x: expected a 4-D array, received array of shape \(5, 5, 3\)"
    ):
        fn(X[0], K)
    with pytest.raises(
        ValueError, match=r"kernel: expected a 4-D array, received array of shape \(3, 3, 3\)"
    ):
        fn(X, K[..., 0])
    with pytest.raises(
        ValueError,
        match=r"kernel: expected 3 input channels .*received array of shape \(3, 3, 2, 2\)",
    ):
        fn(X, np.zeros((3, 3, 2, 2)))
    with pytest.raises(
        ValueError,
        match=r"kernel: expected a window no larger than the input \(5x5\) with padding='valid'.*received \(6, 3\)",
    ):
        fn(X, np.zeros((6, 3, 3, 2)))
    with pytest.raises(ValueError, match="strides: expected an integer >= 1, received 0"):
        fn(X, K, strides=0)
    with pytest.raises(ValueError, match="strides: expected an integer >= 1, received -2"):
        fn(X, K, strides=(1, -2))
    with pytest.raises(ValueError, match="strides: expected an int or a pair of ints"):
        fn(X, K, strides=(1, 2, 3))
    with pytest.raises(
        ValueError, match="padding: expected one of 'valid', 'same', received 'full'"
    ):
        fn(X, K, padding="full")
    with pytest.raises(
        ValueError,
        match=r"bias: expected shape \(2,\), one value per filter, received array of shape \(3,\)",
    ):
        fn(X, K, bias=np.zeros(3))
    with pytest.raises(ValueError, match="x: expected finite values"):
        fn(np.full((1, 5, 5, 3), np.nan), K)
    with pytest.raises(TypeError, match="x: expected a numeric array-like"):
        fn([[[["a"]]]], K)


@pytest.mark.parametrize("fn", [max_pool2d, avg_pool2d])
def test_pooling_errors_name_the_argument(fn):
    with pytest.raises(
        ValueError, match=r"x: expected a 4-D array, received array of shape \(5, 5\)"
    ):
        fn(np.zeros((5, 5)))
    with pytest.raises(
        ValueError, match=r"pool_size: expected a window no larger than the input \(5x5\)"
    ):
        fn(X, pool_size=(2, 6))
    with pytest.raises(ValueError, match="pool_size: expected an integer >= 1, received 0"):
        fn(X, pool_size=0)
    with pytest.raises(ValueError, match="strides: expected an integer >= 1, received 0"):
        fn(X, strides=0)
    with pytest.raises(
        ValueError, match="padding: expected one of 'valid', 'same', received 'full'"
    ):
        fn(X, padding="full")
    assert fn(X, pool_size=(2, 6), padding="same").shape == (1, 3, 1, 3)


def test_conv_output_size_errors():
    with pytest.raises(
        ValueError,
        match="kernel_size: expected at most the input size 4 with padding='valid', received 5",
    ):
        conv_output_size(4, 5)
    with pytest.raises(ValueError, match="size: expected an integer >= 1, received 0"):
        conv_output_size(0, 3)
    with pytest.raises(ValueError, match="strides: expected an integer >= 1, received 0"):
        conv_output_size(5, 3, 0)
    with pytest.raises(
        ValueError, match="padding: expected one of 'valid', 'same', received 'causal'"
    ):
        conv_output_size(5, 3, 1, "causal")
    with pytest.raises(
        ValueError, match="kernel_size: expected an int or a pair of ints, received 2.5"
    ):
        conv_output_size(5, 2.5)
    with pytest.raises(ValueError, match="strides: expected an int or a pair of ints"):
        conv_output_size((5, 5), 3, (1, 1, 1))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pooling_random_configurations_equal_tensorflow(tf, seed):
    rng = np.random.default_rng(100 + seed)
    for _ in range(8):
        h, w, c = (int(v) for v in rng.integers(1, 10, size=3))
        ph, pw = (int(v) for v in rng.integers(1, 5, size=2))
        sh, sw = (int(v) for v in rng.integers(1, 5, size=2))
        padding = ("valid", "same")[int(rng.integers(2))]
        if padding == "valid" and (ph > h or pw > w):
            with pytest.raises(ValueError, match="pool_size: expected a window no larger"):
                max_pool2d(np.zeros((1, h, w, c)), (ph, pw), (sh, sw), padding)
            continue
        x = rng.normal(size=(2, h, w, c))
        args = dict(ksize=(ph, pw), strides=(sh, sw), padding=padding.upper())
        np.testing.assert_allclose(
            max_pool2d(x, (ph, pw), (sh, sw), padding), tf.nn.max_pool2d(x, **args).numpy()
        )
        np.testing.assert_allclose(
            avg_pool2d(x, (ph, pw), (sh, sw), padding),
            tf.nn.avg_pool2d(x, **args).numpy(),
            rtol=1e-12,
        )
