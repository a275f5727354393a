"""The base class of every explorer widget."""

from __future__ import annotations

from matplotlib.figure import Figure


def learning_rate_slider(value: float = 1e-2, *, min_exp: float = -4, max_exp: float = 0):
    """The learning-rate control every training explorer uses: a log slider, 4 steps a decade.

    It updates on release (``continuous_update=False``) since each change retrains.
    """
    import ipywidgets as widgets

    return widgets.FloatLogSlider(
        value=value,
        base=10,
        min=min_exp,
        max=max_exp,
        step=0.25,
        description="learning rate",
        readout_format=".2g",
        continuous_update=False,
        style={"description_width": "initial"},
    )


class Explorer:
    """Controls + an output area + the last result, drivable without a browser.

    Subclasses build ``controls`` (a dict of ipywidgets), then call
    ``super().__init__(controls)``; they implement :meth:`compute` (values in,
    result out, no drawing) and :meth:`draw` (result in, onto a fresh Figure).

    Attributes:
        controls: dict of control name to widget; set ``.value`` to drive it.
        output: the ``ipywidgets.Output`` the figure is shown in.
        result: what :meth:`compute` returned for the current values.
        fig: the matplotlib Figure drawn for ``result``.
        error: the message of the last rejected combination of values, or ``None``;
            while it is set, ``fig`` is ``None`` and the output area is empty.
        updates: how many times the explorer recomputed (tests use it).
        widget: the whole explorer as one ipywidgets box (what is displayed).
    """

    figsize = (7, 3.5)
    dpi = 80

    def __init__(self, controls: dict, *, title: str | None = None):
        import ipywidgets as widgets

        self.controls = controls
        self.output = widgets.Output()
        self.message = widgets.HTML()
        self.result = None
        self.fig = None
        self.error = None
        self.updates = 0
        for control in controls.values():
            control.observe(self._on_change, names="value")
        header = [widgets.HTML(f"<b>{title}</b>")] if title else []
        self.widget = widgets.VBox(
            [
                *header,
                widgets.HBox(list(controls.values()), layout={"flex_flow": "row wrap"}),
                self.message,
                self.output,
            ]
        )
        self.update()

    @property
    def values(self) -> dict:
        """Current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def compute(self, **values):
        """Return the result for these control values. Raise ValueError to reject them."""
        raise NotImplementedError

    def draw(self, fig: Figure, result) -> None:
        """Draw ``result`` onto ``fig``."""
        raise NotImplementedError

    def update(self) -> None:
        """Recompute and redraw. A ValueError from :meth:`compute` is shown, not raised."""
        from IPython.display import clear_output, display

        try:
            result = self.compute(**self.values)
        except ValueError as err:
            # Show why, and take the figure of the previous settings off the screen.
            self.error = str(err)
            self.message.value = f"<span style='color:#b00'>&#9888; {self.error}</span>"
            self.fig = None
            with self.output:
                clear_output()
            return
        self.error = None
        self.message.value = ""
        self.result = result
        fig = Figure(figsize=self.figsize, dpi=self.dpi, layout="constrained")
        self.draw(fig, result)
        self.fig = fig
        self.updates += 1
        with self.output:
            clear_output(wait=True)
            display(self._png(fig))

    @staticmethod
    def _png(fig: Figure):
        """The figure as a PNG image for the output area.

        A bare ``Figure`` only renders as an image once pyplot's inline backend
        is active in the kernel; PNG bytes render everywhere.
        """
        from io import BytesIO

        from IPython.display import Image

        buffer = BytesIO()
        fig.savefig(buffer, format="png")
        return Image(data=buffer.getvalue(), format="png")

    def _on_change(self, change) -> None:
        self.update()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
