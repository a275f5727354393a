"""dlhelpers.scratch.optimizers: the same update as keras.optimizers, step after step."""

import numpy as np
import pytest

from dlhelpers.scratch import MLP, SGD, Adam, get_optimizer

SHAPES = [[(3,)], [(4, 2), (2,)], [(2, 3, 2), (5,), (1, 1)]]


def _f32(value):
    """Keras holds the learning rate in a float32 variable and turns Python floats such as
    momentum and beta_1 into float32 tensors before casting: with values float32 holds
    exactly, both sides compute the same float64 numbers."""
    return float(np.float32(value))


def _run_both(tf, ours, theirs, shapes, seed, steps=6):
    import keras

    rng = np.random.default_rng(seed)
    params = [rng.normal(size=s) for s in shapes]
    variables = [keras.Variable(p.copy(), dtype="float64") for p in params]
    for _ in range(steps):
        grads = [rng.normal(size=s) for s in shapes]
        ours.apply(grads, params)
        theirs.apply([tf.constant(g) for g in grads], variables)
        for p, v in zip(params, variables, strict=True):
            np.testing.assert_allclose(p, v.numpy(), rtol=1e-12, atol=1e-14)
    return params


@pytest.mark.parametrize("shapes", SHAPES)
@pytest.mark.parametrize("seed", [0, 3])
@pytest.mark.parametrize("lr", [0.01, 0.5])
def test_sgd_matches_keras(tf, shapes, seed, lr):
    import keras

    _run_both(tf, SGD(_f32(lr)), keras.optimizers.SGD(_f32(lr)), shapes, seed)


@pytest.mark.parametrize("shapes", SHAPES)
@pytest.mark.parametrize("seed", [0, 3])
@pytest.mark.parametrize("momentum,nesterov", [(0.9, False), (0.5, False), (0.9, True)])
def test_momentum_matches_keras(tf, shapes, seed, momentum, nesterov):
    import keras

    lr = _f32(0.05)
    momentum = _f32(momentum)
    _run_both(
        tf,
        SGD(lr, momentum=momentum, nesterov=nesterov),
        keras.optimizers.SGD(lr, momentum=momentum, nesterov=nesterov),
        shapes,
        seed,
    )


@pytest.mark.parametrize("shapes", SHAPES)
@pytest.mark.parametrize("seed", [0, 3])
@pytest.mark.parametrize(
    "lr,beta_1,beta_2,epsilon", [(0.001, 0.9, 0.999, 1e-7), (0.1, 0.8, 0.99, 1e-4)]
)
def test_adam_matches_keras(tf, shapes, seed, lr, beta_1, beta_2, epsilon):
    import keras

    lr, beta_1, beta_2, epsilon = (_f32(v) for v in (lr, beta_1, beta_2, epsilon))
    _run_both(
        tf,
        Adam(lr, beta_1, beta_2, epsilon),
        keras.optimizers.Adam(lr, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon),
        shapes,
        seed,
        steps=10,
    )


def test_momentum_velocity_is_kept_per_parameter():
    opt = SGD(0.1, momentum=0.9)
    a, b = np.zeros(2), np.zeros(3)
    opt.apply([np.ones(2), -np.ones(3)], [a, b])
    opt.apply([np.ones(2), -np.ones(3)], [a, b])
    np.testing.assert_allclose(a, -(0.1 + 0.19) * np.ones(2))
    np.testing.assert_allclose(b, (0.1 + 0.19) * np.ones(3))
    assert opt.iterations == 2


def test_adam_first_step_moves_each_weight_by_about_the_learning_rate():
    w = np.zeros(4)
    Adam(0.01).apply([np.array([1e-2, 1.0, -5.0, 100.0])], [w])
    np.testing.assert_allclose(np.abs(w), 0.01, rtol=1e-3)


def test_training_a_model_with_our_adam_matches_keras_fit(tf):
    """Full-batch training of the same MLP: our loop and Keras' fit follow one path."""
    import keras

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(32, 3)), rng.integers(0, 3, size=32)
    ours = MLP([3, 8, 3], "tanh", seed=0)
    model = keras.Sequential(
        [
            keras.Input((3,), dtype="float64"),
            keras.layers.Dense(8, "tanh", dtype="float64"),
            keras.layers.Dense(3, dtype="float64"),
        ]
    )
    model.set_weights(ours.get_weights())
    b1, b2 = _f32(0.9), _f32(0.999)
    model.compile(
        keras.optimizers.Adam(_f32(0.01), beta_1=b1, beta_2=b2),
        keras.losses.SparseCategoricalCrossentropy(from_logits=True, dtype="float64"),
    )
    keras_hist = model.fit(x, y, batch_size=32, epochs=15, shuffle=False, verbose=0)
    hist = ours.fit(x, y, Adam(_f32(0.01), b1, b2), epochs=15)
    np.testing.assert_allclose(hist.loss, keras_hist.history["loss"], rtol=1e-6)
    for a, b in zip(ours.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize(
    "make,error,match",
    [
        (lambda: SGD(0), ValueError, "learning_rate: expected a number > 0"),
        (lambda: SGD(-1.0), ValueError, "learning_rate: expected a number > 0"),
        (lambda: SGD("fast"), TypeError, "learning_rate: expected a finite number"),
        (lambda: SGD(0.1, momentum=1.5), ValueError, "momentum: expected a number <= 1"),
        (lambda: Adam(beta_1=1.0), ValueError, "beta_1: expected a number < 1"),
        (lambda: Adam(epsilon=-1e-7), ValueError, "epsilon: expected a number >= 0"),
        (lambda: get_optimizer("rmsprop", 0.1), ValueError, "name: expected one of 'sgd'"),
    ],
)
def test_bad_hyperparameters_are_named(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_apply_rejects_mismatched_grads_and_params():
    opt = SGD(0.1)
    with pytest.raises(ValueError, match="grads: expected 2 arrays, one per parameter, received 1"):
        opt.apply([np.ones(2)], [np.ones(2), np.ones(3)])
    with pytest.raises(
        ValueError,
        match=r"grads \(params\[1\]\): expected the shape of its "
        r"parameter \(3,\), received array of shape \(2,\)",
    ):
        opt.apply([np.ones(2), np.ones(2)], [np.ones(2), np.ones(3)])
    with pytest.raises(
        ValueError, match=r"grads \(dense/bias\): expected finite values, received 1"
    ):
        opt.apply([np.array([np.nan, 0.0])], [np.ones(2)], names=["dense/bias"])
    with pytest.raises(ValueError, match=r"params \(params\[0\]\): expected a float NumPy array"):
        opt.apply([np.ones(2)], [[1.0, 2.0]])
    with pytest.raises(ValueError, match="names: expected 1 names, one per parameter, received 2"):
        opt.apply([np.ones(2)], [np.ones(2)], names=["a", "b"])
    with pytest.raises(ValueError, match="names: expected 2 names, one per parameter, received 1"):
        opt.apply([np.ones(2), np.ones(3)], [np.ones(2), np.ones(3)], names=["a"])
    opt.apply([np.ones(2)], [np.ones(2)])
    with pytest.raises(ValueError, match="params: expected the same shapes as on the first call"):
        opt.apply([np.ones(3)], [np.ones(3)])


def test_get_optimizer_builds_each_kind():
    assert isinstance(get_optimizer("adam", 0.01), Adam)
    assert get_optimizer("momentum", 0.01).momentum == 0.9
    assert get_optimizer("sgd", 0.01).momentum == 0.0
