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
        code_text: the Keras code of the current settings (explorers that build or
            train a model define :meth:`code`), shown beside the figure; else ``None``.
        widget: the whole explorer as one ipywidgets box (what is displayed).

    Class attributes:
        busy_text: shown while :meth:`compute` runs (for example ``"training..."``
            for explorers that retrain); ``None`` shows nothing.
    """

    figsize = (7, 3.5)
    dpi = 80
    busy_text: str | None = None

    def __init__(self, controls: dict, *, title: str | None = None):
        import ipywidgets as widgets

        self.controls = controls
        self.output = widgets.Output()
        self.message = widgets.HTML()
        self.code_view = widgets.HTML()
        self.code_text = None
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
                widgets.HBox([self.output, self.code_view]),
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

    def code(self, **values) -> str | None:
        """The Keras code that builds (and trains) what these values give, or ``None``.

        Explorers that build a model return a short, runnable cell's worth of code,
        so what a learner finds with the controls becomes code they can keep.
        """
        return None

    def update(self) -> None:
        """Recompute and redraw. A ValueError from :meth:`compute` is shown, not raised."""
        from IPython.display import clear_output, display

        if self.busy_text:
            # Sent to the browser before the kernel starts computing.
            self.message.value = f"<i>{self.busy_text}</i>"
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
        self.code_text = self.code(**self.values)
        self.code_view.value = "" if self.code_text is None else _code_html(self.code_text)
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


def _code_html(code: str) -> str:
    """``code`` as a copyable HTML block."""
    from html import escape

    return (
        "<div style='font-size:90%'><b>the code of these settings</b>"
        f"<pre style='user-select:text'>{escape(code)}</pre></div>"
    )
