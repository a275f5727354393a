"""Explorer for the tuning chapter: retrain a tiny classifier as hyperparameters change."""

from __future__ import annotations

import numpy as np

from dlhelpers._validation import (
    check_scalar,
    fail,
)
from dlhelpers.explorers._base import Explorer, learning_rate_slider

__all__ = ["TuningExplorer"]


class TuningExplorer(Explorer):
    """Learning rate, batch size, layers and neurons: retrain and redraw the curves.

    Every change retrains :func:`dlhelpers.tuning.train_mlp` from the same seed,
    so the curves differ only because of the hyperparameters. Keep the data small
    (a few hundred rows) for an answer in about a second.

    Args:
        data: ``(x_train, y_train, x_val, y_val)``.
        epochs: epochs per training run.
        seed: the weights' seed for every run.

    Attributes:
        result: ``{"history": ..., "values": ...}`` of the last run.
    """

    figsize = (7, 2.8)

    def __init__(self, data, *, epochs: int = 10, seed: int = 0):
        import ipywidgets as widgets

        if not (isinstance(data, (tuple, list)) and len(data) == 4):
            fail("data", "a tuple (x_train, y_train, x_val, y_val)", data)
        self.data = tuple(np.asarray(a) for a in data)
        self.epochs = check_scalar(epochs, "epochs", int, low=1, high=200)
        self.seed = check_scalar(seed, "seed", int, low=0)
        style = {"description_width": "initial"}
        controls = {
            "learning_rate": learning_rate_slider(1e-2),
            "batch_size": widgets.Dropdown(
                options=[8, 16, 32, 64, 128, 256], value=32, description="batch size", style=style
            ),
            "hidden_layers": widgets.IntSlider(
                value=1, min=0, max=3, description="layers", continuous_update=False, style=style
            ),
            "units": widgets.Dropdown(
                options=[2, 4, 8, 16, 32, 64, 128], value=32, description="neurons", style=style
            ),
        }
        super().__init__(controls, title="Retrain with other hyperparameters")

    def compute(self, learning_rate, batch_size, hidden_layers, units):
        from dlhelpers.tuning import train_mlp

        _, history = train_mlp(
            *self.data,
            hidden_layers=hidden_layers,
            units=units,
            learning_rate=float(learning_rate),
            batch_size=int(batch_size),
            epochs=self.epochs,
            seed=self.seed,
        )
        if not np.all(np.isfinite(history["loss"])):
            raise ValueError(
                "learning rate: training diverged (the loss became NaN); "
                f"received {learning_rate:.1e}, try a smaller one."
            )
        return {
            "history": history,
            "values": dict(
                learning_rate=learning_rate,
                batch_size=batch_size,
                hidden_layers=hidden_layers,
                units=units,
            ),
        }

    def draw(self, fig, result):
        history = result["history"]
        epochs = np.arange(1, len(history["loss"]) + 1)
        ax_loss, ax_acc = fig.subplots(1, 2)
        ax_loss.plot(epochs, history["loss"], label="train")
        ax_loss.plot(epochs, history["val_loss"], label="validation")
        ax_loss.set(xlabel="epoch", ylabel="loss", yscale="log")
        ax_loss.legend(fontsize="small")
        ax_acc.plot(epochs, history["accuracy"], label="train")
        ax_acc.plot(epochs, history["val_accuracy"], label="validation")
        ax_acc.set(xlabel="epoch", ylabel="accuracy", ylim=(0, 1.02))
        v = result["values"]
        units = "-" if v["hidden_layers"] == 0 else v["units"]
        fig.suptitle(
            f"lr {v['learning_rate']:.1e}, batch {v['batch_size']}, "
            f"{v['hidden_layers']} hidden layer(s) x {units} neurons: "
            f"val. accuracy {history['val_accuracy'][-1]:.3f}",
            fontsize="small",
        )
