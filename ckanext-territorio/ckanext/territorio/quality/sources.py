"""Bulk reads of what the indicators need: standing reports, link checks, sensor facts.

One statement per kind for a whole chunk of datasets, so a batch run costs a few queries
per thousand datasets rather than a few per dataset.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from ckan import model

from .facts import ContentReport, DcatReport, LinkState

log = logging.getLogger(__name__)

_CONTENT = sa.text(
    """
    SELECT DISTINCT ON (resource_id)
           resource_id, package_id, status, passed, error_count,
           accepted_at IS NOT NULL AS accepted,
           (SELECT coalesce(sum((r->>'count')::int), 0) FROM jsonb_array_elements(rules) r
             WHERE r->>'rule' LIKE 'personal.%%' AND (r->>'passed')::boolean IS NOT TRUE)
             AS personal
      FROM territorio_validation_report
     WHERE package_id = ANY(:ids) AND kind = 'content' AND resource_id IS NOT NULL
     ORDER BY resource_id, created DESC
    """.replace("%%", "%")
)

_DCAT = sa.text(
    """
    SELECT DISTINCT ON (package_id)
           package_id, status, error_count,
           (SELECT coalesce(sum((r->>'count')::int), 0) FROM jsonb_array_elements(rules) r
             WHERE r->>'rule' = 'dcat.shacl') AS violations
      FROM territorio_validation_report
     WHERE package_id = ANY(:ids) AND kind = 'dcat' AND resource_id IS NULL
       AND status IN ('done', 'failed')
     ORDER BY package_id, created DESC
    """
)

_LINKS = sa.text(
    """
    SELECT resource_id, package_id, url, ok, outcome, status_code
      FROM territorio_link_check
     WHERE package_id = ANY(:ids)
    """
)


def content_reports(package_ids: Sequence[str]) -> dict[str, dict[str, ContentReport]]:
    """package id → resource id → its standing content report."""
    found: dict[str, dict[str, ContentReport]] = defaultdict(dict)
    if not package_ids:
        return found
    for row in model.Session.execute(_CONTENT, {"ids": list(package_ids)}):
        accepted = bool(row.accepted)
        found[row.package_id][row.resource_id] = ContentReport(
            resource_id=row.resource_id,
            status=row.status,
            passed=row.passed,
            error_count=int(row.error_count or 0),
            accepted=accepted,
            personal_findings=0 if accepted else int(row.personal or 0),
        )
    return found


def dcat_reports(package_ids: Sequence[str]) -> dict[str, DcatReport]:
    """package id → its latest finished DCAT-AP (SHACL) report."""
    if not package_ids:
        return {}
    return {
        row.package_id: DcatReport(
            status=row.status, violations=int(row.violations or 0), error_count=int(row.error_count or 0)
        )
        for row in model.Session.execute(_DCAT, {"ids": list(package_ids)})
    }


def link_checks(package_ids: Sequence[str]) -> dict[str, dict[str, LinkState]]:
    """package id → resource id → its latest URL check."""
    found: dict[str, dict[str, LinkState]] = defaultdict(dict)
    if not package_ids:
        return found
    for row in model.Session.execute(_LINKS, {"ids": list(package_ids)}):
        found[row.package_id][row.resource_id] = LinkState(
            url=row.url, ok=bool(row.ok), outcome=row.outcome, status_code=row.status_code
        )
    return found


def has_datastore_table(package: Mapping[str, Any]) -> bool:
    """Only DataStore-backed datasets can be sensor series (saves a query per dataset)."""
    return any(
        isinstance(r, Mapping)
        and (r.get("datastore_active") in (True, "true", "True") or r.get("url_type") == "datastore")
        for r in package.get("resources") or []
    )


def sensor_facts(package: Mapping[str, Any], now: dt.datetime) -> Any:
    """SensorFacts of the dataset's observations (quality/sensor.py), None when not a series."""
    if not has_datastore_table(package):
        return None
    try:
        from . import sensor
    except ImportError:  # the data checks are not installed
        return None
    try:
        return sensor.sensor_facts(package, now=now)
    except Exception:
        # a broken observations table must not stop the scoring of the catalogue
        log.exception("No se pudieron leer las observaciones del conjunto %s", package.get("id"))
        return None
