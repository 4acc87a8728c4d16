"""Who may call the territorio actions."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from .policy_auth import (
    territorio_validation_accept,
    territorio_validation_run,
    territorio_validation_show,
)

__all__ = [
    "territorio_framework_show",
    "territorio_validation_accept",
    "territorio_validation_run",
    "territorio_validation_show",
]


@tk.auth_allow_anonymous_access
def territorio_framework_show(context: Context, data_dict: DataDict | None) -> AuthResult:
    """The framework is public reference data: anyone may read it."""
    return {"success": True}
