"""The plan's framework and Chile's territories, loaded from schemas/vocab/."""

from __future__ import annotations

from ..datafiles import DataFileError as VocabError
from .loader import default_schemas_dir, load_framework
from .lookups import (
    clear_cache,
    comuna,
    dimension,
    find_comuna_by_name,
    framework,
    is_valid_comuna,
    is_valid_region,
    normalise_comuna_code,
    normalise_region_code,
    region_of_comuna,
    subdimension_dimension,
)
from .model import (
    Assignment,
    CodeChange,
    Comuna,
    Dimension,
    Framework,
    Initiative,
    InitiativeStatus,
    LocalizedText,
    National,
    Province,
    Region,
    Subdimension,
)

__all__ = [
    "Assignment",
    "CodeChange",
    "Comuna",
    "Dimension",
    "Framework",
    "Initiative",
    "InitiativeStatus",
    "LocalizedText",
    "National",
    "Province",
    "Region",
    "Subdimension",
    "VocabError",
    "clear_cache",
    "comuna",
    "default_schemas_dir",
    "dimension",
    "find_comuna_by_name",
    "framework",
    "is_valid_comuna",
    "is_valid_region",
    "load_framework",
    "normalise_comuna_code",
    "normalise_region_code",
    "region_of_comuna",
    "subdimension_dimension",
]
