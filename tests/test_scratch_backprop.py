"""dlhelpers.scratch.backprop: every by-hand gradient equals TensorFlow's, in float64."""

import numpy as np
import pytest

from dlhelpers.scratch import (
    MLP,
    SGD,
    Activation,
    Adam,
    Dense,
    Sequential,
    categorical_crossentropy,
    categorical_crossentropy_grad,
    check_labels,
    check_model_gradients,
    gradient_check,
    gradient_norms,
    initialize,
    mean_squared_error,
    mean_squared_error_grad,
    numerical_gradient,
    one_hot,
    relative_error,
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    softmax,
    softmax_backward,
    softmax_cross_entropy,
    tanh,
    tanh_derivative,
)

SHAPES = [(5,), (3, 4), (2, 3, 5)]
SEEDS = [0, 1, 7]


def _tape_grad(tf, fn, *arrays, upstream=None):
    """Gradients of sum(upstream * fn(*arrays)) with respect to each array, float64."""
    tensors = [tf.constant(a, dtype=tf.float64) for a in arrays]
    with tf.GradientTape() as tape:
        tape.watch(tensors)
        out = fn(*tensors)
        target = tf.reduce_sum(out * upstream) if upstream is not None else out
    return out.numpy(), [g.numpy() for g in tape.gradient(target, tensors)]


# --------------------------------------------------------------------------- activations
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(
    "name",
    ["relu", "sigmoid", "tanh"],
)
def test_activation_and_derivative_match_autodiff(tf, name, shape, seed):
    x = np.random.default_rng(seed).normal(scale=3, size=shape)
    ours = {
        "relu": (relu, relu_derivative),
        "sigmoid": (sigmoid, sigmoid_derivative),
        "tanh": (tanh, tanh_derivative),
    }[name]
    tf_fn = {"relu": tf.nn.relu, "sigmoid": tf.sigmoid, "tanh": tf.tanh}[name]
    out, (grad,) = _tape_grad(tf, tf_fn, x, upstream=np.ones(shape))
    np.testing.assert_allclose(ours[0](x), out, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ours[1](x), grad, rtol=1e-12, atol=1e-15)


def test_sigmoid_is_stable_for_large_inputs():
    x = np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0])
    with np.errstate(over="raise"):
        s = sigmoid(x)
    assert np.all(np.isfinite(s)) and s[0] == 0.0 and s[-1] == 1.0 and s[2] == 0.5


@pytest.mark.parametrize("shape", [(1, 2), (4, 3), (2, 5, 7)])
@pytest.mark.parametrize("seed", SEEDS)
def test_softmax_and_its_backward_match_autodiff(tf, shape, seed):
    rng = np.random.default_rng(seed)
    x, upstream = rng.normal(scale=4, size=shape), rng.normal(size=shape)
    out, (grad,) = _tape_grad(tf, tf.nn.softmax, x, upstream=upstream)
    np.testing.assert_allclose(softmax(x), out, rtol=1e-12)
    np.testing.assert_allclose(softmax_backward(softmax(x), upstream), grad, rtol=1e-9, atol=1e-14)


def test_softmax_does_not_overflow():
    p = softmax(np.array([[1000.0, 0.0, -1000.0]]))
    np.testing.assert_allclose(p, [[1.0, 0.0, 0.0]])


# --------------------------------------------------------------------------- losses
@pytest.mark.parametrize("shape", [(6,), (4, 3), (2, 3, 2)])
@pytest.mark.parametrize("seed", SEEDS)
def test_mse_and_gradient_match_keras(tf, shape, seed):
    import keras

    rng = np.random.default_rng(seed)
    y, p = rng.normal(size=shape), rng.normal(size=shape)
    loss_fn = keras.losses.MeanSquaredError(dtype="float64")
    y_t = tf.constant(y, tf.float64)
    out, (grad,) = _tape_grad(tf, lambda t: loss_fn(y_t, t), p)
    np.testing.assert_allclose(mean_squared_error(y, p), out, rtol=1e-12)
    np.testing.assert_allclose(mean_squared_error_grad(y, p), grad, rtol=1e-12)


@pytest.mark.parametrize("n,k", [(1, 2), (5, 3), (8, 10)])
@pytest.mark.parametrize("seed", SEEDS)
def test_categorical_crossentropy_matches_keras(tf, n, k, seed):
    import keras

    rng = np.random.default_rng(seed)
    probs = softmax(rng.normal(size=(n, k)))
    y = one_hot(rng.integers(0, k, size=n), k)
    loss_fn = keras.losses.CategoricalCrossentropy(dtype="float64")
    y_t = tf.constant(y, tf.float64)
    out, (grad,) = _tape_grad(tf, lambda t: loss_fn(y_t, t), probs)
    np.testing.assert_allclose(categorical_crossentropy(y, probs), out, rtol=1e-10)
    # Keras divides probs by their row sum first, which adds a term -(sum of grad * p)
    # to each row's gradient; on the simplex that only shifts the gradient along p.
    ours = categorical_crossentropy_grad(y, probs)
    np.testing.assert_allclose(
        softmax_backward(probs, ours), softmax_backward(probs, grad), rtol=1e-9, atol=1e-14
    )


@pytest.mark.parametrize("n,k", [(1, 2), (5, 3), (16, 10)])
@pytest.mark.parametrize("seed", SEEDS)
def test_softmax_cross_entropy_combined_gradient_matches_keras(tf, n, k, seed):
    import keras

    rng = np.random.default_rng(seed)
    logits, labels = rng.normal(scale=3, size=(n, k)), rng.integers(0, k, size=n)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True, dtype="float64")
    out, (grad,) = _tape_grad(tf, lambda t: loss_fn(labels, t), logits)
    loss, ours = softmax_cross_entropy(logits, labels)
    np.testing.assert_allclose(loss, out, rtol=1e-12)
    np.testing.assert_allclose(ours, grad, rtol=1e-10, atol=1e-15)
    # and it is the chain of the two separate pieces
    p = softmax(logits)
    chained = softmax_backward(p, categorical_crossentropy_grad(one_hot(labels, k), p))
    np.testing.assert_allclose(ours, chained, rtol=1e-9, atol=1e-14)


@pytest.mark.parametrize(
    "labels,match",
    [
        (
            [0, 3],
            r"labels: expected class labels in 0..2 \(3 classes\), received values from 0 to 3",
        ),
        ([-1, 0], "labels: expected class labels in 0..2 .* from -1 to 0"),
        ([0.5, 1.0], "labels: expected integer class labels"),
        ([[0, 1]], "labels: expected a 1-D array"),
    ],
)
def test_labels_out_of_range_are_rejected(labels, match):
    with pytest.raises(ValueError, match=match):
        softmax_cross_entropy(np.zeros((len(labels), 3)), labels)


def test_loss_shape_and_probability_errors():
    with pytest.raises(ValueError, match=r"y_pred: expected the shape of y_true \(3,\)"):
        mean_squared_error(np.zeros(3), np.zeros((3, 1)))
    with pytest.raises(ValueError, match=r"probs: expected probabilities in \[0, 1\]"):
        categorical_crossentropy(np.eye(2), np.array([[1.5, -0.5], [0.5, 0.5]]))
    with pytest.raises(ValueError, match="labels: expected 2 labels, one per row of logits"):
        softmax_cross_entropy(np.zeros((2, 3)), [0, 1, 2])
    assert check_labels(np.array([0.0, 2.0]), 3).dtype == np.int64


# --------------------------------------------------------------------------- layers
@pytest.mark.parametrize("in_shape,units", [((4, 3), 2), ((1, 5), 5), ((2, 3, 4), 6)])
@pytest.mark.parametrize("seed", SEEDS)
def test_dense_forward_backward_match_keras(tf, in_shape, units, seed):
    import keras

    rng = np.random.default_rng(seed)
    x = rng.normal(size=in_shape)
    kernel, bias = rng.normal(size=(in_shape[-1], units)), rng.normal(size=units)
    upstream = rng.normal(size=in_shape[:-1] + (units,))
    layer = keras.layers.Dense(units, dtype="float64")
    layer.build(in_shape)
    layer.set_weights([kernel, bias])
    x_t = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x_t)
        out = layer(x_t)
        target = tf.reduce_sum(out * upstream)
    g_x, g_k, g_b = tape.gradient(target, [x_t, layer.kernel, layer.bias])
    ours = Dense(kernel, bias)
    np.testing.assert_allclose(ours.forward(x), out.numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours.backward(upstream), g_x.numpy(), rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(ours.grads["kernel"], g_k.numpy(), rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(ours.grads["bias"], g_b.numpy(), rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh", "linear", "softmax"])
def test_activation_layer_backward_matches_autodiff(tf, name):
    rng = np.random.default_rng(3)
    x, upstream = rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
    tf_fn = {
        "relu": tf.nn.relu,
        "sigmoid": tf.sigmoid,
        "tanh": tf.tanh,
        "linear": tf.identity,
        "softmax": tf.nn.softmax,
    }[name]
    out, (grad,) = _tape_grad(tf, tf_fn, x, upstream=upstream)
    layer = Activation(name)
    np.testing.assert_allclose(layer.forward(x), out, rtol=1e-12)
    np.testing.assert_allclose(layer.backward(upstream), grad, rtol=1e-9, atol=1e-14)


def _keras_mlp(sizes, activation, weights):
    import keras

    layers = [keras.Input((sizes[0],), dtype="float64")]
    for i, units in enumerate(sizes[1:]):
        act = activation if i < len(sizes) - 2 else None
        layers.append(keras.layers.Dense(units, activation=act, dtype="float64"))
    model = keras.Sequential(layers)
    model.set_weights(weights)
    return model


@pytest.mark.parametrize(
    "sizes,activation",
    [
        ([2, 3, 2], "tanh"),
        ([4, 8, 5, 3], "relu"),
        ([3, 6, 6, 6, 2], "sigmoid"),
        ([5, 1, 4], "linear"),
    ],
)
@pytest.mark.parametrize("seed", [0, 5])
def test_mlp_gradients_match_gradient_tape(tf, sizes, activation, seed):
    import keras

    rng = np.random.default_rng(seed)
    x = rng.normal(size=(7, sizes[0]))
    labels = rng.integers(0, sizes[-1], size=7)
    ours = MLP(sizes, activation, seed=seed)
    model = _keras_mlp(sizes, activation, ours.get_weights())
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True, dtype="float64")
    with tf.GradientTape() as tape:
        logits = model(tf.constant(x))
        loss = loss_fn(labels, logits)
    grads = tape.gradient(loss, model.trainable_weights)
    our_loss = ours.compute_gradients(x, labels)
    np.testing.assert_allclose(ours.forward(x, cache=False), logits.numpy(), rtol=1e-12)
    np.testing.assert_allclose(our_loss, loss.numpy(), rtol=1e-12)
    for name, ours_g, theirs in zip(ours.parameter_names(), ours.gradients(), grads, strict=True):
        np.testing.assert_allclose(ours_g, theirs.numpy(), rtol=1e-9, atol=1e-13, err_msg=name)


@pytest.mark.parametrize("seed", SEEDS)
def test_regression_mlp_gradients_match_gradient_tape(tf, seed):
    import keras

    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=(9, 3)), rng.normal(size=9)
    ours = MLP([3, 4, 1], "tanh", loss="mse", seed=seed)
    model = _keras_mlp([3, 4, 1], "tanh", ours.get_weights())
    with tf.GradientTape() as tape:
        loss = keras.losses.MeanSquaredError(dtype="float64")(y[:, None], model(tf.constant(x)))
    grads = tape.gradient(loss, model.trainable_weights)
    np.testing.assert_allclose(ours.compute_gradients(x, y), loss.numpy(), rtol=1e-12)
    for ours_g, theirs in zip(ours.gradients(), grads, strict=True):
        np.testing.assert_allclose(ours_g, theirs.numpy(), rtol=1e-9, atol=1e-13)


# --------------------------------------------------------------------------- used twice
@pytest.mark.parametrize("seed", SEEDS)
def test_shared_layer_accumulates_gradients_like_tensorflow(tf, seed):
    """One dense layer applied twice: its gradient is the sum of both uses."""
    rng = np.random.default_rng(seed)
    x, k, b = rng.normal(size=(5, 4)), rng.normal(size=(4, 4)), rng.normal(size=4)
    shared, act = Dense(k, b), Activation("tanh")
    out = shared.forward(act.forward(shared.forward(x)))
    loss = np.sum(out**2)
    shared.backward(act.backward(shared.backward(2 * out)))

    k_t, b_t = tf.Variable(k), tf.Variable(b)
    with tf.GradientTape() as tape:
        h = tf.tanh(tf.constant(x) @ k_t + b_t)
        loss_t = tf.reduce_sum((h @ k_t + b_t) ** 2)
    g_k, g_b = tape.gradient(loss_t, [k_t, b_t])
    np.testing.assert_allclose(loss, loss_t.numpy(), rtol=1e-12)
    np.testing.assert_allclose(shared.grads["kernel"], g_k.numpy(), rtol=1e-9)
    np.testing.assert_allclose(shared.grads["bias"], g_b.numpy(), rtol=1e-9)


def test_shared_layer_inside_sequential_matches_numerical_gradient():
    rng = np.random.default_rng(2)
    shared = Dense(rng.normal(size=(3, 3)))
    model = Sequential(
        [shared, Activation("tanh"), shared, Activation("sigmoid"), Dense.create(3, 2)]
    )
    assert model.count_params() == 12 + 8  # the shared layer counts once
    errors = check_model_gradients(model, rng.normal(size=(6, 3)), rng.integers(0, 2, 6))
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("seed", SEEDS)
def test_reused_activation_gets_both_gradients(tf, seed):
    """h feeds both a dense layer and a skip connection: dL/dh is the sum of the two paths."""
    rng = np.random.default_rng(seed)
    x, k1, k2 = rng.normal(size=(4, 3)), rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
    d1, act, d2 = Dense(k1), Activation("relu"), Dense(k2)
    h = act.forward(d1.forward(x))
    out = d2.forward(h) + h
    g_out = 2 * out
    g_h = d2.backward(g_out) + g_out  # both uses of h
    d1.backward(act.backward(g_h))
    k1_t, k2_t = tf.Variable(k1), tf.Variable(k2)
    with tf.GradientTape() as tape:
        h_t = tf.nn.relu(tf.constant(x) @ k1_t)
        loss_t = tf.reduce_sum((h_t @ k2_t + h_t) ** 2)
    g1, g2 = tape.gradient(loss_t, [k1_t, k2_t])
    np.testing.assert_allclose(d1.grads["kernel"], g1.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(d2.grads["kernel"], g2.numpy(), rtol=1e-9, atol=1e-12)


def test_second_backward_without_zero_grad_doubles_then_zero_grad_fixes():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(6, 2)), rng.integers(0, 2, 6)
    model = MLP([2, 5, 2], "tanh", seed=0)
    model.compute_gradients(x, y)
    once = [g.copy() for g in model.gradients()]
    _, grad = model.loss_and_grad(model.forward(x), y)
    model.backward(grad)  # no zero_grad: accumulates
    for g, g1 in zip(model.gradients(), once, strict=True):
        np.testing.assert_allclose(g, 2 * g1)
    model.compute_gradients(x, y)  # zero_grad first: back to one copy
    for g, g1 in zip(model.gradients(), once, strict=True):
        np.testing.assert_allclose(g, g1)


def test_backward_more_times_than_forward_is_an_error():
    layer = Dense(np.ones((2, 3)), name="hidden")
    layer.forward(np.ones((1, 2)))
    layer.backward(np.ones((1, 3)))
    with pytest.raises(RuntimeError, match="layer 'hidden' \\(Dense\\): backward called more"):
        layer.backward(np.ones((1, 3)))


# --------------------------------------------------------------------------- bad input
def test_shape_mismatch_between_layers_names_both_layers():
    with pytest.raises(
        ValueError,
        match=r"layer 'dense_1' \(Dense\) expects 4 input features, "
        r"but layer 'dense' \(Dense\) before it gives 3",
    ):
        Sequential([Dense(np.ones((2, 3))), Activation("relu"), Dense(np.ones((4, 1)))])


def test_input_of_wrong_width_names_the_layer():
    model = MLP([3, 4, 2], seed=0)
    with pytest.raises(
        ValueError,
        match=r"x \(input of layer 'dense' \(Dense\)\): expected 3 "
        r"features on the last axis, received array of shape \(5, 2\)",
    ):
        model.forward(np.zeros((5, 2)))


def test_nan_in_input_and_in_gradient_names_the_layer():
    model = MLP([2, 3, 2], seed=0)
    x = np.ones((2, 2))
    x[0, 1] = np.nan
    with pytest.raises(
        ValueError,
        match=r"x \(input of layer 'dense' \(Dense\)\): expected finite "
        "values, received 1 NaN",
    ):
        model.forward(x)
    model.forward(np.ones((2, 2)))
    with pytest.raises(
        ValueError,
        match=r"grad \(gradient arriving at layer 'dense_1' \(Dense\)\): "
        "expected finite values, received 2 NaN or infinite",
    ):
        model.backward(np.array([[np.inf, 0.0], [0.0, np.nan]]))


def test_gradient_of_wrong_shape_names_the_layer():
    layer = Activation("tanh", name="act")
    layer.forward(np.ones((2, 3)))
    with pytest.raises(
        ValueError,
        match=r"grad \(gradient arriving at layer 'act' \(Activation\)\): "
        r"expected the shape of this layer's output \(2, 3\)",
    ):
        layer.backward(np.ones((3, 2)))


def test_diverging_training_stops_with_a_clear_error():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(20, 3)) * 100, rng.normal(size=20) * 100
    model = MLP([3, 16, 1], "relu", loss="mse", seed=0)
    with pytest.raises(ValueError, match="(fit: expected a finite loss|expected finite values)"):
        with np.errstate(all="ignore"):
            model.fit(x, y, SGD(10.0), epochs=50)


@pytest.mark.parametrize(
    "make,match",
    [
        (
            lambda: Dense(np.ones((2, 3)), np.ones(2)),
            r"bias: expected shape \(3,\) to match kernel",
        ),
        (lambda: Dense(np.ones(3)), "kernel: expected a 2-D array"),
        (lambda: Activation("swish"), "activation: expected one of 'relu'"),
        (lambda: MLP([2]), "sizes: expected a list of at least 2"),
        (lambda: MLP([2, 0, 2]), "sizes: expected an integer >= 1"),
        (lambda: MLP([2, 2], loss="hinge"), "loss: expected one of 'softmax_crossentropy', 'mse'"),
        (lambda: Sequential([]), "layers: expected a non-empty list of Layer"),
        (lambda: initialize(2, 3, "lecun"), "method: expected one of"),
        (
            lambda: numerical_gradient(lambda v: v * 2, np.ones(2)),
            "f: expected a function returning a scalar",
        ),
        (lambda: numerical_gradient(np.sum, np.ones(2), eps=0), "eps: expected a positive step"),
        (lambda: relative_error(np.ones(2), np.ones(3)), r"b: expected the shape of a \(2,\)"),
        (lambda: MLP([2, 2]).set_weights([np.ones((2, 2))]), "weights: expected 2 arrays"),
        (
            lambda: MLP([2, 2]).set_weights([np.ones((3, 2)), np.ones(2)]),
            r"weights \(dense/kernel\): expected shape \(2, 2\)",
        ),
        (
            lambda: MLP([2, 2], loss="mse").predict_proba(np.ones((1, 2))),
            "predict_proba: expected a classification model",
        ),
        (lambda: MLP([2, 2]).fit(np.ones((3, 2)), [0, 1], SGD()), "y: expected 3 targets"),
    ],
)
def test_bad_arguments_name_themselves(make, match):
    with pytest.raises(ValueError, match=match):
        make()


# --------------------------------------------------------------------------- checking
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("seed", SEEDS)
def test_numerical_gradient_of_known_function(shape, seed):
    x = np.random.default_rng(seed).normal(size=shape)
    numeric = numerical_gradient(lambda v: np.sum(np.sin(v) * v), x)
    np.testing.assert_allclose(numeric, np.cos(x) * x + np.sin(x), rtol=1e-7, atol=1e-9)
    assert gradient_check(lambda v: np.sum(v**3), x, 3 * x**2) < 1e-8
    assert gradient_check(lambda v: np.sum(v**3), x, 3 * x**2 + 1e-3) > 1e-6  # a wrong one fails


@pytest.mark.parametrize(
    "sizes,activation", [([2, 4, 3], "tanh"), ([3, 5, 5, 2], "sigmoid"), ([4, 6, 2], "relu")]
)
@pytest.mark.parametrize("seed", SEEDS)
def test_model_gradients_pass_the_numerical_check(sizes, activation, seed):
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=(8, sizes[0])), rng.integers(0, sizes[-1], size=8)
    model = MLP(sizes, activation, seed=seed)
    before = model.get_weights()
    errors = check_model_gradients(model, x, y)
    assert list(errors) == model.parameter_names()
    assert max(errors.values()) < 1e-7, errors
    for a, b in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)  # weights restored


def test_gradient_check_catches_a_missing_bias_gradient():
    rng = np.random.default_rng(0)
    x, k, b = rng.normal(size=(5, 3)), rng.normal(size=(3, 2)), rng.normal(size=2)

    def loss(bias):
        return float(np.sum((x @ k + bias) ** 2))

    right = np.sum(2 * (x @ k + b), axis=0)
    wrong = np.mean(2 * (x @ k + b), axis=0)  # averaged instead of summed
    assert gradient_check(loss, b, right) < 1e-8
    assert gradient_check(loss, b, wrong) > 0.1


def test_relative_error_edge_cases():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.ones(3), -np.ones(3)) == 1.0


def test_keras_weights_drop_in_and_predictions_agree(tf):
    rng = np.random.default_rng(4)
    weights = MLP([3, 7, 4], "relu", seed=9).get_weights()
    model = _keras_mlp([3, 7, 4], "relu", weights)
    ours = MLP([3, 7, 4], "relu", seed=0)
    ours.set_weights(model.get_weights())
    x = rng.normal(size=(10, 3))
    np.testing.assert_allclose(ours.forward(x, cache=False), model(x).numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours.predict_proba(x), tf.nn.softmax(model(x)).numpy(), rtol=1e-12)


def test_mlp_learns_two_moons_with_each_optimizer():
    from sklearn.datasets import make_moons

    x, y = make_moons(200, noise=0.15, random_state=0)
    for opt in (SGD(0.5), SGD(0.1, momentum=0.9), Adam(0.03)):
        model = MLP([2, 16, 2], "tanh", seed=0)
        history = model.fit(x, y, opt, epochs=300)
        assert history.loss[-1] < 0.5 * history.loss[0]
        assert history.accuracy[-1] > 0.9, type(opt).__name__


def test_fit_minibatches_are_seeded_and_snapshots_recorded():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(30, 2)), rng.integers(0, 2, 30)
    runs = []
    for _ in range(2):
        model = MLP([2, 4, 2], seed=1)
        runs.append(model.fit(x, y, SGD(0.1), epochs=5, batch_size=8, seed=3, snapshot_every=2))
    assert runs[0].loss == runs[1].loss
    assert [e for e, _ in runs[0].snapshots] == [2, 4, 5]
    assert len(runs[0].accuracy) == 5


def test_gradient_norms_one_per_dense_layer():
    rng = np.random.default_rng(0)
    model = MLP([2, 8, 8, 8, 2], "sigmoid", seed=0)
    norms = gradient_norms(model, rng.normal(size=(16, 2)), rng.integers(0, 2, 16))
    assert norms.shape == (4,) and np.all(norms > 0)


# --------------------------------------------------------------------------- review fixes
@pytest.mark.parametrize("n, batch", [(10, 4), (9, 3), (7, 10), (11, 5)])
def test_fit_cuts_batches_like_keras(n, batch):
    sizes = []

    class Recording(MLP):
        def train_step(self, x, y, optimizer):
            sizes.append(len(x))
            return super().train_step(x, y, optimizer)

    x, y = np.random.default_rng(0).normal(size=(n, 2)), np.arange(n) % 2
    Recording([2, 3, 2], seed=0).fit(x, y, SGD(0.1), epochs=1, batch_size=batch)
    expected = [batch] * (n // batch) + ([n % batch] if n % batch else [])
    assert sizes == expected


def test_fit_rejects_scalar_or_misshaped_targets():
    x = np.zeros((4, 2))
    model = MLP([2, 3, 2], seed=0)
    with pytest.raises(ValueError, match=r"y: expected a 1-D or 2-D array, received"):
        model.fit(x, 1, SGD(0.1), epochs=1)
    with pytest.raises(ValueError, match=r"y: expected 4 targets, one per row of x"):
        model.fit(x, [0, 1, 0], SGD(0.1), epochs=1)


@pytest.mark.parametrize("seed", SEEDS)
def test_cross_entropy_accepts_zero_probability_where_target_is_zero(tf, seed):
    import keras

    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, size=5)
    y = one_hot(labels, 3)
    probs = softmax(rng.normal(size=(5, 3)))
    probs[np.arange(5), (labels + 1) % 3] = 0.0  # a zero on a wrong class
    probs /= probs.sum(axis=1, keepdims=True)
    keras_value = keras.losses.CategoricalCrossentropy(dtype="float64")(y, probs)
    np.testing.assert_allclose(categorical_crossentropy(y, probs), float(keras_value), rtol=1e-9)
    grad = categorical_crossentropy_grad(y, probs)
    assert np.all(np.isfinite(grad)) and np.all(grad[y == 0] == 0)
    np.testing.assert_allclose(grad[y == 1], -1 / probs[y == 1] / 5)


def test_cross_entropy_rejects_zero_probability_on_the_target():
    y = one_hot([0, 1], 2)
    with pytest.raises(ValueError, match=r"probs: expected a probability > 0 wherever y_true"):
        categorical_crossentropy(y, np.array([[0.0, 1.0], [0.5, 0.5]]))
    with pytest.raises(ValueError, match=r"probs: expected probabilities in \[0, 1\]"):
        categorical_crossentropy_grad(y, np.array([[1.5, -0.5], [0.5, 0.5]]))


@pytest.mark.parametrize(
    "sizes, activation", [([2, 5, 3], "tanh"), ([4, 6, 6, 2], "relu"), ([3, 1], "linear")]
)
@pytest.mark.parametrize("seed", [0, 3])
def test_build_mlp_with_numpy_weights_computes_what_the_numpy_model_computes(
    tf, sizes, activation, seed
):
    """The Keras copy of a NumPy MLP (Chapter 2 builds it with training.build_mlp)."""
    from dlhelpers.training import build_mlp

    model = MLP(sizes, activation, seed=seed)
    x = np.random.default_rng(seed).normal(size=(7, sizes[0]))
    twin = build_mlp(
        sizes[0],
        sizes[-1],
        sizes[1:-1],
        activation=activation,
        output_activation="linear",
        dtype="float64",
    )
    twin.set_weights(model.get_weights())
    assert twin.count_params() == model.count_params()
    np.testing.assert_allclose(twin(x).numpy(), model.forward(x, cache=False), rtol=1e-12)
