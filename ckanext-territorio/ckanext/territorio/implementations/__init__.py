"""Interface mixins too large for plugin.py."""
from __future__ import annotations

from .facets import TerritorioFacets
from .policy import TerritorioPolicy
from .search_index import TerritorioSearchIndex

__all__ = ["TerritorioFacets", "TerritorioPolicy", "TerritorioSearchIndex"]
