"""Multiply-adds read off Keras models, time per batch, and the learning-curve runner."""

import math

import numpy as np
import pytest

from dlhelpers import cost
from dlhelpers.scratch import cost as by_hand


@pytest.fixture(scope="module")
def keras():
    from dlhelpers.inspect.core import keras_module

    return keras_module()


def _weights_times_positions(layer):
    """An independent count: every kernel weight is used once per output position."""
    positions = math.prod(layer.output.shape[1:-1])
    return layer.kernel.shape.num_elements() * positions


@pytest.fixture(scope="module")
def mobilenet(keras):
    return keras.applications.MobileNetV2(input_shape=(32, 32, 3), weights=None, classes=10)


def test_mobilenet_v2_layer_by_layer(mobilenet):
    kinds = set()
    for layer in mobilenet.layers:
        name, macs = type(layer).__name__, cost.layer_macs(layer)
        kinds.add(name)
        config = layer.get_config() if layer.weights else {}
        shape_in = tuple(layer.input.shape[1:]) if layer.weights else None
        if name == "Conv2D":
            hand = by_hand.conv2d_macs(
                shape_in, config["filters"], config["kernel_size"], config["strides"],
                config["padding"],
            )  # fmt: skip
            assert macs == hand == _weights_times_positions(layer), layer.name
        elif name == "DepthwiseConv2D":
            hand = by_hand.depthwise_conv2d_macs(
                shape_in, config["kernel_size"], config["strides"], config["padding"],
                config["depth_multiplier"],
            )  # fmt: skip
            assert macs == hand == _weights_times_positions(layer), layer.name
        elif name == "Dense":
            assert macs == by_hand.dense_macs(shape_in[-1], config["units"]), layer.name
        elif name == "BatchNormalization":
            assert macs == math.prod(layer.output.shape[1:]), layer.name
        else:
            assert macs == 0, layer.name
    assert {"Conv2D", "DepthwiseConv2D", "BatchNormalization", "Add", "ZeroPadding2D"} <= kinds


def test_mobilenet_v2_at_224_matches_its_paper(keras):
    # Sandler et al. (2018), Table 3: MobileNetV2 (width 1.0, 224x224) has 300M multiply-adds
    # (convolutions and the classifier; batch normalisation folds into the convolutions).
    model = keras.applications.MobileNetV2(weights=None)
    weighted = sum(
        macs for _, kind, _, macs in cost.model_macs(model) if kind != "BatchNormalization"
    )
    assert abs(weighted / 300e6 - 1) < 0.02
    assert model.count_params() == 3538984


@pytest.mark.parametrize("seed", range(3))
def test_other_convolutions_against_independent_formulas(keras, seed):
    rng = np.random.default_rng(seed)
    k, s = int(rng.integers(1, 4)), int(rng.integers(1, 3))
    padding = str(rng.choice(["valid", "same"]))
    conv1d = keras.layers.Conv1D(5, k, s, padding)
    keras.Sequential([keras.Input((20, 3)), conv1d])
    assert cost.layer_macs(conv1d) == _weights_times_positions(conv1d)
    conv3d = keras.layers.Conv3D(4, k, s, padding)
    keras.Sequential([keras.Input((9, 10, 11, 2)), conv3d])
    assert cost.layer_macs(conv3d) == _weights_times_positions(conv3d)
    separable = keras.layers.SeparableConv2D(6, k, s, padding, depth_multiplier=2)
    keras.Sequential([keras.Input((12, 12, 3)), separable])
    out_h, out_w = separable.output.shape[1:3]
    depthwise = by_hand.depthwise_conv2d_macs((12, 12, 3), k, s, padding, depth_multiplier=2)
    assert cost.layer_macs(separable) == depthwise + out_h * out_w * 6 * 6
    transpose = keras.layers.Conv2DTranspose(4, k, s, padding)
    keras.Sequential([keras.Input((7, 7, 3)), transpose])
    assert cost.layer_macs(transpose) == 7 * 7 * 3 * k * k * 4  # each input value, whole kernel


def test_channels_first_conv_counts_the_same(keras):
    last = keras.layers.Conv2D(4, 3)
    first = keras.layers.Conv2D(4, 3, data_format="channels_first")
    keras.Sequential([keras.Input((10, 12, 3)), last])
    keras.Sequential([keras.Input((3, 10, 12)), first])
    assert cost.layer_macs(first) == cost.layer_macs(last) == 8 * 10 * 4 * 9 * 3


def test_nested_models_and_rows(keras):
    inner = keras.Sequential([keras.layers.Conv2D(4, 3), keras.layers.ReLU()], name="block")
    model = keras.Sequential(
        [keras.Input((8, 8, 2)), inner, keras.layers.Flatten(), keras.layers.Dense(3)]
    )
    rows = cost.model_macs(model)
    assert [r[0] for r in rows] == ["block", model.layers[1].name, model.layers[2].name]
    assert rows[0][3] == 6 * 6 * 4 * 9 * 2 and rows[0][2] == (6, 6, 4)
    assert rows[2][3] == 144 * 3


def test_normalization_counts_one_per_value_with_or_without_weights(keras):
    adapted = keras.layers.Normalization()
    given = keras.layers.Normalization(mean=0.5, variance=2.0)  # no weights: constants
    keras.Sequential([keras.Input((6, 5, 2)), adapted])
    keras.Sequential([keras.Input((6, 5, 2)), given])
    assert not given.weights
    assert cost.layer_macs(adapted) == cost.layer_macs(given) == 6 * 5 * 2


def test_unsupported_and_unbuilt_layers_are_refused(keras):
    lstm = keras.layers.LSTM(4)
    keras.Sequential([keras.Input((5, 3)), lstm])
    with pytest.raises(ValueError, match="layer: expected a layer type with a multiply-add rule"):
        cost.layer_macs(lstm)
    with pytest.raises(ValueError, match="layer: expected a layer of a built model"):
        cost.layer_macs(keras.layers.Dense(3))


def test_time_per_batch_gives_one_positive_duration_per_model(keras):
    models = [keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(c, 3)]) for c in (1, 2)]
    seconds = cost.time_per_batch(models, [np.zeros((4, 8, 8, 1))] * 2, repeats=2)
    assert seconds.shape == (2,) and np.all((seconds > 0) & (seconds < 5))
    with pytest.raises(ValueError, match="repeats: expected an integer >= 1"):
        cost.time_per_batch(models, [np.zeros((4, 8, 8, 1))] * 2, repeats=0)
    with pytest.raises(ValueError, match="models, batches: expected the same number"):
        cost.time_per_batch(models, [np.zeros((4, 8, 8, 1))])


def _tiny_task(n=300, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    x = rng.normal(size=(n, 6)).astype("float32") + 1.5 * y[:, None]
    return x, y


def _build(keras):
    def build(seed):
        init = keras.initializers.GlorotUniform(seed)
        model = keras.Sequential(
            [
                keras.Input((6,)),
                keras.layers.Dense(2, activation="softmax", kernel_initializer=init),
            ]
        )
        model.compile(keras.optimizers.Adam(0.05), "sparse_categorical_crossentropy")
        return model

    return build


def test_learning_curve_shapes_steps_and_a_rising_curve(keras):
    x, y = _tiny_task()
    curve = cost.learning_curve(
        _build(keras), x[:200], y[:200], x[200:], y[200:], (4, 150), (0, 1),
        epochs=2, min_steps=5, batch_size=16,
    )  # fmt: skip
    assert curve.accuracy.shape == (2, 2) and curve.steps.tolist() == [5, 19]
    assert np.all((curve.accuracy >= 0) & (curve.accuracy <= 1))
    assert curve.accuracy[:, 1].min() > 0.8  # the task is easy with enough rows


def test_each_run_starts_afresh(keras):
    x, y = _tiny_task(seed=1)
    args = (_build(keras), x[:200], y[:200], x[200:], y[200:])
    both = cost.learning_curve(*args, (20, 60), (0, 3), min_steps=10, batch_size=16)
    single = cost.learning_curve(*args, (20,), (3,), min_steps=10, batch_size=16)
    # Seed 3's first run follows three runs of the same model in `both`, and is the first
    # run of a new one in `single`; the same sample, weights and (reset) optimizer: the same.
    assert single.accuracy[0, 0] == both.accuracy[1, 0]


def test_learning_curve_messages(keras):
    x, y = _tiny_task()
    with pytest.raises(ValueError, match="sizes: expected an integer <= 300"):
        cost.learning_curve(_build(keras), x, y, x, y, (301,))
    with pytest.raises(ValueError, match="x_pool, y_pool: expected the same number of rows"):
        cost.learning_curve(_build(keras), x, y[:10], x, y, (5,))
    with pytest.raises(ValueError, match="epochs: expected an integer >= 1"):
        cost.learning_curve(_build(keras), x, y, x, y, (5,), epochs=0)
    with pytest.raises(ValueError, match="min_steps: expected an integer >= 1"):
        cost.learning_curve(_build(keras), x, y, x, y, (5,), min_steps=0)
    with pytest.raises(ValueError, match="sizes, seeds: expected at least one size"):
        cost.learning_curve(_build(keras), x, y, x, y, (5,), seeds=())
    with pytest.raises(TypeError, match="sizes: expected an integer"):
        cost.learning_curve(_build(keras), x, y, x, y, (5.5,))
