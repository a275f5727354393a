"""Explorers for the attention chapter(s)."""

__all__: list[str] = []
