"""SGD, momentum and Adam in NumPy, matching keras.optimizers (Chapter 2)."""

__all__: list[str] = []
