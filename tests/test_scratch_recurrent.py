"""The NumPy SimpleRNN (forward, BPTT) and clipping, compared with Keras / TensorFlow."""

import numpy as np
import pytest

from dlhelpers.scratch import (
    clip_by_norm,
    one_hot_characters,
    rnn_backward,
    rnn_forward,
    rnn_step,
    scale_spectral_radius,
    spectral_radius,
)

SHAPES = [  # (N, T, features, units)
    (1, 1, 1, 1),
    (2, 5, 3, 4),
    (4, 9, 1, 7),
    (3, 12, 6, 2),
]


def _weights(rng, features, units, bias=True):
    kernel = rng.normal(size=(features, units)) * 0.7
    recurrent = rng.normal(size=(units, units)) * 0.5
    return kernel, recurrent, (rng.normal(size=units) * 0.3 if bias else None)


def _keras_rnn(features, units, weights, activation="tanh"):
    import keras

    layer = keras.layers.SimpleRNN(
        units,
        return_sequences=True,
        activation=activation,
        use_bias=weights[2] is not None,
        dtype="float64",
    )
    layer.build((None, None, features))
    layer.set_weights([w for w in weights if w is not None])
    return layer


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("with_h0", [False, True])
def test_rnn_forward_matches_keras_simple_rnn(tf, shape, seed, with_h0):
    n, steps, features, units = shape
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, steps, features))
    weights = _weights(rng, features, units)
    h0 = rng.normal(size=(n, units)) if with_h0 else None
    layer = _keras_rnn(features, units, weights)
    want = layer(x, initial_state=None if h0 is None else [h0]).numpy()
    got = rnn_forward(x, *weights, h0=h0)
    assert got.shape == (n, steps, units)
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "linear"])
@pytest.mark.parametrize("use_bias", [True, False])
def test_rnn_forward_activations_and_no_bias(tf, activation, use_bias):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(3, 6, 2))
    weights = _weights(rng, 2, 5, bias=use_bias)
    want = _keras_rnn(2, 5, weights, activation)(x).numpy()
    np.testing.assert_allclose(
        rnn_forward(x, *weights, activation=activation), want, rtol=1e-10, atol=1e-12
    )


def test_sigmoid_rnn_with_huge_preactivations_warns_nothing(tf):
    import warnings

    x = np.array([[[-1000.0], [1000.0], [-800.0]]])
    weights = (np.ones((1, 2)), np.zeros((2, 2)), np.zeros(2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = rnn_forward(x, *weights, activation="sigmoid")
    want = _keras_rnn(1, 2, weights, "sigmoid")(x).numpy()
    np.testing.assert_allclose(got, want, atol=1e-12)
    assert np.all(np.isfinite(got))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rnn_step_matches_keras_cell_and_forward(tf, seed):
    import keras

    rng = np.random.default_rng(seed)
    n, features, units = rng.integers(1, 6, size=3)
    x_t = rng.normal(size=(n, features))
    h_prev = rng.normal(size=(n, units))
    weights = _weights(rng, features, units)
    cell = keras.layers.SimpleRNNCell(int(units), dtype="float64")
    cell.build((None, int(features)))
    cell.set_weights(list(weights))
    want, _ = cell(x_t, [h_prev])
    np.testing.assert_allclose(rnn_step(x_t, h_prev, *weights), want.numpy(), rtol=1e-10)
    np.testing.assert_allclose(
        rnn_step(x_t, h_prev, *weights), rnn_forward(x_t[:, None], *weights, h0=h_prev)[:, 0]
    )


def _tf_unrolled(tf, x, kernel, recurrent, bias, h0, activation):
    """A step-by-step TensorFlow forward pass that keeps every state on the tape."""
    act = {"tanh": tf.tanh, "sigmoid": tf.sigmoid, "relu": tf.nn.relu, "linear": lambda z: z}[
        activation
    ]
    h, states = h0, []
    for t in range(x.shape[1]):
        z = x[:, t] @ kernel + h @ recurrent + (0.0 if bias is None else bias)
        h = act(z)
        states.append(h)
    return states


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("seed", [0, 5])
@pytest.mark.parametrize("loss_on", ["last", "every"])
@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "linear"])
def test_rnn_backward_matches_gradient_tape(tf, shape, seed, loss_on, activation):
    n, steps, features, units = shape
    rng = np.random.default_rng(seed)
    x_np = rng.normal(size=(n, steps, features))
    kernel_np, recurrent_np, bias_np = _weights(rng, features, units)
    h0_np = rng.normal(size=(n, units))
    target = rng.normal(size=(n, steps, units))
    x, kernel, recurrent, bias, h0 = (
        tf.Variable(a) for a in (x_np, kernel_np, recurrent_np, bias_np, h0_np)
    )
    with tf.GradientTape(persistent=True) as tape:
        states = _tf_unrolled(tf, x, kernel, recurrent, bias, h0, activation)
        stacked = tf.stack(states, axis=1)
        if loss_on == "last":
            loss = tf.reduce_sum((stacked[:, -1] - target[:, -1]) ** 2)
        else:
            loss = tf.reduce_sum((stacked - target) ** 2)
    ours_states = rnn_forward(
        x_np, kernel_np, recurrent_np, bias_np, h0=h0_np, activation=activation
    )
    np.testing.assert_allclose(ours_states, stacked.numpy(), rtol=1e-10)
    direct = 2 * (ours_states - target)
    grad_states = direct[:, -1] if loss_on == "last" else direct
    ours = rnn_backward(
        x_np,
        ours_states,
        grad_states,
        kernel_np,
        recurrent_np,
        bias_np,
        h0=h0_np,
        activation=activation,
    )
    want_hidden = np.stack([g.numpy() for g in tape.gradient(loss, states)], axis=1)
    np.testing.assert_allclose(ours.hidden, want_hidden, rtol=1e-9, atol=1e-12)
    for name, var in [
        ("x", x),
        ("kernel", kernel),
        ("recurrent_kernel", recurrent),
        ("bias", bias),
        ("h0", h0),
    ]:
        np.testing.assert_allclose(
            getattr(ours, name),
            tape.gradient(loss, var).numpy(),
            rtol=1e-9,
            atol=1e-12,
            err_msg=name,
        )


def test_rnn_backward_without_bias_returns_none_bias_gradient():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 4, 3))
    kernel, recurrent, _ = _weights(rng, 3, 5)
    states = rnn_forward(x, kernel, recurrent, None)
    grads = rnn_backward(x, states, np.ones((2, 5)), kernel, recurrent, None)
    assert grads.bias is None and grads.kernel.shape == (3, 5)


@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 4)])
@pytest.mark.parametrize("scale", [0.01, 1.0, 100.0])
@pytest.mark.parametrize("clip", [0.5, 3.0])
def test_clip_by_norm_matches_tensorflow(tf, shape, scale, clip):
    grad = scale * np.random.default_rng(len(shape)).normal(size=shape)
    want = tf.clip_by_norm(tf.constant(grad), clip).numpy()
    got = clip_by_norm(grad, clip)
    np.testing.assert_allclose(got, want, rtol=1e-12)
    assert np.linalg.norm(got) <= clip + 1e-12


@pytest.mark.parametrize("radius", [0.5, 1.0, 1.7])
@pytest.mark.parametrize("size", [1, 4, 9])
def test_scale_spectral_radius_sets_the_radius(radius, size):
    matrix = np.random.default_rng(size).normal(size=(size, size))
    scaled = scale_spectral_radius(matrix, radius)
    assert spectral_radius(scaled) == pytest.approx(radius, rel=1e-9)
    # Direction kept: the scaled matrix is a multiple of the original.
    np.testing.assert_allclose(scaled / matrix, np.full((size, size), scaled[0, 0] / matrix[0, 0]))


def test_one_hot_characters_one_vector_per_step():
    one_hot, alphabet = one_hot_characters("hello")
    assert alphabet == "ehlo"
    assert one_hot.shape == (5, 4)
    np.testing.assert_array_equal(one_hot.sum(axis=1), np.ones(5))
    assert [alphabet[i] for i in one_hot.argmax(axis=1)] == list("hello")
    fixed, _ = one_hot_characters("ab", alphabet="abc")
    np.testing.assert_array_equal(fixed, [[1, 0, 0], [0, 1, 0]])


# ----------------------------------------------------------------------------- bad input
def _good(features=3, units=4):
    return _weights(np.random.default_rng(0), features, units)


def test_rnn_forward_rejects_2d_input():
    with pytest.raises(
        ValueError, match=r"x: expected a 3-D array, received array of shape \(5, 3\)"
    ):
        rnn_forward(np.zeros((5, 3)), *_good())


@pytest.mark.parametrize(
    ("which", "bad", "message"),
    [
        ("kernel", np.zeros((2, 4)), r"kernel: expected shape \(features, units\) = \(3, units\)"),
        (
            "recurrent_kernel",
            np.zeros((4, 3)),
            r"recurrent_kernel: expected shape \(units, units\) = \(4, 4\).*received array of shape \(4, 3\)",
        ),
        ("bias", np.zeros(3), r"bias: expected shape \(units,\) = \(4,\)"),
        ("kernel", np.zeros(12), r"kernel: expected a 2-D array"),
    ],
)
def test_rnn_forward_names_the_wrong_weight(which, bad, message):
    kernel, recurrent, bias = _good()
    weights = {"kernel": kernel, "recurrent_kernel": recurrent, "bias": bias, which: bad}
    with pytest.raises(ValueError, match=message):
        rnn_forward(np.zeros((2, 5, 3)), **weights)


def test_rnn_step_and_forward_reject_bad_state_and_activation():
    kernel, recurrent, bias = _good()
    with pytest.raises(ValueError, match=r"h0: expected shape \(N, units\) = \(2, 4\)"):
        rnn_forward(np.zeros((2, 5, 3)), kernel, recurrent, bias, h0=np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"h_prev: expected shape \(N, units\) = \(2, 4\)"):
        rnn_step(np.zeros((2, 3)), np.zeros((1, 4)), kernel, recurrent, bias)
    with pytest.raises(ValueError, match="activation: expected one of 'tanh'"):
        rnn_forward(np.zeros((2, 5, 3)), kernel, recurrent, bias, activation="softmax")
    with pytest.raises(ValueError, match="x: expected finite values"):
        rnn_forward(np.full((1, 2, 3), np.nan), kernel, recurrent, bias)


def test_rnn_backward_rejects_mismatched_gradients():
    kernel, recurrent, bias = _good()
    x = np.zeros((2, 5, 3))
    states = rnn_forward(x, kernel, recurrent, bias)
    with pytest.raises(ValueError, match=r"grad_states: expected shape \(N, T, units\)"):
        rnn_backward(x, states, np.zeros((2, 4, 4)), kernel, recurrent, bias)
    with pytest.raises(ValueError, match=r"states: expected shape \(N, T, units\) = \(2, 5, 4\)"):
        rnn_backward(x, states[:, :3], np.zeros((2, 4)), kernel, recurrent, bias)


def test_clipping_and_spectral_radius_reject_bad_input():
    with pytest.raises(ValueError, match="clip_norm: expected a number > 0, received 0"):
        clip_by_norm(np.ones(3), 0)
    with pytest.raises(
        ValueError, match=r"matrix: expected a square matrix, received array of shape \(2, 3\)"
    ):
        spectral_radius(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="matrix: expected a matrix with a non-zero eigenvalue"):
        scale_spectral_radius(np.zeros((2, 2)), 1.0)


def test_one_hot_characters_rejects_unknown_characters():
    with pytest.raises(ValueError, match="text: expected only characters from alphabet 'ab'"):
        one_hot_characters("abc", alphabet="ab")
    with pytest.raises(ValueError, match="text: expected a non-empty string"):
        one_hot_characters("")
    with pytest.raises(ValueError, match="alphabet: expected a string of distinct characters"):
        one_hot_characters("a", alphabet="aa")
