"""dlhelpers.serve over real HTTP on localhost: valid requests, every kind of bad one, load."""

import json
import random
import socket
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import requests

from dlhelpers.serve import PayloadError, create_app, parse_instances, run_in_background

MAX_BYTES = 20_000
MAX_INSTANCES = 64


def _save_model(path, input_shape, n_out=3, seed=0):
    import keras

    keras.utils.set_random_seed(seed)
    layers = [keras.Input(input_shape)]
    if len(input_shape) == 3:
        layers += [keras.layers.Conv2D(2, 3, activation="relu"), keras.layers.Flatten()]
    elif len(input_shape) > 1:
        layers.append(keras.layers.Flatten())
    layers += [
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(n_out, activation="softmax"),
    ]
    model = keras.Sequential(layers, name="tiny")
    model.save(path)
    return model


@pytest.fixture(scope="module")
def served(tmp_path_factory, tf):
    path = tmp_path_factory.mktemp("model") / "tiny.keras"
    model = _save_model(path, (4,))
    app = create_app(path, max_content_length=MAX_BYTES, max_instances=MAX_INSTANCES)
    handle = run_in_background(app)
    yield model, handle.url, handle
    handle.shutdown()


def _post(url, body, **kw):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return requests.post(
        url + "/predict", data=data, headers={"Content-Type": "application/json"}, timeout=30, **kw
    )


def _assert_error(response, status, match):
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == status
    assert match in body["error"], body["error"]


# --------------------------------------------------------------------------- valid requests
def test_binds_to_localhost_by_default(served):
    _, url, handle = served
    assert handle.host == "127.0.0.1" and url.startswith("http://127.0.0.1:")
    assert handle.server.socket.getsockname()[0] == "127.0.0.1"


def test_health(served):
    _, url, _ = served
    response = requests.get(url + "/health", timeout=30)
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "model": "tiny",
        "input_shape": [4],
        "output_shape": [3],
    }


@pytest.mark.parametrize("n", [1, 5, MAX_INSTANCES])
def test_predict_matches_model_predict(served, n):
    model, url, _ = served
    x = np.random.default_rng(n).normal(size=(n, 4))
    response = _post(url, {"instances": x.tolist()})
    assert response.status_code == 200, response.text
    body = response.json()
    expected = model.predict(x.astype(np.float32), verbose=0)
    np.testing.assert_allclose(body["predictions"], expected, rtol=1e-5, atol=1e-6)
    assert body["classes"] == expected.argmax(axis=1).tolist()


def test_integers_are_accepted_as_numbers(served):
    model, url, _ = served
    response = _post(url, {"instances": [[1, 2, 3, 4]]})
    assert response.status_code == 200
    expected = model.predict(np.array([[1, 2, 3, 4]], np.float32), verbose=0)
    np.testing.assert_allclose(response.json()["predictions"], expected, rtol=1e-5, atol=1e-6)


def test_image_shaped_input(tmp_path, tf):
    model = _save_model(tmp_path / "conv.keras", (5, 5, 1), n_out=2, seed=3)
    x = np.random.default_rng(1).random((3, 5, 5, 1))
    with run_in_background(create_app(tmp_path / "conv.keras")) as handle:
        ok = _post(handle.url, {"instances": x.tolist()})
        bad = _post(handle.url, {"instances": x[..., 0].tolist()})
    np.testing.assert_allclose(
        ok.json()["predictions"],
        model.predict(x.astype(np.float32), verbose=0),
        rtol=1e-5,
        atol=1e-6,
    )
    _assert_error(bad, 422, "expected shape [n, 5, 5, 1]")


# --------------------------------------------------------------------------- bad requests
@pytest.mark.parametrize(
    "body, status, match",
    [
        ('{"instances": [[1, 2, 3, 4]', 400, "expected valid JSON"),
        (b"\xff\xfe not utf-8", 400, "expected valid JSON"),
        ("", 400, "expected valid JSON"),
        ("[" * 9_000 + "]" * 9_000, 400, "expected valid JSON"),
        ('{"instances": [[NaN, 1, 2, 3]]}', 422, "expected finite numbers, received NaN"),
        ('{"instances": [[-Infinity, 1, 2, 3]]}', 422, "received -Infinity"),
        ('{"instances": [[1, 2, 3, 1' + "0" * 400 + "]]}", 422, "within float32 range"),
        ("[1, 2]", 400, "received a JSON array"),
        ([[1, 2, 3, 4]], 400, 'expected a JSON object with an "instances" list'),
        ({"inputs": [[1, 2, 3, 4]]}, 400, "received a JSON object with keys ['inputs']"),
        ({"instances": []}, 422, "expected a non-empty list"),
        ({"instances": "1,2,3,4"}, 422, "received a string"),
        ({"instances": [[1, 2, 3]]}, 422, "expected shape [n, 4]"),
        ({"instances": [1, 2, 3, 4]}, 422, "received shape [4]"),
        ({"instances": [[[1, 2, 3, 4]]]}, 422, "received shape [1, 1, 4]"),
        ({"instances": [[1, 2, 3, 4], [1, 2]]}, 422, "ragged lists"),
        (
            {"instances": [[1, "2", 3, 4]]},
            422,
            'instances[0][1]: expected a number, received a string ("2")',
        ),
        (
            {"instances": [[1, 2, 3, True]]},
            422,
            "instances[0][3]: expected a number, received a boolean",
        ),
        ({"instances": [[1, 2], [3, None]]}, 422, "expected shape"),
        ({"instances": [[1, 2, 3, None]]}, 422, "received null"),
        ({"instances": [[1, 2, 3, 1e39]]}, 422, "within float32 range"),
        (
            {"instances": [[0, 0, 0, 0]] * (MAX_INSTANCES + 1)},
            422,
            f"expected at most {MAX_INSTANCES} examples, received {MAX_INSTANCES + 1}",
        ),
    ],
)
def test_bad_payloads_get_clear_4xx(served, body, status, match):
    _, url, _ = served
    _assert_error(_post(url, body), status, match)


def test_payload_over_size_limit_gets_413(served):
    _, url, _ = served
    body = json.dumps({"instances": [[0.123456789] * 4] * 1000})
    assert len(body) > MAX_BYTES
    _assert_error(_post(url, body), 413, f"expected at most {MAX_BYTES} bytes")


def test_unknown_route_gets_404(served):
    _, url, _ = served
    _assert_error(
        requests.get(url + "/nope", timeout=30),
        404,
        "route: expected one of GET /health, POST /predict, received /nope (not found)",
    )


@pytest.mark.parametrize(
    "method, route", [("GET", "/predict"), ("POST", "/health"), ("PUT", "/predict")]
)
def test_wrong_method_gets_405(served, method, route):
    _, url, _ = served
    want = {"/predict": "POST", "/health": "GET"}[route]
    _assert_error(
        requests.request(method, url + route, timeout=30),
        405,
        f"method: expected {want} for {route}, received {method} (not allowed)",
    )


# --------------------------------------------------------------------------- loading
def test_safe_mode_refuses_code_in_model_file(tmp_path, tf):
    import keras

    model = keras.Sequential([keras.Input((2,)), keras.layers.Lambda(lambda t: t * 2.0)])
    path = tmp_path / "lambda.keras"
    model.save(path)
    with pytest.raises(ValueError, match="(?i)safe_mode"):
        create_app(path)
    app = create_app(path, safe_mode=False)  # only for files you wrote yourself
    assert app.config["MODEL"].name == model.name


def test_create_app_rejects_bad_arguments(tmp_path, tf):
    with pytest.raises(ValueError, match="model_path: expected an existing .keras file"):
        create_app(tmp_path / "missing.keras")
    with pytest.raises(ValueError, match=r"model_path: expected a native \.keras file"):
        create_app(tmp_path / "legacy.h5")
    path = tmp_path / "m.keras"
    _save_model(path, (4,))
    with pytest.raises(ValueError, match="max_content_length: expected an integer >= 1"):
        create_app(path, max_content_length=0)
    with pytest.raises(TypeError, match="max_instances: expected an integer"):
        create_app(path, max_instances=2.5)
    with pytest.raises(TypeError, match="safe_mode: expected True or False, received 'no'"):
        create_app(path, safe_mode="no")


H5_REFUSED = (
    r"model_path: expected a native \.keras file \(\.h5 is legacy, and Keras before 3\.11\.3 "
    r"skips safe mode for \.h5 files\), received "
)


def test_h5_is_refused_whatever_the_safe_mode(tmp_path, tf):
    import keras

    model = keras.Sequential([keras.Input((2,)), keras.layers.Lambda(lambda t: t * 2.0)])
    path = tmp_path / "lambda.h5"
    model.save(path)
    with pytest.raises(ValueError, match=H5_REFUSED):
        create_app(path)
    with pytest.raises(ValueError, match=H5_REFUSED):
        create_app(path, safe_mode=False)


def test_the_locked_keras_applies_safe_mode_to_h5_too(tmp_path, tf):
    """The docstring's claim about the Keras in the lock: .h5 honours safe mode there."""
    import keras

    model = keras.Sequential([keras.Input((2,)), keras.layers.Lambda(lambda t: t * 2.0)])
    path = tmp_path / "lambda.h5"
    model.save(path)
    with pytest.raises(ValueError, match="(?i)safe_mode"):
        keras.models.load_model(path, safe_mode=True)
    reloaded = keras.models.load_model(path, safe_mode=False)
    np.testing.assert_array_equal(reloaded(np.ones((1, 2), "float32")), [[2.0, 2.0]])


def test_model_with_two_outputs_is_refused(tmp_path, tf):
    import keras

    inputs = keras.Input((3,))
    model = keras.Model(inputs, [keras.layers.Dense(2)(inputs), keras.layers.Dense(1)(inputs)])
    path = tmp_path / "two.keras"
    model.save(path)
    with pytest.raises(ValueError, match="model_path: expected a model with exactly one output"):
        create_app(path)


def test_chunked_body_without_content_length(served):
    model, url, _ = served
    x = np.arange(8, dtype=np.float64).reshape(2, 4) / 8
    chunks = iter([b'{"instances": ', json.dumps(x.tolist()).encode(), b"}"])
    response = requests.post(
        url + "/predict", data=chunks, headers={"Content-Type": "application/json"}, timeout=30
    )
    assert response.request.headers.get("Transfer-Encoding") == "chunked"
    assert response.status_code == 200, response.text
    expected = model.predict(x.astype(np.float32), verbose=0)
    np.testing.assert_allclose(response.json()["predictions"], expected, rtol=1e-5, atol=1e-6)


def test_chunked_body_over_limit_gets_413(served):
    _, url, _ = served
    chunks = (b"[" + b"0," * 50_000 + b"0]" for _ in range(3))
    response = requests.post(
        url + "/predict", data=chunks, headers={"Content-Type": "application/json"}, timeout=30
    )
    _assert_error(response, 413, f"expected at most {MAX_BYTES} bytes")


def test_several_megabyte_body_gets_413_not_a_reset(served):
    _, url, _ = served
    body = b'{"instances": [' + b"[0.5, 0.5, 0.5, 0.5], " * 250_000 + b"[0, 0, 0, 0]]}"
    assert len(body) > 5_000_000
    _assert_error(_post(url, body), 413, f"expected at most {MAX_BYTES} bytes")


def test_cli_passes_max_instances(monkeypatch):
    import dlhelpers.serve as serve_module

    seen = {}
    monkeypatch.setattr(serve_module, "serve", lambda path, **kw: seen.update(kw, path=path))
    serve_module._main(["m.keras", "--port", "0", "--max-instances", "7"])
    assert seen["max_instances"] == 7 and seen["port"] == 0 and seen["path"] == "m.keras"


def test_shutdown_releases_the_port(tmp_path, tf):
    path = tmp_path / "m.keras"
    _save_model(path, (4,))
    handle = run_in_background(create_app(path))
    assert requests.get(handle.url + "/health", timeout=30).status_code == 200
    handle.shutdown()
    handle.shutdown()  # twice is harmless
    with pytest.raises(requests.ConnectionError):
        requests.get(handle.url + "/health", timeout=5)
    with socket.socket() as sock:  # the port is free again
        sock.bind(("127.0.0.1", handle.port))


# --------------------------------------------------------------------------- parse_instances
@pytest.mark.parametrize("shape", [(4,), (2, 3), (5, 5, 1), (1,)])
@pytest.mark.parametrize("n", [1, 3])
def test_parse_instances_general_shapes(shape, n):
    x = np.random.default_rng(n).normal(size=(n, *shape))
    out = parse_instances({"instances": x.tolist()}, shape)
    assert out.dtype == np.float32 and out.shape == (n, *shape)
    np.testing.assert_allclose(out, x.astype(np.float32))
    with pytest.raises(PayloadError, match="expected shape") as info:
        parse_instances({"instances": x.tolist()}, (*shape, 1))
    assert info.value.status == 422


# --------------------------------------------------------------------------- load
def _load_request(i):
    """Request ``i`` of the load test: every fifth one malformed in one of three ways."""
    rng = np.random.default_rng(i)
    if i % 5 == 4:
        kind = ("json", "shape", "dtype")[(i // 5) % 3]
        body = {
            "json": '{"instances": [[1, 2',
            "shape": {"instances": [[1.0, 2.0]]},
            "dtype": {"instances": [["a", 1, 2, 3]]},
        }[kind]
        return kind, None, body
    x = rng.normal(size=(int(rng.integers(1, 5)), 4))
    return "valid", x, {"instances": x.tolist()}


def test_concurrent_load_has_no_5xx_and_correct_answers(served):
    model, url, _ = served
    sessions = threading.local()  # one keep-alive connection per client thread

    def call(i):
        if not hasattr(sessions, "session"):
            sessions.session = requests.Session()
        kind, x, body = _load_request(i)
        data = body if isinstance(body, str) else json.dumps(body)
        response = sessions.session.post(
            url + "/predict", data=data, timeout=60, headers={"Content-Type": "application/json"}
        )
        return kind, x, response.status_code, response.json()

    order = list(range(1000))
    random.Random(0).shuffle(order)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(call, order))
    assert max(status for _, _, status, _ in results) < 500
    expected_status = {"valid": 200, "json": 400, "shape": 422, "dtype": 422}
    assert [r[0] for r in results].count("valid") == 800
    for kind, _, status, body in results:
        assert status == expected_status[kind], (kind, body)
    valid = [(x, body) for kind, x, _, body in results if kind == "valid"]
    expected = model.predict(np.concatenate([x for x, _ in valid]).astype(np.float32), verbose=0)
    received = np.concatenate([np.asarray(body["predictions"]) for _, body in valid])
    np.testing.assert_allclose(received, expected, rtol=1e-5, atol=1e-6)
