"""territorio_validation_*: the data-use policy's reports through the API."""
from __future__ import annotations

import datetime as dt
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context, DataDict

from ... import current
from ...policy import checks as policy_checks
from ...policy import jobs as policy_jobs
from ...policy import service as policy_service
from ...policy import store as policy_store
from .. import schema

__all__ = [
    "territorio_validation_accept",
    "territorio_validation_run",
    "territorio_validation_show",
]


def _resource(resource_id: str) -> model.Resource:
    resource = model.Resource.get(resource_id)
    if resource is None or resource.state == "deleted":
        raise tk.ObjectNotFound(tk._("Recurso no encontrado"))
    return resource


@tk.side_effect_free
@tk.validate(schema.territorio_validation_show)
def territorio_validation_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The latest validation report of a resource (or of a dataset's metadata and DCAT).

    Content reports come from the background checks of the data-use policy
    (``schemas/policy.yaml``) on the resource's file; personal values are masked.

    :param resource_id: the resource's id (or give ``package_id``)
    :type resource_id: string
    :param package_id: a dataset's id or name: its metadata and DCAT reports and a summary
        of its resources' reports
    :type package_id: string

    :returns: for a resource: ``status`` (pending, running, done, failed), ``passed``,
        ``error_count``, ``warning_count``, ``policy_version``, ``rules`` (each with
        ``rule``, ``title``, ``level``, ``passed``, ``count`` and the first ``findings``
        with ``row``/``column``/``field`` and ``message`` in ``es`` and ``en``),
        ``stats`` (rows, bytes), ``created``/``started``/``finished`` and the reviewer's
        acceptance (``accepted``, ``accepted_by``, ``accepted_at``); for a dataset, also
        ``checks``: whether its after-save checks are still running (``status``
        ``pendiente`` or ``completo``, ``publicacion`` ``publica``/``privada``/``retenida``,
        ``pendientes``: ``guardado``, ``content``, ``dcat``), as ``package_create`` and
        ``package_update`` answer it in ``territorio_checks``
    :rtype: dictionary
    """
    tk.check_access("territorio_validation_show", context, data_dict)
    if data_dict.get("resource_id"):
        resource = _resource(data_dict["resource_id"])
        report = policy_store.latest(resource.id)
        if report is None:
            raise tk.ObjectNotFound(tk._("El recurso no tiene reporte de validación"))
        return policy_store.as_dict(report)
    if data_dict.get("package_id"):
        package = model.Package.get(data_dict["package_id"])
        if package is None or package.state == "deleted":
            raise tk.ObjectNotFound(tk._("Conjunto de datos no encontrado"))
        resources = [r for r in package.resources if r.state == "active"]
        reports = policy_store.latest_for_resources(r.id for r in resources)
        result: dict[str, Any] = {
            "package_id": package.id,
            "resources": {},
            "checks": policy_checks.summary(package.id, private=bool(package.private)),
        }
        for kind in ("metadata", "dcat"):
            report = policy_store.latest_dataset(package.id, kind)
            result[kind] = policy_store.as_dict(report) if report else None
        for resource_id, report in reports.items():
            summary = policy_store.as_dict(report)
            summary.pop("rules")
            result["resources"][resource_id] = summary
        return result
    raise tk.ValidationError(
        {"resource_id": [tk._("Indique resource_id o package_id")]}
    )


@tk.validate(schema.territorio_validation_accept)
def territorio_validation_accept(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Accept a resource's personal-data findings after review (the data is anonymised).

    Only the personal-data rules the policy lists as acceptable are waived, and only while
    the dataset declares ``personal_data: anonymized``; a new file needs a new review.

    :param resource_id: the resource whose latest report is accepted
    :type resource_id: string
    :param note: what the reviewer checked (optional)
    :type note: string

    :returns: the accepted report
    :rtype: dictionary
    """
    tk.check_access("territorio_validation_accept", context, data_dict)
    resource = _resource(data_dict["resource_id"])
    report = policy_store.latest(resource.id)
    if report is None or report.status != "done":
        raise tk.ValidationError(
            {"resource_id": [tk._("El reporte del recurso no ha terminado")]}
        )
    user = context.get("auth_user_obj") or model.User.get(context.get("user") or "")
    report.accepted_by = getattr(user, "name", None) or str(context.get("user") or "")
    report.accepted_at = dt.datetime.now(dt.UTC)
    report.acceptance_note = data_dict.get("note")
    model.Session.commit()
    return policy_store.as_dict(report)


@tk.validate(schema.territorio_validation_run)
def territorio_validation_run(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Check a resource's file again now (queued on the ``territorio`` job queue).

    :param resource_id: the resource to check
    :type resource_id: string

    :returns: the new (pending) report
    :rtype: dictionary
    """
    tk.check_access("territorio_validation_run", context, data_dict)
    resource = _resource(data_dict["resource_id"])
    policy = current.policy()
    shown = tk.get_action("resource_show")(policy_service.site_context(), {"id": resource.id})
    report = policy_store.create_pending(
        resource.package_id,
        resource.id,
        "content",
        policy.version,
        policy_store.fingerprint(shown, policy.version),
    )
    model.Session.commit()
    policy_jobs.enqueue([("content", report.id)])
    return policy_store.as_dict(report)
