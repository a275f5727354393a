"""Layers, activations, losses, an MLP and gradient checking in NumPy (Chapter 2)."""

__all__: list[str] = []
