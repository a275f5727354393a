"""The Explorer base class: recompute on change, reject bad combinations visibly."""

import ipywidgets as w
import pytest

from dlhelpers.explorers import Explorer


class Doubler(Explorer):
    def compute(self, a):
        if a == 3:
            raise ValueError("a: expected anything but 3, received 3.")
        return 2 * a

    def draw(self, fig, result):
        fig.subplots().plot([0, result])


def test_changing_a_control_recomputes_and_redraws():
    explorer = Doubler({"a": w.IntSlider(value=1, min=0, max=5)})
    first = explorer.fig
    explorer.controls["a"].value = 2
    assert explorer.result == 4 and explorer.updates == 2 and explorer.fig is not first


def test_rejected_values_show_the_message_and_clear_the_old_figure():
    explorer = Doubler({"a": w.IntSlider(value=1, min=0, max=5)})
    explorer.controls["a"].value = 3
    assert explorer.error.startswith("a: expected anything but 3")
    assert "expected anything but 3" in explorer.message.value
    assert explorer.fig is None and explorer.result == 2  # last good result kept
    explorer.controls["a"].value = 4
    assert explorer.error is None and explorer.message.value == "" and explorer.fig is not None


def test_other_errors_are_raised_not_hidden():
    class Broken(Doubler):
        def compute(self, a):
            raise RuntimeError("bug")

    with pytest.raises(RuntimeError, match="bug"):
        Broken({"a": w.IntSlider(value=1)})
