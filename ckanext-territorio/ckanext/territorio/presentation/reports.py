"""Citizens' reports on the pages: the kinds in plain words, the form's links, the open reports
a publisher answers on the dataset page and the urgent ones on the auditors' dashboard.

Everything is read through the report actions as the logged-in user, so their permission
rules (who sees which report, whose text is held) hold on the pages too.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ..citizen import status


def _context() -> dict[str, Any]:
    user = tk.current_user
    return {"user": user.name if user.is_authenticated else ""}


def kinds() -> list[dict[str, str]]:
    """Each kind of report with its name and a one-line explanation, in the form's order."""
    listed = [
        {"value": "datos-erroneos", "label": tk._("Datos erróneos"),
         "help": tk._("Hay valores equivocados, incompletos o que no calzan con la realidad.")},
        {"value": "enlace-roto", "label": tk._("Enlace roto"),
         "help": tk._("Un archivo o enlace no abre, o no se puede descargar.")},
        {"value": "datos-personales", "label": tk._("Datos personales expuestos"),
         "help": tk._("Se ven nombres, RUT, direcciones u otros datos de personas. Es urgente: "
                      "avisa también al equipo del portal.")},
        {"value": "desactualizado", "label": tk._("Datos desactualizados"),
         "help": tk._("Los datos son antiguos o no se renuevan con la frecuencia anunciada.")},
        {"value": "otro", "label": tk._("Otro problema"),
         "help": tk._("Algo distinto de lo anterior: cuéntelo en la descripción.")},
    ]
    assert tuple(k["value"] for k in listed) == status.REPORT_KINDS
    return listed


def kind_label(kind: str) -> str:
    """datos-personales → "Datos personales expuestos" (an unknown kind as it is)."""
    return next((k["label"] for k in kinds() if k["value"] == kind), kind)


def logged_in() -> bool:
    """Whether someone is logged in (only they report)."""
    return bool(tk.current_user.is_authenticated)


def form_url(pkg: dict[str, Any], resource_id: str | None = None) -> str:
    """The report form of the dataset (about one of its resources when given)."""
    args = {"resource_id": resource_id} if resource_id else {}
    return tk.url_for("territorio_reports.form", dataset_id=pkg["name"], **args)


def login_url(came_from: str) -> str:
    """The login page, back to ``came_from`` once logged in."""
    return tk.url_for("user.login", came_from=came_from)


def dataset_url(pkg: dict[str, Any], resource_id: str | None = None) -> str:
    """The dataset's page (or its resource's), for its type."""
    kind = pkg.get("type") or "dataset"
    if resource_id:
        return tk.url_for(f"{kind}_resource.read", id=pkg["name"], resource_id=resource_id)
    return tk.url_for(f"{kind}.read", id=pkg["name"])


def organization_title(pkg: dict[str, Any]) -> str:
    """Who receives the dataset's reports: its organization's title."""
    org = pkg.get("organization") or {}
    return str(org.get("title") or org.get("name") or tk._("la organización publicadora"))


def _shown(report: dict[str, Any], resource_names: dict[str, str]) -> dict[str, Any]:
    return {
        **report,
        "kind_label": kind_label(report["kind"]),
        "resource_name": resource_names.get(report.get("resource_id") or ""),
    }


def open_for_publisher(pkg: dict[str, Any]) -> dict[str, Any] | None:
    """The dataset's open reports for whoever may close them (its organization's editors and
    admins, sysadmins): {count, reports}; None for anyone else or when there are none."""
    if not logged_in():
        return None
    try:
        found = tk.get_action("territorio_report_list")(
            _context(), {"package_id": pkg["id"], "status": status.REPORT_OPEN})
    except (tk.NotAuthorized, tk.ObjectNotFound, tk.ValidationError):
        return None
    if not found["results"]:
        return None
    # the close action's own rule; one report answers for all (they share the organization)
    try:
        tk.check_access("territorio_report_close", _context(), {"id": found["results"][0]["id"]})
    except tk.NotAuthorized:
        return None
    names = {r["id"]: r.get("name") or r["id"] for r in pkg.get("resources") or []}
    return {"count": found["count"], "reports": [_shown(r, names) for r in found["results"]]}


def urgent_by_dataset() -> list[dict[str, Any]]:
    """Open urgent reports (personal data exposed) grouped by dataset, the most recent
    report's dataset first: {name, title, organization, organization_title, reports}."""
    try:
        found = tk.get_action("territorio_report_list")(
            _context(), {"urgent": True, "status": status.REPORT_OPEN})
    except tk.NotAuthorized:
        return []
    datasets: dict[str, dict[str, Any]] = {}
    org_titles: dict[str, str] = {}
    for report in found["results"]:
        org = report.get("organization") or ""
        if org and org not in org_titles:
            try:
                shown = tk.get_action("organization_show")(
                    _context(), {"id": org, "include_datasets": False, "include_users": False})
                org_titles[org] = shown.get("title") or org
            except (tk.NotAuthorized, tk.ObjectNotFound):
                org_titles[org] = org
        entry = datasets.setdefault(report["package_id"], {
            "name": report["package_name"],
            "title": report["package_title"],
            "organization": org,
            "organization_title": org_titles.get(org, ""),
            "reports": [],
        })
        entry["reports"].append(_shown(report, {}))
    return list(datasets.values())
