"""Multiply-adds by hand equal the count read off Keras models (random stacks and settings)."""

import math

import numpy as np
import pytest

from dlhelpers.scratch import cost as by_hand
from dlhelpers.scratch.conv import conv_output_size

keras = pytest.importorskip("keras")


@pytest.mark.parametrize("seed", range(6))
def test_conv2d_macs_and_shape_equal_keras(seed):
    from dlhelpers.cost import layer_macs

    rng = np.random.default_rng(seed)
    h, w, c = (int(v) for v in rng.integers(5, 20, 3))
    kernel = tuple(int(v) for v in rng.integers(1, 5, 2))
    strides = tuple(int(v) for v in rng.integers(1, 4, 2))
    padding = str(rng.choice(["valid", "same"]))
    filters = int(rng.integers(1, 9))
    layer = keras.layers.Conv2D(filters, kernel, strides=strides, padding=padding)
    keras.Sequential([keras.Input((h, w, c)), layer])
    out_h = conv_output_size(h, kernel[0], strides[0], padding)
    out_w = conv_output_size(w, kernel[1], strides[1], padding)
    assert tuple(layer.output.shape[1:]) == (out_h, out_w, filters)
    expected = by_hand.conv2d_macs((h, w, c), filters, kernel, strides, padding)
    assert layer_macs(layer) == expected
    # A third way: each kernel weight is used once per output position.
    assert expected == layer.kernel.shape.num_elements() * out_h * out_w


@pytest.mark.parametrize("seed", range(4))
def test_depthwise_and_grouped_equal_keras(seed):
    from dlhelpers.cost import layer_macs

    rng = np.random.default_rng(seed)
    shape = (int(rng.integers(6, 16)), int(rng.integers(6, 16)), 4)
    kernel, strides = int(rng.integers(1, 4)), int(rng.integers(1, 3))
    padding = str(rng.choice(["valid", "same"]))
    depthwise = keras.layers.DepthwiseConv2D(kernel, strides, padding, depth_multiplier=2)
    grouped = keras.layers.Conv2D(8, kernel, strides, padding, groups=2)
    keras.Sequential([keras.Input(shape), depthwise])
    keras.Sequential([keras.Input(shape), grouped])
    assert layer_macs(depthwise) == by_hand.depthwise_conv2d_macs(
        shape, kernel, strides, padding, depth_multiplier=2
    )
    assert layer_macs(grouped) == by_hand.conv2d_macs(shape, 8, kernel, strides, padding, groups=2)


@pytest.mark.parametrize("seed", range(5))
def test_random_stacks_equal_keras_layer_by_layer(seed):
    from dlhelpers.cost import model_macs

    rng = np.random.default_rng(seed)
    size, stack, keras_layers = int(rng.integers(40, 64)), [], []
    for block in range(int(rng.integers(1, 4))):
        settings = {
            "filters": int(rng.integers(2, 9)),
            "kernel_size": int(rng.integers(1, 4)),
            "strides": int(rng.integers(1, 3)) if block == 0 else 1,  # keep the maps >= 1 pixel
            "padding": str(rng.choice(["valid", "same"])),
        }
        pool = {"pool_size": int(rng.integers(2, 3)), "padding": str(rng.choice(["valid", "same"]))}
        stack += [("conv2d", settings), ("pool", pool)]
        keras_layers += [keras.layers.Conv2D(**settings), keras.layers.MaxPooling2D(**pool)]
    stack += [("flatten", {}), ("dense", {"units": 7})]
    keras_layers += [keras.layers.Flatten(), keras.layers.Dense(7)]
    model = keras.Sequential([keras.Input((size, size, 3)), *keras_layers])
    hand = by_hand.stack_macs((size, size, 3), stack)
    derived = model_macs(model)
    assert [row[1] for row in hand] == [row[2] for row in derived]
    assert [row[2] for row in hand] == [row[3] for row in derived]


@pytest.mark.parametrize("seed", range(3))
def test_dilated_convolutions_equal_keras(seed):
    from dlhelpers.cost import layer_macs

    rng = np.random.default_rng(seed)
    shape = (int(rng.integers(12, 20)), int(rng.integers(12, 20)), int(rng.integers(1, 4)))
    kernel = int(rng.integers(2, 4))
    dilation = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
    padding = str(rng.choice(["valid", "same"]))
    conv = keras.layers.Conv2D(3, kernel, padding=padding, dilation_rate=dilation)
    depthwise = keras.layers.DepthwiseConv2D(kernel, padding=padding, dilation_rate=dilation)
    keras.Sequential([keras.Input(shape), conv])
    keras.Sequential([keras.Input(shape), depthwise])
    hand = by_hand.conv2d_macs(shape, 3, kernel, 1, padding, dilation_rate=dilation)
    assert (
        layer_macs(conv)
        == hand
        == conv.kernel.shape.num_elements() * math.prod(conv.output.shape[1:3])
    )
    assert layer_macs(depthwise) == by_hand.depthwise_conv2d_macs(
        shape, kernel, 1, padding, dilation_rate=dilation
    )
    rows = by_hand.stack_macs(
        shape, [("conv2d", {"filters": 3, "kernel_size": kernel, "padding": padding,
                            "dilation_rate": dilation})]
    )  # fmt: skip
    assert rows[0][1] == tuple(conv.output.shape[1:]) and rows[0][2] == hand


def test_dense_on_sequences_counts_every_position():
    from dlhelpers.cost import layer_macs

    dense = keras.layers.Dense(5)
    keras.Sequential([keras.Input((7, 3)), dense])
    rows = by_hand.stack_macs((7, 3), [("dense", {"units": 5})])
    assert layer_macs(dense) == rows[0][2] == 7 * 3 * 5


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: by_hand.conv2d_macs((4, 4, 1), 2, 5), "kernel_size: expected at most the input"),
        (lambda: by_hand.conv2d_macs((4, 4, 1), 2, 3, 1, "full"), "padding: expected one of"),
        (lambda: by_hand.conv2d_macs((4, 4), 2, 3), r"input_shape: expected \(height"),
        (lambda: by_hand.dense_macs(0, 3), "in_features: expected an integer >= 1"),
        (lambda: by_hand.conv2d_macs((8, 8, 3), 4, 3, groups=2), "groups: expected a divisor"),
        (
            lambda: by_hand.conv2d_macs((8, 8, 3), 4, 3, dilation_rate=0),
            "dilation_rate: expected an integer >= 1",
        ),
        (
            lambda: by_hand.depthwise_conv2d_macs((8, 8, 3), 3, depth_multiplier=0),
            "depth_multiplier: expected an integer >= 1",
        ),
        (lambda: by_hand.stack_macs((8, 8, 1), [("lstm", {})]), "kind: expected one of"),
    ],
)
def test_messages(call, match):
    with pytest.raises(ValueError, match=match):
        call()
