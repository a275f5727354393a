"""Model builder, standard callbacks and the checked fit."""

import numpy as np
import pytest

import dlhelpers
from dlhelpers import training


@pytest.mark.parametrize(
    "n_features, hidden, n_outputs", [(3, (), 1), (9, (16,), 2), (5, (8, 4, 2), 7)]
)
def test_build_mlp_layer_sizes_and_parameter_count(tf, n_features, hidden, n_outputs):
    model = training.build_mlp(n_features, n_outputs, hidden, output_activation="linear")
    sizes = [n_features, *hidden, n_outputs]
    expected = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    assert model.count_params() == expected
    assert model.output_shape == (None, n_outputs)


def test_build_mlp_softmax_rows_sum_to_one(tf):
    model = training.build_mlp(4, 3, (5,))
    out = np.asarray(model(np.random.default_rng(0).normal(size=(6, 4)).astype("float32")))
    np.testing.assert_allclose(out.sum(axis=1), 1, rtol=1e-5)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"hidden": (0,)}, "hidden: expected an integer >= 1"),
        ({"activation": "swishy"}, "activation: expected one of"),
        ({"dropout": 1.0}, r"dropout: expected a number < 1"),
        ({"output_activation": "relu"}, "output_activation: expected one of"),
    ],
)
def test_build_mlp_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        training.build_mlp(3, 2, **kwargs)


def _data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4)).astype("float32")
    y = (X[:, 0] + X[:, 1] > 0).astype("int64")
    return X, y


def test_fit_with_standard_callbacks_stops_early_and_checkpoints(tf, tmp_path):
    import keras

    dlhelpers.set_seed(0)
    X, y = _data()
    model = training.build_mlp(4, 2, (8,))
    model.compile(keras.optimizers.Adam(0.05), "sparse_categorical_crossentropy")
    callbacks, path = training.standard_callbacks(patience=3, checkpoint_dir=tmp_path)
    history = training.fit_model(
        model,
        X,
        y,
        validation_data=(X[:16], y[:16]),
        epochs=300,
        batch_size=16,
        callbacks=callbacks,
    )
    assert len(history.history["loss"]) < 300  # early stopping fired
    assert path.exists() and path.parent == tmp_path
    best = keras.models.load_model(path)
    val_loss = best.evaluate(X[:16], y[:16], verbose=0)
    assert val_loss == pytest.approx(min(history.history["val_loss"]), rel=1e-4)


def test_standard_callbacks_default_to_a_temporary_folder(tf):
    _, path = training.standard_callbacks(patience=None, lr_schedule=None)
    assert "dlhelpers-ckpt-" in str(path)


def test_fit_model_rejects_nan_features_and_mismatched_lengths(tf):
    model = training.build_mlp(4, 2, (3,))
    model.compile("adam", "sparse_categorical_crossentropy")
    X, y = _data(10)
    X_nan = X.copy()
    X_nan[2, 1] = np.nan
    with pytest.raises(ValueError, match="X_train: expected finite values, received 1 NaN"):
        training.fit_model(model, X_nan, y, validation_data=(X, y))
    with pytest.raises(ValueError, match="X_train has 10, y_train has 9"):
        training.fit_model(model, X, y[:-1], validation_data=(X, y))
    with pytest.raises(ValueError, match=r"X_train: expected a 2-D array"):
        training.fit_model(model, X[0], y, validation_data=(X, y))
    with pytest.raises(ValueError, match="validation_data: expected a pair"):
        training.fit_model(model, X, y, validation_data=X)
    with pytest.raises(ValueError, match=r"X_val\): expected 4 columns like X_train"):
        training.fit_model(model, X, y, validation_data=(X[:, :3], y))


def test_fit_model_rejects_uncompiled_model(tf):
    X, y = _data(10)
    with pytest.raises(ValueError, match="model: expected a compiled Keras model"):
        training.fit_model(training.build_mlp(4, 2), X, y, validation_data=(X, y))


def test_build_mlp_accepts_an_int_for_one_hidden_layer(tf):
    assert training.build_mlp(3, 2, 4).count_params() == (3 + 1) * 4 + (4 + 1) * 2
    with pytest.raises(ValueError, match="hidden: expected a sequence of layer sizes"):
        training.build_mlp(3, 2, "16")


def test_fit_model_trains_and_repeats_itself_from_the_same_seed(tf):
    import keras

    X, y = _data(48)

    def losses():
        dlhelpers.set_seed(3)
        model = training.build_mlp(4, 2, (4,))
        model.compile(keras.optimizers.Adam(0.05), "sparse_categorical_crossentropy")
        history = training.fit_model(
            model, X, y, validation_data=(X[:8], y[:8]), epochs=20, batch_size=8
        )
        assert set(history.history) == {"loss", "val_loss"}
        return history.history["loss"]

    first = losses()
    assert first[-1] < 0.7 * first[0]  # it learns from the shuffled batches
    np.testing.assert_allclose(losses(), first, rtol=1e-5)  # same seed, same batches: float32


def test_sequential_and_functional_spellings_are_the_same_model(tf):
    import keras

    x = np.random.default_rng(1).normal(size=(5, 3)).astype("float32")
    sequential = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(2)]
    )
    inputs = keras.Input((3,))
    functional = keras.Model(inputs, keras.layers.Dense(2)(keras.layers.Dense(4, "relu")(inputs)))
    assert training.architecture(functional) == training.architecture(sequential)  # no Input row
    training.assert_same_model(sequential, functional, x)
    helper = training.build_mlp(3, 2, (4,), output_activation="linear")
    before = helper.get_weights()
    training.assert_same_model(sequential, helper, x)
    for a, b in zip(before, helper.get_weights(), strict=True):  # its own weights restored
        np.testing.assert_array_equal(a, b)


def test_assert_same_model_names_the_difference(tf):
    small, wide = training.build_mlp(3, 2, (4,)), training.build_mlp(3, 2, (5,))
    with pytest.raises(AssertionError, match="the models differ layer by layer"):
        training.assert_same_model(small, wide)
    deeper = training.build_mlp(3, 2, (4, 4))
    with pytest.raises(AssertionError, match="2 layers vs 3 layers"):
        training.assert_same_model(small, deeper)
    other = training.build_mlp(3, 2, (4,), seed=1)
    x = np.ones((2, 3), dtype="float32")
    training.assert_same_model(small, other, x)  # same layers: other's weights are replaced


def test_build_mlp_seed_and_dtype(tf):
    a = training.build_mlp(3, 2, (4,), seed=7).get_weights()
    b = training.build_mlp(3, 2, (4,), seed=7).get_weights()
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    model = training.build_mlp(3, 2, (4,), dtype="float64")
    assert all(w.dtype == np.float64 for w in model.get_weights())
