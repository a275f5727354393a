"""Reference solutions of the chapter 10 exercises (peek only after trying)."""

import numpy as np

__all__ = ["make_tf_config", "my_rows", "global_average_loss"]


def make_tf_config(ports, index):
    workers = [f"127.0.0.1:{port}" for port in ports]
    return {"cluster": {"worker": workers}, "task": {"type": "worker", "index": index}}


def my_rows(step, global_batch, workers, worker):
    share = global_batch // workers
    start = step * global_batch + worker * share
    return np.arange(start, start + share)


def global_average_loss(per_example_losses, global_batch):
    return float(np.sum(per_example_losses)) / global_batch
