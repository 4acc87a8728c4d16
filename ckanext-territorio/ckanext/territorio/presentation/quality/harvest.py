"""Harvest sources' health for a report card, as a table (quality/harvest_health)."""
from __future__ import annotations

import importlib
from datetime import datetime
from typing import Any

import ckan.plugins.toolkit as tk

from .tables import INTEGER, SHARE, Column, Table


def sources_health(organization: str) -> list[Any] | None:
    """The organization's sources with their health; None when the checks are not installed."""
    try:
        harvest_health = importlib.import_module("ckanext.territorio.quality.harvest_health")
    except ImportError:
        return None
    return list(harvest_health.for_organization(organization))


def _when(value: datetime | None) -> str | None:
    return value.isoformat(timespec="minutes") if value else None


def health_table(sources: list[Any]) -> Table:
    """The table of an organization's harvest sources and their health."""
    rows = tuple(
        {
            "title": s.title,
            "url": s.url,
            "type": s.type,
            "healthy": tk._("Sí") if s.healthy else tk._("No"),
            "last_success": _when(s.last_success),
            "last_job_status": s.last_job_status,
            "jobs": s.jobs,
            "errored_jobs": s.errored_jobs,
            "error_rate": s.error_rate,
            "object_errors": s.object_errors,
            "stuck_jobs": s.stuck_jobs,
        }
        for s in sources
    )
    return Table(
        "cosechas",
        tk._("Fuentes de cosecha"),
        (
            Column("title", tk._("Fuente")),
            Column("type", tk._("Tipo")),
            Column("url", tk._("URL")),
            Column("healthy", tk._("En buen estado")),
            Column("last_success", tk._("Último éxito")),
            Column("last_job_status", tk._("Último trabajo")),
            Column("jobs", tk._("Trabajos"), INTEGER),
            Column("errored_jobs", tk._("Con errores"), INTEGER),
            Column("error_rate", tk._("Tasa de error"), SHARE),
            Column("object_errors", tk._("Errores de objetos"), INTEGER),
            Column("stuck_jobs", tk._("Trabajos detenidos"), INTEGER),
        ),
        rows,
    )
