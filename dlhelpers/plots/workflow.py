"""Plots for the workflow chapter(s)."""

__all__: list[str] = []
