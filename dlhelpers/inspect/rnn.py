"""Hidden states, gate activations and per-step gradients of recurrent Keras models (Chapters 5-6)."""

__all__: list[str] = []
