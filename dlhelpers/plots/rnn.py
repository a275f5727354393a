"""Plots for the rnn chapter(s)."""

__all__: list[str] = []
