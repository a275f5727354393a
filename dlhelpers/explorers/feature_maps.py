"""Explorers for the feature_maps chapter(s)."""

__all__: list[str] = []
