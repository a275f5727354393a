"""Feature maps and filters of convolutional Keras models (Chapter 4)."""

__all__: list[str] = []
