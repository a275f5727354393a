"""The hyperparameter explorer of Chapter 1: retrain a small network, redraw its curves."""

from __future__ import annotations

import numpy as np

from dlhelpers._validation import check_array, check_same_length
from dlhelpers.explorers._base import Explorer, learning_rate_slider

__all__ = ["TrainingExplorer"]


class TrainingExplorer(Explorer):
    """Learning rate, batch size, hidden units and epochs -> learning curves.

    Each change retrains a one-hidden-layer softmax classifier from the same
    seed with Adam and redraws loss and accuracy for training and validation.
    Retraining calls :func:`dlhelpers.set_seed`, which also reseeds the global
    NumPy and Python generators of the notebook.

    Args:
        X_train, y_train: ``(n, features)`` features and ``(n,)`` integer labels.
        X_val, y_val: the validation split, same layout.
        seed: seed for weights and shuffling, so the same settings give the same curves.

    Attributes:
        result: the Keras ``History.history`` dict of the last run.
        model: the Keras model of the last run.
        code_text: the Keras code of the current settings, on data named
            ``x_train, y_train, x_val, y_val``.
    """

    figsize = (8, 3)
    busy_text = "training..."

    def __init__(self, X_train, y_train, X_val, y_val, *, seed: int = 0):
        import ipywidgets as w

        self.X_train = check_array(X_train, "X_train", ndim=2, dtype=np.float32)
        self.y_train = check_array(y_train, "y_train", ndim=1, dtype=None).astype(int)
        self.X_val = check_array(X_val, "X_val", ndim=2, dtype=np.float32)
        self.y_val = check_array(y_val, "y_val", ndim=1, dtype=None).astype(int)
        check_same_length(X_train=self.X_train, y_train=self.y_train)
        check_same_length(X_val=self.X_val, y_val=self.y_val)
        self.n_classes = int(max(self.y_train.max(), self.y_val.max())) + 1
        self.seed = seed
        self.model = None
        style = {"description_width": "initial"}
        opts = {"continuous_update": False, "style": style}
        controls = {
            "learning_rate": learning_rate_slider(1e-2),
            "batch_size": w.Dropdown(
                options=[8, 16, 32, 64, 128], value=32, description="batch size", style=style
            ),
            "hidden_units": w.IntSlider(
                value=16, min=1, max=128, description="hidden units", **opts
            ),
            "epochs": w.IntSlider(value=30, min=1, max=100, description="epochs", **opts),
        }
        super().__init__(controls, title="Train again with other hyperparameters")

    def compute(self, learning_rate, batch_size, hidden_units, epochs) -> dict:
        from dlhelpers import set_seed
        from dlhelpers.training import build_mlp, fit_model

        set_seed(self.seed)  # imports TensorFlow quietly, before keras below
        import keras

        keras.backend.clear_session()  # drop the previous run's model from memory
        self.model = build_mlp(self.X_train.shape[1], self.n_classes, (hidden_units,))
        self.model.compile(
            optimizer=keras.optimizers.Adam(learning_rate),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        history = fit_model(  # model.fit from a tf.data pipeline: retraining stays quick
            self.model,
            self.X_train,
            self.y_train,
            validation_data=(self.X_val, self.y_val),
            epochs=epochs,
            batch_size=batch_size,
        )
        return history.history

    def code(self, learning_rate, batch_size, hidden_units, epochs) -> str:
        return f"""import keras

keras.utils.set_random_seed({self.seed})
model = keras.Sequential(
    [
        keras.Input(({self.X_train.shape[1]},)),
        keras.layers.Dense({hidden_units}, activation="relu"),
        keras.layers.Dense({self.n_classes}, activation="softmax"),
    ]
)
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate={learning_rate:.3g}),
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)
history = model.fit(
    x_train,
    y_train,
    validation_data=(x_val, y_val),
    epochs={epochs},
    batch_size={batch_size},
    verbose=0,
)"""

    def draw(self, fig, result) -> None:
        from dlhelpers.plots.workflow import plot_history

        ax_loss, ax_acc = fig.subplots(1, 2)
        plot_history(result, "loss", ax=ax_loss, title="loss")
        plot_history(result, "accuracy", ax=ax_acc, title="accuracy")
