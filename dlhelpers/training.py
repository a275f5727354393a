"""Building and training Keras models the way Chapter 1 teaches it.

TensorFlow is imported inside the functions, so importing this module is cheap.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from dlhelpers._tf import import_tensorflow
from dlhelpers._validation import check_array, check_choice, check_same_length, check_scalar, fail

__all__ = [
    "build_mlp",
    "standard_callbacks",
    "fit_model",
    "architecture",
    "assert_same_model",
]

ACTIVATIONS = ("relu", "sigmoid", "tanh", "elu", "gelu", "linear")
OUTPUTS = ("softmax", "sigmoid", "linear")


def build_mlp(
    n_features: int,
    n_outputs: int,
    hidden: Sequence[int] = (32,),
    *,
    activation: str = "relu",
    output_activation: str = "softmax",
    dropout: float = 0.0,
    name: str = "mlp",
    dtype: str | None = None,
    seed: int | None = None,
):
    """A feed-forward network: ``Input -> [Dense(h, activation) -> Dropout]* -> Dense(n_outputs)``.

    Args:
        n_features: number of input columns.
        n_outputs: units of the output layer (classes for softmax, 1 for regression).
        hidden: units of each hidden layer, e.g. ``(32, 16)`` (an int means one layer);
            ``()`` gives a linear model.
        activation: activation of the hidden layers.
        output_activation: ``"softmax"`` (classes), ``"sigmoid"`` (independent
            probabilities) or ``"linear"`` (regression).
        dropout: dropout rate after each hidden layer, in ``[0, 1)``.
        name: model name.
        dtype: the layers' dtype (``"float64"`` to compare with NumPy tightly); Keras'
            default float32 when ``None``.
        seed: when given, ``keras.utils.set_random_seed(seed)`` first, so the initial
            weights are those of that seed.

    Returns:
        An uncompiled ``keras.Sequential`` taking ``(batch, n_features)``.
    """
    n_features = check_scalar(n_features, "n_features", int, low=1)
    n_outputs = check_scalar(n_outputs, "n_outputs", int, low=1)
    if isinstance(hidden, int):  # Dense(16)-style shorthand for one hidden layer
        hidden = (hidden,)
    if not isinstance(hidden, (tuple, list)):
        fail("hidden", "a sequence of layer sizes such as (32, 16)", hidden)
    hidden = [check_scalar(h, "hidden", int, low=1) for h in hidden]
    check_choice(activation, "activation", ACTIVATIONS)
    check_choice(output_activation, "output_activation", OUTPUTS)
    dropout = check_scalar(dropout, "dropout", float, low=0, high=1, closed="left")
    import_tensorflow()
    import keras

    if seed is not None:
        keras.utils.set_random_seed(check_scalar(seed, "seed", int, low=0))
    layers = [keras.Input((n_features,), name="features", dtype=dtype)]
    for i, units in enumerate(hidden, start=1):
        layers.append(
            keras.layers.Dense(units, activation=activation, name=f"hidden_{i}", dtype=dtype)
        )
        if dropout:
            layers.append(keras.layers.Dropout(dropout, name=f"dropout_{i}", dtype=dtype))
    layers.append(
        keras.layers.Dense(n_outputs, activation=output_activation, name="output", dtype=dtype)
    )
    return keras.Sequential(layers, name=name)


def standard_callbacks(
    *,
    patience: int | None = 10,
    checkpoint_dir: str | Path | None = None,
    lr_schedule: str | None = "plateau",
    monitor: str = "val_loss",
):
    """The three callbacks the course uses, configured sensibly.

    Args:
        patience: epochs without improvement before EarlyStopping stops
            (restoring the best weights); ``None`` turns early stopping off.
        checkpoint_dir: folder for ModelCheckpoint's ``best.keras``; ``None``
            makes a fresh temporary folder (never inside the repository).
        lr_schedule: ``"plateau"`` (ReduceLROnPlateau: halve after
            ``patience // 2`` flat epochs) or ``None``.
        monitor: the logged quantity the callbacks watch.

    Returns:
        ``(callbacks, checkpoint_path)``: a list of Keras callbacks and the
        path the best model is written to.
    """
    check_choice(lr_schedule, "lr_schedule", ("plateau", None))
    import_tensorflow()
    import keras

    folder = Path(checkpoint_dir or tempfile.mkdtemp(prefix="dlhelpers-ckpt-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "best.keras"
    callbacks = [keras.callbacks.ModelCheckpoint(path, monitor=monitor, save_best_only=True)]
    if patience is not None:
        patience = check_scalar(patience, "patience", int, low=1)
        callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor=monitor, patience=patience, restore_best_weights=True
            )
        )
    if lr_schedule == "plateau":
        callbacks.append(
            keras.callbacks.ReduceLROnPlateau(
                monitor=monitor, factor=0.5, patience=max(1, (patience or 10) // 2)
            )
        )
    return callbacks, path


def fit_model(
    model,
    X_train,
    y_train,
    *,
    validation_data: tuple,
    epochs: int = 100,
    batch_size: int = 32,
    callbacks: list | None = None,
    verbose: int = 0,
):
    """``model.fit`` with the inputs checked first, fed from a ``tf.data`` pipeline.

    Args:
        model: a compiled Keras model.
        X_train: ``(n_samples, n_features)`` finite features.
        y_train: ``(n_samples,)`` or ``(n_samples, n_outputs)`` targets.
        validation_data: ``(X_val, y_val)``.
        epochs, batch_size: training hyperparameters.
        callbacks: Keras callbacks, e.g. from :func:`standard_callbacks`.
        verbose: Keras verbosity (0 keeps notebooks quiet).

    Returns:
        The Keras ``History``; ``history.history`` maps metric names to per-epoch lists.
    """
    if not (isinstance(validation_data, tuple) and len(validation_data) == 2):
        fail("validation_data", "a pair (X_val, y_val)", validation_data)
    X_train, y_train = _xy(X_train, y_train, "X_train", "y_train")
    X_val, y_val = _xy(*validation_data, "validation_data[0] (X_val)", "validation_data[1] (y_val)")
    if X_val.shape[1] != X_train.shape[1]:
        fail("validation_data[0] (X_val)", f"{X_train.shape[1]} columns like X_train", X_val)
    epochs = check_scalar(epochs, "epochs", int, low=1)
    batch_size = check_scalar(batch_size, "batch_size", int, low=1)
    if not getattr(model, "compiled", False) and getattr(model, "optimizer", None) is None:
        fail("model", "a compiled Keras model (call model.compile first)", model)
    tf = import_tensorflow()
    # A tf.data pipeline over the arrays, reshuffled at every epoch as fit does with arrays; the
    # shuffle is part of the pipeline, so keras.utils.set_random_seed fixes the batch order.
    train_data = (
        tf.data.Dataset.from_tensor_slices((X_train, y_train))
        .shuffle(len(X_train), reshuffle_each_iteration=True)
        .batch(batch_size)
    )
    val_data = tf.data.Dataset.from_tensor_slices((X_val, y_val)).batch(batch_size)
    return model.fit(
        train_data,
        validation_data=val_data,
        epochs=epochs,
        shuffle=False,  # the pipeline shuffles; Keras would warn that it cannot
        callbacks=callbacks or [],
        verbose=verbose,
    )


def _xy(X, y, x_name: str, y_name: str):
    """Features ``(n, F)`` and targets ``(n,)`` or ``(n, outputs)``, finite, as float32."""
    X = check_array(X, x_name, ndim=2, dtype=np.float32)
    y = check_array(y, y_name, ndim=(1, 2), dtype=np.float32)
    check_same_length(**{x_name: X, y_name: y})
    return X, y


def architecture(model) -> list[tuple[str, tuple | None, int]]:
    """One row per layer of ``model``: ``(class name, output shape, parameter count)``.

    Names are left out on purpose: two models built by different code are the same
    architecture when their layers have the same types, shapes and sizes. The output
    shape is ``None`` for a layer whose output Keras does not know (a subclassed model).
    Input layers are left out too: a functional model lists its ``keras.Input``, a
    ``keras.Sequential`` does not, and both describe the same network.
    """
    rows = []
    for layer in model.layers:
        if type(layer).__name__ == "InputLayer":
            continue
        try:
            shape = tuple(layer.output.shape)
        except (AttributeError, ValueError):
            shape = None
        rows.append((type(layer).__name__, shape, int(layer.count_params())))
    return rows


def assert_same_model(model, other, x=None, *, atol: float = 1e-6) -> None:
    """Raise ``AssertionError`` unless ``other`` is built like ``model``.

    Checks the layers (types, output shapes, parameter counts, via :func:`architecture`)
    and, when an input batch ``x`` is given, that ``other`` with ``model``'s weights
    computes the same outputs. ``other``'s own weights are restored afterwards.

    Args:
        model, other: built Keras models.
        x: optional input batch both models accept.
        atol: absolute tolerance on the outputs (float32 through the same kernels
            agrees to about 1e-7; the default leaves a margin).
    """
    mine, theirs = architecture(model), architecture(other)
    if mine != theirs:
        rows = [f"  {a}  vs  {b}" for a, b in zip(mine, theirs, strict=False) if a != b]
        if len(mine) != len(theirs):
            rows.append(f"  {len(mine)} layers vs {len(theirs)} layers")
        raise AssertionError("the models differ layer by layer:\n" + "\n".join(rows))
    if model.count_params() != other.count_params():
        raise AssertionError(
            f"{model.count_params()} parameters vs {other.count_params()} parameters"
        )
    if x is not None:
        saved = other.get_weights()
        other.set_weights(model.get_weights())
        try:
            np.testing.assert_allclose(  # direct calls: predict would trace a function
                np.asarray(other(x, training=False)),
                np.asarray(model(x, training=False)),
                atol=atol,
                err_msg="same weights, different outputs",
            )
        finally:
            other.set_weights(saved)
