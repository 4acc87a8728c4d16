"""The citizen channel's API: reports on published data, and each publisher's inbox.

Thin, as citizen.py: auth first, then the rate limit and the personal-data hold, one commit.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context, DataDict

from ... import auditors
from ...citizen import dictize, notify, people, status, store
from ...citizen import text as citizen_text
from ...model.citizen import Report
from .. import schema
from .citizen import caller, check_rate, commit, held_note, is_sysadmin, remote_address_hash

__all__ = [
    "territorio_citizen_inbox",
    "territorio_report_close",
    "territorio_report_create",
    "territorio_report_list",
]


def _sees_held_text(context: Context, report: Report) -> bool:
    user = auditors.context_user(context)
    return user is not None and (user.id == report.user_id or auditors.is_auditor_or_sysadmin(context))


@tk.validate(schema.territorio_report_create)
def territorio_report_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Report a problem on a dataset or one of its resources (login required; the dataset
    must be visible to the caller). A ``datos-personales`` report is urgent: it mails the
    sysadmins and shows in the auditors' inbox until closed.

    :param package_id: the dataset's id or name
    :param resource_id: one of its resources (optional)
    :param kind: datos-erroneos, enlace-roto, datos-personales, desactualizado or otro
    :param text: what is wrong (up to 2000 characters)
    :returns: the report: id, package_id, package_name, package_title, organization,
        resource_id, kind, text, author, status (abierto), answer, created, closed, held, urgent
    """
    tk.check_access("territorio_report_create", context, data_dict)
    user = caller(context)
    package = model.Package.get(data_dict["package_id"])
    assert package is not None  # the schema checked it
    resource_id = data_dict.get("resource_id")
    if resource_id:
        resource = model.Resource.get(resource_id)
        if resource is None or resource.package_id != package.id or resource.state != "active":
            raise tk.ValidationError({"resource_id": [tk._("El recurso no pertenece a este conjunto de datos")]})
        resource_id = resource.id
    address = remote_address_hash()
    check_rate(user, address)
    report = Report(
        package_id=package.id, resource_id=resource_id, kind=data_dict["kind"], text=data_dict["text"],
        user_id=user.id, status=status.REPORT_OPEN, created=store.now(),
        held=citizen_text.has_personal_data(data_dict["text"]),
        urgent=status.is_urgent(data_dict["kind"]), address_hash=address,
    )
    model.Session.add(report)
    model.Session.flush()
    commit(context)
    subject = tk._("Reporte sobre el conjunto de datos: {title}").format(title=package.title or package.name)
    body = tk._("Se reportó un problema ({kind}) en el conjunto «{title}» de {site}.").format(
        kind=report.kind, title=package.title or package.name,
        site=str(tk.config.get("ckan.site_url") or "").rstrip("/"))
    notify.send(people.publishers_of(package.owner_org), subject, body)
    if report.urgent:
        notify.send(people.sysadmins(), tk._("Urgente: datos personales expuestos en «{title}»").format(
            title=package.title or package.name), body)
    result = dictize.report_dict(report, package)
    if report.held:
        result["note"] = held_note()
    return result


@tk.side_effect_free
@tk.validate(schema.territorio_report_list)
def territorio_report_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Reports (login required): publishers see their organizations', every user the ones they
    filed, sysadmins and auditors all. Urgent ones first, then newest.

    :param organization: an organization's id or name
    :param package_id: a dataset's id or name
    :param status: abierto or cerrado
    :param urgent: true for urgent reports only, false for the others
    :param limit: up to 100 (default 100)
    :param offset: reports skipped (default 0)
    :returns: {count, results}: reports as ``territorio_report_create`` answers (a held text
        is null but for its author, sysadmins and auditors)
    """
    tk.check_access("territorio_report_list", context, data_dict)
    user = caller(context)
    everything = auditors.is_auditor_or_sysadmin(context)
    wanted = store.ReportFilter(
        org_ids=None if everything else people.publisher_org_ids(user.id),
        filed_by=None if everything else user.id,
        organization_id=data_dict.get("organization"), package_id=data_dict.get("package_id"),
        status=data_dict.get("status"), urgent=data_dict.get("urgent"),
        limit=data_dict["limit"], offset=data_dict["offset"],
    )
    count, rows = store.list_reports(wanted)
    return {
        "count": count,
        "results": [dictize.report_dict(r, p, show_held_text=_sees_held_text(context, r)) for r, p in rows],
    }


@tk.validate(schema.territorio_report_close)
def territorio_report_close(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Close a report with an answer: editors and admins of the dataset's organization, or
    sysadmins. A closed report cannot be closed again.

    :param id: the report's id
    :param answer: the publisher's answer (up to 2000 characters)
    :returns: the report, as ``territorio_report_create`` answers
    """
    tk.check_access("territorio_report_close", context, data_dict)
    report = store.get_report(data_dict["id"])
    if report is None:
        raise tk.ObjectNotFound(tk._("Reporte no encontrado"))
    if report.status == status.REPORT_CLOSED:
        raise tk.ValidationError({"status": [tk._("El reporte ya está cerrado")]})
    report.status, report.answer, report.closed = status.REPORT_CLOSED, data_dict["answer"], store.now()
    model.Session.flush()
    commit(context)
    return dictize.report_dict(report, show_held_text=_sees_held_text(context, report))


@tk.side_effect_free
def territorio_citizen_inbox(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The logged-in user's inbox of the citizen channel (no parameters).

    :returns: {requests: open requests (abierta, en-curso) addressed to the organizations where
        the user is editor or admin (sysadmins: also the unaddressed ones), reports: open reports
        on those organizations' datasets, urgent: open urgent reports (sysadmins and auditors: of
        every organization)}. Held requests are listed for sysadmins and auditors only.
    """
    tk.check_access("territorio_citizen_inbox", context, data_dict)
    user = caller(context)
    reviewer = auditors.is_auditor_or_sysadmin(context)
    org_ids = people.publisher_org_ids(user.id)
    requests = store.open_requests_of(org_ids, unaddressed=is_sysadmin(user))
    shown_requests = [
        dictize.request_dict(r, viewer_id=user.id, with_comments=False)
        for r in requests if reviewer or not r.held
    ]
    _, reports = store.list_reports(store.ReportFilter(org_ids=org_ids, status=status.REPORT_OPEN))
    _, urgent = store.list_reports(store.ReportFilter(
        org_ids=None if reviewer else org_ids, status=status.REPORT_OPEN, urgent=True))
    return {
        "requests": shown_requests,
        "reports": [dictize.report_dict(r, p, show_held_text=_sees_held_text(context, r)) for r, p in reports],
        "urgent": [dictize.report_dict(r, p, show_held_text=_sees_held_text(context, r)) for r, p in urgent],
    }
