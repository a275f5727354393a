"""Explorers for Chapter 3: edit a kernel and see its feature map; see where a kernel lands."""

from __future__ import annotations

import contextlib
from typing import NamedTuple

import numpy as np

from dlhelpers._validation import check_array, check_choice, check_scalar, fail
from dlhelpers.explorers._base import Explorer
from dlhelpers.plots.cnn import draw_conv_layout, draw_kernel
from dlhelpers.scratch.conv import PADDINGS, classic_kernels, conv2d, conv_layout

__all__ = ["ConvArithmeticExplorer", "KernelExplorer"]

CELLS = [f"k{i}{j}" for i in range(3) for j in range(3)]


@contextlib.contextmanager
def _holding(explorer):
    """While active, the explorer ignores the control changes it makes itself."""
    explorer._holding = True
    try:
        yield
    finally:
        explorer._holding = False


def _grey_image(image, size: int) -> np.ndarray:
    """A grey ``(H, W)`` float image in [0, 1], shrunk by block averaging to about ``size``."""
    image = check_array(image, "image", ndim=(2, 3))
    if image.ndim == 3:
        image = image[..., :3] @ np.array([0.299, 0.587, 0.114])
    if image.max() > 1.0:
        image = image / 255.0
    step = max(1, min(image.shape) // size)
    h, w = image.shape[0] // step * step, image.shape[1] // step * step
    return image[:h, :w].reshape(h // step, step, w // step, step).mean(axis=(1, 3))


class KernelResult(NamedTuple):
    """What the kernel explorer computed: the image, the kernel and its feature map."""

    image: np.ndarray
    kernel: np.ndarray
    feature_map: np.ndarray


class KernelExplorer(Explorer):
    """Edit a 3x3 kernel (or pick a classic one) and see the photo's feature map redrawn.

    Args:
        image: a grey ``(H, W)`` or colour ``(H, W, 3)`` image; by default the
            scikit-image "camera" photo.
        preset: name of the starting kernel, one of
            :func:`dlhelpers.scratch.classic_kernels`.
        size: the image is shrunk by block averaging to about this many pixels
            per side so each redraw is quick.

    Controls: ``preset`` (a dropdown; editing a cell switches it to "custom")
    and ``k00`` ... ``k22`` (the nine kernel numbers, row by row).
    """

    figsize = (7.5, 2.8)

    def __init__(self, image=None, *, preset: str = "vertical edges (Sobel x)", size: int = 128):
        import ipywidgets as widgets

        self.presets = classic_kernels()
        check_choice(preset, "preset", tuple(self.presets))
        size = check_scalar(size, "size", int, low=8)
        if image is None:
            from dlhelpers.data import load_photo

            image = load_photo("camera", gray=True)
        self.image = _grey_image(image, size)
        self._holding = False
        controls = {
            "preset": widgets.Dropdown(
                options=[*self.presets, "custom"], value=preset, description="kernel"
            )
        }
        for name, value in zip(CELLS, self.presets[preset].ravel(), strict=True):
            controls[name] = widgets.FloatText(
                value=float(value), step=0.5, layout=widgets.Layout(width="80px")
            )
        super().__init__(controls, title="Edit the kernel, see the feature map")
        grid = widgets.GridBox(
            [controls[c] for c in CELLS],
            layout=widgets.Layout(grid_template_columns="repeat(3, 85px)"),
        )
        self.widget.children = (
            self.widget.children[0],
            controls["preset"],
            grid,
            self.message,
            self.output,
        )

    def set_kernel(self, kernel) -> None:
        """Put a whole 3x3 kernel into the cells at once (one redraw)."""
        kernel = check_array(kernel, "kernel", ndim=2)
        if kernel.shape != (3, 3):
            fail("kernel", "a 3x3 array", kernel)
        with _holding(self):
            for name, value in zip(CELLS, kernel.ravel(), strict=True):
                self.controls[name].value = float(value)
            self.controls["preset"].value = self._matching_preset(kernel)
        self.update()

    def _matching_preset(self, kernel) -> str:
        for name, preset in self.presets.items():
            if np.allclose(preset, kernel):
                return name
        return "custom"

    def _on_change(self, change) -> None:
        if self._holding:
            return
        with _holding(self):
            if change["owner"] is self.controls["preset"]:
                if change["new"] != "custom":
                    for name, value in zip(CELLS, self.presets[change["new"]].ravel(), strict=True):
                        self.controls[name].value = float(value)
            else:
                kernel = np.array([self.controls[c].value for c in CELLS]).reshape(3, 3)
                self.controls["preset"].value = self._matching_preset(kernel)
        self.update()

    def compute(self, preset, **cells) -> KernelResult:
        kernel = np.array([cells[c] for c in CELLS], dtype=float).reshape(3, 3)
        if not np.all(np.isfinite(kernel)):
            raise ValueError("kernel: expected finite numbers in every cell.")
        fmap = conv2d(self.image[None, :, :, None], kernel[:, :, None, None], padding="same")
        return KernelResult(self.image, kernel, fmap[0, :, :, 0])

    def draw(self, fig, result: KernelResult) -> None:
        ax_img, ax_k, ax_map = fig.subplots(1, 3, width_ratios=[3, 2, 3])
        ax_img.imshow(result.image, cmap="gray", vmin=0, vmax=1)
        ax_img.set_title("input", fontsize=9)
        draw_kernel(ax_k, result.kernel, title=f"kernel (sum {result.kernel.sum():.3g})")
        lo, hi = result.feature_map.min(), result.feature_map.max()
        # a map with negative values gets a scale symmetric around 0, so 0 (what a zero-sum
        # kernel gives on a flat region) is mid-grey; a non-negative map runs from black at 0
        limit = max(abs(lo), abs(hi), 1e-12)
        vmin = -limit if lo < 0 else 0.0
        ax_map.imshow(result.feature_map, cmap="gray", vmin=vmin, vmax=limit)
        ax_map.set_title(f"feature map [{lo:.2f}, {hi:.2f}]", fontsize=9)
        for ax in (ax_img, ax_map):
            ax.set_axis_off()


class ArithmeticResult(NamedTuple):
    """What the conv-arithmetic explorer computed."""

    layout: object  # dlhelpers.scratch.ConvLayout
    position: int
    formula: str


class ConvArithmeticExplorer(Explorer):
    """Input size, kernel size, stride and padding: where the kernel lands, and the output size.

    Impossible combinations (a kernel larger than the input with 'valid') are
    flagged with the reason; input cells that no window covers are shown in pink.

    Controls: ``size``, ``kernel_size``, ``strides``, ``padding``, ``position``
    (which output cell's window to highlight, row by row).
    """

    figsize = (7, 3.4)

    def __init__(
        self, size: int = 7, kernel_size: int = 3, strides: int = 2, padding: str = "same"
    ):
        import ipywidgets as widgets

        check_choice(padding, "padding", PADDINGS)
        self._holding = False

        def slider(name, value, high, description, low=1):
            return widgets.IntSlider(
                value=check_scalar(value, name, int, low=low, high=high),
                min=low,
                max=high,
                description=description,
                continuous_update=False,
                layout=widgets.Layout(width="260px"),
            )

        controls = {
            "size": slider("size", size, 12, "input"),
            "kernel_size": slider("kernel_size", kernel_size, 7, "kernel"),
            "strides": slider("strides", strides, 4, "stride"),
            "padding": widgets.ToggleButtons(options=list(PADDINGS), value=padding),
            "position": slider("position", 0, 143, "output cell", low=0),
        }
        super().__init__(controls, title="Where does the kernel land?")

    def compute(self, size, kernel_size, strides, padding, position) -> ArithmeticResult:
        layout = conv_layout(size, kernel_size, strides, padding)  # ValueError if impossible
        position = min(int(position), layout.output**2 - 1)
        if padding == "valid":
            formula = f"valid: floor(({size} - {kernel_size}) / {strides}) + 1 = {layout.output}"
        else:
            formula = (
                f"same: ceil({size} / {strides}) = {layout.output}, "
                f"padding {layout.before} before + {layout.after} after"
            )
        if layout.unseen:
            formula += f"\n{len(layout.unseen)} input row(s)/column(s) never seen by any window"
        return ArithmeticResult(layout, position, formula)

    def draw(self, fig, result: ArithmeticResult) -> None:
        draw_conv_layout(fig, result.layout, result.position)
        fig.suptitle(result.formula, fontsize=9)

    def update(self) -> None:
        super().update()
        if self.error is None and self.result is not None:
            last = self.result.layout.output**2 - 1
            if self.controls["position"].max != last:
                with _holding(self):
                    self.controls["position"].max = last

    def _on_change(self, change) -> None:
        if not self._holding:
            self.update()
