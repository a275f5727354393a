"""Chapter 10 exercises: a worker's TF_CONFIG, a worker's share of a batch, the global loss.

Each ``check_*`` takes your function and returns a :class:`~dlhelpers.exercises.Feedback`.
"""

from __future__ import annotations

import numpy as np

from dlhelpers.exercises._core import Case, check_cases
from dlhelpers.scaleout import tf_config, worker_rows

__all__ = ["check_make_tf_config", "check_my_rows", "check_global_average_loss"]


# --------------------------------------------------------------------------- 1. TF_CONFIG
_CONFIG_CASES = [
    Case(f"{len(ports)} workers, index {i}", (list(ports), i), tf_config(ports, i))
    for ports, i in [([2222, 2223], 0), ([2222, 2223], 1), ([5000, 5001, 5002], 2), ([9000], 0)]
]


def _config_hint(case, received):
    if not isinstance(received, dict):
        return "Return a dict (json.dumps turns it into the TF_CONFIG string)."
    if set(received) != {"cluster", "task"}:
        return 'TF_CONFIG has two keys: "cluster" (every worker) and "task" (this one).'
    if received.get("task", {}).get("index") != case.args[1]:
        return "The task index is this worker's position in the cluster's worker list."
    return "Every worker lists the same cluster: 127.0.0.1:<port> for each port, in order."


def check_make_tf_config(func):
    """``func(ports, index)`` -> the TF_CONFIG dict of worker ``index`` on 127.0.0.1."""
    return check_cases(func, _CONFIG_CASES, hints=_config_hint, what="make_tf_config")


# --------------------------------------------------------------------------- 2. rows
_ROW_CASES = [
    Case(f"step {s}, batch {b}, {w} workers, worker {k}", (s, b, w, k), worker_rows(s, b, w, k))
    for s, b, w, k in [(0, 64, 2, 0), (0, 64, 2, 1), (3, 64, 2, 1), (2, 12, 3, 2), (5, 8, 1, 0)]
]


def _rows_hint(case, received):
    step, batch, workers, worker = case.args
    got = np.asarray(received)
    if got.shape != (batch // workers,):
        return f"Each worker trains on global_batch / workers = {batch // workers} rows a step."
    if got[0] == worker * (batch // workers):
        return "Step s starts at row s * global_batch: add the step's offset."
    return "Worker k takes the k-th consecutive share of the global batch."


def check_my_rows(func):
    """``func(step, global_batch, workers, worker)`` -> the rows that worker trains on."""
    return check_cases(func, _ROW_CASES, hints=_rows_hint, what="my_rows")


# --------------------------------------------------------------------------- 3. loss
_rng = np.random.default_rng(10)
_LOSS_CASES = []
for n, g in [(32, 64), (16, 64), (64, 64), (5, 20)]:
    losses = np.round(_rng.uniform(0, 3, n), 3)
    _LOSS_CASES.append(Case(f"{n} local losses, global batch {g}", (losses, g), losses.sum() / g))


def _loss_hint(case, received):
    losses, _ = case.args
    if np.isclose(received, losses.mean()):
        return (
            "That is the mean over this replica's rows. The optimizer adds the replicas' "
            "gradients, so each replica divides by the global batch size."
        )
    return "Sum the per-example losses and divide by the global batch size."


def check_global_average_loss(func):
    """``func(per_example_losses, global_batch)`` -> this replica's share of the mean loss."""
    return check_cases(func, _LOSS_CASES, hints=_loss_hint, what="global_average_loss")
