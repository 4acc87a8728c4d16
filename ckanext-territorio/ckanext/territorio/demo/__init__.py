"""Demo organizations, datasets and initiatives for a freshly installed portal (make up)."""
from __future__ import annotations

from .catalog import (
    DEFAULT_CATALOG,
    DemoCatalog,
    DemoCatalogError,
    DemoInitiative,
    load_catalog,
)
from .loader import Change, Outcome, score_catalogue, territorio_demo_load

__all__ = [
    "DEFAULT_CATALOG",
    "Change",
    "DemoCatalog",
    "DemoCatalogError",
    "DemoInitiative",
    "Outcome",
    "load_catalog",
    "score_catalogue",
    "territorio_demo_load",
]
