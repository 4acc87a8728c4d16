"""Interface mixins too large for plugin.py."""
from __future__ import annotations

from .facets import TerritorioFacets
from .harvest_secrets import TerritorioHarvestSecrets
from .policy import TerritorioPolicy
from .quality import TerritorioQuality
from .resource_views import TerritorioDefaultViews
from .search_index import TerritorioSearchIndex
from .visibility import TerritorioVisibility

__all__ = [
    "TerritorioDefaultViews",
    "TerritorioFacets",
    "TerritorioHarvestSecrets",
    "TerritorioPolicy", "TerritorioQuality", "TerritorioSearchIndex", "TerritorioVisibility"]
