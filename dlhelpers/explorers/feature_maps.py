"""Explorers for Chapter 4: the feature maps of a trained CNN, image by image."""

from __future__ import annotations

import numpy as np

from dlhelpers._validation import check_array, check_scalar, fail
from dlhelpers.explorers._base import Explorer

__all__ = ["FeatureMapExplorer"]


class FeatureMapExplorer(Explorer):
    """Pick an image and a layer; see that layer's feature maps for the image.

    Nothing is trained: the explorer only runs the given model forward, so
    each change takes a fraction of a second.

    Args:
        model: a built Keras model (nested models are searched for layers).
        images: ``(N, H, W, C)`` inputs to choose from.
        labels: optional ``(N,)`` true labels, shown in the title.
        layers: layer names offered in the menu; ``None`` means every Conv2D layer.
        max_maps: how many channels to draw at most.

    Attributes:
        result: dict with ``index``, ``layer``, ``image``, ``maps`` (``(H', W', C)``),
            ``prediction`` (the model's class for the image) and ``label``.
    """

    figsize = (8, 3.2)

    def __init__(self, model, images, labels=None, layers=None, *, max_maps: int = 16):
        import ipywidgets as widgets

        from dlhelpers.inspect.cnn import conv_layer_names, feature_maps

        self.model = model
        self.images = check_array(images, "images", ndim=4)
        self.labels = None if labels is None else np.asarray(labels)
        if self.labels is not None and len(self.labels) != len(self.images):
            fail("labels", f"{len(self.images)} labels, one per image", self.labels)
        layers = conv_layer_names(model) if layers is None else list(layers)
        feature_maps(model, self.images[:1], layers)  # checks the names (and that there are some)
        self.max_maps = check_scalar(max_maps, "max_maps", int, low=1)
        self._feature_maps = feature_maps
        self._cache: dict = {}
        controls = {
            "index": widgets.IntSlider(
                value=0,
                min=0,
                max=len(self.images) - 1,
                description="image",
                continuous_update=False,
            ),
            "layer": widgets.Dropdown(options=layers, value=layers[0], description="layer"),
        }
        super().__init__(controls, title="Feature maps of a trained CNN")

    def compute(self, index: int, layer: str) -> dict:
        if not 0 <= index < len(self.images):
            raise ValueError(f"index: expected 0..{len(self.images) - 1}, received {index}.")
        key = (index, layer)
        if key not in self._cache:
            x = self.images[index : index + 1]
            maps = self._feature_maps(self.model, x, [layer])[layer][0]
            probs = np.asarray(self.model(x, training=False))[0]
            self._cache[key] = (maps, int(np.argmax(probs)))
        maps, prediction = self._cache[key]
        label = None if self.labels is None else int(self.labels[index])
        return {
            "index": index,
            "layer": layer,
            "image": self.images[index],
            "maps": maps,
            "prediction": prediction,
            "label": label,
        }

    def draw(self, fig, result) -> None:
        from dlhelpers.plots.feature_maps import plot_feature_maps

        maps = result["maps"]
        if maps.ndim != 3:
            fig.text(
                0.5,
                0.5,
                f"layer {result['layer']} gives shape {maps.shape}: not image maps",
                ha="center",
            )
            return
        truth = "" if result["label"] is None else f"true {result['label']}, "
        title = (
            f"{result['layer']}: {maps.shape[0]}x{maps.shape[1]}x{maps.shape[2]} "
            f"({truth}predicted {result['prediction']})"
        )
        plot_feature_maps(
            maps,
            image=result["image"],
            max_maps=self.max_maps,
            ncols=9,
            title=title,
            fig=fig,
            shared_scale=True,
        )
