"""Past one process, on localhost: data-parallel workers, a shared search, a WSGI server.

Chapter 10 runs each of these for real on 127.0.0.1:

- :func:`train_data_parallel` is the training step ``model.fit`` would run, written out with
  ``strategy.run`` and ``strategy.reduce``; ``python -m dlhelpers.scaleout train`` runs it in a
  worker of a ``MultiWorkerMirroredStrategy`` cluster described by ``TF_CONFIG``.
- ``python -m dlhelpers.scaleout tune`` runs one process of a keras-tuner search shared by a
  chief (the oracle) and workers (``KERASTUNER_TUNER_ID``/``_ORACLE_IP``/``_ORACLE_PORT``).
- :func:`start_gunicorn` serves ``dlhelpers.serve.create_app`` under gunicorn's worker
  processes; :func:`load_test` measures a server with a bounded number of requests.

Every process is started through :class:`Processes`, which waits for them with a timeout and
kills whatever is left, so a failed cell leaves no orphan behind. TensorFlow is imported inside
the functions only.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from dlhelpers._validation import check_scalar

__all__ = [
    "free_ports",
    "tf_config",
    "Processes",
    "regression_data",
    "build_regressor",
    "train_data_parallel",
    "worker_rows",
    "start_workers",
    "run_search",
    "start_search",
    "trial_summary",
    "start_gunicorn",
    "load_test",
]

#: Environment for child processes: quiet TensorFlow, no GPU, one thread pool per process.
CHILD_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": "", "PYTHONUNBUFFERED": "1"}


def free_ports(n: int) -> list[int]:
    """``n`` distinct TCP ports that are free on 127.0.0.1 right now."""
    n = check_scalar(n, "n", int, low=1)
    sockets = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def tf_config(ports, index: int) -> dict:
    """The ``TF_CONFIG`` of worker ``index`` in a cluster of workers on 127.0.0.1:``ports``.

    >>> tf_config([2222, 2223], 1)
    {'cluster': {'worker': ['127.0.0.1:2222', '127.0.0.1:2223']}, 'task': {'type': 'worker', 'index': 1}}
    """
    ports = [check_scalar(p, "ports", int, low=1, high=65535) for p in ports]
    index = check_scalar(index, "index", int, low=0, high=len(ports) - 1)
    return {
        "cluster": {"worker": [f"127.0.0.1:{p}" for p in ports]},
        "task": {"type": "worker", "index": index},
    }


class Processes:
    """Child processes started together, waited for with a timeout, never left behind.

    Use as a context manager: on leaving the block, every process still running is
    terminated (then killed), with its whole process group.

    Attributes:
        procs: the ``subprocess.Popen`` objects, in start order.
        logs: the file each process's stdout and stderr go to.
    """

    def __init__(self, log_dir):
        self.log_dir = Path(log_dir)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.procs: list[subprocess.Popen] = []
        self.logs: list[Path] = []

    def start(self, args: list[str], *, env: dict | None = None, name: str = "proc"):
        """Start ``args`` with ``env`` added to this process's environment; return the Popen."""
        log = self.log_dir / f"{name}.log"
        full_env = {**os.environ, **CHILD_ENV, **(env or {})}
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                args, env=full_env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.procs.append(proc)
        self.logs.append(log)
        return proc

    def wait(self, timeout_s: float = 120.0, procs=None, *, desc: str | None = None) -> None:
        """Wait for ``procs`` (default: all) to exit 0; raise ``RuntimeError`` with their logs.

        ``desc`` shows a progress bar (``tqdm.auto``) that counts the processes that finished.
        """
        procs = self.procs if procs is None else procs
        deadline = time.monotonic() + timeout_s
        bar = None
        if desc:
            from tqdm.auto import tqdm

            bar = tqdm(total=len(procs), desc=desc, unit="process")
        for proc in procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.stop()
                raise RuntimeError(
                    f"processes still running after {timeout_s} s\n{self.tails()}"
                ) from None
            if bar is not None:
                bar.update()
        if bar is not None:
            bar.close()
        failed = [p for p in procs if p.returncode != 0]
        if failed:
            self.stop()
            raise RuntimeError(
                f"{len(failed)} process(es) failed (exit {[p.returncode for p in failed]})\n"
                + self.tails()
            )

    def alive(self) -> list[int]:
        """Process ids that are still running."""
        return [p.pid for p in self.procs if p.poll() is None]

    def stop(self) -> None:
        """Terminate every running process group, then kill what did not stop within 5 s."""
        for sig, grace in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
            running = [p for p in self.procs if p.poll() is None]
            for p in running:
                try:
                    os.killpg(p.pid, sig)
                except ProcessLookupError:
                    pass
            for p in running:
                try:
                    p.wait(timeout=grace)
                except subprocess.TimeoutExpired:
                    pass

    def tails(self, n: int = 1500) -> str:
        """The last ``n`` characters of each log."""
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')[-n:]}"
            for log in self.logs
            if log.exists()
        )

    def __enter__(self) -> Processes:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


# ----------------------------------------------------------------- data-parallel training


def regression_data(n: int = 512, features: int = 8, *, seed: int = 0):
    """A noisy linear-plus-sine regression set: ``x (n, features)``, ``y (n, 1)``, float32.

    Generated, not downloaded; every worker builds the same arrays from the same seed.
    """
    rng = np.random.default_rng(check_scalar(seed, "seed", int, low=0))
    x = rng.normal(
        size=(check_scalar(n, "n", int, low=1), check_scalar(features, "features", int, low=1))
    )
    w = rng.normal(size=(features, 1))
    y = x @ w + np.sin(x[:, :1] * 2) + 0.1 * rng.normal(size=(n, 1))
    return x.astype("float32"), y.astype("float32")


def build_regressor(features: int, *, seed: int = 0):
    """``Input(features) -> Dense(16, relu) -> Dense(1)``, with weights drawn from ``seed``."""
    import keras

    keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [
            keras.Input((features,)),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(1),
        ],
        name="regressor",
    )


def train_data_parallel(strategy, x, y, *, epochs=3, global_batch=64, learning_rate=0.01, seed=0):
    """Train :func:`build_regressor` on ``(x, y)`` with ``strategy``: what ``fit`` does, by hand.

    Each step, every replica computes the loss of its share of the global batch, summed and
    divided by the *global* batch size; the optimizer then sums the replicas' gradients (an
    all-reduce across workers), so every replica applies the same update. Under the default
    strategy (one process) this is plain mini-batch SGD over the same global batches.

    Args:
        strategy: a ``tf.distribute`` strategy (``tf.distribute.get_strategy()`` for one process).
        x, y: ``(n, features)`` and ``(n, 1)`` float32 arrays.
        epochs, global_batch, learning_rate, seed: the run's settings.

    Returns:
        ``(weights, seen, losses)``: the final weights (a list of arrays), the row indices
        this process's replicas were given, step by step, and the mean loss per epoch.
    """
    import keras
    import tensorflow as tf

    with strategy.scope():
        model = build_regressor(x.shape[1], seed=seed)
        optimizer = keras.optimizers.SGD(learning_rate)
    rows = np.arange(len(x), dtype="int64")
    dataset = tf.data.Dataset.from_tensor_slices((x, y, rows)).batch(global_batch)
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    batches = strategy.experimental_distribute_dataset(dataset.with_options(options))

    def replica_step(xb, yb, idx):
        with tf.GradientTape() as tape:
            per_example = tf.reduce_sum(tf.square(model(xb, training=True) - yb), axis=1)
            loss = tf.nn.compute_average_loss(per_example, global_batch_size=global_batch)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
        return loss, idx

    @tf.function
    def step(xb, yb, idx):
        loss, idx = strategy.run(replica_step, args=(xb, yb, idx))
        return strategy.reduce(tf.distribute.ReduceOp.SUM, loss, axis=None), idx

    seen, losses = [], []
    for _ in range(epochs):
        total, count = 0.0, 0
        for xb, yb, idx in batches:
            loss, idx = step(xb, yb, idx)
            total, count = total + float(loss), count + 1
            local = strategy.experimental_local_results(idx)
            seen.append(np.concatenate([np.asarray(t) for t in local]).tolist())
        losses.append(total / count)
    return [np.asarray(w) for w in model.get_weights()], seen, losses


def worker_rows(step: int, global_batch: int, workers: int, worker: int) -> np.ndarray:
    """The rows worker ``worker`` trains on at ``step``, when rows are read in order.

    This is what ``AutoShardPolicy.DATA`` on a dataset batched by the global batch gives
    (Chapter 10 checks it against the rows real workers reported): global batch ``step``
    holds rows ``step * global_batch ...``, cut into ``workers`` consecutive, equal shares.

    >>> worker_rows(1, 8, 2, 1)
    array([12, 13, 14, 15])
    """
    step = check_scalar(step, "step", int, low=0)
    workers = check_scalar(workers, "workers", int, low=1)
    global_batch = check_scalar(global_batch, "global_batch", int, low=workers)
    worker = check_scalar(worker, "worker", int, low=0, high=workers - 1)
    if global_batch % workers:
        raise ValueError(
            f"global_batch: expected a multiple of workers ({workers}), received {global_batch}."
        )
    share = global_batch // workers
    start = step * global_batch + worker * share
    return np.arange(start, start + share)


def _train_worker(args) -> None:
    """One worker of the cluster in ``TF_CONFIG``: train, then save weights and rows seen."""
    import tensorflow as tf

    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    x, y = regression_data(args.rows, args.features, seed=args.seed)
    weights, seen, losses = train_data_parallel(
        strategy, x, y, epochs=args.epochs, global_batch=args.global_batch, seed=args.seed
    )
    index = json.loads(os.environ["TF_CONFIG"])["task"]["index"]
    out = Path(args.out)
    np.savez(out / f"worker{index}.npz", *weights)
    (out / f"worker{index}.json").write_text(json.dumps({"seen": seen, "losses": losses}))


def start_workers(out_dir, *, workers=2, rows=512, features=8, epochs=3, global_batch=64, seed=0):
    """Start ``workers`` training processes on localhost; return their :class:`Processes`.

    Each gets its own ``TF_CONFIG`` (the same cluster, its own index) and writes
    ``worker{i}.npz`` (weights) and ``worker{i}.json`` (rows seen, losses) into ``out_dir``.
    Call ``.wait()`` on the result inside a ``with`` block.
    """
    workers = check_scalar(workers, "workers", int, low=1)
    global_batch = check_scalar(global_batch, "global_batch", int, low=workers)
    out = Path(out_dir)
    ports = free_ports(workers)
    procs = Processes(out)
    for i in range(workers):
        procs.start(
            [sys.executable, "-m", "dlhelpers.scaleout", "train", "--out", str(out)]
            + _flags(
                rows=rows, features=features, epochs=epochs, global_batch=global_batch, seed=seed
            ),
            env={"TF_CONFIG": json.dumps(tf_config(ports, i))},
            name=f"worker{i}",
        )
    return procs


def _flags(**values) -> list[str]:
    return [item for k, v in values.items() for item in (f"--{k.replace('_', '-')}", str(v))]


# ----------------------------------------------------------------------- distributed search


def _search_space(hp):
    """The keras-tuner hypermodel of Chapter 10's search: a small regressor, two knobs."""
    import keras

    learning_rate = hp.Float("learning_rate", 1e-3, 1e-1, sampling="log")
    units = hp.Choice("units", [4, 16, 64])
    keras.utils.set_random_seed(0)  # same hyperparameters, same initial weights, any process
    model = keras.Sequential(
        [
            keras.Input((8,)),
            keras.layers.Dense(units, activation="relu"),
            keras.layers.Dense(1),
        ]
    )
    model.compile(keras.optimizers.Adam(learning_rate), "mse")
    return model


def _tuner(directory, trials: int, seed: int):
    import keras_tuner

    class CountingOracle(keras_tuner.oracles.RandomSearchOracle):
        """Random search that also remembers which tuners it has told to stop."""

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.told_to_stop = set()

        def create_trial(self, tuner_id):
            trial = super().create_trial(tuner_id)
            if trial.status == "STOPPED":
                self.told_to_stop.add(tuner_id)
            return trial

    class LoggedSearch(keras_tuner.Tuner):
        """Records which trials this process trained (the oracle does not say)."""

        def run_trial(self, trial, *args, **kwargs):
            log = Path(directory) / f"ran_by_{os.environ.get('KERASTUNER_TUNER_ID', 'solo')}.txt"
            with open(log, "a") as f:
                f.write(trial.trial_id + "\n")
            return super().run_trial(trial, *args, **kwargs)

    # keras_tuner.RandomSearch is exactly this Tuner with a RandomSearchOracle.
    oracle = CountingOracle(objective="val_loss", max_trials=trials, seed=seed)
    return LoggedSearch(
        oracle,
        _search_space,
        directory=str(directory),
        project_name="search",
        overwrite=False,
    )


def run_search(directory, *, trials: int = 4, seed: int = 1, epochs: int = 5):
    """Run the whole search in this process (or, under ``KERASTUNER_*``, one role of it).

    ``seed`` must be at least 1: keras-tuner's oracle reads a seed of 0 as "no seed" and
    draws a random one (``self.seed = seed or random.randint(1, 10000)`` in
    ``keras_tuner/src/engine/oracle.py``).

    Returns:
        The tuner; on the chief (and in one process) ``tuner.oracle`` holds every trial.
    """
    seed = check_scalar(seed, "seed", int, low=1)
    tuner = _tuner(directory, trials, seed)
    x, y, val = _search_data()
    tuner.search(x, y, validation_data=val, epochs=epochs, verbose=0)
    return tuner


def _search_data():
    x, y = regression_data(400, 8, seed=1)
    return x[:300], y[:300], (x[300:], y[300:])


def trial_summary(tuner) -> list[dict]:
    """One row per completed trial: id, hyperparameters, validation loss (the chief's view)."""
    rows = []
    for trial in tuner.oracle.trials.values():
        rows.append(
            {
                "trial_id": trial.trial_id,
                "values": dict(trial.hyperparameters.values),
                "score": None if trial.score is None else float(trial.score),
                "status": str(trial.status),
            }
        )
    return sorted(rows, key=lambda r: r["trial_id"])


def _tune_role(args) -> None:
    if os.environ.get("KERASTUNER_TUNER_ID") != "chief":
        run_search(args.out, trials=args.trials, seed=args.seed, epochs=args.epochs)
        return
    # On the chief, tuner.search() serves the oracle and returns only after polling for idle
    # workers every 20 s (time.sleep(20) in keras_tuner/src/distribute/oracle_chief.py). So it
    # serves from a daemon thread, and this thread ends the process once every worker has been
    # told to stop and no trial is running: nothing is left to serve.
    import threading

    tuner = _tuner(args.out, args.trials, check_scalar(args.seed, "seed", int, low=1))
    x, y, val = _search_data()
    fit = {"validation_data": val, "epochs": args.epochs, "verbose": 0}
    threading.Thread(target=tuner.search, args=(x, y), kwargs=fit, daemon=True).start()
    while len(tuner.oracle.told_to_stop) < args.workers or tuner.oracle.ongoing_trials:
        time.sleep(0.1)
    time.sleep(1.0)  # let the last "stop" answers reach the workers
    (Path(args.out) / "trials.json").write_text(json.dumps(trial_summary(tuner)))
    sys.stdout.flush()
    os._exit(0)  # the gRPC server and the search thread end with the process


def start_search(out_dir, *, workers=2, trials=4, seed=1, epochs=5):
    """Start one chief (the oracle) and ``workers`` tuner processes sharing one search.

    The chief writes ``trials.json`` (every trial with its score) when the search ends; each
    worker appends the ids of the trials it trained to ``ran_by_tuner{i}.txt``.
    """
    out = Path(out_dir)
    (port,) = free_ports(1)
    procs = Processes(out)
    flags = _flags(trials=trials, seed=seed, epochs=epochs, workers=workers)
    for role in ["chief"] + [f"tuner{i}" for i in range(workers)]:
        procs.start(
            [sys.executable, "-m", "dlhelpers.scaleout", "tune", "--out", str(out), *flags],
            env={
                "KERASTUNER_TUNER_ID": role,
                "KERASTUNER_ORACLE_IP": "127.0.0.1",
                "KERASTUNER_ORACLE_PORT": str(port),
            },
            name=role,
        )
    return procs


# ------------------------------------------------------------------------------ serving


def _wait_for_http(url: str, proc, timeout_s: float) -> None:
    import requests

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with code {proc.returncode}")
        try:
            requests.get(url, timeout=5)
            return
        except (requests.ConnectionError, requests.Timeout):  # not listening, or still booting
            time.sleep(0.2)
    raise RuntimeError(f"no answer from {url} after {timeout_s} s")


def start_gunicorn(
    procs: Processes, model_path, *, workers: int = 2, timeout_s: float = 60.0
) -> str:
    """Serve ``model_path`` with gunicorn's ``workers`` processes; return the base URL.

    The command (also runnable from a terminal)::

        gunicorn --workers 2 --bind 127.0.0.1:8000 'dlhelpers.serve:create_app("model.keras")'

    Each gunicorn worker imports the app factory and loads the model once.
    """
    workers = check_scalar(workers, "workers", int, low=1)
    (port,) = free_ports(1)
    app = f"dlhelpers.serve:create_app({str(model_path)!r})"
    proc = procs.start(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            app,
        ],
        name="gunicorn",
    )
    url = f"http://127.0.0.1:{port}"
    _wait_for_http(url + "/health", proc, timeout_s)
    return url


def load_test(url: str, instances, *, requests_total=200, threads=4, malformed_every=10, seed=0):
    """POST ``requests_total`` requests to ``url/predict`` from ``threads`` client threads.

    Every ``malformed_every``-th request is malformed (a row of the wrong length); the rest
    each carry one row of ``instances`` (chosen with ``seed``).

    Returns:
        A dict: ``rps``, ``p50_ms``, ``p99_ms``, ``statuses`` (count per HTTP status),
        ``answers`` (row index -> the returned predictions, valid requests only).
    """
    import threading
    from concurrent.futures import ThreadPoolExecutor

    import requests

    instances = np.asarray(instances, dtype="float64")
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(instances), size=requests_total)
    local = threading.local()

    def one(i):
        if not hasattr(local, "session"):
            local.session = requests.Session()
        row = int(picks[i])
        bad = malformed_every and i % malformed_every == malformed_every - 1
        payload = {"instances": [instances[row][:-1].tolist() if bad else instances[row].tolist()]}
        start = time.perf_counter()
        response = local.session.post(url + "/predict", json=payload, timeout=60)
        elapsed = time.perf_counter() - start
        answer = None if bad or response.status_code != 200 else response.json()["predictions"][0]
        return response.status_code, elapsed, row, answer

    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(one, range(requests_total)))
    wall = time.perf_counter() - start
    latencies = np.array([r[1] for r in results]) * 1000
    statuses: dict[int, int] = {}
    for code, *_ in results:
        statuses[code] = statuses.get(code, 0) + 1
    return {
        "rps": requests_total / wall,
        "p50_ms": float(np.percentile(latencies, 50)),
        "p99_ms": float(np.percentile(latencies, 99)),
        "statuses": dict(sorted(statuses.items())),
        "answers": {r[2]: r[3] for r in results if r[3] is not None},
    }


def _main(argv=None) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m dlhelpers.scaleout")
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="one worker of a MultiWorkerMirroredStrategy run")
    for flag, default in [("rows", 512), ("features", 8), ("epochs", 3), ("global-batch", 64)]:
        train.add_argument(f"--{flag}", type=int, default=default)
    tune = sub.add_parser("tune", help="one process (chief or worker) of a shared search")
    for flag, default in [("trials", 4), ("epochs", 5), ("workers", 2)]:
        tune.add_argument(f"--{flag}", type=int, default=default)
    for p in (train, tune):
        p.add_argument("--out", required=True)
        p.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    from dlhelpers import import_tensorflow

    import_tensorflow()
    (_train_worker if args.command == "train" else _tune_role)(args)


if __name__ == "__main__":
    _main()
