"""Plots for the gates chapter(s)."""

__all__: list[str] = []
