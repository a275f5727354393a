"""Explorers for the backpropagation chapter: retrain a NumPy MLP from the controls."""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from dlhelpers._validation import check_array, check_scalar, fail
from dlhelpers.explorers._base import Explorer, learning_rate_slider

__all__ = ["BackpropExplorer", "BackpropResult"]

BackpropResult = namedtuple("BackpropResult", ["model", "history", "accuracy"])
BackpropResult.__doc__ = (
    "The trained NumPy ``MLP``, its ``History`` and its final training accuracy."
)

_KERAS_OPTIMIZERS = {
    "sgd": "keras.optimizers.SGD(learning_rate={lr:.3g})",
    "momentum": "keras.optimizers.SGD(learning_rate={lr:.3g}, momentum=0.9)",
    "adam": "keras.optimizers.Adam(learning_rate={lr:.3g})",
}


class BackpropExplorer(Explorer):
    """Learning rate, hidden units, activation, optimizer and epochs of a one-hidden-layer MLP.

    Every change retrains :class:`dlhelpers.scratch.MLP` from the same initial seed,
    full batch, and redraws the loss curve and the decision boundary. A learning rate
    that makes training diverge is reported in the message line, not raised.
    ``code_text`` holds the same network and training in Keras, on data named
    ``x_train, y_train``.

    Args:
        x: ``(N, 2)`` points; y: ``(N,)`` integer labels (two features so the boundary
            can be drawn).
        seed: seeds the initial weights.
    """

    figsize = (7.5, 3.2)
    busy_text = "training..."

    def __init__(self, x, y, *, seed: int = 0):
        import ipywidgets as widgets

        from dlhelpers.scratch.backprop import check_labels

        self.x = check_array(x, "x", ndim=2)
        if self.x.shape[1] != 2:
            fail("x", "2 features, so the boundary can be drawn", self.x)
        labels = check_array(y, "y", ndim=1, dtype=None)
        if labels.dtype.kind not in "iuf":
            fail("y", "integer class labels", labels)
        self.y = check_labels(labels, max(int(np.max(labels)) + 1, 2), "y")
        if len(self.y) != len(self.x):
            fail("y", f"{len(self.x)} labels, one per row of x", self.y)
        self.seed = check_scalar(seed, "seed", int, low=0)
        style = {"description_width": "initial"}
        opts = {"continuous_update": False, "style": style}
        controls = {
            "learning_rate": learning_rate_slider(0.1, min_exp=-3, max_exp=1.5),
            "hidden_units": widgets.IntSlider(
                value=16, min=1, max=64, description="hidden units", **opts
            ),
            "activation": widgets.Dropdown(
                options=["tanh", "relu", "sigmoid"],
                value="tanh",
                description="activation",
                style=style,
            ),
            "optimizer": widgets.Dropdown(
                options=["sgd", "momentum", "adam"],
                value="momentum",
                description="optimizer",
                style=style,
            ),
            "epochs": widgets.IntSlider(
                value=300, min=10, max=1000, step=10, description="epochs", **opts
            ),
        }
        super().__init__(controls, title="Backpropagation explorer: a NumPy MLP on your data")

    def compute(self, learning_rate, hidden_units, activation, optimizer, epochs):
        from dlhelpers.scratch.backprop import MLP
        from dlhelpers.scratch.optimizers import get_optimizer

        k = int(self.y.max()) + 1
        model = MLP([2, int(hidden_units), k], activation, seed=self.seed)
        with np.errstate(over="ignore", invalid="ignore"):
            history = model.fit(
                self.x, self.y, get_optimizer(optimizer, learning_rate), epochs=int(epochs)
            )
        return BackpropResult(model, history, history.accuracy[-1])

    def code(self, learning_rate, hidden_units, activation, optimizer, epochs) -> str:
        # The NumPy MLP starts ReLU layers from He-normal weights, the others from Glorot
        init = ', kernel_initializer="he_normal"' if activation == "relu" else ""
        k = int(self.y.max()) + 1
        return f"""import keras

model = keras.Sequential(
    [
        keras.Input((2,)),
        keras.layers.Dense({hidden_units}, activation="{activation}"{init}),
        keras.layers.Dense({k}),  # logits, as the NumPy MLP's last layer
    ]
)
model.compile(
    optimizer={_KERAS_OPTIMIZERS[optimizer].format(lr=learning_rate)},
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
history = model.fit(x_train, y_train, batch_size=len(x_train), epochs={epochs}, verbose=0)"""

    def draw(self, fig, result) -> None:
        from dlhelpers.plots.backprop import plot_decision_boundary, plot_training_losses

        left, right = fig.subplots(1, 2)
        plot_training_losses({"NumPy MLP": result.history.loss}, ax=left)
        left.set_title(f"final loss {result.history.loss[-1]:.3f}", fontsize=9)
        plot_decision_boundary(
            result.model,
            self.x,
            self.y,
            ax=right,
            resolution=70,
            title=f"training accuracy {result.accuracy:.1%}",
        )
