"""gate_activations reads the gates of Keras LSTM/GRU layers inside real models."""

import numpy as np
import pytest

from dlhelpers.inspect import gate_activations, gated_layers

LSTM_KEYS = {"input", "forget", "candidate", "output", "cell", "hidden"}
GRU_KEYS = {"update", "reset", "candidate", "hidden"}


def _x(seed, n=3, t=7, f=4, pad=False):
    x = np.random.default_rng(seed).normal(size=(n, t, f))
    if pad:
        x[0, t - 3 :] = 0.0
        x[1, :2] = 0.0
    return x


@pytest.mark.parametrize(
    "kind, kwargs",
    [
        ("LSTM", {}),
        ("GRU", {}),
        ("GRU", {"reset_after": False}),
        ("LSTM", {"go_backwards": True}),
        ("GRU", {"use_bias": False}),
        ("LSTM", {"activation": "relu", "recurrent_activation": "hard_sigmoid"}),
    ],
)
@pytest.mark.parametrize("seed", [0, 1])
def test_hidden_gate_equals_the_layer_output_in_a_sequential(tf, kind, kwargs, seed):
    import keras

    keras.utils.set_random_seed(seed)
    rnn = getattr(keras.layers, kind)(5, return_sequences=True, name="rnn", **kwargs)
    model = keras.Sequential(
        [keras.Input((7, 4)), keras.layers.Dense(3, activation="tanh"), rnn, keras.layers.Dense(1)]
    )
    x = _x(seed)
    gates = gate_activations(model, x)
    assert set(gates) == (LSTM_KEYS if kind == "LSTM" else GRU_KEYS)
    assert all(v.shape == (3, 7, 5) for v in gates.values())
    want = keras.Model(model.inputs[0], rnn.output)(x).numpy()
    hidden = gates["hidden"][:, ::-1] if kwargs.get("go_backwards") else gates["hidden"]
    np.testing.assert_allclose(hidden, want, rtol=1e-5, atol=1e-5)


def test_layer_without_return_sequences_and_layer_chosen_by_name_index_object(tf):
    import keras

    keras.utils.set_random_seed(3)
    first = keras.layers.GRU(4, return_sequences=True, name="first")
    last = keras.layers.LSTM(2, name="last")  # returns only the final state
    model = keras.Sequential([keras.Input((6, 3)), first, last])
    x = _x(3, t=6, f=3)
    by_name = gate_activations(model, x, "last")
    np.testing.assert_allclose(by_name["hidden"][:, -1], model(x).numpy(), atol=1e-5)
    for ref in (1, last, -1):
        np.testing.assert_allclose(gate_activations(model, x, ref)["hidden"], by_name["hidden"])
    np.testing.assert_allclose(gate_activations(model, x)["hidden"], first(x).numpy(), atol=1e-5)
    assert gated_layers(model) == ["first", "last"]


def test_functional_and_nested_models_with_masks(tf):
    import keras

    keras.utils.set_random_seed(4)
    inner = keras.Sequential(
        [keras.layers.Dense(4), keras.layers.GRU(3, return_sequences=True, name="inner_gru")]
    )
    inp = keras.Input((7, 4))
    masked = keras.layers.Masking(0.0)(inp)
    lstm_out = keras.layers.LSTM(4, return_sequences=True, name="outer_lstm")(masked)
    model = keras.Model(inp, [lstm_out, inner(masked)])
    x = _x(4, pad=True)
    want_lstm, want_gru = (v.numpy() for v in model(x))
    np.testing.assert_allclose(
        gate_activations(model, x, "outer_lstm")["hidden"], want_lstm, atol=1e-5
    )
    np.testing.assert_allclose(
        gate_activations(model, x, "inner_gru")["hidden"], want_gru, atol=1e-5
    )
    assert gated_layers(model) == ["outer_lstm", "inner_gru"]


def test_embedding_mask_zero(tf):
    import keras

    keras.utils.set_random_seed(5)
    model = keras.Sequential(
        [
            keras.Input((6,), dtype="int32"),
            keras.layers.Embedding(10, 4, mask_zero=True),
            keras.layers.LSTM(3, return_sequences=True),
        ]
    )
    tokens = np.array([[1, 2, 3, 0, 0, 0], [4, 5, 6, 7, 8, 9]])
    gates = gate_activations(model, tokens)
    np.testing.assert_allclose(gates["hidden"], model(tokens).numpy(), atol=1e-5)
    # padded steps carry the state: the hidden state stays where step 2 left it
    np.testing.assert_allclose(gates["hidden"][0, 3:], np.repeat(gates["hidden"][0, 2:3], 3, 0))


def test_non_gated_layer_lists_the_valid_ones(tf):
    import keras

    model = keras.Sequential(
        [
            keras.Input((5, 2)),
            keras.layers.SimpleRNN(3, return_sequences=True, name="plain"),
            keras.layers.LSTM(2, name="gated"),
            keras.layers.Dense(1, name="out"),
        ]
    )
    x = _x(0, t=5, f=2)
    with pytest.raises(
        ValueError,
        match=r"layer: expected an LSTM or GRU layer \('gated'\); "
        r"layer 'plain' is a SimpleRNN",
    ):
        gate_activations(model, x, "plain")
    with pytest.raises(ValueError, match=r"layer 'out' is a Dense"):
        gate_activations(model, x, 2)
    with pytest.raises(
        ValueError,
        match=r"layer: expected a layer of the model; LSTM/GRU layers: "
        r"'gated', received 'nope'",
    ):
        gate_activations(model, x, "nope")
    with pytest.raises(ValueError, match=r"layer: expected an index into model.layers \(0..2\)"):
        gate_activations(model, x, 7)


def test_model_without_gates_wrong_rank_and_not_a_model(tf):
    import keras

    dense = keras.Sequential([keras.Input((5, 2)), keras.layers.SimpleRNN(3, name="plain")])
    with pytest.raises(
        ValueError,
        match=r"model: expected a model with an LSTM or GRU layer "
        r"\(its layers: plain\)",
    ):
        gate_activations(dense, _x(0, t=5, f=2))
    model = keras.Sequential([keras.Input((5, 2)), keras.layers.GRU(3)])
    with pytest.raises(
        ValueError,
        match=r"x: expected a 3-D array like the model's input "
        r"\(None, 5, 2\), received array of shape \(5, 2\)",
    ):
        gate_activations(model, np.zeros((5, 2)))
    with pytest.raises(ValueError, match=r"model: expected a Keras Model or Sequential"):
        gate_activations("model", np.zeros((1, 5, 2)))


def test_unsupported_activation_is_named(tf):
    import keras

    model = keras.Sequential([keras.Input((4, 2)), keras.layers.GRU(3, activation="softsign")])
    with pytest.raises(
        ValueError,
        match=r"layer: expected activation one of tanh.*received "
        r"'softsign'",
    ):
        gate_activations(model, np.zeros((1, 4, 2)))


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_both_directions_of_a_bidirectional_layer_with_a_mask(tf, kind):
    import keras

    keras.utils.set_random_seed(6)
    wrapper = keras.layers.Bidirectional(getattr(keras.layers, kind)(3, return_sequences=True))
    model = keras.Sequential([keras.Input((7, 4)), keras.layers.Masking(0.0), wrapper])
    x = _x(6, pad=True)
    out = model(x).numpy()
    forward, backward = gated_layers(model)
    assert (forward, backward) == (wrapper.forward_layer.name, wrapper.backward_layer.name)
    np.testing.assert_allclose(
        gate_activations(model, x, forward)["hidden"], out[..., :3], atol=1e-5
    )
    np.testing.assert_allclose(
        gate_activations(model, x, wrapper.backward_layer)["hidden"], out[..., 3:], atol=1e-5
    )
    with pytest.raises(ValueError, match=r"layer '.*' is a Bidirectional"):
        gate_activations(model, x, wrapper)


def test_multi_input_model_and_unbuilt_sequential(tf):
    import keras

    keras.utils.set_random_seed(7)
    a, b = keras.Input((5, 3)), keras.Input((5, 2))
    joined = keras.layers.Concatenate()([a, b])
    model = keras.Model([a, b], keras.layers.GRU(4, return_sequences=True, name="g")(joined))
    xa, xb = _x(7, n=2, t=5, f=3), _x(8, n=2, t=5, f=2)
    np.testing.assert_allclose(
        gate_activations(model, [xa, xb])["hidden"], model([xa, xb]).numpy(), atol=1e-5
    )
    unbuilt = keras.Sequential([keras.layers.LSTM(3, return_sequences=True)])
    gates = gate_activations(unbuilt, xa)
    np.testing.assert_allclose(gates["hidden"], unbuilt(xa).numpy(), atol=1e-5)


def test_an_integer_layer_is_model_layers_except_the_chapter_5_alias(tf):
    """One table in dlhelpers.inspect.core: gate_activations (and feature_maps, conv_filters)
    read ``model.layers[i]``; hidden_states and step_gradient_norms count recurrent layers."""
    import keras

    from dlhelpers.inspect import hidden_states

    keras.utils.set_random_seed(8)
    model = keras.Sequential(
        [
            keras.Input((5, 2)),
            keras.layers.Dense(3, name="pre"),
            keras.layers.LSTM(4, return_sequences=True, name="first"),
            keras.layers.GRU(2, return_sequences=True, name="second"),
        ]
    )
    x = _x(8, t=5, f=2)
    np.testing.assert_allclose(
        gate_activations(model, x, 1)["hidden"], model.layers[1](model.layers[0](x)), atol=1e-5
    )  # model.layers[1] is "first"
    np.testing.assert_allclose(hidden_states(model, x, layer=1), model(x), rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match=r"layer 'pre' is a Dense"):
        gate_activations(model, x, 0)


def test_a_bidirectional_half_by_path_and_a_gate_layer_inside_a_subclassed_model(tf):
    import keras

    keras.utils.set_random_seed(9)
    wrapper = keras.layers.Bidirectional(keras.layers.GRU(3, return_sequences=True), name="bi")
    model = keras.Sequential([keras.Input((6, 2)), wrapper])
    x = _x(9, t=6, f=2)
    path = f"bi/{wrapper.backward_layer.name}"
    np.testing.assert_allclose(
        gate_activations(model, x, path)["hidden"], model(x).numpy()[..., 3:], atol=1e-5
    )

    class Tagger(keras.Model):
        def __init__(self):
            super().__init__()
            self.pre = keras.layers.Dense(3)
            self.lstm = keras.layers.LSTM(2, return_sequences=True)

        def call(self, inputs):
            return self.lstm(self.pre(inputs))

    tagger = Tagger()
    tagger(x)
    np.testing.assert_allclose(gate_activations(tagger, x)["hidden"], tagger(x), atol=1e-5)
