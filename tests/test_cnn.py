"""Model builders, shifts, FGSM, saliency and parameter counts, checked by hand."""

import numpy as np
import pytest
from scipy import ndimage

from dlhelpers import cnn
from dlhelpers.inspect.saliency import saliency, score_model


def _softmax(z):
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def _linear_softmax(keras, shape, k, seed):
    """Flatten -> Dense(softmax) in float64, whose input gradients are known in closed form."""
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input(shape, dtype="float64"),
            keras.layers.Flatten(dtype="float64"),
            keras.layers.Dense(k, activation="softmax", dtype="float64"),
        ]
    )
    W, b = (np.asarray(w, dtype=np.float64) for w in model.layers[-1].get_weights())
    return model, W, b


# --------------------------------------------------------------------------- builders
@pytest.mark.parametrize(
    "filters,augment,shape",
    [((32, 64), True, (28, 28, 1)), ((8,), False, (16, 12, 3)), ((4, 6, 8), True, (32, 32, 1))],
)
def test_build_digit_cnn_counts_match_formula(tf, filters, augment, shape):
    model = cnn.build_digit_cnn(filters, dense_units=16, augment=augment, input_shape=shape)
    expected, c_in, h, w = 0, shape[-1], shape[0], shape[1]
    for f in filters:
        expected += 3 * 3 * c_in * f + f  # kernel and one bias per filter
        c_in, h, w = f, (h - 2) // 2, (w - 2) // 2
    expected += cnn.dense_param_count(h * w * c_in, 16) + cnn.dense_param_count(16, 10)
    assert model.count_params() == expected
    names = [layer.name for layer in model.layers]
    assert ("augment" in names) == augment
    for i in range(1, len(filters) + 1):
        assert {f"conv{i}", f"relu{i}", f"pool{i}"} <= set(names)
    assert model.output_shape == (None, 10)


def test_build_digit_cnn_is_seeded_and_augments_only_in_training(tf):
    a = cnn.build_digit_cnn((4,), seed=3)
    b = cnn.build_digit_cnn((4,), seed=3)
    c = cnn.build_digit_cnn((4,), seed=4)
    for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)
    assert not np.array_equal(a.get_weights()[0], c.get_weights()[0])
    x = np.random.default_rng(0).uniform(size=(2, 28, 28, 1)).astype("float32")
    aug = a.get_layer("augment")
    np.testing.assert_array_equal(np.asarray(aug(x, training=False)), x)
    assert not np.allclose(np.asarray(aug(x, training=True)), x)


def test_build_digit_cnn_takes_numpy_ints_and_exposes_scores(tf):
    model = cnn.build_digit_cnn(np.int64(4), dense_units=np.int64(8), augment=False)
    assert model.get_layer("conv1").filters == 4
    x = np.random.default_rng(0).random((3, 28, 28, 1)).astype("float32")
    scores = score_model(model, x, "scores")(x).numpy()
    np.testing.assert_allclose(_softmax(scores), model(x).numpy(), rtol=1e-5, atol=1e-7)


def _saturated(keras, shape, k, seed, gap=30.0):
    """Flatten -> Dense ``scores`` -> softmax, class 0 ahead by ~``gap``: saturated softmax."""
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input(shape, dtype="float64"),
            keras.layers.Flatten(dtype="float64"),
            keras.layers.Dense(k, name="scores", dtype="float64"),
            keras.layers.Activation("softmax", name="output", dtype="float64"),
        ]
    )
    W, b = model.get_layer("scores").get_weights()
    model.get_layer("scores").set_weights([W, b + gap * np.eye(k)[0]])
    return model


@pytest.mark.parametrize("shape,k,seed", [((6, 6, 1), 3, 0), ((5, 4, 2), 4, 1)])
def test_fgsm_and_saliency_use_scores_on_a_saturated_model(tf, shape, k, seed):
    import keras

    model = _saturated(keras, shape, k, seed)
    x = np.random.default_rng(seed).uniform(0.2, 0.8, (5, *shape)).astype("float32")
    probs = model(x).numpy()
    y = probs.argmax(axis=1)
    assert np.all(probs.max(axis=1) > 1 - 1e-7)  # beyond the clip of Keras' log
    eps = 0.05
    moved = cnn.fgsm(model, x, y, eps, logits_layer="scores")
    np.testing.assert_allclose(np.abs(moved - x), eps, rtol=1e-4)  # every pixel moved
    # the sign equals that of the closed-form gradient (p - onehot) @ W.T in float64
    W, b = (w.astype(np.float64) for w in model.get_layer("scores").get_weights())
    p = _softmax(x.reshape(len(x), -1).astype(np.float64) @ W + b)
    g = (p - np.eye(k)[y]) @ W.T
    np.testing.assert_array_equal(np.sign(moved - x).reshape(len(x), -1), np.sign(g))
    sal_prob = saliency(model, x)
    sal_score = saliency(model, x, logits_layer="scores")
    assert sal_prob.max() < 1e-3 * sal_score.max()
    expected = np.abs(W[:, y].T.reshape(x.shape)).max(axis=-1)
    np.testing.assert_allclose(sal_score, expected, rtol=1e-5)
    with pytest.raises(ValueError, match="logits_layer: expected None or the name of a layer"):
        cnn.fgsm(model, x, y, eps, logits_layer="logits")


def test_build_dense_net_counts(tf):
    model = cnn.build_dense_net((64, 32))
    assert model.count_params() == (
        cnn.dense_param_count(784, 64)
        + cnn.dense_param_count(64, 32)
        + cnn.dense_param_count(32, 10)
    )


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"filters": (8, 0)}, "filters: expected an integer >= 1, received 0"),
        ({"filters": "8"}, "filters: expected an int or a tuple of ints"),
        ({"dropout": 1.0}, r"dropout: expected a number < 1, received 1.0"),
        ({"input_shape": (28, 28)}, r"input_shape: expected a tuple \(height, width, channels\)"),
        ({"num_classes": 1}, "num_classes: expected an integer >= 2, received 1"),
        (
            {"filters": (8, 8, 8, 8), "input_shape": (28, 28, 1)},
            r"input_shape: expected images large enough for 4 conv .*filters=\(8, 8, 8, 8\)",
        ),
    ],
)
def test_build_digit_cnn_rejects_bad_arguments(tf, kwargs, match):
    with pytest.raises(ValueError, match=match):
        cnn.build_digit_cnn(**kwargs)


# --------------------------------------------------------------------------- counts
@pytest.mark.parametrize("c_in,f", [(1, 32), (4, 7), (16, 8)])
def test_dense_param_count_matches_keras(tf, c_in, f):
    import keras

    dense = keras.layers.Dense(f)
    dense.build((None, c_in))
    assert cnn.dense_param_count(c_in, f) == dense.count_params()


def test_counts_reject_bad_arguments():
    with pytest.raises(ValueError, match="in_features: expected an integer >= 1"):
        cnn.dense_param_count(0, 3)


# --------------------------------------------------------------------------- shifts
@pytest.mark.parametrize("shape", [(3, 8, 6), (2, 7, 9, 3)])
@pytest.mark.parametrize("dx,dy", [(0, 0), (2, 0), (0, -3), (-1, 4), (5, -5)])
def test_shift_images_matches_scipy(shape, dx, dy):
    images = np.random.default_rng(sum(shape) + dx).uniform(size=shape)
    shift = (0, dy, dx) + ((0,) if len(shape) == 4 else ())
    expected = ndimage.shift(images, shift, order=0, mode="constant", cval=0.0)
    got = cnn.shift_images(images, dx, dy)
    np.testing.assert_array_equal(got, expected)
    assert got.dtype == images.dtype


def test_shift_images_moves_a_pixel_and_keeps_dtype():
    img = np.zeros((1, 5, 5), dtype=np.uint8)
    img[0, 2, 2] = 9
    out = cnn.shift_images(img, 1, -2)
    assert out[0, 0, 3] == 9 and out.sum() == 9 and out.dtype == np.uint8


def test_shift_images_rejects_bad_input():
    with pytest.raises(
        ValueError, match=r"images: expected a 3-D or 4-D array, received array of shape \(5, 5\)"
    ):
        cnn.shift_images(np.zeros((5, 5)), 1, 1)
    with pytest.raises(ValueError, match="dx: expected an integer <= 4, received 5"):
        cnn.shift_images(np.zeros((1, 5, 5)), 5, 0)
    with pytest.raises(TypeError, match="dy: expected an integer, received 1.5"):
        cnn.shift_images(np.zeros((1, 5, 5)), 0, 1.5)


# --------------------------------------------------------------------------- FGSM
@pytest.mark.parametrize(
    "shape,k,seed,eps", [((4, 4, 1), 3, 0, 0.1), ((5, 3, 2), 4, 1, 0.05), ((6, 6, 1), 10, 2, 0.3)]
)
def test_fgsm_matches_closed_form_gradient(tf, shape, k, seed, eps):
    import keras

    model, W, b = _linear_softmax(keras, shape, k, seed)
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.2, 0.8, size=(6, *shape))
    y = rng.integers(0, k, 6)
    p = _softmax(x.reshape(6, -1) @ W + b)
    grad = (p - np.eye(k)[y]) @ W.T  # d cross-entropy / d x for a linear softmax
    expected = np.clip(x + eps * np.sign(grad).reshape(x.shape), 0, 1)
    got = cnn.fgsm(model, x, y, eps)
    np.testing.assert_allclose(got, expected, atol=1e-6)
    assert np.max(np.abs(got - x)) <= eps + 1e-6


def test_fgsm_raises_the_loss_and_respects_clip(tf):
    import keras

    model, W, b = _linear_softmax(keras, (5, 5, 1), 4, 7)
    rng = np.random.default_rng(7)
    x = rng.uniform(0, 1, size=(8, 5, 5, 1))
    y = rng.integers(0, 4, 8)

    def loss(v):
        p = _softmax(v.reshape(8, -1) @ W + b)
        return -np.log(p[np.arange(8), y])

    adv = cnn.fgsm(model, x, y, 0.05)
    assert np.all(loss(adv) >= loss(x) - 1e-6) and loss(adv).mean() > loss(x).mean()
    assert adv.min() >= 0 and adv.max() <= 1
    np.testing.assert_allclose(cnn.fgsm(model, x, y, 0.0), x, atol=1e-7)
    unclipped = cnn.fgsm(model, x, y, 0.5, clip=None)
    assert unclipped.max() > 1 or unclipped.min() < 0


def test_fgsm_rejects_bad_input(tf):
    import keras

    model, _, _ = _linear_softmax(keras, (4, 4, 1), 3, 0)
    x = np.zeros((2, 4, 4, 1))
    with pytest.raises(ValueError, match="epsilon: expected a number >= 0, received -0.1"):
        cnn.fgsm(model, x, np.array([0, 1]), -0.1)
    with pytest.raises(
        ValueError, match="x, y: expected the same number of rows, received x has 2, y has 3"
    ):
        cnn.fgsm(model, x, np.array([0, 1, 2]), 0.1)
    with pytest.raises(ValueError, match="y: expected integer class labels"):
        cnn.fgsm(model, x, np.array([0.0, 1.0]), 0.1)
    with pytest.raises(ValueError, match=r"clip: expected a pair \(low, high\)"):
        cnn.fgsm(model, x, np.array([0, 1]), 0.1, clip=(1, 0))


# --------------------------------------------------------------------------- saliency
@pytest.mark.parametrize("shape,k,seed", [((4, 4, 1), 3, 0), ((3, 5, 2), 5, 1)])
def test_saliency_matches_closed_form(tf, shape, k, seed):
    import keras

    model, W, b = _linear_softmax(keras, shape, k, seed)
    x = np.random.default_rng(seed).uniform(size=(3, *shape))
    p = _softmax(x.reshape(3, -1) @ W + b)
    classes = np.array([0, k - 1, 1])
    # d p_c / d x = p_c (W[:, c] - W p)
    grad = p[np.arange(3), classes][:, None] * (W[:, classes].T - p @ W.T)
    expected = np.abs(grad.reshape(x.shape)).max(axis=-1)
    np.testing.assert_allclose(saliency(model, x, classes), expected, rtol=1e-4, atol=1e-7)
    one = saliency(model, x, 1)
    grad1 = p[:, 1][:, None] * (W[:, 1][None] - p @ W.T)
    np.testing.assert_allclose(
        one, np.abs(grad1.reshape(x.shape)).max(axis=-1), rtol=1e-4, atol=1e-7
    )
    predicted = saliency(model, x)
    np.testing.assert_allclose(predicted, saliency(model, x, np.argmax(p, axis=1)), rtol=1e-6)


def test_saliency_rejects_bad_classes(tf):
    import keras

    model, _, _ = _linear_softmax(keras, (4, 4, 1), 3, 0)
    x = np.zeros((2, 4, 4, 1))
    with pytest.raises(ValueError, match=r"class_index: expected classes in 0..2, received 3"):
        saliency(model, x, 3)
    with pytest.raises(
        ValueError, match=r"class_index: expected None, an int or an \(2,\) int array"
    ):
        saliency(model, x, np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="x: expected a 4-D array"):
        saliency(model, np.zeros((4, 4, 1)))


# --------------------------------------------------------------------------- accuracy curves
def test_accuracy_vs_shift_and_epsilon_agree_with_direct_computation(tf):
    import keras

    model, _, _ = _linear_softmax(keras, (6, 6, 1), 3, 1)
    rng = np.random.default_rng(1)
    x = rng.uniform(size=(20, 6, 6, 1))
    y = np.argmax(np.asarray(model(x)), axis=1)  # labels the model gets right unshifted
    shifts = [0, 1, -2]
    accs = cnn.accuracy_vs_shift(model, x, y, shifts)
    for s, acc in zip(shifts, accs, strict=True):
        pred = np.argmax(np.asarray(model(cnn.shift_images(x, s, 0))), axis=1)
        assert acc == pytest.approx(np.mean(pred == y))
    assert accs[0] == 1.0
    ys = cnn.accuracy_vs_shift(model, x, y, [2], axis="y")[0]
    pred = np.argmax(np.asarray(model(cnn.shift_images(x, 0, 2))), axis=1)
    assert ys == pytest.approx(np.mean(pred == y))
    eps_acc = cnn.accuracy_vs_epsilon(model, x, y, [0.0, 0.2])
    assert eps_acc[0] == 1.0
    adv = cnn.fgsm(model, x, y, 0.2)
    assert eps_acc[1] == pytest.approx(np.mean(np.argmax(np.asarray(model(adv)), axis=1) == y))
    with pytest.raises(ValueError, match="axis: expected one of 'x', 'y', 'xy', received 'z'"):
        cnn.accuracy_vs_shift(model, x, y, [1], axis="z")
    with pytest.raises(ValueError, match="shifts: expected an integer <= 5, received 6"):
        cnn.accuracy_vs_shift(model, x, y, [0, 6])


def test_accuracy_matches_keras_evaluate_and_counts_in_chunks(tf):
    import keras

    model, _, _ = _linear_softmax(keras, (6, 6, 1), 4, 2)
    rng = np.random.default_rng(2)
    x = rng.uniform(size=(23, 6, 6, 1))
    y = rng.integers(0, 4, size=23)
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    expected = model.evaluate(x, y, verbose=0)[1]
    assert cnn.accuracy(model, x, y) == pytest.approx(expected)
    assert cnn.accuracy(model, x, y, batch_size=5) == cnn.accuracy(model, x, y)  # chunks agree
    with pytest.raises(ValueError, match="images, labels: expected the same number of rows"):
        cnn.accuracy(model, x, y[:-1])
    with pytest.raises(ValueError, match="batch_size: expected an integer >= 1, received 0"):
        cnn.accuracy(model, x, y, batch_size=0)


def test_accuracy_vs_epsilon_equals_one_fgsm_call_per_epsilon(tf):
    keras_model = cnn.build_digit_cnn((4,), dense_units=8, augment=False, seed=1)
    rng = np.random.default_rng(3)
    x = rng.uniform(size=(12, 28, 28, 1)).astype("float32")
    y = rng.integers(0, 10, size=12)
    epsilons = [0.0, 0.05, 0.3]
    got = cnn.accuracy_vs_epsilon(keras_model, x, y, epsilons, logits_layer="scores")
    for e, acc in zip(epsilons, got, strict=True):
        adv = cnn.fgsm(keras_model, x, y, e, logits_layer="scores")
        assert acc == pytest.approx(cnn.accuracy(keras_model, adv, y))
    assert cnn.accuracy_vs_epsilon(keras_model, x, y, []).shape == (0,)
    assert cnn.accuracy_vs_shift(keras_model, x, y, []).shape == (0,)


@pytest.mark.parametrize("samples,noise,seed", [(3, 0.1, 0), (5, 0.3, 4)])
def test_smoothgrad_averages_maps_of_noisy_copies(tf, samples, noise, seed):
    import keras

    model, W, b = _linear_softmax(keras, (4, 5, 2), 3, seed)
    x = np.random.default_rng(seed + 10).uniform(size=(2, 4, 5, 2))
    classes = np.argmax(_softmax(x.reshape(2, -1) @ W + b), axis=1)
    rng = np.random.default_rng(seed)
    maps = []
    for _ in range(samples):
        noisy = (x.astype(np.float32) + rng.normal(0, noise, x.shape).astype(np.float32)).astype(
            np.float64
        )
        p = _softmax(noisy.reshape(2, -1) @ W + b)
        grad = p[np.arange(2), classes][:, None] * (W[:, classes].T - p @ W.T)
        maps.append(np.abs(grad.reshape(x.shape)).max(axis=-1))
    got = saliency(model, x, samples=samples, noise=noise, seed=seed)
    np.testing.assert_allclose(got, np.mean(maps, axis=0), rtol=1e-4, atol=1e-7)
    with pytest.raises(ValueError, match="samples: expected an integer >= 1, received 0"):
        saliency(model, x, samples=0)
    with pytest.raises(ValueError, match="noise: expected a number >= 0, received -1"):
        saliency(model, x, noise=-1.0)
