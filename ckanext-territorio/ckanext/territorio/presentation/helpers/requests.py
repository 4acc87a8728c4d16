"""Template helpers of the citizens' data requests pages (/solicitudes)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ...citizen import status
from .framework import territorio_facet_label

__all__ = [
    "territorio_report_kind_label",
    "territorio_request_organizations",
    "territorio_request_status_label",
    "territorio_request_statuses",
    "territorio_request_tags",
]

# the framework tags of a request, in the order the pages show them
_TAG_FIELDS = ("dimension", "subdimension", "region", "comuna")


def territorio_request_status_label(value: str | None) -> str:
    """A request's status as a person reads it ("en-curso" → "En curso")."""
    labels = {
        status.OPEN: tk._("Abierta"),
        status.IN_PROGRESS: tk._("En curso"),
        status.PUBLISHED: tk._("Publicada"),
        status.REJECTED: tk._("Rechazada"),
    }
    return labels.get(value or "", value or "")


def territorio_request_statuses() -> list[tuple[str, str]]:
    """Every status with its label, in the order a request goes through them."""
    return [(s, territorio_request_status_label(s)) for s in status.STATUSES]


def territorio_request_tags(request: Mapping[str, Any]) -> list[dict[str, str]]:
    """The request's framework tags (dimension, sub-dimension, region, comuna) with their names."""
    return [
        {"field": field, "value": value, "label": territorio_facet_label(field, value)}
        for field in _TAG_FIELDS
        for value in request.get(field) or []
    ]


def territorio_report_kind_label(kind: str | None) -> str:
    """A citizen report's kind as a person reads it."""
    labels = {
        "datos-erroneos": tk._("Datos erróneos"),
        "enlace-roto": tk._("Enlace roto"),
        "datos-personales": tk._("Datos personales expuestos"),
        "desactualizado": tk._("Desactualizado"),
        "otro": tk._("Otro problema"),
    }
    return labels.get(kind or "", kind or "")


def territorio_request_organizations() -> list[tuple[str, str]]:
    """Active organizations a request may be addressed to, as (name, title), by title."""
    rows = (
        model.Session.query(model.Group.name, model.Group.title)
        .filter(model.Group.is_organization.is_(True), model.Group.state == "active")
        .all()
    )
    return sorted(((name, title or name) for name, title in rows), key=lambda row: row[1].lower())
