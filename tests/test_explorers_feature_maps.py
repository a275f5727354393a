"""The feature-map explorer, driven by setting control values (no browser)."""

import numpy as np
import pytest

from dlhelpers.explorers import FeatureMapExplorer
from dlhelpers.inspect import feature_maps


@pytest.fixture
def model(tf):
    from dlhelpers.cnn import build_digit_cnn

    return build_digit_cnn((3, 4), dense_units=8, input_shape=(16, 16, 1), seed=1)


@pytest.fixture
def images():
    return np.random.default_rng(0).uniform(size=(5, 16, 16, 1)).astype("float32")


def test_explorer_shows_the_maps_of_the_chosen_image_and_layer(model, images):
    weights = [w.copy() for w in model.get_weights()]
    explorer = FeatureMapExplorer(model, images, labels=np.arange(5))
    assert explorer.updates == 1 and explorer.fig is not None
    assert list(explorer.controls["layer"].options) == ["conv1", "conv2"]
    np.testing.assert_allclose(
        explorer.result["maps"], feature_maps(model, images[:1], ["conv1"])["conv1"][0], rtol=1e-6
    )
    first_fig = explorer.fig
    explorer.controls["index"].value = 3
    assert explorer.updates == 2 and explorer.fig is not first_fig
    assert explorer.result["index"] == 3 and explorer.result["label"] == 3
    np.testing.assert_allclose(
        explorer.result["maps"], feature_maps(model, images[3:4], ["conv1"])["conv1"][0], rtol=1e-6
    )
    explorer.controls["layer"].value = "conv2"
    assert explorer.result["maps"].shape == (5, 5, 4)
    np.testing.assert_allclose(
        explorer.result["maps"], feature_maps(model, images[3:4], ["conv2"])["conv2"][0], rtol=1e-6
    )
    assert explorer.result["prediction"] == int(np.argmax(np.asarray(model(images[3:4]))))
    # the explorer only runs the model forward: weights are untouched
    for before, after in zip(weights, model.get_weights(), strict=True):
        np.testing.assert_array_equal(before, after)
    assert explorer.controls["index"].continuous_update is False


def test_explorer_accepts_other_layers_and_draws_non_image_outputs(model, images):
    explorer = FeatureMapExplorer(model, images, layers=["relu1", "pool2", "dense"])
    assert explorer.result["maps"].shape == (14, 14, 3)
    assert np.all(explorer.result["maps"] >= 0)
    explorer.controls["layer"].value = "dense"
    assert explorer.result["maps"].shape == (8,) and explorer.error is None
    assert explorer.fig is not None


def test_explorer_rejects_bad_arguments(model, images):
    with pytest.raises(
        ValueError, match=r"layers: expected names of layers in the model \(.*\), received 'conv9'"
    ):
        FeatureMapExplorer(model, images, layers=["conv9"])
    with pytest.raises(ValueError, match="labels: expected 5 labels, one per image"):
        FeatureMapExplorer(model, images, labels=[1, 2])
    with pytest.raises(
        ValueError, match=r"images: expected a 4-D array, received array of shape \(16, 16\)"
    ):
        FeatureMapExplorer(model, images[0, :, :, 0])


# --------------------------------------------------------------------------- plots
def test_plots_return_figures_with_one_panel_per_item():
    from matplotlib.figure import Figure

    from dlhelpers import plots

    rng = np.random.default_rng(0)
    fig = plots.plot_digits(
        rng.uniform(size=(7, 8, 8, 1)), np.arange(7), np.arange(7)[::-1], ncols=4
    )
    assert isinstance(fig, Figure) and sum(ax.get_visible() for ax in fig.axes) == 7
    wrong_colours = [ax.title.get_color() for ax in fig.axes[:7]]
    assert wrong_colours.count("#c00") == 6  # every prediction but the middle one is wrong
    titled = plots.plot_digits(rng.uniform(size=(3, 8, 8)), titles=["a", "b", "c"])
    assert [ax.get_title() for ax in titled.axes] == ["a", "b", "c"]
    kernel = rng.normal(size=(3, 3, 2, 5))
    fig = plots.plot_filters(kernel, in_channel=1)
    shown = [ax for ax in fig.axes if ax.get_visible() and ax.get_label() != "<colorbar>"]
    assert len(shown) == 5
    np.testing.assert_array_equal(shown[2].images[0].get_array(), kernel[:, :, 1, 2])
    maps = rng.uniform(size=(6, 6, 20))
    fig = plots.plot_feature_maps(maps, image=rng.uniform(size=(8, 8)), max_maps=10)
    shown = [ax for ax in fig.axes if ax.get_visible()]
    assert len(shown) == 11 and shown[0].get_title() == "input"
    np.testing.assert_array_equal(shown[4].images[0].get_array(), maps[:, :, 3])
    own = {panel.images[0].get_clim() for panel in shown[1:]}
    assert len(own) == 10  # each panel scaled to its own range by default
    maps[:, :, 2] *= 5.0
    fig = plots.plot_feature_maps(maps, max_maps=10, shared_scale=True)
    clims = {ax.images[0].get_clim() for ax in fig.axes if ax.get_visible()}
    assert clims == {(float(maps[..., :10].min()), float(maps[..., :10].max()))}
    fig = plots.plot_saliency(rng.uniform(size=(3, 8, 8)), rng.uniform(size=(3, 8, 8)), [1, 2, 3])
    assert len(fig.axes) == 6
    fig = plots.plot_curves(np.arange(3), {"a": [1, 2, 3], "b": [3, 2, 1]}, xlabel="x")
    assert len(fig.axes[0].lines) == 2


def test_plot_filters_shares_a_labelled_colour_scale():
    from dlhelpers import plots

    kernel = np.random.default_rng(1).normal(size=(3, 3, 1, 6))
    fig = plots.plot_filters(kernel)
    panels = [
        ax for ax in fig.axes if ax.images and ax.get_visible() and ax.get_label() != "<colorbar>"
    ]
    limit = float(np.abs(kernel).max())
    assert len(panels) == 6
    assert {ax.images[0].get_clim() for ax in panels} == {(-limit, limit)}  # one symmetric scale
    bars = [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    assert len(bars) == 1 and bars[0].get_ylabel() == "weight"
    fig = plots.plot_filters(kernel, limit=5.0, colorbar=False)
    assert {ax.images[0].get_clim() for ax in fig.axes if ax.images} == {(-5.0, 5.0)}
    assert not [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]


def test_plots_reject_bad_input():
    from dlhelpers import plots

    with pytest.raises(ValueError, match=r"images: expected \(N, H, W\) or \(N, H, W, 1\) grey"):
        plots.plot_digits(np.zeros((2, 8, 8, 3)))
    with pytest.raises(ValueError, match="images, labels: expected the same number of rows"):
        plots.plot_digits(np.zeros((2, 8, 8)), [1, 2, 3])
    with pytest.raises(ValueError, match=r"in_channel: expected an integer <= 1, received 2"):
        plots.plot_filters(np.zeros((3, 3, 2, 4)), in_channel=2)
    with pytest.raises(ValueError, match=r"limit: expected a number > 0, received 0"):
        plots.plot_filters(np.zeros((3, 3, 1, 4)), limit=0)
    with pytest.raises(ValueError, match=r"maps: expected the maps of one image"):
        plots.plot_feature_maps(np.zeros((2, 5, 5, 3)))
    with pytest.raises(ValueError, match=r"curves: expected a non-empty dict"):
        plots.plot_curves([1, 2], {}, xlabel="x")
    with pytest.raises(ValueError, match=r"x, curves\['a'\]: expected the same number of rows"):
        plots.plot_curves([1, 2], {"a": [1, 2, 3]}, xlabel="x")


def test_plots_draw_their_input_arrays():
    from dlhelpers import plots

    rng = np.random.default_rng(1)
    kernel = rng.normal(size=(3, 3, 1, 5))
    fig = plots.plot_filters(kernel, ncols=5, limit=2.0)
    panels = [ax for ax in fig.axes if ax.get_images() and ax.get_label() != "<colorbar>"][:5]
    for j, ax in enumerate(panels):
        np.testing.assert_array_equal(ax.get_images()[0].get_array(), kernel[:, :, 0, j])
        assert ax.get_images()[0].get_clim() == (-2.0, 2.0)  # one shared, symmetric scale
    assert any(ax.get_ylabel() == "weight" for ax in fig.axes)  # the labelled colour bar
    maps = rng.uniform(size=(6, 6, 3))
    image = rng.uniform(size=(8, 8))
    fig = plots.plot_feature_maps(maps, image=image, shared_scale=True)
    drawn = [ax.get_images()[0].get_array() for ax in fig.axes if ax.get_visible()]
    np.testing.assert_array_equal(drawn[0], image)
    for j in range(3):
        np.testing.assert_array_equal(drawn[1 + j], maps[:, :, j])
    digits = rng.uniform(size=(3, 8, 8))
    fig = plots.plot_digits(digits, [1, 2, 3])
    for ax, img in zip(fig.axes, digits, strict=True):
        np.testing.assert_array_equal(ax.get_images()[0].get_array(), img)
    sal = rng.uniform(size=(3, 8, 8))
    fig = plots.plot_saliency(digits, sal)
    np.testing.assert_array_equal(fig.axes[3].get_images()[0].get_array(), sal[0])
    fig = plots.plot_curves(np.arange(3), {"a": [1.0, 2.0, 3.0]}, xlabel="x")
    np.testing.assert_array_equal(fig.axes[0].lines[0].get_ydata(), [1.0, 2.0, 3.0])
