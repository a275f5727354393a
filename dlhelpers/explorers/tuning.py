"""The Chapter 8 explorer: a learning-rate schedule's shape and what it does to a short run."""

from __future__ import annotations

import math

import numpy as np

from dlhelpers._validation import check_scalar, fail
from dlhelpers.explorers._base import Explorer, learning_rate_slider

__all__ = ["ScheduleExplorer"]


class ScheduleExplorer(Explorer):
    """Pick a schedule and its peak rate: see the rate per step and the run it gives.

    Each change trains :func:`dlhelpers.tuning.train_mlp` (one hidden layer of ``units``,
    Adam with the schedule as its learning rate) from the same seed, so the curves differ
    only because of the schedule. The schedules, with ``S`` steps per epoch and ``T`` in all:
    ``constant``; ``exponential`` (halved every epoch); ``piecewise`` (divided by 10 after
    half the run and again after three quarters); ``one_cycle`` (30 % warm-up, cosine down).

    Args:
        data: ``(x_train, y_train, x_val, y_val)``, integer labels.
        epochs, batch_size, units, seed: the training run.
        cache: an optional dict shared with :func:`~dlhelpers.tuning.train_mlp` calls, so a
            run the chapter already trained is shown without training it again.

    Attributes:
        result: dict with ``lrs`` (the rate at each step), ``params`` (the schedule's
            arguments for :func:`~dlhelpers.tuning.make_schedule`), ``history`` and ``model``.
        code_text: the Keras code of the current settings, on data named
            ``x_train, y_train, x_val, y_val``.
    """

    figsize = (7, 2.6)
    busy_text = "training..."

    def __init__(
        self,
        data,
        *,
        epochs: int = 4,
        batch_size: int = 32,
        units: int = 32,
        seed: int = 0,
        cache: dict | None = None,
    ):
        import ipywidgets as w

        from dlhelpers.tuning import SCHEDULES

        if not (isinstance(data, (tuple, list)) and len(data) == 4):
            fail("data", "a tuple (x_train, y_train, x_val, y_val)", data)
        self.data = tuple(np.asarray(a) for a in data)
        self.epochs = check_scalar(epochs, "epochs", int, low=1, high=50)
        self.batch_size = check_scalar(batch_size, "batch_size", int, low=1)
        self.units, self.seed, self.cache = units, seed, cache
        self.steps_per_epoch = math.ceil(len(self.data[0]) / self.batch_size)
        controls = {
            "schedule": w.Dropdown(
                options=list(SCHEDULES), value="one_cycle", description="schedule"
            ),
            "learning_rate": learning_rate_slider(3e-2, min_exp=-3),
        }
        controls["learning_rate"].description = "peak rate"
        super().__init__(controls, title="A learning-rate schedule and the run it gives")

    def params(self, schedule: str, learning_rate: float) -> dict:
        """The arguments of :func:`~dlhelpers.tuning.make_schedule` for these settings."""
        lr, per_epoch = float(learning_rate), self.steps_per_epoch
        total = self.epochs * per_epoch
        return {
            "constant": {"learning_rate": lr},
            "exponential": {
                "initial_learning_rate": lr,
                "decay_steps": per_epoch,
                "decay_rate": 0.5,
            },
            "piecewise": {
                "boundaries": [total // 2, 3 * total // 4],
                "values": [lr, lr / 10, lr / 100],
            },
            "one_cycle": {"max_lr": lr, "total_steps": total, "warmup_fraction": 0.3},
        }[schedule]

    def compute(self, schedule, learning_rate) -> dict:
        from dlhelpers.tuning import make_schedule, schedule_lrs, train_mlp

        params = self.params(schedule, learning_rate)
        model, history = train_mlp(
            *self.data,
            units=self.units,
            learning_rate=make_schedule(schedule, **params),
            batch_size=self.batch_size,
            epochs=self.epochs,
            seed=self.seed,
            cache=self.cache,
        )
        if not np.all(np.isfinite(history["loss"])):
            raise ValueError(
                "learning rate: training diverged (the loss became NaN); "
                f"received a peak of {learning_rate:.2g}, try a smaller one."
            )
        lrs = schedule_lrs(schedule, self.epochs * self.steps_per_epoch, **params)
        return {"lrs": lrs, "params": params, "history": history, "model": model}

    def code(self, schedule, learning_rate) -> str:
        from dlhelpers.tuning import make_schedule, train_mlp_code

        made = make_schedule(schedule, **self.params(schedule, learning_rate))
        if isinstance(made, float):
            rate = _literal(made)
        else:
            args = ", ".join(
                f"{k}={_literal(v)}" for k, v in made.get_config().items() if k != "name"
            )
            rate = f"keras.optimizers.schedules.{type(made).__name__}({args})"
        n_classes = max(int(max(self.data[1].max(), self.data[3].max())) + 1, 2)
        settings = dict(units=self.units, batch_size=self.batch_size, epochs=self.epochs)
        return f"import keras\n\nschedule = {rate}\n" + train_mlp_code(
            self.data[0].shape[1], n_classes, learning_rate="schedule", seed=self.seed, **settings
        )

    def draw(self, fig, result) -> None:
        from dlhelpers.plots.workflow import plot_history

        history = result["history"]
        ax_lr, ax_loss = fig.subplots(1, 2)
        ax_lr.plot(np.arange(len(result["lrs"])), result["lrs"], color="C2")
        for epoch in range(1, self.epochs):
            ax_lr.axvline(epoch * self.steps_per_epoch, color="0.85", lw=0.8)
        ax_lr.set(xlabel="step (grey lines: epochs)", ylabel="learning rate", yscale="log")
        plot_history(history, "loss", ax=ax_loss)
        ax_loss.set_yscale("log")
        fig.suptitle(
            f"validation loss {history['val_loss'][-1]:.3f}, "
            f"accuracy {history['val_accuracy'][-1]:.3f}",
            fontsize="small",
        )


def _literal(value) -> str:
    """``value`` as Python source, floats to 4 significant digits."""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    return repr(value)
