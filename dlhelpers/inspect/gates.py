"""Gate activations of LSTM and GRU layers (Chapter 6)."""

__all__: list[str] = []
