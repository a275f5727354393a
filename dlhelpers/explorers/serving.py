"""The deployment explorer of Chapter 9: a real HTTP client for a served model."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import numpy as np

from dlhelpers._validation import (
    check_array,
    check_same_length,
    check_scalar,
    fail,
)
from dlhelpers.explorers._base import Explorer

__all__ = ["ServiceExplorer"]


class ServiceExplorer(Explorer):
    """Send an example to a model served over HTTP by :mod:`dlhelpers.serve`; draw the answer.

    The explorer starts its own service for ``model_path`` on 127.0.0.1 (a free
    port) and keeps it while it lives; :meth:`close` stops it. Each change of a
    control posts one JSON request to ``/predict`` and draws the example, the
    returned class probabilities, the HTTP status and the round-trip time.

    Args:
        model_path: a ``.keras`` classifier that :func:`dlhelpers.serve.create_app` can load.
        features: ``(n, n_features)`` examples, in the model's input layout.
        labels: ``(n,)`` integer labels, shown next to the answer.
        image_shape: how to draw one example, e.g. ``(8, 8)``; its product must
            equal ``n_features``.
        seed: seed of the noise added by the ``noise`` control.

    Attributes:
        result: dict with ``status``, ``probabilities`` (``(n_classes,)``),
            ``predicted``, ``label``, ``latency_ms`` and the ``example`` sent.
        url: the service's base URL.
    """

    figsize = (7, 2.8)

    def __init__(self, model_path, features, labels, *, image_shape=(8, 8), seed: int = 0):
        import ipywidgets as w

        from dlhelpers.serve import create_app, run_in_background

        self.features = check_array(features, "features", ndim=2, dtype=np.float32)
        self.labels = check_array(labels, "labels", ndim=1, dtype=None).astype(int)
        check_same_length(features=self.features, labels=self.labels)
        if int(np.prod(image_shape)) != self.features.shape[1]:
            fail("image_shape", f"a shape with {self.features.shape[1]} cells", image_shape)
        self.image_shape = tuple(image_shape)
        self.seed = check_scalar(seed, "seed", int, low=0)
        self._server = run_in_background(create_app(model_path))
        self.url = self._server.url
        controls = {
            "example": w.IntSlider(
                value=0,
                min=0,
                max=len(self.features) - 1,
                description="example",
                continuous_update=False,
            ),
            "noise": w.FloatSlider(
                value=0.0, min=0.0, max=1.0, step=0.1, description="noise", continuous_update=False
            ),
        }
        super().__init__(controls, title="Ask the running service")

    def compute(self, example, noise) -> dict:
        rng = np.random.default_rng(self.seed + example)
        sent = self.features[example] + noise * rng.normal(size=self.features.shape[1])
        body = json.dumps({"instances": [sent.astype(float).tolist()]}).encode()
        request = urllib.request.Request(
            self.url + "/predict", data=body, headers={"Content-Type": "application/json"}
        )
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, answer = response.status, json.loads(response.read())
        except urllib.error.HTTPError as err:  # a 4xx answer still has a JSON body
            raise ValueError(f"the service answered {err.code}: {err.read().decode()}") from None
        except urllib.error.URLError as err:
            raise ValueError(
                f"the service at {self.url} is not reachable ({err.reason}); "
                "create a new ServiceExplorer"
            ) from None
        probabilities = np.asarray(answer["predictions"][0], dtype=float)
        return {
            "status": status,
            "probabilities": probabilities,
            "predicted": int(probabilities.argmax()),
            "label": int(self.labels[example]),
            "latency_ms": 1000 * (time.perf_counter() - start),
            "example": sent,
        }

    def draw(self, fig, result) -> None:
        ax_image, ax_bars = fig.subplots(1, 2, width_ratios=[1, 2])
        ax_image.imshow(result["example"].reshape(self.image_shape), cmap="gray_r")
        ax_image.set(xticks=[], yticks=[], title=f"sent (label {result['label']})")
        probabilities = result["probabilities"]
        colors = ["tab:gray"] * len(probabilities)
        colors[result["predicted"]] = "tab:blue"
        ax_bars.bar(np.arange(len(probabilities)), probabilities, color=colors)
        ax_bars.set(
            ylim=(0, 1),
            xticks=np.arange(len(probabilities)),
            xlabel="class",
            ylabel="probability",
            title=f"HTTP {result['status']} in {result['latency_ms']:.0f} ms: "
            f"class {result['predicted']}",
        )

    def close(self) -> None:
        """Stop the explorer's service and free its port."""
        self._server.shutdown()
