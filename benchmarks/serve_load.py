"""Throughput and latency of dlhelpers.serve over real HTTP on localhost (a measurement, not a test).

    python benchmarks/serve_load.py                      # default: 1,000 requests per row
    python benchmarks/serve_load.py --requests 2000 --threads 1 8

A digits-sized model (64 inputs, 32 hidden, 10 outputs, untrained: serving cost does not depend
on the weights' values) is saved to a temporary folder and served twice, one server after the
other: by Flask's development server (werkzeug, threaded, ``run_in_background``) and by gunicorn
with ``--gunicorn-workers`` worker processes (``dlhelpers.scaleout.start_gunicorn``). Each row of the table sends ``--requests`` POST /predict requests from
N client threads (one keep-alive session each) with ``instances`` rows per request, and reports
requests per second, p50 and p99 latency, and how many answers were not 200. Client and
server share the machine's cores, so the figures are a lower bound for a dedicated server.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from machine import describe


def _model_file(folder: Path) -> Path:
    import dlhelpers

    dlhelpers.set_seed(0)
    import keras

    model = keras.Sequential(
        [
            keras.Input((64,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ],
        name="digits_mlp",
    )
    path = folder / "digits.keras"
    model.save(path)
    return path


def measure(url: str, *, requests_total: int, threads: int, instances: int) -> dict:
    """Send the requests and return rps, latency percentiles (ms) and error count."""
    import requests

    body = json.dumps({"instances": np.random.default_rng(0).random((instances, 64)).tolist()})
    local = threading.local()

    def one(_):
        if not hasattr(local, "session"):
            local.session = requests.Session()
        start = time.perf_counter()
        response = local.session.post(
            url + "/predict", data=body, timeout=60, headers={"Content-Type": "application/json"}
        )
        return time.perf_counter() - start, response.status_code

    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(one, range(min(20, requests_total))))  # warm-up, not counted
        start = time.perf_counter()
        results = list(pool.map(one, range(requests_total)))
        elapsed = time.perf_counter() - start
    latencies = np.array([r[0] for r in results]) * 1000
    p50, p99 = np.percentile(latencies, [50, 99])
    return {
        "server": "",
        "threads": threads,
        "instances": instances,
        "requests": requests_total,
        "rps": requests_total / elapsed,
        "p50_ms": p50,
        "p99_ms": p99,
        "errors": sum(status != 200 for _, status in results),
    }


def table(rows: list[dict]) -> str:
    lines = [
        "| server | client threads | rows per request | requests | requests/s | p50 (ms) "
        "| p99 (ms) | non-200 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['server']} | {r['threads']} | {r['instances']} | {r['requests']} | {r['rps']:.0f} | "
            f"{r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['errors']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--instances", type=int, nargs="+", default=[1, 32])
    parser.add_argument("--gunicorn-workers", type=int, default=2)
    args = parser.parse_args()
    from dlhelpers.scaleout import Processes, start_gunicorn
    from dlhelpers.serve import create_app, run_in_background

    def rows_for(name, url):
        rows = [
            measure(url, requests_total=args.requests, threads=t, instances=n)
            for n in args.instances
            for t in args.threads
        ]
        return [{**r, "server": name} for r in rows]

    with tempfile.TemporaryDirectory(prefix="serve-load-") as folder:
        model_path = _model_file(Path(folder))
        with run_in_background(create_app(model_path)) as server:
            rows = rows_for("Flask development server", server.url)
        with Processes(Path(folder) / "logs") as procs:
            url = start_gunicorn(procs, model_path, workers=args.gunicorn_workers)
            rows += rows_for(f"gunicorn, {args.gunicorn_workers} workers", url)
    print(f"\n{describe()}; server and clients on the same machine\n")
    print(table(rows))


if __name__ == "__main__":
    main()
