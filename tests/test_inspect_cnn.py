"""feature_maps / conv_filters against Keras sub-models, on tiny random models."""

import numpy as np
import pytest

from dlhelpers.inspect import conv_filters, conv_layer_names, feature_maps, layer_names


def _reference(model, x, name):
    """The textbook way: a Keras model from the inputs to one layer's output."""
    import keras

    sub_model = keras.Model(model.inputs[0], model.get_layer(name).output)
    return np.asarray(sub_model(x, training=False))  # random augmentation layers default to on


def _sequential(keras, shape, seed, filters=(3, 4), strides=1, padding="valid"):
    keras.utils.set_random_seed(seed)
    L = keras.layers
    return keras.Sequential(
        [
            keras.Input(shape),
            L.Conv2D(filters[0], 3, strides=strides, padding=padding, name="c1"),
            L.ReLU(name="r1"),
            L.MaxPooling2D(2, padding="same", name="p1"),
            L.Conv2D(filters[1], 2, padding=padding, name="c2"),
            L.Dropout(0.5, name="drop"),
            L.Flatten(name="flat"),
            L.Dense(5, name="out"),
        ],
        name="seq",
    )


CASES = [
    ((9, 9, 1), 0, 1, "valid"),
    ((12, 10, 3), 1, 2, "same"),
    ((8, 11, 2), 2, 1, "same"),
    ((15, 15, 4), 3, (2, 1), "valid"),
]


@pytest.mark.parametrize("shape,seed,strides,padding", CASES)
def test_sequential_maps_equal_keras_submodel(tf, shape, seed, strides, padding):
    import keras

    model = _sequential(keras, shape, seed, strides=strides, padding=padding)
    x = np.random.default_rng(seed).normal(size=(3, *shape))
    maps = feature_maps(model, x)
    assert list(maps) == ["c1", "c2"]
    for name in maps:
        np.testing.assert_allclose(maps[name], _reference(model, x, name), rtol=1e-5, atol=1e-6)
    chosen = feature_maps(model, x, ["out", "r1", "drop"])
    assert list(chosen) == ["out", "r1", "drop"]
    for name, value in chosen.items():
        np.testing.assert_allclose(value, _reference(model, x, name), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("seed", [0, 5])
def test_functional_with_branches_equals_keras_submodel(tf, seed):
    import keras

    keras.utils.set_random_seed(seed)
    L = keras.layers
    inp = keras.Input((10, 10, 2))
    a = L.Conv2D(3, 3, padding="same", name="left")(inp)
    b = L.Conv2D(3, 5, padding="same", name="right")(inp)
    s = L.Add(name="add")([a, b])
    c = L.Conv2D(2, 3, strides=2, name="after")(s)
    model = keras.Model(inp, L.GlobalAveragePooling2D(name="gap")(c))
    x = np.random.default_rng(seed).normal(size=(4, 10, 10, 2))
    maps = feature_maps(model, x)
    assert list(maps) == ["left", "right", "after"]
    for name in ("left", "right", "after"):
        np.testing.assert_allclose(maps[name], _reference(model, x, name), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        feature_maps(model, x, ["add"])["add"], _reference(model, x, "add"), rtol=1e-5, atol=1e-6
    )


@pytest.mark.parametrize("seed,shape", [(0, (9, 9, 1)), (1, (12, 8, 3))])
def test_nested_sequential_inside_functional(tf, seed, shape):
    import keras

    inner = _sequential(keras, shape, seed)
    L = keras.layers
    inp = keras.Input(shape)
    pre = L.Conv2D(shape[-1], 1, name="pre")(inp)  # the nested block is not the first layer
    out = L.Dense(2, name="head")(inner(pre))
    model = keras.Model(inp, out)
    x = np.random.default_rng(seed).normal(size=(2, *shape))
    maps = feature_maps(model, x)
    assert list(maps) == ["pre", "c1", "c2"]
    pre_value = _reference(model, x, "pre")
    np.testing.assert_allclose(maps["pre"], pre_value, rtol=1e-5, atol=1e-6)
    # inner layers: the inner model's own sub-model applied to the nested block's input
    for name in ("c1", "c2"):
        np.testing.assert_allclose(
            maps[name], _reference(inner, pre_value, name), rtol=1e-5, atol=1e-5
        )
    head = feature_maps(model, x, ["head", "r1"])
    np.testing.assert_allclose(head["head"], np.asarray(model(x)), rtol=1e-5, atol=1e-6)
    assert "c1" in layer_names(model) and "seq" in layer_names(model)
    assert conv_layer_names(model) == ["pre", "c1", "c2"]


def test_functional_inside_sequential_and_twice_nested(tf):
    import keras

    keras.utils.set_random_seed(3)
    L = keras.layers
    inp = keras.Input((8, 8, 1))
    block = keras.Model(
        inp, L.ReLU(name="inner_relu")(L.Conv2D(2, 3, name="inner_conv")(inp)), name="block"
    )
    middle = keras.Sequential(
        [keras.Input((8, 8, 1)), block, L.Conv2D(3, 3, name="mid_conv")], name="middle"
    )
    outer_in = keras.Input((8, 8, 1))
    model = keras.Model(outer_in, L.Flatten(name="f")(middle(outer_in)))
    x = np.random.default_rng(3).normal(size=(2, 8, 8, 1))
    maps = feature_maps(model, x, ["inner_conv", "inner_relu", "mid_conv"])
    np.testing.assert_allclose(
        maps["inner_conv"], _reference(block, x, "inner_conv"), rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose(maps["inner_relu"], np.maximum(maps["inner_conv"], 0), atol=1e-7)
    np.testing.assert_allclose(
        maps["mid_conv"], _reference(middle, x, "mid_conv"), rtol=1e-5, atol=1e-6
    )


def test_maps_are_in_inference_mode(tf):
    import keras

    model = _sequential(keras, (9, 9, 1), 0)
    x = np.random.default_rng(0).normal(size=(2, 9, 9, 1))
    first = feature_maps(model, x, ["drop"])["drop"]
    np.testing.assert_array_equal(first, feature_maps(model, x, ["drop"])["drop"])
    # dropout is the identity at inference; the two maps come from two calls (float32 noise)
    np.testing.assert_allclose(first, feature_maps(model, x, ["c2"])["c2"], rtol=1e-5, atol=1e-6)


def test_conv_filters_returns_keras_kernel(tf):
    import keras

    model = _sequential(keras, (9, 9, 2), 1, filters=(5, 6))
    np.testing.assert_array_equal(conv_filters(model), np.asarray(model.get_layer("c1").kernel))
    assert conv_filters(model, "c2").shape == (2, 2, 5, 6)


def test_bad_layer_name_lists_valid_names(tf):
    import keras

    model = _sequential(keras, (9, 9, 1), 0)
    x = np.zeros((1, 9, 9, 1))
    with pytest.raises(
        ValueError,
        match=r"layers: expected names of layers in the model "
        r"\(c1, r1, p1, c2, drop, flat, out\), received 'nope'",
    ):
        feature_maps(model, x, ["c1", "nope"])
    with pytest.raises(ValueError, match=r"layers: expected a list of layer names"):
        feature_maps(model, x, "c1")
    with pytest.raises(ValueError, match=r"layers: expected at least one layer name"):
        feature_maps(model, x, [])
    with pytest.raises(
        ValueError,
        match=r"layer: expected the name of a Conv2D layer of the "
        r"model \(c1, c2\), received 'flat'",
    ):
        conv_filters(model, "flat")


def test_bad_inputs(tf):
    import keras

    model = _sequential(keras, (9, 9, 1), 0)
    with pytest.raises(
        ValueError,
        match=r"x: expected a 4-D array of shape \(batch, 9, 9, 1\) "
        r"\(add a batch axis: x\[None\]\), received array of "
        r"shape \(9, 9, 1\)",
    ):
        feature_maps(model, np.zeros((9, 9, 1)))
    with pytest.raises(
        ValueError,
        match=r"x: expected a 4-D array .* received array of shape "
        r"\(9, 9\)",
    ):
        feature_maps(model, np.zeros((9, 9)))
    with pytest.raises(
        ValueError,
        match=r"x: expected an array of shape \(batch, 9, 9, 1\), "
        r"received array of shape \(2, 9, 8, 1\)",
    ):
        feature_maps(model, np.zeros((2, 9, 8, 1)))
    with pytest.raises(ValueError, match="x: expected finite values"):
        feature_maps(model, np.full((1, 9, 9, 1), np.nan))
    with pytest.raises(TypeError, match="model: expected a Keras Model, received 'model'"):
        feature_maps("model", np.zeros((1, 9, 9, 1)))
    unbuilt = keras.Sequential([keras.layers.Conv2D(2, 3)])
    with pytest.raises(ValueError, match="model: expected a built model"):
        feature_maps(unbuilt, np.zeros((1, 9, 9, 1)))
    dense = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, name="d")])
    with pytest.raises(ValueError, match="model: expected a model with at least one Conv2D"):
        feature_maps(dense, np.zeros((1, 4)))
    np.testing.assert_allclose(
        feature_maps(dense, np.ones((1, 4)), ["d"])["d"],
        np.asarray(dense(np.ones((1, 4)))),
        rtol=1e-5,  # two float32 calls through different graphs
        atol=1e-6,
    )


def test_ambiguous_nested_name_is_rejected(tf):
    import keras

    L = keras.layers
    inner = keras.Sequential([keras.Input((6, 6, 1)), L.Conv2D(1, 3, name="twin")], name="inner")
    inp = keras.Input((6, 6, 1))
    model = keras.Model(inp, L.Conv2D(1, 3, name="twin")(L.ZeroPadding2D(1)(inner(inp))))
    with pytest.raises(ValueError, match="layers: expected a layer name used once"):
        feature_maps(model, np.zeros((1, 6, 6, 1)), ["twin"])


def test_sequential_inside_sequential_and_built_without_input(tf):
    from dlhelpers.cnn import build_digit_cnn

    model = build_digit_cnn((3,), dense_units=4, input_shape=(12, 12, 1), seed=2)
    x = np.random.default_rng(2).uniform(size=(2, 12, 12, 1))
    maps = feature_maps(model, x, ["rotate", "shift", "conv1"])
    np.testing.assert_allclose(maps["rotate"], x, rtol=1e-6)  # augmentation is off at inference
    np.testing.assert_allclose(maps["conv1"], _reference(model, x, "conv1"), rtol=1e-5, atol=1e-6)

    import keras

    built = keras.Sequential([keras.layers.Conv2D(2, 3, name="a"), keras.layers.Flatten()])
    built.build((None, 8, 8, 1))
    z = np.random.default_rng(0).normal(size=(1, 8, 8, 1))
    np.testing.assert_allclose(feature_maps(built, z)["a"], _reference(built, z, "a"), rtol=1e-5)


def test_subclassed_model_is_rejected_with_a_reason(tf):
    import keras

    class Tiny(keras.Model):
        def __init__(self):
            super().__init__()
            self.conv = keras.layers.Conv2D(2, 3)

        def call(self, x):
            return self.conv(x)

    tiny = Tiny()
    tiny(np.zeros((1, 8, 8, 1)))
    with pytest.raises(ValueError, match="model: expected a Sequential or functional model"):
        feature_maps(tiny, np.zeros((1, 8, 8, 1)))


def test_shared_layer_and_multi_output_layer_are_rejected(tf):
    import keras

    inputs = keras.Input((8, 8, 1))
    shared = keras.layers.Conv2D(1, 3, padding="same", name="shared")
    twice = shared(shared(inputs))
    model = keras.Model(inputs, keras.layers.Flatten(name="flat")(twice))
    x = np.zeros((1, 8, 8, 1), "float32")
    with pytest.raises(
        ValueError, match="layers: expected a layer called once.*'shared', called 2"
    ):
        feature_maps(model, x, ["shared"])

    class Split(keras.layers.Layer):
        def call(self, x):
            return x[..., :1], x[..., 1:]

    inputs = keras.Input((6, 6, 2))
    a, b = Split(name="split")(inputs)
    model = keras.Model(inputs, keras.layers.Add(name="add")([a, b]))
    with pytest.raises(
        ValueError, match="layers: expected a layer with a single output.*2 outputs"
    ):
        feature_maps(model, np.zeros((1, 6, 6, 2), "float32"), ["split"])
    assert feature_maps(model, np.ones((1, 6, 6, 2), "float32"), ["add"])["add"].shape == (
        1,
        6,
        6,
        1,
    )


# ------------------------------------------------------- one resolver (dlhelpers.inspect.core)
def test_layers_named_by_path_object_or_index_and_duplicates_listed_by_path(tf):
    import keras

    L = keras.layers
    inner = keras.Sequential([keras.Input((6, 6, 1)), L.Conv2D(1, 3, name="twin")], name="inner")
    inp = keras.Input((6, 6, 1))
    outer_twin = L.Conv2D(1, 3, name="twin")
    model = keras.Model(inp, outer_twin(L.ZeroPadding2D(1, name="pad")(inner(inp))))
    x = np.random.default_rng(0).normal(size=(2, 6, 6, 1))
    with pytest.raises(ValueError, match=r"give a path: 'inner/twin', 'twin'\), received 'twin'"):
        feature_maps(model, x, ["twin"])
    maps = feature_maps(model, x, ["inner/twin", outer_twin, 2])  # path, object, model.layers[2]
    assert list(maps) == ["inner/twin", "twin", "pad"]
    np.testing.assert_allclose(
        maps["inner/twin"], _reference(inner, x, "twin"), rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose(maps["twin"], np.asarray(model(x)), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(conv_filters(model, "inner/twin"), inner.layers[0].kernel)
    np.testing.assert_array_equal(conv_filters(model, -1), outer_twin.kernel)  # model.layers[-1]
    with pytest.raises(ValueError, match=r"layers: expected an index into model.layers \(0..3\)"):
        feature_maps(model, x, [4])
    with pytest.raises(ValueError, match="layer: expected the name of a Conv2D layer"):
        conv_filters(model, 2)  # model.layers[2] is the padding


def test_feature_maps_read_through_a_nested_model_with_a_mask_and_leave_the_model_alone(tf):
    import keras

    keras.utils.set_random_seed(1)
    L = keras.layers
    block = keras.Sequential([L.Dense(3, name="d"), L.GRU(2, return_sequences=True, name="g")])
    inp = keras.Input((5, 2))
    model = keras.Model(inp, L.Dense(1, name="head")(block(L.Masking(0.0)(inp))))
    x = np.random.default_rng(1).normal(size=(3, 5, 2))
    x[0, 3:] = 0.0  # masked steps: the GRU keeps its state, as in the model itself
    before = model(x).numpy()
    maps = feature_maps(model, x, ["g", "head"])
    np.testing.assert_allclose(maps["head"], before, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(maps["g"][0, 3:], np.repeat(maps["g"][0, 2:3], 2, 0), rtol=1e-6)
    np.testing.assert_array_equal(model(x).numpy(), before)  # inspection changed nothing
