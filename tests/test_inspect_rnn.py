"""hidden_states and step_gradient_norms on Sequential, functional, nested and subclassed
models, for SimpleRNN, LSTM, GRU and Bidirectional layers."""

import numpy as np
import pytest

from dlhelpers.inspect import hidden_states, recurrent_layers, step_gradient_norms
from dlhelpers.scratch import rnn_backward, rnn_forward


@pytest.fixture(scope="module")
def keras(tf):
    import keras

    return keras


# Float32 results of one model computed through two calls (a sub-model vs the layer, another
# batch) may differ by a few float32 ulps: oneDNN's rounding depends on the batch and on the
# CPU's instruction set. rtol=1e-5, atol=1e-6 (about 100 ulps) is float32 noise; a wrong state
# (another layer, a wrong time step) is off by 1e-2 or more.


def _x(seed, n, steps, features):
    return np.random.default_rng(seed).normal(size=(n, steps, features)).astype("float32")


@pytest.mark.parametrize(
    ("n", "steps", "features", "units"), [(1, 1, 1, 1), (2, 6, 3, 4), (5, 11, 2, 8)]
)
@pytest.mark.parametrize("seed", [0, 1])
def test_simple_rnn_states_match_numpy_reference(keras, n, steps, features, units, seed):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [keras.Input((steps, features)), keras.layers.SimpleRNN(units), keras.layers.Dense(1)]
    )
    x = _x(seed, n, steps, features)
    states = hidden_states(model, x)
    assert states.shape == (n, steps, units)
    np.testing.assert_allclose(
        states, rnn_forward(x, *model.layers[0].get_weights()), rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose(states[:, -1], model.layers[0](x).numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind", ["SimpleRNN", "LSTM", "GRU"])
@pytest.mark.parametrize("seed", [0, 3])
def test_states_equal_keras_return_sequences_for_each_kind(keras, kind, seed):
    keras.utils.set_random_seed(seed)
    layer = getattr(keras.layers, kind)(5, name="rec")
    model = keras.Sequential([keras.Input((7, 3)), layer, keras.layers.Dense(2)])
    x = _x(seed, 4, 7, 3)
    twin = getattr(keras.layers, kind)(5, return_sequences=True)
    twin.build((None, 7, 3))
    twin.set_weights(layer.get_weights())
    np.testing.assert_allclose(hidden_states(model, x), twin(x).numpy(), rtol=1e-5, atol=1e-6)


def test_nested_functional_model_and_layer_paths(keras):
    keras.utils.set_random_seed(0)
    encoder = keras.Sequential(
        [keras.Input((6, 2)), keras.layers.GRU(4, name="gru")], name="encoder"
    )
    inputs = keras.Input((6, 2))
    outputs = keras.layers.Dense(1)(encoder(keras.layers.Dense(2, name="pre")(inputs)))
    model = keras.Model(inputs, outputs)
    assert list(recurrent_layers(model)) == ["encoder/gru"]
    x = _x(1, 3, 6, 2)
    pre = model.get_layer("pre")(x)  # what actually reaches the GRU
    expected = keras.layers.GRU(4, return_sequences=True)
    expected.build((None, 6, 2))
    expected.set_weights(encoder.layers[0].get_weights())
    for selector in (None, "gru", "encoder/gru", 0, encoder.layers[0]):
        np.testing.assert_allclose(
            hidden_states(model, x, layer=selector), expected(pre).numpy(), rtol=1e-6, atol=1e-7
        )


def test_stacked_layers_selected_by_name_index_and_object(keras):
    keras.utils.set_random_seed(2)
    first = keras.layers.LSTM(6, return_sequences=True, name="first")
    second = keras.layers.SimpleRNN(3, name="second")
    model = keras.Sequential([keras.Input((5, 2)), first, second])
    x = _x(2, 2, 5, 2)
    np.testing.assert_allclose(
        hidden_states(model, x, layer="first"), first(x).numpy(), rtol=1e-6, atol=1e-7
    )
    from_second = hidden_states(model, x, layer=-1)
    assert from_second.shape == (2, 5, 3)
    np.testing.assert_allclose(from_second, hidden_states(model, x, layer=second))
    np.testing.assert_allclose(from_second[:, -1], model(x).numpy(), rtol=1e-5, atol=1e-6)


def test_subclassed_model_embedding_input_and_initial_state(keras):
    keras.utils.set_random_seed(4)

    class Tagger(keras.Model):
        def __init__(self):
            super().__init__()
            self.embed = keras.layers.Embedding(10, 3)
            self.rnn = keras.layers.SimpleRNN(4)
            self.out = keras.layers.Dense(1)

        def call(self, tokens):
            start = keras.ops.ones((keras.ops.shape(tokens)[0], 4)) * 0.5
            return self.out(self.rnn(self.embed(tokens), initial_state=[start]))

    model = Tagger()
    tokens = np.random.default_rng(0).integers(0, 10, size=(3, 8))
    model(tokens)
    states = hidden_states(model, tokens)
    vectors = model.embed(tokens).numpy()
    want = rnn_forward(vectors, *model.rnn.get_weights(), h0=np.full((3, 4), 0.5))
    np.testing.assert_allclose(states, want, rtol=1e-5, atol=1e-6)


def test_bidirectional_and_go_backwards(keras):
    keras.utils.set_random_seed(5)
    bi = keras.layers.Bidirectional(keras.layers.SimpleRNN(3, return_sequences=True))
    model = keras.Sequential([keras.Input((6, 2)), bi])
    x = _x(5, 2, 6, 2)
    np.testing.assert_allclose(hidden_states(model, x), model(x).numpy(), rtol=1e-5, atol=1e-6)
    back = keras.layers.SimpleRNN(3, go_backwards=True)
    model = keras.Sequential([keras.Input((6, 2)), back])
    states = hidden_states(model, x)
    want = rnn_forward(x[:, ::-1], *back.get_weights())  # processing order
    np.testing.assert_allclose(states, want, rtol=1e-5, atol=1e-6)


def test_masked_steps_keep_the_previous_state(keras):
    keras.utils.set_random_seed(6)
    model = keras.Sequential(
        [keras.Input((5, 2)), keras.layers.Masking(0.0), keras.layers.SimpleRNN(3)]
    )
    x = _x(6, 2, 5, 2)
    x[0, 3:] = 0.0  # example 0 ends after 3 steps
    states = hidden_states(model, x)
    np.testing.assert_allclose(states[0, 3], states[0, 2], rtol=1e-6)
    np.testing.assert_allclose(states[:, -1], model(x).numpy(), rtol=1e-5, atol=1e-6)


def test_stateful_layer_state_is_left_untouched(keras):
    model = keras.Sequential(
        [keras.Input((4, 1), batch_size=2), keras.layers.SimpleRNN(3, stateful=True)]
    )
    x = _x(0, 2, 4, 1)
    model(x)
    before = model.layers[0].states[0].numpy().copy()
    states = hidden_states(model, x)
    np.testing.assert_array_equal(model.layers[0].states[0].numpy(), before)
    np.testing.assert_allclose(states[:, -1], model(x).numpy(), rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------------- step_gradient_norms
@pytest.mark.parametrize(("n", "steps", "features", "units"), [(1, 3, 1, 2), (4, 9, 3, 5)])
@pytest.mark.parametrize("seed", [0, 1])
def test_step_gradient_norms_match_numpy_bptt(keras, n, steps, features, units, seed):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [keras.Input((steps, features)), keras.layers.SimpleRNN(units), keras.layers.Dense(1)]
    )
    x = _x(seed, n, steps, features)
    y = np.random.default_rng(seed).normal(size=(n, 1))
    weights = model.layers[0].get_weights()
    dense_w, dense_b = model.layers[1].get_weights()
    states = rnn_forward(x.astype(float), *weights)
    pred = states[:, -1] @ dense_w + dense_b
    grad_last = (2 * (pred - y) / n) @ dense_w.T  # d mean-squared-error / d h_T
    by_hand = rnn_backward(x.astype(float), states, grad_last, *weights)
    np.testing.assert_allclose(
        step_gradient_norms(model, x, y), np.linalg.norm(by_hand.hidden, axis=(0, 2)), rtol=1e-4
    )
    np.testing.assert_allclose(
        step_gradient_norms(model, x, y, wrt="input", per_example=True),
        np.linalg.norm(by_hand.x, axis=2),
        rtol=1e-4,
        atol=1e-9,
    )


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_step_gradient_norms_wrt_input_match_gradient_tape(keras, tf, kind):
    keras.utils.set_random_seed(7)
    model = keras.Sequential(
        [keras.Input((8, 2)), getattr(keras.layers, kind)(4), keras.layers.Dense(1)]
    )
    x = tf.constant(_x(7, 3, 8, 2))
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = tf.reduce_sum(model(x))
    want = np.linalg.norm(tape.gradient(total, x).numpy(), axis=(0, 2))
    np.testing.assert_allclose(step_gradient_norms(model, x.numpy(), wrt="input"), want, rtol=1e-4)
    # The last hidden state is the layer's output: its gradient is the Dense kernel.
    hidden = step_gradient_norms(model, x.numpy(), per_example=True)
    dense_w = model.layers[1].get_weights()[0]
    np.testing.assert_allclose(hidden[:, -1], np.full(3, np.linalg.norm(dense_w)), rtol=1e-5)


def test_step_gradient_norms_in_nested_model_with_go_backwards(keras):
    keras.utils.set_random_seed(8)
    inner = keras.Sequential(
        [
            keras.Input((6, 2)),
            keras.layers.GRU(3, go_backwards=True, return_sequences=True),
            keras.layers.GRU(2),
        ],
        name="inner",
    )
    inputs = keras.Input((6, 2))
    model = keras.Model(inputs, keras.layers.Dense(1)(inner(inputs)))
    norms = step_gradient_norms(model, _x(8, 2, 6, 2), layer=0)
    assert norms.shape == (6,) and np.all(norms > 0)


# ------------------------------------------------------------------------------ bad input
@pytest.fixture()
def small(keras):
    return keras.Sequential(
        [
            keras.Input((5, 2)),
            keras.layers.SimpleRNN(3, name="rnn"),
            keras.layers.Dense(1, name="head"),
        ]
    )


def test_non_recurrent_layer_is_named_and_alternatives_listed(small):
    with pytest.raises(
        ValueError,
        match=r"layer: expected a recurrent layer \(recurrent layers "
        r"in this model: 'rnn' \(SimpleRNN\)\), received Dense layer 'head'\.",
    ):
        hidden_states(small, _x(0, 1, 5, 2), layer="head")
    with pytest.raises(ValueError, match="layer: expected a recurrent layer.*Dense layer 'head'"):
        step_gradient_norms(small, _x(0, 1, 5, 2), layer=small.layers[1])


def test_unknown_or_ambiguous_layer(keras, small):
    with pytest.raises(
        ValueError, match="layer: expected the name of a layer in the model.*'nope'"
    ):
        hidden_states(small, _x(0, 1, 5, 2), layer="nope")
    with pytest.raises(ValueError, match=r"layer: expected an index into the 1 recurrent layer"):
        hidden_states(small, _x(0, 1, 5, 2), layer=3)
    two = keras.Sequential(
        [
            keras.Input((5, 2)),
            keras.layers.GRU(3, return_sequences=True, name="a"),
            keras.layers.GRU(3, name="b"),
        ]
    )
    with pytest.raises(
        ValueError,
        match="layer: expected a layer name when the model does not "
        "hold exactly one recurrent layer.*'a' \\(GRU\\), 'b' \\(GRU\\)",
    ):
        hidden_states(two, _x(0, 1, 5, 2))
    dense = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="this model has no recurrent layer"):
        hidden_states(dense, np.zeros((1, 4)))


def test_two_dimensional_input_for_a_sequence_model(small):
    with pytest.raises(
        ValueError,
        match=r"x: expected a 3-D array \(N, T, features\) as the "
        r"model's input is \(None, 5, 2\), received array of shape \(5, 2\)",
    ):
        hidden_states(small, np.zeros((5, 2)))
    with pytest.raises(ValueError, match="x: expected finite values"):
        step_gradient_norms(small, np.full((1, 5, 2), np.nan))


def test_step_gradient_norms_rejects_bad_wrt_and_bidirectional(keras, small):
    with pytest.raises(ValueError, match="wrt: expected one of 'hidden', 'input'"):
        step_gradient_norms(small, _x(0, 1, 5, 2), wrt="output")
    bi = keras.Sequential(
        [keras.Input((5, 2)), keras.layers.Bidirectional(keras.layers.SimpleRNN(2))]
    )
    with pytest.raises(ValueError, match="layer: expected a one-directional recurrent layer"):
        step_gradient_norms(bi, _x(0, 1, 5, 2))


def test_model_with_two_inputs(keras):
    keras.utils.set_random_seed(9)
    seq, extra = keras.Input((5, 2)), keras.Input((3,))
    rnn = keras.layers.SimpleRNN(4, name="rnn")
    merged = keras.layers.Concatenate()([rnn(seq), extra])
    model = keras.Model([seq, extra], keras.layers.Dense(1)(merged))
    x = [_x(9, 2, 5, 2), np.ones((2, 3), "float32")]
    states = hidden_states(model, x)
    np.testing.assert_allclose(states, rnn_forward(x[0], *rnn.get_weights()), rtol=1e-5, atol=1e-6)
    assert step_gradient_norms(model, x).shape == (5,)


def test_nested_list_input_is_still_validated(small):
    with pytest.raises(ValueError, match=r"x: expected a 3-D array \(N, T, features\)"):
        hidden_states(small, [[0.0, 1.0]] * 5)


@pytest.mark.parametrize("cell", ["SimpleRNNCell", "LSTMCell", "GRUCell"])
def test_generic_rnn_wrapper_around_a_cell(keras, tf, cell):
    keras.utils.set_random_seed(10)
    rnn = keras.layers.RNN(getattr(keras.layers, cell)(4))
    model = keras.Sequential([keras.Input((6, 3)), rnn, keras.layers.Dense(1)])
    x = _x(10, 2, 6, 3)
    states = hidden_states(model, x)
    assert states.shape == (2, 6, 4)
    np.testing.assert_allclose(states[:, -1], rnn(x).numpy(), rtol=1e-5, atol=1e-6)
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        total = tf.reduce_sum(model(xt))
    want = np.linalg.norm(tape.gradient(total, xt).numpy(), axis=(0, 2))
    np.testing.assert_allclose(step_gradient_norms(model, x, wrt="input"), want, rtol=1e-4)


def test_stacked_cells_are_rejected_by_step_gradient_norms(keras):
    cells = [keras.layers.SimpleRNNCell(4), keras.layers.SimpleRNNCell(2)]
    model = keras.Sequential([keras.Input((6, 3)), keras.layers.RNN(cells, name="stack")])
    assert hidden_states(model, _x(0, 2, 6, 3)).shape == (2, 6, 2)
    with pytest.raises(
        ValueError,
        match="layer: expected a recurrent layer with a single cell.*"
        "RNN layer 'stack' with stacked cells",
    ):
        step_gradient_norms(model, _x(0, 2, 6, 3))


def test_a_mask_reaches_a_layer_inside_a_nested_model(keras):
    """A nested model hands its mask on to its layers; the flat graph keeps it (WithMask)."""
    keras.utils.set_random_seed(11)
    block = keras.Sequential(
        [keras.layers.Dense(3), keras.layers.SimpleRNN(2, name="inner_rnn")], name="block"
    )
    inputs = keras.Input((6, 2))
    model = keras.Model(inputs, block(keras.layers.Masking(0.0)(inputs)))
    x = _x(11, 2, 6, 2)
    x[0, 4:] = 0.0
    states = hidden_states(model, x, layer="block/inner_rnn")
    np.testing.assert_allclose(states[:, -1], model(x).numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(states[0, 4:], np.repeat(states[0, 3:4], 2, 0), rtol=1e-6)
    with pytest.raises(ValueError, match="model: expected no masking in front of the inspected"):
        step_gradient_norms(model, x)


def test_subclassed_model_with_a_nested_model_and_one_that_cannot_be_traced(keras, tf):
    keras.utils.set_random_seed(12)
    encoder = keras.Sequential([keras.Input((5, 2)), keras.layers.GRU(3, name="gru")])

    class Head(keras.Model):
        def __init__(self):
            super().__init__()
            self.encoder = encoder
            self.out = keras.layers.Dense(1)

        def call(self, x):
            return self.out(self.encoder(x))

    model = Head()
    x = _x(12, 2, 5, 2)
    model(x)
    assert list(recurrent_layers(model)) == [f"{encoder.name}/gru"]
    states = hidden_states(model, x)
    np.testing.assert_allclose(states[:, -1], encoder(x).numpy(), rtol=1e-5, atol=1e-6)
    assert step_gradient_norms(model, x).shape == (5,)

    class Eager(keras.Model):
        def __init__(self):
            super().__init__()
            self.rnn = keras.layers.SimpleRNN(2)

        def call(self, x):
            return self.rnn(tf.reverse(x, axis=[1]))  # a raw TensorFlow op

    eager = Eager()
    eager(x)
    with pytest.raises(ValueError, match=r"model: expected a model whose call\(\) runs on keras"):
        hidden_states(eager, x)


def test_a_float64_model_is_inspected_in_float64(keras):
    """The batch reaches the model as it is (no float32 detour): float64 results stay exact."""
    rng = np.random.default_rng(13)
    model = keras.Sequential(
        [keras.Input((30, 1), dtype="float64"), keras.layers.SimpleRNN(4, dtype="float64")]
    )
    weights = [rng.normal(size=(1, 4)), rng.normal(scale=0.6, size=(4, 4)), np.zeros(4)]
    model.layers[0].set_weights(weights)
    x = rng.normal(size=(1, 30, 1))
    states = rnn_forward(x, *weights)
    np.testing.assert_allclose(hidden_states(model, x), states, rtol=1e-12)
    by_hand = rnn_backward(x, states, np.ones((1, 4)), *weights)  # L = sum of h_T
    np.testing.assert_allclose(
        step_gradient_norms(model, x), np.linalg.norm(by_hand.hidden[0], axis=1), rtol=1e-10
    )
