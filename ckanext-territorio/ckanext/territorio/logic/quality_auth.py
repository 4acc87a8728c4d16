"""Who may read the quality scores and manage the auditor role."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import AuthResult, Context, DataDict

from . import auditors

__all__ = [
    "territorio_auditor_manage",
    "territorio_quality_dashboard",
    "territorio_quality_show",
    "territorio_quality_summary",
    "territorio_quality_trend",
]


@tk.auth_allow_anonymous_access
def territorio_quality_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever may see the dataset, and the auditors (private datasets included)."""
    package = model.Package.get(str(data_dict.get("id") or ""))
    if package is None:
        return {"success": True}  # the action answers "not found"
    try:
        tk.check_access("package_show", context, {"id": package.id})
        return {"success": True}
    except tk.NotAuthorized:
        pass
    if auditors.is_auditor(context):
        return {"success": True}
    return {"success": False, "msg": tk._("No puede ver la calidad de este conjunto de datos")}


@tk.auth_allow_anonymous_access
def territorio_quality_summary(context: Context, data_dict: DataDict) -> AuthResult:
    """Public aggregates for anyone; private datasets only for auditors and sysadmins."""
    if tk.asbool(data_dict.get("include_private")) and not auditors.is_auditor_or_sysadmin(context):
        return {
            "success": False,
            "msg": tk._("Solo auditores y administradores pueden incluir conjuntos privados"),
        }
    return {"success": True}


@tk.auth_allow_anonymous_access
def territorio_quality_trend(context: Context, data_dict: DataDict | None) -> AuthResult:
    """The trend of the public catalogue is public."""
    return {"success": True}


def territorio_quality_dashboard(context: Context, data_dict: DataDict | None) -> AuthResult:
    """The policy staff's dashboard: auditors (sysadmins pass every check)."""
    if auditors.is_auditor(context):
        return {"success": True}
    return {"success": False, "msg": tk._("Solo auditores y administradores ven el tablero de calidad")}


def territorio_auditor_manage(context: Context, data_dict: DataDict | None) -> AuthResult:
    """Granting the auditor role is for sysadmins only."""
    return {"success": False, "msg": tk._("Solo un administrador del sitio gestiona los auditores")}
