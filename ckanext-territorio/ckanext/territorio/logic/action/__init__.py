"""The territorio API actions, one module per concern."""
from __future__ import annotations

from .citizen import (
    territorio_request_close,
    territorio_request_comment,
    territorio_request_create,
    territorio_request_list,
    territorio_request_show,
    territorio_request_update,
    territorio_request_vote,
)
from .citizen_reports import (
    territorio_citizen_inbox,
    territorio_report_close,
    territorio_report_create,
    territorio_report_list,
)
from .core_visibility import member_list, tag_autocomplete, tag_list
from .framework import territorio_framework_show
from .harvest_secrets import harvest_source_list, package_create, package_update
from .plan import territorio_plan_show
from .policy import (
    territorio_validation_accept,
    territorio_validation_run,
    territorio_validation_show,
)
from .purge import dataset_purge
from .quality import (
    territorio_auditor_update,
    territorio_quality_show,
    territorio_quality_summary,
    territorio_quality_trend,
)
from .timeseries import territorio_latest, territorio_readings

__all__ = [
    "member_list",
    "tag_autocomplete",
    "tag_list",
    "dataset_purge",
    "harvest_source_list",
    "package_create",
    "package_update",
    "territorio_auditor_update",
    "territorio_citizen_inbox",
    "territorio_report_close",
    "territorio_report_create",
    "territorio_report_list",
    "territorio_request_close",
    "territorio_request_comment",
    "territorio_request_create",
    "territorio_request_list",
    "territorio_request_show",
    "territorio_request_update",
    "territorio_request_vote",
    "territorio_framework_show",
    "territorio_latest",
    "territorio_plan_show",
    "territorio_quality_show",
    "territorio_quality_summary",
    "territorio_quality_trend",
    "territorio_readings",
    "territorio_validation_accept",
    "territorio_validation_run",
    "territorio_validation_show",
]
