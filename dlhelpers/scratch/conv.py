"""2-D convolution and pooling in NumPy, matching Keras (Chapter 3)."""

__all__: list[str] = []
