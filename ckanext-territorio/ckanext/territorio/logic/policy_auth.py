"""Who may read, accept and re-run policy validation reports."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import AuthResult, Context, DataDict

from . import auditors

__all__ = [
    "territorio_validation_accept",
    "territorio_validation_run",
    "territorio_validation_show",
]


def _package_of(data_dict: DataDict) -> model.Package | None:
    if data_dict.get("resource_id"):
        resource = model.Resource.get(str(data_dict["resource_id"]))
        return resource.package if resource is not None else None
    if data_dict.get("package_id"):
        return model.Package.get(str(data_dict["package_id"]))
    return None


def _delegate(auth: str, context: Context, data_dict: DataDict, object_id: str) -> AuthResult:
    try:
        tk.check_access(auth, context, {"id": object_id})
    except tk.NotAuthorized:
        return {"success": False}
    return {"success": True}


@tk.auth_allow_anonymous_access
def territorio_validation_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever may see the dataset may see its reports (they mask personal values).

    Policy auditors read every dataset's reports, private ones included.
    """
    package = _package_of(data_dict)
    if package is None:
        return {"success": True}  # the action answers "not found"
    result = _delegate("package_show", context, data_dict, package.id)
    if not result["success"] and auditors.is_auditor(context):
        return {"success": True}
    return result


def territorio_validation_accept(context: Context, data_dict: DataDict) -> AuthResult:
    """A reviewer: an administrator of the dataset's organization (or a sysadmin)."""
    package = _package_of(data_dict)
    if package is None or not package.owner_org:
        return {"success": False, "msg": tk._("Solo se revisan conjuntos de una organización")}
    result = _delegate("organization_update", context, data_dict, package.owner_org)
    if not result["success"]:
        result["msg"] = tk._("Solo un administrador de la organización puede aceptar un reporte")
    return result


def territorio_validation_run(context: Context, data_dict: DataDict) -> AuthResult:
    """Anyone who may edit the dataset may ask for its checks again."""
    package = _package_of(data_dict)
    if package is None:
        return {"success": False}
    return _delegate("package_update", context, data_dict, package.id)
