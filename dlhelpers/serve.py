"""Serve a saved Keras model as a small JSON REST API with Flask.

Endpoints of the app that :func:`create_app` builds:

- ``GET /health``: ``{"status": "ok", "model": ..., "input_shape": [...], "output_shape": [...]}``.
- ``POST /predict`` with a JSON body ``{"instances": [[...], ...]}`` (one entry per
  example, each shaped like the model's input): ``{"predictions": [[...], ...]}``
  (plus ``"classes"``, the arg-max, when the model outputs one score per class).

Every error is a JSON body ``{"error": "<what was wrong>", "status": <code>}`` with a
4xx code: 400 malformed JSON or missing ``instances``, 413 body over the size
limit, 422 wrong shape, dtype or non-finite values (``NaN``, ``Infinity``, numbers
beyond float32 range), 404 unknown route, 405 wrong method.

Run it with ``python -m dlhelpers.serve model.keras --port 8000`` or, in a notebook,
:func:`run_in_background`; it binds to ``127.0.0.1`` unless told otherwise. In production
put the app behind a WSGI server such as gunicorn or waitress.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass

import numpy as np

from dlhelpers._tf import import_tensorflow
from dlhelpers._validation import check_scalar, fail

__all__ = [
    "PayloadError",
    "parse_instances",
    "create_app",
    "ServerHandle",
    "run_in_background",
    "serve",
]

DEFAULT_MAX_CONTENT_LENGTH = 1_000_000  # bytes
DEFAULT_MAX_INSTANCES = 1024


class PayloadError(ValueError):
    """A request body that cannot be served; ``status`` is the HTTP code to answer with."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.status = status


def _reject_constant(name: str):
    raise PayloadError(f"body: expected finite numbers, received {name}.", 422)


_JSON_NAMES = {
    "dict": "object",
    "list": "array",
    "str": "string",
    "int": "number",
    "float": "number",
    "bool": "boolean",
    "NoneType": "null",
}


def parse_instances(payload, input_shape, *, max_instances: int = DEFAULT_MAX_INSTANCES):
    """Check a decoded JSON payload and turn it into a float32 batch.

    Args:
        payload: the decoded JSON body; must be an object with an ``"instances"`` list.
        input_shape: the shape of one example (without the batch axis), e.g. ``(64,)``.
        max_instances: the most examples one request may hold.

    Returns:
        ``(N, *input_shape)`` float32 array.

    Raises:
        PayloadError: status 400 when ``payload`` is not an object with ``instances``;
            422 for an empty or too long list, a wrong shape, or values that are not
            finite numbers (strings, booleans, null and values beyond float32 range
            included).
    """
    input_shape = tuple(int(d) for d in input_shape)
    if not isinstance(payload, dict) or "instances" not in payload:
        kind = _JSON_NAMES.get(type(payload).__name__, type(payload).__name__)
        raise PayloadError(
            f'body: expected a JSON object with an "instances" list, received a JSON {kind}'
            + (f" with keys {sorted(payload)}" if isinstance(payload, dict) else "")
            + ".",
            400,
        )
    instances = payload["instances"]
    if not isinstance(instances, list) or not instances:
        raise PayloadError(
            f"instances: expected a non-empty list of examples, received {_json_kind(instances)}."
        )
    if len(instances) > max_instances:
        raise PayloadError(
            f"instances: expected at most {max_instances} examples, received {len(instances)}."
        )
    want = (len(instances), *input_shape)
    try:
        arr = np.array(instances, dtype=object)
    except ValueError:  # some ragged nestings NumPy refuses even as objects
        arr = None
    if arr is None or arr.shape != want:
        raise PayloadError(
            f"instances: expected shape [n, {', '.join(map(str, input_shape))}] "
            f"(each example shaped {list(input_shape)}), received "
            f"{_nested_shape(instances)}."
        )
    for index, value in np.ndenumerate(arr):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            where = "".join(f"[{i}]" for i in index)
            raise PayloadError(
                f"instances{where}: expected a number, received {_json_kind(value)}."
            )
    too_big = "instances: expected finite numbers within float32 range, received "
    try:
        with np.errstate(over="ignore"):
            out = arr.astype(np.float64).astype(np.float32)
    except OverflowError:  # a JSON integer too large even for float64
        raise PayloadError(too_big + "an integer too large for float64.") from None
    if not np.all(np.isfinite(out)):
        raise PayloadError(too_big + f"{int(np.size(out) - np.isfinite(out).sum())} that are not.")
    return out


def _json_kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"a boolean ({json.dumps(value)})"
    if isinstance(value, str):
        text = value if len(value) <= 20 else value[:17] + "..."
        return f"a string ({json.dumps(text)})"
    if isinstance(value, list):
        return f"a list of length {len(value)}"
    if isinstance(value, dict):
        return "an object"
    return f"a number ({value!r})"


def _nested_shape(value, depth: int = 0) -> str:
    """Describe the shape of nested lists, or say where they are ragged."""
    shape, level = [], [value]
    while all(isinstance(v, list) for v in level) and depth < 8:
        lengths = {len(v) for v in level}
        if len(lengths) > 1:
            return f"ragged lists (lengths {sorted(lengths)} at depth {len(shape)})"
        shape.append(lengths.pop())
        level = [item for v in level for item in v]
        depth += 1
        if not level:
            break
    return "shape [" + ", ".join(map(str, shape)) + "]"


def create_app(
    model_path,
    *,
    max_content_length: int = DEFAULT_MAX_CONTENT_LENGTH,
    max_instances: int = DEFAULT_MAX_INSTANCES,
    safe_mode: bool = True,
):
    """A Flask app serving the Keras model saved at ``model_path``.

    The model is loaded once with ``keras.models.load_model(..., safe_mode=safe_mode,
    compile=False)``; safe mode refuses the known code-carrying parts of a model file (a
    ``Lambda`` layer's bytecode). Only native ``.keras`` files are served: Keras releases
    before 3.11.3 skipped safe mode for legacy ``.h5`` files (CVE-2025-9905), which is why this
    package requires ``keras>=3.11.3``. Load only files you trust and keep Keras updated.

    Args:
        model_path: a ``.keras`` file with one input of fixed shape and one output.
        max_content_length: the largest request body in bytes (413 beyond).
        max_instances: the most examples one request may hold (422 beyond).
        safe_mode: ``True`` or ``False``; keep ``True`` unless you wrote the file yourself.

    Returns:
        The ``flask.Flask`` app; ``app.config["MODEL"]`` holds the loaded model.
    """
    import os

    path = os.fspath(model_path)
    if not path.endswith(".keras"):
        fail(
            "model_path",
            "a native .keras file (.h5 is legacy, and Keras before 3.11.3 skips safe mode "
            "for .h5 files)",
            path,
        )
    if not os.path.isfile(path):
        fail("model_path", "an existing .keras file", path)
    if not isinstance(safe_mode, bool):
        raise TypeError(f"safe_mode: expected True or False, received {safe_mode!r}.")
    max_content_length = check_scalar(max_content_length, "max_content_length", int, low=1)
    max_instances = check_scalar(max_instances, "max_instances", int, low=1)
    import_tensorflow()
    import keras
    from flask import Flask, jsonify, request
    from werkzeug.exceptions import HTTPException

    model = keras.models.load_model(path, safe_mode=safe_mode, compile=False)
    if len(model.inputs) != 1:
        fail("model_path", "a model with exactly one input", f"{len(model.inputs)} inputs")
    if len(model.outputs) != 1:
        fail("model_path", "a model with exactly one output", f"{len(model.outputs)} outputs")
    input_shape = tuple(model.inputs[0].shape[1:])
    if any(d is None for d in input_shape):
        fail("model_path", "a model whose input has a fixed size", input_shape)
    output_shape = [None if d is None else int(d) for d in model.outputs[0].shape[1:]]
    lock = threading.Lock()  # one prediction at a time: Keras models are not thread-safe

    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=max_content_length, MODEL=model)
    app.json.sort_keys = False  # keep the fields in the order written

    def error(message: str, status: int):
        return jsonify(error=message, status=status), status

    routes = {"/health": "GET", "/predict": "POST"}

    @app.errorhandler(HTTPException)
    def http_error(err):
        if err.code == 404:
            known = ", ".join(f"{m} {r}" for r, m in routes.items())
            return error(
                f"route: expected one of {known}, received {request.path} (not found).", 404
            )
        if err.code == 405:
            want = routes.get(request.path, "another method")
            return error(
                f"method: expected {want} for {request.path}, received {request.method} "
                "(not allowed).",
                405,
            )
        return error(err.description, err.code)

    @app.errorhandler(413)
    def too_large(err):
        size = request.content_length
        received = f"{size} bytes" if size is not None else "more"
        return error(
            f"body: expected at most {max_content_length} bytes, received {received}.", 413
        )

    @app.get("/health")
    def health():
        return jsonify(
            status="ok", model=model.name, input_shape=list(input_shape), output_shape=output_shape
        )

    @app.post("/predict")
    def predict():
        raw = _read_body(request, max_content_length)  # raises 413 past the limit
        try:
            payload = json.loads(raw, parse_constant=_reject_constant)
            batch = parse_instances(payload, input_shape, max_instances=max_instances)
        except PayloadError as err:
            return error(str(err), err.status)
        except (ValueError, RecursionError) as err:  # JSONDecodeError, bad UTF-8, deep nesting
            reason = str(err).splitlines()[0] if str(err) else type(err).__name__
            return error(
                f"body: expected valid JSON, received text that does not parse ({reason}).", 400
            )
        with lock:
            scores = np.asarray(model(batch, training=False), dtype=np.float64)
        body = {"predictions": scores.tolist()}
        if scores.ndim == 2 and scores.shape[1] > 1:
            body["classes"] = scores.argmax(axis=1).tolist()
        return jsonify(body)

    return app


def _read_body(request, limit: int) -> bytes:
    """The request body, with 413 past ``limit`` bytes, chunked bodies included.

    Werkzeug checks ``Content-Length`` against ``MAX_CONTENT_LENGTH``, but a chunked
    body (no ``Content-Length``) would be cut at the limit without an error.
    """
    from werkzeug.exceptions import RequestEntityTooLarge

    if request.content_length is not None:
        return request.get_data(cache=False)
    stream = request.environ["wsgi.input"]
    parts, size = [], 0
    while size <= limit:
        part = stream.read(limit + 1 - size)
        if not part:
            break
        parts.append(part)
        size += len(part)
    if size > limit:
        raise RequestEntityTooLarge()
    return b"".join(parts)


@dataclass
class ServerHandle:
    """A server running in a background thread; ``shutdown()`` stops it cleanly."""

    server: object
    thread: threading.Thread

    @property
    def host(self) -> str:
        return self.server.host

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def shutdown(self) -> None:
        """Stop serving, wait for the thread, release the port. Safe to call twice."""
        if self.thread.is_alive():
            self.server.shutdown()
            self.thread.join()
        self.server.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.shutdown()


def _quiet_handler():
    from werkzeug.serving import WSGIRequestHandler

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args, **kwargs):  # no access-log line per request
            pass

    return QuietHandler


def run_in_background(
    app, *, host: str = "127.0.0.1", port: int = 0, quiet: bool = True
) -> ServerHandle:
    """Serve ``app`` from a daemon thread with werkzeug's threaded server.

    Args:
        app: a WSGI app (e.g. from :func:`create_app`).
        host: the address to bind; ``127.0.0.1`` keeps it on this machine.
        port: the port; ``0`` lets the system pick a free one (see ``handle.port``).
        quiet: skip werkzeug's access-log line for each request.

    Returns:
        A :class:`ServerHandle` with ``url`` and ``shutdown()`` (also a context manager).
    """
    from werkzeug.serving import make_server

    port = check_scalar(port, "port", int, low=0, high=65535)
    handler = _quiet_handler() if quiet else None
    server = make_server(host, port, app, threaded=True, request_handler=handler)
    thread = threading.Thread(target=server.serve_forever, name=f"serve:{server.port}", daemon=True)
    thread.start()
    return ServerHandle(server, thread)


def serve(model_path, *, host: str = "127.0.0.1", port: int = 8000, **app_kwargs) -> None:
    """Serve a saved model in the foreground until Ctrl+C (see :func:`create_app`)."""
    from werkzeug.serving import make_server

    port = check_scalar(port, "port", int, low=0, high=65535)
    server = make_server(host, port, create_app(model_path, **app_kwargs), threaded=True)
    print(f"Serving {model_path} on http://{host}:{server.port} (Ctrl+C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def _main(argv=None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Serve a saved Keras model as a REST API.")
    parser.add_argument("model_path")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--max-content-length", type=int, default=DEFAULT_MAX_CONTENT_LENGTH)
    parser.add_argument("--max-instances", type=int, default=DEFAULT_MAX_INSTANCES)
    args = parser.parse_args(argv)
    serve(
        args.model_path,
        host=args.host,
        port=args.port,
        max_content_length=args.max_content_length,
        max_instances=args.max_instances,
    )


if __name__ == "__main__":
    _main()
