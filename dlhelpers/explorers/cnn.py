"""Explorers for the cnn chapter(s)."""

__all__: list[str] = []
