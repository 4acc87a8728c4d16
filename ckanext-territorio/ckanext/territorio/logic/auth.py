"""Who may call the territorio actions."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from .policy_auth import (
    territorio_validation_accept,
    territorio_validation_run,
    territorio_validation_show,
)
from .quality_auth import (
    territorio_auditor_manage,
    territorio_quality_dashboard,
    territorio_quality_show,
    territorio_quality_summary,
    territorio_quality_trend,
)
from .quality_pages_auth import territorio_quality_report_card

__all__ = [
    "territorio_auditor_manage",
    "territorio_framework_show",
    "territorio_quality_dashboard",
    "territorio_quality_report_card",
    "territorio_quality_show",
    "territorio_quality_summary",
    "territorio_quality_trend",
    "territorio_validation_accept",
    "territorio_validation_run",
    "territorio_validation_show",
]


@tk.auth_allow_anonymous_access
def territorio_framework_show(context: Context, data_dict: DataDict | None) -> AuthResult:
    """The framework is public reference data: anyone may read it."""
    return {"success": True}
