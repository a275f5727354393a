"""The Chapter 9 explorer talks to a real service over HTTP on 127.0.0.1."""

import json

import numpy as np
import pytest

from dlhelpers.explorers import ServiceExplorer
from dlhelpers.explorers.serving import REQUESTS


@pytest.fixture(scope="module")
def served_model(tmp_path_factory, tf):
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((16,)), keras.layers.Dense(3, activation="softmax")])
    path = tmp_path_factory.mktemp("served") / "tiny.keras"
    model.save(path)
    features = np.random.default_rng(0).normal(size=(5, 16)).astype("float32")
    return path, model, features


@pytest.fixture()
def explorer(served_model):
    path, _, features = served_model
    explorer = ServiceExplorer(path, features, features_name="features")
    yield explorer
    explorer.close()


def test_a_valid_request_gets_the_models_answer(explorer, served_model):
    _, model, features = served_model
    assert explorer.url.startswith("http://127.0.0.1:")
    assert explorer.result["status"] == 200
    assert json.loads(explorer.result["sent"]) == {"instances": features[:1].tolist()}
    explorer.controls["example"].value = 2
    explorer.controls["count"].value = 3
    assert explorer.updates == 3
    expected = model.predict(features[2:5], verbose=0)
    received = explorer.result["received"]
    np.testing.assert_allclose(received["predictions"], expected, rtol=1e-5, atol=1e-6)
    assert received["classes"] == expected.argmax(1).tolist()
    bars = [patch.get_height() for patch in explorer.fig.axes[1].patches]
    np.testing.assert_allclose(bars, received["predictions"][0])


@pytest.mark.parametrize(
    "request_kind, status, match",
    [
        ("not JSON", 400, "expected valid JSON"),
        ('no "instances"', 400, "with keys ['inputs']"),
        ("wrong length", 422, "expected shape [n, 16]"),
        ("a string", 422, "instances[0][0]: expected a number, received a string"),
    ],
)
def test_malformed_requests_show_the_services_error(explorer, request_kind, status, match):
    explorer.controls["request"].value = request_kind
    assert explorer.error is None and explorer.result["status"] == status
    assert match in explorer.result["received"]["error"]
    shown = explorer.fig.axes[1].texts[0].get_text().replace("\n", "")
    assert match.replace(" ", "") in shown.replace(" ", "")


@pytest.mark.parametrize("request_kind", REQUESTS)
def test_code_sends_the_same_request(explorer, served_model, request_kind):
    _, _, features = served_model
    explorer.controls["example"].value = 1
    explorer.controls["request"].value = request_kind
    namespace = {"features": features}
    exec(explorer.code_text, namespace)
    response = namespace["response"]
    body = response.request.body
    assert (body if isinstance(body, str) else body.decode()) == explorer.result["sent"]
    assert response.status_code == explorer.result["status"]
    assert response.json() == explorer.result["received"]


def test_a_stopped_service_is_reported_not_raised(explorer):
    explorer.close()
    explorer.controls["example"].value = 1
    assert "not reachable" in explorer.error and explorer.fig is None


def test_bad_arguments_are_named(served_model):
    path, _, features = served_model
    with pytest.raises(ValueError, match="features: expected a 2-D array"):
        ServiceExplorer(path, features[0])
