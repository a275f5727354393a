"""Quiet TensorFlow import and whole-stack seeding."""

from __future__ import annotations

import os
import random
import sys

import numpy as np

from dlhelpers._validation import check_scalar


def _silence_fd2_while(importer):
    """Run ``importer()`` with the process's file descriptor 2 sent to /dev/null.

    TensorFlow's shared libraries write start-up lines ("All log messages
    before absl::InitializeLog()", "oneDNN custom operations are on") straight
    to file descriptor 2 before any Python logging setting can act, so
    ``TF_CPP_MIN_LOG_LEVEL`` alone does not hide them in a notebook.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        return importer()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def import_tensorflow():
    """Import TensorFlow and Keras without start-up log noise; return ``tensorflow``.

    Safe to call many times. Call it (or :func:`set_seed`) before any other
    ``import tensorflow`` / ``import keras`` in a notebook.
    """
    if "tensorflow" in sys.modules and "keras" in sys.modules:
        return sys.modules["tensorflow"]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

    def _import():
        import keras  # noqa: F401  (Keras 3 registers its backend on import)
        import tensorflow as tf

        return tf

    tf = _silence_fd2_while(_import)
    tf.get_logger().setLevel("ERROR")
    try:
        import absl.logging

        absl.logging.set_verbosity(absl.logging.ERROR)
    except ImportError:  # absl ships with TensorFlow; guard anyway
        pass
    return tf


def set_seed(seed: int = 0, *, deterministic: bool = True) -> None:
    """Seed Python, NumPy, TensorFlow and Keras; optionally make TF ops deterministic.

    Args:
        seed: a non-negative integer.
        deterministic: turn on ``tf.config.experimental.enable_op_determinism``
            so reruns on one machine give identical numbers.

    Example:
        >>> import dlhelpers
        >>> dlhelpers.set_seed(42)
    """
    seed = check_scalar(seed, "seed", int, low=0, high=2**32 - 1)
    tf = import_tensorflow()
    import keras

    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002  (legacy global RNG that learners call)
    keras.utils.set_random_seed(seed)
    if deterministic:
        tf.config.experimental.enable_op_determinism()
