"""The hyperparameter explorer of Chapter 1: retrain a small network, redraw its curves."""

from __future__ import annotations

import numpy as np

from dlhelpers._validation import check_array, check_same_length
from dlhelpers.explorers._base import Explorer, learning_rate_slider

__all__ = ["TrainingExplorer"]


class TrainingExplorer(Explorer):
    """Learning rate, batch size, hidden units and epochs -> learning curves.

    Each change retrains a one-hidden-layer softmax classifier from the same seed with Adam
    (:func:`dlhelpers.tuning.train_mlp`) and redraws loss and accuracy for training and
    validation. Retraining reseeds Keras, so also the global NumPy and Python generators.

    Args:
        X_train, y_train: ``(n, features)`` features and ``(n,)`` integer labels.
        X_val, y_val: the validation split, same layout.
        seed: seed for weights and shuffling, so the same settings give the same curves.

    Attributes:
        result: the history dict of the last run (per-epoch lists of each metric).
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
        self.n_classes = max(int(max(self.y_train.max(), self.y_val.max())) + 1, 2)  # as train_mlp
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
        from dlhelpers.inspect.core import keras_module
        from dlhelpers.tuning import train_mlp

        keras_module().backend.clear_session()  # drop the previous run's model from memory
        self.model, history = train_mlp(  # the one training run the sweeps of Chapter 8 share
            self.X_train,
            self.y_train,
            self.X_val,
            self.y_val,
            units=hidden_units,
            learning_rate=learning_rate,
            batch_size=batch_size,
            epochs=epochs,
            seed=self.seed,
        )
        return history

    def code(self, learning_rate, batch_size, hidden_units, epochs) -> str:
        from dlhelpers.tuning import train_mlp_code

        settings = dict(units=hidden_units, batch_size=batch_size, epochs=epochs, seed=self.seed)
        return "import keras\n\n" + train_mlp_code(
            self.X_train.shape[1], self.n_classes, learning_rate=f"{learning_rate:.3g}", **settings
        )

    def draw(self, fig, result) -> None:
        from dlhelpers.plots.workflow import plot_history

        ax_loss, ax_acc = fig.subplots(1, 2)
        plot_history(result, "loss", ax=ax_loss, title="loss")
        plot_history(result, "accuracy", ax=ax_acc, title="accuracy")
