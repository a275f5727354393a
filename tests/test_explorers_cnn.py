"""Chapter 3 explorers and plots, driven without a browser."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from dlhelpers.explorers import ConvArithmeticExplorer, KernelExplorer
from dlhelpers.plots import plot_conv_arithmetic, plot_kernel_maps, plot_pooling
from dlhelpers.scratch import (
    avg_pool2d,
    classic_kernels,
    conv2d,
    conv_layout,
    conv_output_size,
    max_pool2d,
)


def _pooled(grid, size=2, padding="valid"):
    x = grid[None, :, :, None]
    return {
        "max pooling": max_pool2d(x, size, padding=padding)[0, ..., 0],
        "average pooling": avg_pool2d(x, size, padding=padding)[0, ..., 0],
    }


RNG = np.random.default_rng(0)
IMAGE = RNG.uniform(size=(40, 48))


def _reference_map(image, kernel):
    return conv2d(image[None, :, :, None], np.asarray(kernel)[:, :, None, None], padding="same")[
        0, :, :, 0
    ]


def test_kernel_explorer_preset_redraws_once_with_the_right_map():
    explorer = KernelExplorer(IMAGE, preset="identity", size=40)
    assert explorer.updates == 1
    np.testing.assert_allclose(explorer.result.feature_map, explorer.image)  # identity kernel
    fig_before = explorer.fig
    explorer.controls["preset"].value = "box blur"
    assert explorer.updates == 2  # nine cells changed, one redraw
    assert explorer.fig is not fig_before
    np.testing.assert_allclose(explorer.result.kernel, np.full((3, 3), 1 / 9))
    np.testing.assert_allclose(
        explorer.result.feature_map, _reference_map(explorer.image, np.full((3, 3), 1 / 9))
    )
    assert explorer.result.feature_map.std() < explorer.image.std()  # blurring smooths


def test_kernel_explorer_editing_a_cell_goes_custom_and_back():
    explorer = KernelExplorer(IMAGE, preset="vertical edges (Sobel x)", size=40)
    explorer.controls["k11"].value = 3.0
    assert explorer.controls["preset"].value == "custom"
    assert explorer.result.kernel[1, 1] == 3.0
    expected = classic_kernels()["vertical edges (Sobel x)"]
    expected[1, 1] = 3.0
    np.testing.assert_allclose(
        explorer.result.feature_map, _reference_map(explorer.image, expected)
    )
    explorer.controls["k11"].value = 0.0  # back to the Sobel kernel: the preset is recognised
    assert explorer.controls["preset"].value == "vertical edges (Sobel x)"
    explorer.set_kernel(classic_kernels()["sharpen"])
    assert explorer.controls["preset"].value == "sharpen"
    assert explorer.updates == 4


def test_kernel_explorer_default_photo_and_bad_arguments():
    explorer = KernelExplorer()
    assert explorer.image.shape == (128, 128)
    assert 0.0 <= explorer.image.min() and explorer.image.max() <= 1.0
    assert isinstance(explorer.fig, Figure)
    colour = KernelExplorer(RNG.uniform(0, 255, size=(30, 30, 3)), size=30)
    assert colour.image.shape == (30, 30)
    with pytest.raises(ValueError, match="preset: expected one of 'identity'"):
        KernelExplorer(IMAGE, preset="unsharp")
    with pytest.raises(
        ValueError, match=r"image: expected a 2-D or 3-D array, received array of shape \(4,\)"
    ):
        KernelExplorer(np.zeros(4))
    with pytest.raises(
        ValueError, match=r"kernel: expected a 3x3 array, received array of shape \(2, 2\)"
    ):
        explorer.set_kernel(np.zeros((2, 2)))


def test_arithmetic_explorer_output_size_and_impossible_combination():
    explorer = ConvArithmeticExplorer(size=7, kernel_size=3, strides=2, padding="same")
    assert explorer.result.layout.output == conv_output_size(7, 3, 2, "same") == 4
    assert explorer.controls["position"].max == 15
    updates = explorer.updates
    explorer.controls["padding"].value = "valid"
    assert explorer.result.layout.output == 3 and explorer.updates == updates + 1
    assert explorer.controls["position"].max == 8
    explorer.controls["size"].value = 4
    explorer.controls["kernel_size"].value = 6  # larger than the input with 'valid'
    assert (
        explorer.error
        == "kernel_size: expected at most the input size 4 with padding='valid', received 6."
    )
    assert explorer.result.layout.kernel_size != 6  # the last valid result is kept
    explorer.controls["padding"].value = "same"
    assert explorer.error is None and explorer.result.layout.output == 2


def test_arithmetic_explorer_position_follows_the_output_grid():
    explorer = ConvArithmeticExplorer(size=9, kernel_size=3, strides=1, padding="valid")
    explorer.controls["position"].value = 40  # 7x7 output: row 5, column 5
    assert explorer.result.position == 40
    explorer.controls["strides"].value = 3  # 3x3 output: the slider is clamped to the last cell
    assert explorer.controls["position"].value == 8 == explorer.result.position


@pytest.mark.parametrize(
    ("size", "k", "s", "padding", "unseen"),
    [
        (7, 2, 2, "valid", (6,)),
        (7, 3, 2, "valid", ()),
        (10, 1, 3, "same", (1, 2, 4, 5, 7, 8)),
        (8, 3, 4, "valid", (3, 7)),
        (5, 4, 1, "same", ()),
    ],
)
def test_conv_layout_matches_the_formula_and_finds_unseen_cells(size, k, s, padding, unseen):
    layout = conv_layout(size, k, s, padding)
    assert layout.output == conv_output_size(size, k, s, padding) == len(layout.starts)
    assert layout.unseen == unseen
    assert layout.starts[-1] + k <= size + layout.before + layout.after  # last window fits


def test_plots_return_figures_and_reject_bad_input():
    kernels = list(classic_kernels().values())[:3]
    maps = [_reference_map(IMAGE, kern) for kern in kernels]
    fig = plot_kernel_maps(IMAGE, kernels, maps, names=["a", "b", "c"])
    assert isinstance(fig, Figure) and len(fig.axes) == 8
    # what is drawn: the input, each kernel (top row) and each map (bottom row)
    np.testing.assert_array_equal(fig.axes[0].get_images()[0].get_array(), IMAGE)
    np.testing.assert_array_equal(fig.axes[1].get_images()[0].get_array(), kernels[0])
    np.testing.assert_array_equal(fig.axes[5].get_images()[0].get_array(), maps[0])
    assert len(plot_kernel_maps(IMAGE, None, maps).axes) == 4
    assert isinstance(plot_conv_arithmetic(conv_layout(6, 3, 2, "same"), position=3), Figure)
    grid = np.arange(20.0).reshape(4, 5)
    fig = plot_pooling(grid, _pooled(grid, padding="same"))
    drawn = [ax.get_images()[0].get_array() for ax in fig.axes]
    np.testing.assert_array_equal(drawn[0], grid)
    np.testing.assert_array_equal(drawn[1], _pooled(grid, padding="same")["max pooling"])
    np.testing.assert_array_equal(drawn[2], _pooled(grid, padding="same")["average pooling"])
    with pytest.raises(ValueError, match="kernels: expected one kernel per map"):
        plot_kernel_maps(IMAGE, kernels[:2], maps)
    with pytest.raises(ValueError, match="kernel_size: expected at most the input size 3"):
        conv_layout(3, 5, 1, "valid")


def test_arithmetic_explorer_rejects_bad_start_values():
    with pytest.raises(ValueError, match="size: expected an integer <= 12, received 13"):
        ConvArithmeticExplorer(size=13)
    with pytest.raises(ValueError, match="strides: expected an integer >= 1, received 0"):
        ConvArithmeticExplorer(strides=0)
    with pytest.raises(
        ValueError, match="padding: expected one of 'valid', 'same', received 'full'"
    ):
        ConvArithmeticExplorer(padding="full")
    explorer = ConvArithmeticExplorer(size=3, kernel_size=5, strides=1, padding="valid")
    assert explorer.result is None and explorer.error.startswith("kernel_size: expected at most")
    explorer.controls["padding"].value = "same"
    assert explorer.result.layout.output == 3 and explorer.fig is not None


def test_kernel_explorer_grey_scale_puts_zero_mid_grey_for_signed_maps():
    explorer = KernelExplorer(IMAGE, preset="vertical edges (Sobel x)", size=40)
    fmap = explorer.result.feature_map
    assert fmap.min() < 0 < fmap.max()
    vmin, vmax = explorer.fig.axes[2].get_images()[0].get_clim()
    assert vmin == -vmax and vmax == pytest.approx(np.abs(fmap).max())
    explorer.controls["preset"].value = "box blur"  # a non-negative map: black at 0
    vmin, vmax = explorer.fig.axes[2].get_images()[0].get_clim()
    assert vmin == 0.0 and vmax == pytest.approx(explorer.result.feature_map.max())


def test_conv_arithmetic_position_out_of_range_is_an_error():
    # 8x8, kernel 3, stride 2, 'valid': a 3x3 output, positions 0..8
    layout = conv_layout(8, 3, 2, "valid")
    assert isinstance(plot_conv_arithmetic(layout, position=8), Figure)
    with pytest.raises(ValueError, match="position: expected an integer <= 8, received 9"):
        plot_conv_arithmetic(layout, position=9)
    with pytest.raises(ValueError, match="position: expected an integer >= 0, received -1"):
        plot_conv_arithmetic(layout, position=-1)


def test_conv_arithmetic_numbers_rows_and_columns_of_the_real_cells():
    fig = plot_conv_arithmetic(
        conv_layout(6, 3, 2, "same"), position=0
    )  # padded 0 + 1: 7 cells drawn
    ax_in, ax_out = fig.axes
    assert [t.get_text() for t in ax_in.get_xticklabels()] == [str(i) for i in range(6)]
    np.testing.assert_allclose(ax_in.get_yticks(), np.arange(6) + 0.5)
    fig = plot_conv_arithmetic(
        conv_layout(5, 3, 1, "same")
    )  # padded 1 + 1: numbering starts after it
    ax_in, ax_out = fig.axes
    np.testing.assert_allclose(ax_in.get_xticks(), np.arange(5) + 1.5)
    assert [t.get_text() for t in ax_out.get_yticklabels()] == [str(i) for i in range(5)]


@pytest.mark.parametrize(
    "grid",
    [-np.arange(12.0).reshape(3, 4), np.full((4, 4), -2.0), np.zeros((2, 2)), np.eye(4) - 0.5],
)
def test_plot_pooling_colour_scale_works_for_any_sign(grid):
    fig = plot_pooling(grid, _pooled(grid), window=(2, 2))
    assert len(fig.axes[0].lines) == grid.shape[0] // 2 + grid.shape[1] // 2 + 2  # outlines
    for ax in fig.axes:
        vmin, vmax = ax.get_images()[0].get_clim()
        assert vmin == grid.min() and vmax > vmin
        assert np.all(ax.get_images()[0].get_array() <= vmax)
    assert not plot_pooling(grid, _pooled(grid, padding="SAME")).axes[0].lines
