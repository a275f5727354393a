"""Reference solutions of the exercises, one module per chapter (``solutions.ch01``...).

Chapter modules load on first access, so ``from dlhelpers.exercises import solutions``
followed by ``solutions.ch03.conv_output_size`` works.
"""

import importlib


def __getattr__(name: str):
    if name.startswith("ch") and name[2:].isdigit():
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
