"""Field checks of the territorial schemas and the data-use policy, named in schemas/*.yaml."""
from __future__ import annotations

from .policy import territorio_access_rights, territorio_policy_dataset
from .territorial import (
    territorio_comuna,
    territorio_dimension,
    territorio_dimension_slug,
    territorio_region,
    territorio_region_code,
    territorio_subdimension,
)
from .values import (
    territorio_choice,
    territorio_dataset_links,
    territorio_email,
    territorio_frequency,
    territorio_geojson,
    territorio_iso_date,
    territorio_not_before,
    territorio_resource_url,
    territorio_web_url,
)

__all__ = [
    "territorio_access_rights",
    "territorio_choice",
    "territorio_comuna",
    "territorio_dataset_links",
    "territorio_dimension",
    "territorio_dimension_slug",
    "territorio_email",
    "territorio_frequency",
    "territorio_geojson",
    "territorio_iso_date",
    "territorio_not_before",
    "territorio_policy_dataset",
    "territorio_region",
    "territorio_region_code",
    "territorio_resource_url",
    "territorio_subdimension",
    "territorio_web_url",
]
