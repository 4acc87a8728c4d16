"""Who may call the territorio actions and read the quality pages.

Auth functions delegate to core's (``package_show``, ``package_update``,
``organization_update``); the policy-auditor role (``auditors``) adds reads, never writes.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import authz, model
from ckan.types import AuthResult, Context, DataDict

from .. import auditors
from ..citizen import status as citizen_status
from ..citizen import store as citizen_store
from ..model.citizen import CitizenRequest

__all__ = [
    "package_collaborator_list",
    "territorio_auditor_manage",
    "territorio_framework_show",
    "territorio_plan_show",
    "territorio_quality_dashboard",
    "territorio_quality_report_card",
    "territorio_quality_show",
    "territorio_quality_summary",
    "territorio_quality_trend",
    "territorio_latest",
    "territorio_readings",
    "territorio_stream",
    "territorio_validation_accept",
    "territorio_validation_run",
    "territorio_validation_show",
    "territorio_citizen_inbox",
    "territorio_demand_summary",
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
]


@tk.auth_allow_anonymous_access
def territorio_framework_show(context: Context, data_dict: DataDict | None) -> AuthResult:
    """The framework is public reference data: anyone may read it."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def territorio_plan_show(context: Context, data_dict: DataDict | None) -> AuthResult:
    """The plan's evidence and recommendations are public: anyone may read them."""
    return {"success": True}


# --- data-use policy reports ---


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


# --- quality audit ---


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


# --- core auth functions that fail on anonymous callers ---


@tk.chained_auth_function
def package_collaborator_list(
    next_auth: Any, context: Context, data_dict: DataDict
) -> AuthResult:
    """Core's check, which asserts a logged-in user (a 500 for anonymous callers): refused."""
    if not context.get("user") or model.User.get(str(context["user"])) is None:
        return {"success": False, "msg": tk._("Debe iniciar sesión para ver los colaboradores")}
    return next_auth(context, data_dict)


# --- time-series API ---


@tk.auth_allow_anonymous_access
def territorio_readings(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever may see the resource (or the dataset) may read its readings."""
    if data_dict.get("resource_id"):
        return _delegate("resource_show", context, data_dict, str(data_dict["resource_id"]))
    if data_dict.get("id"):
        return _delegate("package_show", context, data_dict, str(data_dict["id"]))
    return {"success": True}  # nothing named: the action answers with a field error


@tk.auth_allow_anonymous_access
def territorio_latest(context: Context, data_dict: DataDict) -> AuthResult:
    """A dataset's latest readings as its readings; by region or bbox, only visible datasets count."""
    if data_dict.get("id"):
        return _delegate("package_show", context, data_dict, str(data_dict["id"]))
    return {"success": True}


@tk.auth_allow_anonymous_access
def territorio_stream(context: Context, data_dict: DataDict) -> AuthResult:
    """The live stream of a dataset's readings: whoever may see the dataset."""
    return _delegate("package_show", context, data_dict, str(data_dict.get("id") or ""))


# --- citizen channel: data requests and reports ---
# Login is required by every one but the public reads (CKAN refuses anonymous callers of an
# auth function not marked ``auth_allow_anonymous_access``); sysadmins pass every check.
# Held texts are hidden by the actions (``may_see_held``), which answer "not found".


def may_answer(context: Context, request: CitizenRequest) -> bool:
    """Whether the caller answers the request: a sysadmin, or an editor or admin of the
    organization it is addressed to (an unaddressed request: sysadmins only)."""
    user = auditors.context_user(context)
    if user is None:
        return False
    if authz.is_sysadmin(user.name):
        return True
    return bool(request.organization_id) and authz.has_user_permission_for_group_or_org(
        request.organization_id, user.name, "update_dataset"
    )


def may_see_held(context: Context, author_id: str | None) -> bool:
    """Whether the caller sees a held text: sysadmins, auditors and its author."""
    user = auditors.context_user(context)
    if user is None:
        return False
    return user.id == author_id or auditors.is_auditor_or_sysadmin(context)


def territorio_request_create(context: Context, data_dict: DataDict | None) -> AuthResult:
    """Any logged-in user files a data request."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def territorio_request_show(context: Context, data_dict: DataDict | None) -> AuthResult:
    """Requests are public (a held one answers "not found" but to its reviewers and author)."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def territorio_demand_summary(context: Context, data_dict: DataDict | None) -> AuthResult:
    """The demand's figures are public: counts and times, nothing of any request."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def territorio_request_list(context: Context, data_dict: DataDict | None) -> AuthResult:
    """The list of requests is public (held ones left out but for reviewers and authors)."""
    return {"success": True}


def territorio_request_vote(context: Context, data_dict: DataDict | None) -> AuthResult:
    """Any logged-in user supports a request (its author too: supporting adds no right)."""
    return {"success": True}


def territorio_request_comment(context: Context, data_dict: DataDict | None) -> AuthResult:
    """Any logged-in user comments on a request."""
    return {"success": True}


_TEXT_KEYS = ("title", "description", "dimension", "subdimension", "region", "comuna")
_ANSWER_KEYS = ("status", "datasets")


def territorio_request_update(context: Context, data_dict: DataDict | None) -> AuthResult:
    """Text and framework tags: the author while the request is open. Status and datasets:
    whoever answers it (``may_answer``). The organization: the author while open, or an
    editor of an organization claiming an unaddressed request for it."""
    data_dict = data_dict or {}
    request = citizen_store.get_request(str(data_dict.get("id") or ""))
    user = auditors.context_user(context)
    if request is None or user is None:
        return {"success": request is None and user is not None}
    is_open_author = request.creator_user_id == user.id and request.status == citizen_status.OPEN
    if any(k in data_dict for k in _ANSWER_KEYS) and not may_answer(context, request):
        return {"success": False, "msg": tk._(
            "Solo los editores de la organización destinataria o un administrador del sitio "
            "responden una solicitud")}
    if any(k in data_dict for k in _TEXT_KEYS) and not is_open_author:
        return {"success": False, "msg": tk._("Solo su autor modifica la solicitud, mientras está abierta")}
    if "organization" in data_dict and not is_open_author:
        target = str(data_dict.get("organization") or "")
        claims = not request.organization_id and bool(target) and authz.has_user_permission_for_group_or_org(
            target, user.name, "update_dataset")
        if not claims:
            return {"success": False, "msg": tk._(
                "Solo el autor o un editor de la organización que la asume cambian la organización")}
    return {"success": True}


def territorio_request_close(context: Context, data_dict: DataDict | None) -> AuthResult:
    """Closing (publicada, rechazada) is for whoever answers the request."""
    request = citizen_store.get_request(str((data_dict or {}).get("id") or ""))
    if request is None:
        return {"success": True}  # the action answers "not found"
    if may_answer(context, request):
        return {"success": True}
    return {"success": False, "msg": tk._(
        "Solo los editores de la organización destinataria o un administrador del sitio cierran una solicitud")}


def territorio_report_create(context: Context, data_dict: DataDict | None) -> AuthResult:
    """Any logged-in user who may see the dataset reports a problem on it."""
    package_id = str((data_dict or {}).get("package_id") or "")
    if not package_id:
        return {"success": True}  # the action answers with a field error
    return _delegate("package_show", context, data_dict or {}, package_id)


def territorio_report_list(context: Context, data_dict: DataDict | None) -> AuthResult:
    """Logged-in users; the action shows publishers their organizations' reports, everyone the
    reports they filed, and sysadmins and auditors all."""
    return {"success": True}


def territorio_report_close(context: Context, data_dict: DataDict | None) -> AuthResult:
    """An editor or admin of the dataset's organization (or a sysadmin) closes a report."""
    report = citizen_store.get_report(str((data_dict or {}).get("id") or ""))
    if report is None:
        return {"success": True}  # the action answers "not found"
    package = model.Package.get(report.package_id)
    user = auditors.context_user(context)
    if package is not None and package.owner_org and user is not None and \
            authz.has_user_permission_for_group_or_org(package.owner_org, user.name, "update_dataset"):
        return {"success": True}
    return {"success": False, "msg": tk._(
        "Solo los editores de la organización del conjunto o un administrador del sitio cierran un reporte")}


def territorio_citizen_inbox(context: Context, data_dict: DataDict | None) -> AuthResult:
    """Each logged-in user reads their own inbox."""
    return {"success": True}
