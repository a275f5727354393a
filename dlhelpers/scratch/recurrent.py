"""SimpleRNN, LSTM and GRU steps in NumPy, matching Keras (Chapters 5-6)."""

__all__: list[str] = []
