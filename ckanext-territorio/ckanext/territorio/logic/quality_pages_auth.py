"""Who may read the quality pages beyond the dashboard's readers."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan import authz
from ckan.types import AuthResult, Context, DataDict

__all__ = ["territorio_quality_report_card"]


def territorio_quality_report_card(context: Context, data_dict: DataDict) -> AuthResult:
    """An organization's report card: the dashboard's readers (sysadmins and auditors) and
    the organization's members (data_dict: id of the organization)."""
    if authz.is_authorized("territorio_quality_dashboard", context, data_dict).get("success"):
        return {"success": True}
    user = context.get("user")
    org_id = data_dict.get("id")
    if user and org_id and authz.has_user_permission_for_group_or_org(str(org_id), user, "read"):
        return {"success": True}
    return {
        "success": False,
        "msg": tk._("Solo los miembros de la organización, los administradores y los auditores."),
    }
