"""Interface mixins too large for plugin.py."""
from __future__ import annotations

from .facets import TerritorioFacets
from .policy import TerritorioPolicy
from .quality import TerritorioQuality
from .search_index import TerritorioSearchIndex
from .visibility import TerritorioVisibility

__all__ = ["TerritorioFacets", "TerritorioPolicy", "TerritorioQuality", "TerritorioSearchIndex", "TerritorioVisibility"]
