"""Chapter 10's explorer: how data-parallel workers share each global batch."""

from __future__ import annotations

import numpy as np

from dlhelpers.explorers._base import Explorer
from dlhelpers.plots.scaleout import plot_shards
from dlhelpers.scaleout import worker_rows

__all__ = ["ShardingExplorer"]


class ShardingExplorer(Explorer):
    """Workers and global batch in; which rows each worker trains on, step by step, out.

    ``result`` is a dict: ``owner`` (steps, global_batch) worker index per row, and
    ``per_worker`` (rows each worker trains on per step). A global batch that the workers
    cannot share equally is rejected with the reason.
    """

    figsize = (7, 3.2)

    def __init__(self, *, workers: int = 2, global_batch: int = 12, steps: int = 4):
        import ipywidgets as widgets

        controls = {
            "workers": widgets.IntSlider(value=workers, min=1, max=4, description="workers"),
            "global_batch": widgets.Dropdown(
                options=[8, 12, 16, 24, 30], value=global_batch, description="global batch"
            ),
            "steps": widgets.IntSlider(value=steps, min=1, max=8, description="steps"),
        }
        super().__init__(controls, title="Sharding a global batch over workers")

    def compute(self, workers, global_batch, steps) -> dict:
        owner = np.zeros((steps, global_batch), dtype=int)
        for step in range(steps):
            for worker in range(workers):
                owner[
                    step, worker_rows(step, global_batch, workers, worker) - step * global_batch
                ] = worker
        return {"owner": owner, "per_worker": global_batch // workers}

    def draw(self, fig, result) -> None:
        plot_shards(result["owner"], ax=fig.add_subplot())
