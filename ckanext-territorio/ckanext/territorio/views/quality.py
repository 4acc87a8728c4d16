"""/calidad: the quality audit for policy staff (sysadmins and auditors).

- /calidad: the dashboard, filtered by region, comuna, dimension and organization;
- /calidad/organizacion/<name>: an organization's report card (also for its members);
- /calidad/region/<iso>.pdf: a region's printable report.
Each page is also a download with the same filters: ``formato=csv`` (``tabla=...``) or
``formato=json``.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response, request

from .. import current
from ..presentation import reports as citizen_reports
from ..presentation.quality import dashboard as dashboard_data
from ..presentation.quality import region_report
from ..presentation.quality import report_card as report_card_data
from ..presentation.quality.filters import GROUP_PARAM, parse, parse_grouping
from ..presentation.quality.labels import GROUPINGS
from ..presentation.quality.labels import grouping as grouping_label
from ..presentation.quality.summary_tables import total_row
from ..vocab import normalise_region_code
from . import downloads, frames
from .errors import handle_errors

quality = handle_errors(Blueprint("territorio_quality", __name__))
quality.after_request(frames.same_origin_only)


def _forbidden(message: str) -> tuple[str, int]:
    return tk.render("territorio/error.html", {"message": message, "status": 403}), 403


def _meta(summary: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "profile": summary.get("profile"),
        "profile_version": summary.get("profile_version"),
        "max_points": summary.get("max_points"),
        **extra,
    }


def _group_link(group_by: str, key: str, query: Mapping[str, str]) -> str:
    """Where a row of the grouping table leads: the organization's report card, or the
    dashboard narrowed to that group (a region opens grouped by its comunas)."""
    if group_by == "organization":
        return tk.url_for("territorio_quality.organization", name=key)
    narrowed = {**query, group_by: key}
    if group_by == "region":
        narrowed.pop("comuna", None)
        narrowed[GROUP_PARAM] = "comuna"
    return tk.url_for("territorio_quality.dashboard", **narrowed)


@quality.route("/calidad", strict_slashes=False)
def dashboard() -> Any:
    """Open urgent citizen reports (personal data exposed), then headline figures, charts, the
    worst datasets and a grouping table, as filtered."""
    try:
        tk.check_access("territorio_quality_dashboard", {}, {})
    except tk.NotAuthorized:
        return _forbidden(
            tk._(
                "El panel de calidad es para el equipo de políticas: administradores del "
                "portal y auditores. Si lo necesita, pida acceso a un administrador."
            )
        )
    filters = parse(request.args)
    group_by = parse_grouping(request.args)
    fmt = downloads.requested_format(request.args)
    data = dashboard_data.build(filters, group_by)
    if fmt:
        return downloads.respond(
            fmt,
            request.args,
            view="calidad",
            title=tk._("Calidad de los datos"),
            tables=list(data.tables.values()),
            name=["calidad", *filters.for_url().values()],
            default_table="grupos",
            meta=_meta(
                data.summary,
                filters=filters.for_url(),
                group_by=group_by,
                total=total_row(data.summary),
            ),
        )
    fw = current.framework()
    query = {**filters.for_url(), GROUP_PARAM: group_by}
    return tk.render(
        "territorio/quality/dashboard.html",
        {
            "data": data,
            "urgent_reports": citizen_reports.urgent_by_dataset(),
            "filters": filters,
            "group_by": group_by,
            "group_param": GROUP_PARAM,
            "total": total_row(data.summary),
            "regions": fw.regions,
            "national": fw.national,
            "comunas": [
                c for c in fw.comunas if not filters.region or c.region == filters.region
            ],
            "region_by_iso": fw.region_by_iso,
            "dimensions": [d for d in fw.dimensions if not d.cross_cutting],
            "query": query,
            "grouping_links": [
                (key, grouping_label(key),
                 tk.url_for("territorio_quality.dashboard", **{**query, GROUP_PARAM: key}))
                for key in GROUPINGS
            ],
            "group_links": {
                row["key"]: _group_link(group_by, row["key"], query)
                for row in data.tables["grupos"].rows
            },
        },
    )


@quality.route("/calidad/organizacion/<name>")
def organization(name: str) -> Any:
    """An organization's report card: totals, dimensions, ratings, trend, datasets, harvests."""
    try:
        org = tk.get_action("organization_show")(
            {}, {"id": name, "include_datasets": False, "include_users": False,
                 "include_extras": False, "include_tags": False, "include_groups": False}
        )
    except (tk.ObjectNotFound, tk.NotAuthorized) as error:
        raise tk.ObjectNotFound(
            tk._("No existe la organización «{name}».").format(name=name)
        ) from error
    if org["name"] != name:
        return tk.redirect_to("territorio_quality.organization", name=org["name"], **request.args.to_dict())
    try:
        tk.check_access("territorio_quality_report_card", {}, {"id": org["id"]})
    except tk.NotAuthorized:
        return _forbidden(
            tk._(
                "La ficha de calidad de {org} la ven sus miembros, los administradores del "
                "portal y los auditores."
            ).format(org=org["title"] or org["name"])
        )
    fmt = downloads.requested_format(request.args)
    card = report_card_data.build(org)
    if fmt:
        return downloads.respond(
            fmt,
            request.args,
            view="calidad-organizacion",
            title=tk._("Ficha de calidad: {org}").format(org=org["title"] or org["name"]),
            tables=list(card.tables.values()),
            name=["calidad", "organizacion", org["name"]],
            default_table="conjuntos",
            meta=_meta(card.summary, organization=org["name"], total=total_row(card.summary)),
        )
    return tk.render(
        "territorio/quality/report_card.html",
        {"card": card, "org": org, "total": total_row(card.summary)},
    )


@quality.route("/calidad/region/<iso>.pdf")
def region_pdf(iso: str) -> Any:
    """A region's report as PDF (A4), for printing and filing."""
    try:
        tk.check_access("territorio_quality_dashboard", {}, {})
    except tk.NotAuthorized:
        return _forbidden(
            tk._("Los reportes de calidad por región son para administradores y auditores.")
        )
    fw = current.framework()
    region = fw.region_by_iso.get(iso)
    if region is None:
        try:
            canonical = normalise_region_code(iso, fw=fw)
        except ValueError:
            canonical = None
        if canonical in fw.region_by_iso:
            return tk.redirect_to("territorio_quality.region_pdf", iso=canonical)
        raise tk.ObjectNotFound(tk._("No existe la región «{iso}».").format(iso=iso))
    body = region_report.pdf(region)
    response = Response(body, mimetype="application/pdf")
    filename = downloads.file_name("calidad", "region", region.iso)
    # inline: the browser shows it, ready to print; the name is kept when saved
    response.headers["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    return response
