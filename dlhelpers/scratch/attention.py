"""Dot-product attention in NumPy, matching Keras (Chapter 7)."""

__all__: list[str] = []
