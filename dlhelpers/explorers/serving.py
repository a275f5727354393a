"""The Chapter 9 explorer: build a request, send it to a served model, read both JSON texts."""

from __future__ import annotations

import json
import textwrap
import urllib.error
import urllib.request

import numpy as np

from dlhelpers._validation import check_array
from dlhelpers.explorers._base import Explorer

__all__ = ["ServiceExplorer", "REQUESTS"]

#: The kinds of request the explorer can build: one valid, four a client gets wrong.
REQUESTS = ("valid", "not JSON", 'no "instances"', "wrong length", "a string")


class ServiceExplorer(Explorer):
    """Send a request built from the controls to ``/predict``; show what went and came back.

    The explorer starts its own service for ``model_path`` (:mod:`dlhelpers.serve`) on
    127.0.0.1, a free port, and keeps it while it lives; :meth:`close` stops it. The
    controls choose which examples go in the request and whether it is valid or one of
    the common mistakes (:data:`REQUESTS`); the figure shows the JSON sent, and the
    probabilities or the error message the service answered.

    Args:
        model_path: a ``.keras`` model that :func:`dlhelpers.serve.create_app` can load.
        features: ``(n, n_features)`` examples, in the model's input layout.
        features_name: what the examples are called in the code shown (``code_text``).

    Attributes:
        result: dict with ``sent`` (the body, as text), ``status`` and ``received``
            (the decoded JSON answer).
        code_text: the ``requests.post`` call that sends the same request.
        url: the service's base URL.
    """

    figsize = (7, 2.8)

    def __init__(self, model_path, features, *, features_name: str = "x_test"):
        import ipywidgets as w

        from dlhelpers.serve import create_app, run_in_background

        self.features = check_array(features, "features", ndim=2, dtype=np.float32)
        self.features_name = features_name
        self._server = run_in_background(create_app(model_path))
        self.url = self._server.url
        n = len(self.features)
        controls = {
            "example": w.IntSlider(value=0, min=0, max=n - 1, description="first example"),
            "count": w.IntSlider(value=1, min=1, max=min(3, n), description="examples"),
            "request": w.Dropdown(options=list(REQUESTS), value="valid", description="request"),
        }
        for control in controls.values():
            control.continuous_update = False
        super().__init__(controls, title="Ask the running service")

    def body(self, example, count, request) -> str:
        """The request body as ``requests.post(url, json=payload)`` would send it."""
        rows = self.features[example : example + count].tolist()
        if request == "wrong length":
            rows = [row[:-1] for row in rows]
        elif request == "a string":
            rows[0][0] = str(rows[0][0])
        payload = {"inputs" if request == 'no "instances"' else "instances": rows}
        text = json.dumps(payload)
        return text[:40] if request == "not JSON" else text

    def compute(self, example, count, request) -> dict:
        sent = self.body(example, count, request)
        post = urllib.request.Request(
            self.url + "/predict", data=sent.encode(), headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(post, timeout=30) as response:
                status, received = response.status, json.loads(response.read())
        except urllib.error.HTTPError as err:  # a 4xx answer has a JSON body too
            status, received = err.code, json.loads(err.read())
        except urllib.error.URLError as err:
            raise ValueError(
                f"the service at {self.url} is not reachable ({err.reason}); "
                "create a new ServiceExplorer"
            ) from None
        return {"sent": sent, "status": status, "received": received}

    def code(self, example, count, request) -> str:
        rows = f"{self.features_name}[{example}:{example + count}].tolist()"
        if request == "wrong length":
            rows = f"[row[:-1] for row in {rows}]"
        lines = ["import json" if request == "not JSON" else None, "import requests", ""]
        lines.append(f"rows = {rows}")
        if request == "a string":
            lines.append("rows[0][0] = str(rows[0][0])")
        key = "inputs" if request == 'no "instances"' else "instances"
        lines.append(f'payload = {{"{key}": rows}}')
        url = f'"{self.url}/predict"'
        if request == "not JSON":
            lines += [
                "body = json.dumps(payload)[:40]  # cut short: not JSON any more",
                f"response = requests.post({url}, data=body, timeout=30,",
                '                         headers={"Content-Type": "application/json"})',
            ]
        else:
            lines.append(f"response = requests.post({url}, json=payload, timeout=30)")
        lines.append("print(response.status_code, response.json())")
        return "\n".join(line for line in lines if line is not None)

    def draw(self, fig, result) -> None:
        ax_sent, ax_back = fig.subplots(1, 2)
        sent = result["sent"] if len(result["sent"]) < 240 else result["sent"][:240] + " ..."
        _text(ax_sent, f"sent: POST /predict, {len(result['sent'])} bytes", sent)
        received = result["received"]
        if result["status"] == 200:
            probabilities = np.asarray(received["predictions"][0])
            ax_back.bar(np.arange(len(probabilities)), probabilities, color="tab:blue")
            ax_back.set(
                ylim=(0, 1),
                xticks=np.arange(len(probabilities)),
                xlabel="class",
                ylabel="probability",
                title=f"received: HTTP 200, classes {received.get('classes')}",
            )
        else:
            _text(ax_back, f"received: HTTP {result['status']}", json.dumps(received))

    def close(self) -> None:
        """Stop the explorer's service and free its port."""
        self._server.shutdown()


def _text(ax, title: str, text: str) -> None:
    ax.text(0, 1, textwrap.fill(text, 44), va="top", family="monospace", fontsize=7)
    ax.set(title=title, xticks=[], yticks=[])
    ax.title.set_fontsize("small")
