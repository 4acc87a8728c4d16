"""Dataset and initiative counts by dimension and territory, for the portal's pages."""
from __future__ import annotations

from .matrix import Matrix, build_matrix
from .overview import (
    DimensionRow,
    Overview,
    RegionRow,
    build_overview,
    leading_regions,
    region_assignments,
)
from .search import DATASET, INITIATIVE, Found, find, find_all
from .tally import Counts, counts_by_key, tally_records

__all__ = [
    "DATASET",
    "INITIATIVE",
    "Counts",
    "DimensionRow",
    "Found",
    "Matrix",
    "Overview",
    "RegionRow",
    "build_matrix",
    "build_overview",
    "counts_by_key",
    "find",
    "find_all",
    "leading_regions",
    "region_assignments",
    "tally_records",
]
