"""Chapter 10's figure: which worker trains on which rows, step by step."""

from __future__ import annotations

import numpy as np

from dlhelpers._validation import check_array
from dlhelpers.plots._common import axes_or_new

__all__ = ["plot_shards"]


def plot_shards(owner, *, ax=None):
    """Draw ``owner`` (steps, global_batch): the worker index that trains on each row.

    Row ``j`` of step ``i`` is dataset row ``i * global_batch + j``; one colour per worker.
    """
    owner = check_array(owner, "owner", ndim=2, dtype=int)
    fig, ax = axes_or_new(ax, (7, 2.8))
    workers = int(owner.max()) + 1
    from matplotlib import colormaps
    from matplotlib.colors import ListedColormap

    cmap = ListedColormap(colormaps["tab10"].colors[:workers])
    image = ax.imshow(
        owner, cmap=cmap, vmin=-0.5, vmax=workers - 0.5, aspect="auto", interpolation="nearest"
    )
    ax.set_xlabel("position in the global batch")
    ax.set_ylabel("step")
    ax.set_yticks(np.arange(owner.shape[0]))
    ax.set_title(f"{workers} worker(s), global batch {owner.shape[1]}: who trains on each row")
    fig.colorbar(image, ax=ax, ticks=np.arange(workers), label="worker")
    return fig
