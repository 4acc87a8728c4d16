"""Citizens' reports on published data ("Reportar un problema"):

- /dataset/<dataset_id>/reportar (``?resource_id=``): the form, logged-in users only (anyone
  else is sent to the login page and back);
- /dataset/<dataset_id>/reportes/<report_id>/cerrar (POST): a publisher closes a report with
  an answer, from the notice on the dataset page.
The actions decide everything (permissions, validation, rate limits); these views only turn
their answers into pages, field errors and flash messages.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint, request
from flask.views import MethodView

from ..presentation import reports as shown
from .errors import handle_errors

citizen_reports = handle_errors(Blueprint("territorio_reports", __name__))

FIELDS = ("resource_id", "kind", "text")


def _dataset(dataset_id: str) -> dict[str, Any]:
    """The dataset as the user may see it (a hidden one is "not found", as CKAN answers)."""
    try:
        return tk.get_action("package_show")({}, {"id": dataset_id})
    except (tk.ObjectNotFound, tk.NotAuthorized) as error:
        raise tk.ObjectNotFound(
            tk._("No existe el conjunto de datos «{name}».").format(name=dataset_id)) from error


def _to_login() -> Any:
    """The login page, back to this form once logged in."""
    return tk.redirect_to(shown.login_url(request.full_path.rstrip("?")))


def _render_form(pkg: dict[str, Any], values: dict[str, str], errors: dict[str, Any]) -> str:
    return tk.render("territorio/reports/form.html", {
        "pkg": pkg,
        "values": values,
        "errors": {k: v if isinstance(v, list) else [v] for k, v in errors.items()},
        "kinds": shown.kinds(),
        "organization_title": shown.organization_title(pkg),
        "dataset_url": shown.dataset_url(pkg),
    })


class ReportForm(MethodView):
    """The form: kind, resource and description; a refused report is shown again, as typed."""

    def get(self, dataset_id: str) -> Any:
        """The empty form (the resource preselected from ``?resource_id=``)."""
        if not shown.logged_in():
            return _to_login()
        pkg = _dataset(dataset_id)
        values = {"resource_id": request.args.get("resource_id", ""), "kind": "", "text": ""}
        return _render_form(pkg, values, {})

    def post(self, dataset_id: str) -> Any:
        """File the report; thank the user and return to the page the report is about."""
        if not shown.logged_in():
            return _to_login()
        pkg = _dataset(dataset_id)
        values = {field: request.form.get(field, "") for field in FIELDS}
        data = {"package_id": pkg["id"], "kind": values["kind"], "text": values["text"]}
        if values["resource_id"]:
            data["resource_id"] = values["resource_id"]
        try:
            report = tk.get_action("territorio_report_create")({}, data)
        except tk.ValidationError as error:
            return _render_form(pkg, values, error.error_dict)
        tk.h.flash_success(tk._("Gracias: su reporte llegó a {organization}.").format(
            organization=shown.organization_title(pkg)))
        if report.get("note"):
            tk.h.flash_notice(report["note"])
        return tk.redirect_to(shown.dataset_url(pkg, report.get("resource_id")))


citizen_reports.add_url_rule(
    "/dataset/<dataset_id>/reportar", view_func=ReportForm.as_view("form"), methods=["GET", "POST"])


@citizen_reports.route("/dataset/<dataset_id>/reportes/<report_id>/cerrar", methods=["POST"])
def close(dataset_id: str, report_id: str) -> Any:
    """Close a report with the publisher's answer, then back to the dataset page."""
    pkg = _dataset(dataset_id)
    answer = request.form.get("answer", "")
    try:
        tk.get_action("territorio_report_close")({}, {"id": report_id, "answer": answer})
    except tk.ValidationError as error:
        if "status" in error.error_dict:
            tk.h.flash_notice(tk._("Ese reporte ya estaba cerrado."))
            return tk.redirect_to(shown.dataset_url(pkg))
        return tk.render("territorio/reports/close.html", {
            "pkg": pkg,
            "report_id": report_id,
            "answer": answer,
            "errors": error.error_dict,
            "report": next((r for r in (shown.open_for_publisher(pkg) or {}).get("reports", [])
                            if r["id"] == report_id), None),
            "dataset_url": shown.dataset_url(pkg),
        })
    tk.h.flash_success(tk._("Reporte cerrado. Su respuesta queda registrada."))
    return tk.redirect_to(shown.dataset_url(pkg) + "#territorio-reportes-abiertos")


__all__ = ["citizen_reports"]
