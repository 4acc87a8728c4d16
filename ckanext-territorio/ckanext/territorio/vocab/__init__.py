"""The plan's framework and Chile's territories, loaded from schemas/vocab/."""

from __future__ import annotations

from ..datafiles import DataFileError as VocabError
from .loader import default_schemas_dir, load_framework
from .lookups import (
    canonical_subdimension,
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
    CRITERIA,
    Assignment,
    CodeChange,
    Comuna,
    Dimension,
    Framework,
    Initiative,
    InitiativeStatus,
    LocalizedText,
    National,
    Provenance,
    Province,
    Region,
    Subdimension,
    SubdimensionAlias,
)
from .plan_loader import clear_plan_cache, load_plan, plan
from .plan_model import Plan

__all__ = [
    "CRITERIA",
    "Assignment",
    "CodeChange",
    "Comuna",
    "Dimension",
    "Framework",
    "Initiative",
    "InitiativeStatus",
    "LocalizedText",
    "National",
    "Plan",
    "Provenance",
    "Province",
    "Region",
    "Subdimension",
    "SubdimensionAlias",
    "VocabError",
    "canonical_subdimension",
    "clear_cache",
    "clear_plan_cache",
    "comuna",
    "default_schemas_dir",
    "dimension",
    "find_comuna_by_name",
    "framework",
    "is_valid_comuna",
    "is_valid_region",
    "load_framework",
    "load_plan",
    "normalise_comuna_code",
    "normalise_region_code",
    "plan",
    "region_of_comuna",
    "subdimension_dimension",
]
