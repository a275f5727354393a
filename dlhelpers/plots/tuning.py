"""Plots for the tuning chapter(s)."""

__all__: list[str] = []
