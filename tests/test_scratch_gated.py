"""LSTM and GRU by hand in NumPy, checked against Keras with the same weights (float64)."""

import numpy as np
import pytest

from dlhelpers.scratch import (
    gru_forward,
    gru_gates,
    gru_param_count,
    gru_step,
    lstm_forward,
    lstm_gates,
    lstm_param_count,
    lstm_step,
)

SHAPES = [(1, 1, 1, 1, 0), (2, 5, 3, 4, 1), (3, 9, 2, 7, 2), (4, 3, 6, 2, 3), (2, 12, 1, 3, 4)]


def _random_weights(layer, seed, scale=0.7):
    rng = np.random.default_rng(seed)
    weights = [rng.normal(scale=scale, size=w.shape) for w in layer.get_weights()]
    layer.set_weights(weights)
    return weights


def _keras_layer(kind, units, features, **kwargs):
    import keras

    cls = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU}[kind]
    layer = cls(units, return_sequences=True, return_state=True, dtype="float64", **kwargs)
    layer.build((None, None, features))
    return layer


@pytest.mark.parametrize("n, t, features, units, seed", SHAPES)
def test_lstm_forward_matches_keras(tf, n, t, features, units, seed):
    layer = _keras_layer("lstm", units, features)
    weights = _random_weights(layer, seed)
    x = np.random.default_rng(seed + 10).normal(size=(n, t, features))
    seq, h_last, c_last = (v.numpy() for v in layer(x))
    h, c = lstm_forward(x, *weights)
    assert h.shape == c.shape == (n, t, units)
    np.testing.assert_allclose(h, seq, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(h[:, -1], h_last, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(c[:, -1], c_last, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("n, t, features, units, seed", SHAPES)
def test_gru_forward_matches_keras(tf, n, t, features, units, seed, reset_after):
    layer = _keras_layer("gru", units, features, reset_after=reset_after)
    weights = _random_weights(layer, seed)
    assert weights[2].shape == ((2, 3 * units) if reset_after else (3 * units,))
    x = np.random.default_rng(seed + 20).normal(size=(n, t, features))
    seq, h_last = (v.numpy() for v in layer(x))
    h = gru_forward(x, *weights, reset_after=reset_after)
    np.testing.assert_allclose(h, seq, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(h[:, -1], h_last, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_initial_states_match_keras(tf, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(3, 6, 4))
    h0, c0 = rng.normal(size=(3, 5)), rng.normal(size=(3, 5))
    lstm = _keras_layer("lstm", 5, 4)
    w = _random_weights(lstm, seed)
    np.testing.assert_allclose(
        lstm_forward(x, *w, h0=h0, c0=c0).h, lstm(x, initial_state=[h0, c0])[0].numpy(), atol=1e-12
    )
    for reset_after in (True, False):
        gru = _keras_layer("gru", 5, 4, reset_after=reset_after)
        w = _random_weights(gru, seed)
        np.testing.assert_allclose(
            gru_forward(x, *w, h0=h0, reset_after=reset_after),
            gru(x, initial_state=h0)[0].numpy(),
            atol=1e-12,
        )


@pytest.mark.parametrize(
    "kind, kwargs",
    [
        ("lstm", {"use_bias": False}),
        ("lstm", {"activation": "relu", "recurrent_activation": "hard_sigmoid"}),
        ("gru", {"use_bias": False}),
        ("gru", {"use_bias": False, "reset_after": False}),
        ("gru", {"activation": "linear", "recurrent_activation": "hard_sigmoid"}),
    ],
)
def test_bias_free_and_other_activations_match_keras(tf, kind, kwargs):
    layer = _keras_layer(kind, 3, 2, **kwargs)
    weights = _random_weights(layer, 7, scale=0.4)
    if not kwargs.get("use_bias", True):
        weights.append(None)
    x = np.random.default_rng(8).normal(size=(2, 6, 2))
    acts = {k: v for k, v in kwargs.items() if "activation" in k}
    if kind == "lstm":
        got = lstm_forward(x, *weights, **acts).h
    else:
        got = gru_forward(x, *weights, reset_after=kwargs.get("reset_after", True), **acts)
    np.testing.assert_allclose(got, layer(x)[0].numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_mask_carries_state_like_keras(tf, kind):
    import keras

    rng = np.random.default_rng(3)
    x = rng.normal(size=(3, 8, 2))
    mask = np.ones((3, 8), dtype=bool)
    mask[0, 5:] = False  # padded at the end
    mask[1, :3] = False  # padded at the start
    layer = _keras_layer(kind, 4, 2)
    weights = _random_weights(layer, 4)
    want = layer(x, mask=keras.ops.convert_to_tensor(mask))[0].numpy()
    if kind == "lstm":
        got = lstm_forward(x, *weights, mask=mask).h
    else:
        got = gru_forward(x, *weights, mask=mask)
    np.testing.assert_allclose(got, want, atol=1e-12)


@pytest.mark.parametrize("n, t, features, units, seed", SHAPES)
def test_steps_chain_into_forward(n, t, features, units, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, t, features))
    lk, lr, lb = (
        rng.normal(size=s) for s in [(features, 4 * units), (units, 4 * units), (4 * units,)]
    )
    gk, gr, gb = (
        rng.normal(size=s) for s in [(features, 3 * units), (units, 3 * units), (2, 3 * units)]
    )
    h = c = g = np.zeros((n, units))
    hs, cs, gs = lstm_forward(x, lk, lr, lb) + (gru_forward(x, gk, gr, gb),)
    for step in range(t):
        h, c = lstm_step(x[:, step], h, c, lk, lr, lb)
        g = gru_step(x[:, step], g, gk, gr, gb)
        np.testing.assert_allclose(h, hs[:, step])
        np.testing.assert_allclose(c, cs[:, step])
        np.testing.assert_allclose(g, gs[:, step])


def test_gates_are_consistent_with_the_update_equations():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(2, 6, 3))
    lstm = lstm_gates(x, rng.normal(size=(3, 8)), rng.normal(size=(2, 8)), rng.normal(size=8))
    prev_c = np.concatenate([np.zeros((2, 1, 2)), lstm["cell"][:, :-1]], axis=1)
    np.testing.assert_allclose(
        lstm["cell"], lstm["forget"] * prev_c + lstm["input"] * lstm["candidate"]
    )
    np.testing.assert_allclose(lstm["hidden"], lstm["output"] * np.tanh(lstm["cell"]))
    for name in ("input", "forget", "output"):
        assert np.all((lstm[name] > 0) & (lstm[name] < 1))
    gru = gru_gates(x, rng.normal(size=(3, 6)), rng.normal(size=(2, 6)), rng.normal(size=(2, 6)))
    prev_h = np.concatenate([np.zeros((2, 1, 2)), gru["hidden"][:, :-1]], axis=1)
    np.testing.assert_allclose(
        gru["hidden"], gru["update"] * prev_h + (1 - gru["update"]) * gru["candidate"]
    )


def test_extreme_preactivations_do_not_overflow():
    x = np.full((1, 3, 1), 1e4)
    with np.errstate(over="raise"):
        h, c = lstm_forward(x, -np.ones((1, 4)), np.zeros((1, 4)), np.zeros(4))
    assert np.all(np.isfinite(h)) and np.all(np.isfinite(c))


@pytest.mark.parametrize("features, units", [(1, 1), (3, 8), (10, 2), (32, 64)])
def test_param_counts_match_keras(tf, features, units):
    assert _keras_layer("lstm", units, features).count_params() == lstm_param_count(features, units)
    for reset_after in (True, False):
        layer = _keras_layer("gru", units, features, reset_after=reset_after)
        assert layer.count_params() == gru_param_count(features, units, reset_after=reset_after)
    layer = _keras_layer("lstm", units, features, use_bias=False)
    assert layer.count_params() == lstm_param_count(features, units, use_bias=False)


# --------------------------------------------------------------------------- bad input
def test_two_d_input_is_rejected():
    with pytest.raises(
        ValueError,
        match=r"x: expected a 3-D array, received array of shape "
        r"\(5, 2\)",
    ):
        lstm_forward(np.zeros((5, 2)), np.zeros((2, 4)), np.zeros((1, 4)), np.zeros(4))
    with pytest.raises(ValueError, match=r"x: expected a 3-D array"):
        gru_forward(np.zeros((5, 2)), np.zeros((2, 3)), np.zeros((1, 3)), np.zeros((2, 3)))


def test_wrong_weight_shapes_name_the_weight():
    x = np.zeros((2, 3, 2))
    with pytest.raises(
        ValueError,
        match=r"kernel: expected shape \(features, 4\*units\), a "
        r"width divisible by 4, received array of shape \(2, 6\)",
    ):
        lstm_forward(x, np.zeros((2, 6)), np.zeros((1, 6)), np.zeros(6))
    with pytest.raises(
        ValueError,
        match=r"recurrent_kernel: expected shape \(3, 12\) to match "
        r"kernel \(2, 12\), received array of shape \(3, 9\)",
    ):
        lstm_forward(x, np.zeros((2, 12)), np.zeros((3, 9)), np.zeros(12))
    with pytest.raises(
        ValueError,
        match=r"bias: expected shape \(12,\), received array of "
        r"shape \(9,\)",
    ):
        lstm_forward(x, np.zeros((2, 12)), np.zeros((3, 12)), np.zeros(9))
    with pytest.raises(ValueError, match=r"bias: expected shape \(2, 9\) \(reset_after=True"):
        gru_forward(x, np.zeros((2, 9)), np.zeros((3, 9)), np.zeros(9))
    with pytest.raises(
        ValueError,
        match=r"bias: expected shape \(9,\), received array of shape "
        r"\(2, 9\)",
    ):
        gru_forward(x, np.zeros((2, 9)), np.zeros((3, 9)), np.zeros((2, 9)), reset_after=False)
    with pytest.raises(ValueError, match=r"x: expected \(N, T, 5\) to match kernel's 5 input"):
        gru_forward(x, np.zeros((5, 9)), np.zeros((3, 9)), np.zeros((2, 9)))


def test_bad_states_and_options_are_named():
    x = np.zeros((2, 3, 2))
    k, r, b = np.zeros((2, 8)), np.zeros((2, 8)), np.zeros(8)
    with pytest.raises(ValueError, match=r"h0: expected shape \(2, 2\), received array of shape"):
        lstm_forward(x, k, r, b, h0=np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"c_prev: expected shape \(2, 2\)"):
        lstm_step(x[:, 0], np.zeros((2, 2)), np.zeros((1, 2)), k, r, b)
    with pytest.raises(ValueError, match=r"x_t: expected a 2-D array"):
        lstm_step(x, np.zeros((2, 2)), np.zeros((2, 2)), k, r, b)
    with pytest.raises(ValueError, match=r"activation: expected one of 'tanh'"):
        lstm_forward(x, k, r, b, activation="softsign")
    with pytest.raises(ValueError, match=r"mask: expected a boolean array of shape \(2, 3\)"):
        lstm_forward(x, k, r, b, mask=np.ones((2, 4)))
    with pytest.raises(ValueError, match="x: expected finite values"):
        lstm_forward(np.full((2, 3, 2), np.nan), k, r, b)


def test_gru_forward_reset_after_is_keyword_only():
    x = np.zeros((1, 2, 2))
    with pytest.raises(TypeError):
        gru_forward(x, np.zeros((2, 9)), np.zeros((3, 9)), np.zeros(9), None, False)
