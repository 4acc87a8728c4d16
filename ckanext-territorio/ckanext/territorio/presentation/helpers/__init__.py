"""Every template helper of the portal (``h.territorio_*``), one module per page family."""
from __future__ import annotations

from .about import territorio_about
from .datastore import territorio_datastore_example
from .errors import territorio_error_page
from .framework import (
    territorio_comuna_choices,
    territorio_dimension_choices,
    territorio_facet_label,
    territorio_framework,
    territorio_frequency_choices,
    territorio_initiative_status_choices,
    territorio_linked_datasets,
    territorio_region_choices,
    territorio_subdimension_choices,
)
from .pages import (
    territorio_assignment_label,
    territorio_overview,
    territorio_text,
)
from .plan import (
    territorio_criteria_marks,
    territorio_plan,
    territorio_priority_text,
    territorio_provenance_label,
    territorio_status_label,
)
from .policy import (
    territorio_is_auditor,
    territorio_validation_badge,
    territorio_validation_report,
)
from .quality import (
    territorio_quality_cell,
    territorio_quality_number,
    territorio_quality_percent,
    territorio_quality_points,
    territorio_quality_rating,
    territorio_quality_share,
)
from .sensors import territorio_stations_map
from .site import humanize_entity_type, territorio_site_description
from .stream import territorio_stream_summary

__all__ = [
    "humanize_entity_type",
    "territorio_about",
    "territorio_assignment_label",
    "territorio_comuna_choices",
    "territorio_criteria_marks",
    "territorio_dimension_choices",
    "territorio_datastore_example",
    "territorio_error_page",
    "territorio_facet_label",
    "territorio_framework",
    "territorio_frequency_choices",
    "territorio_initiative_status_choices",
    "territorio_is_auditor",
    "territorio_linked_datasets",
    "territorio_overview",
    "territorio_plan",
    "territorio_priority_text",
    "territorio_provenance_label",
    "territorio_quality_cell",
    "territorio_quality_number",
    "territorio_quality_percent",
    "territorio_quality_points",
    "territorio_quality_rating",
    "territorio_quality_share",
    "territorio_region_choices",
    "territorio_site_description",
    "territorio_stations_map",
    "territorio_stream_summary",
    "territorio_status_label",
    "territorio_subdimension_choices",
    "territorio_text",
    "territorio_validation_badge",
    "territorio_validation_report",
]
