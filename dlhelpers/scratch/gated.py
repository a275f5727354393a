"""Gated recurrent cells (LSTM, GRU) in NumPy, matching Keras (Chapter 6)."""

__all__: list[str] = []
