"""Saliency's sub-model cut: a scores layer found at any depth, on public Keras APIs."""

import numpy as np
import pytest

from dlhelpers.inspect.saliency import input_gradient, saliency, score_model


def test_score_model_reaches_a_layer_inside_a_nested_model(tf):
    import keras

    keras.utils.set_random_seed(0)
    inner = keras.Sequential(
        [keras.Input((4, 4, 1)), keras.layers.Flatten(), keras.layers.Dense(3, name="scores")],
        name="inner",
    )
    inputs = keras.Input((4, 4, 1))
    model = keras.Model(inputs, keras.layers.Softmax()(inner(inputs)))
    x = np.random.default_rng(0).random((5, 4, 4, 1)).astype("float32")
    scores = np.asarray(score_model(model, x, "inner/scores")(x))
    np.testing.assert_allclose(scores, np.asarray(inner(x)), rtol=1e-6)
    assert score_model(model, x, None) is model
    with pytest.raises(ValueError, match="logits_layer: expected None or the name of a layer"):
        score_model(model, x, "logits")
    with pytest.raises(ValueError, match="logits_layer: expected None or the name of a layer"):
        score_model(model, x, 3)
    # the gradient of one score is that layer's weights, whatever the input
    grad = input_gradient(score_model(model, x, "scores"), x, lambda out: out[:, 1])
    kernel = inner.get_layer("scores").kernel.numpy()[:, 1].reshape(4, 4, 1)
    np.testing.assert_allclose(grad, np.broadcast_to(kernel, x.shape), rtol=1e-5)
    np.testing.assert_allclose(
        saliency(model, x, 1, logits_layer="scores"), np.abs(kernel[..., 0])[None].repeat(5, 0)
    )
