"""Explorers for the backprop chapter(s)."""

__all__: list[str] = []
