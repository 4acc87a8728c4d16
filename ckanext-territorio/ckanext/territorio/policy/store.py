"""Reading and writing validation reports (the territorio_validation_report table)."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from ckan import model

from ..model.checks import DatasetChecks
from ..model.validation import PublicationHold, ValidationReport
from .report import Findings, summary

# Resource fields that change when its file does (an upload sets last_modified and size).
FILE_FIELDS = ("url", "url_type", "last_modified", "size", "hash", "format", "schema")


def fingerprint(resource: Mapping[str, Any], policy_version: str) -> str:
    """What a content report is valid for: the resource's file fields and the policy version."""
    values = {name: str(resource.get(name) or "") for name in FILE_FIELDS}
    values["policy"] = policy_version
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()


def latest(resource_id: str) -> ValidationReport | None:
    """The resource's most recent content report, or None."""
    return (
        model.Session.query(ValidationReport)
        .filter(ValidationReport.resource_id == resource_id, ValidationReport.kind == "content")
        .order_by(ValidationReport.created.desc())
        .first()
    )


def latest_for_resources(resource_ids: Iterable[str]) -> dict[str, ValidationReport]:
    """The standing content report of each resource (one query)."""
    ids = list(resource_ids)
    if not ids:
        return {}
    ranked = (
        sa.select(
            ValidationReport.id,
            sa.func.row_number()
            .over(partition_by=ValidationReport.resource_id, order_by=ValidationReport.created.desc())
            .label("rank"),
        )
        .where(ValidationReport.resource_id.in_(ids), ValidationReport.kind == "content")
        .subquery()
    )
    rows = (
        model.Session.query(ValidationReport)
        .join(ranked, ranked.c.id == ValidationReport.id)
        .filter(ranked.c.rank == 1)
        .all()
    )
    return {row.resource_id: row for row in rows if row.resource_id}


def latest_dataset(package_id: str, kind: str) -> ValidationReport | None:
    """The dataset's most recent report of ``kind`` (metadata, dcat), or None."""
    return (
        model.Session.query(ValidationReport)
        .filter(
            ValidationReport.package_id == package_id,
            ValidationReport.kind == kind,
            ValidationReport.resource_id.is_(None),
        )
        .order_by(ValidationReport.created.desc())
        .first()
    )


def get(report_id: str) -> ValidationReport | None:
    """The report with this id, or None."""
    return model.Session.get(ValidationReport, report_id)


def create_pending(
    package_id: str, resource_id: str | None, kind: str, policy_version: str, fp: str | None
) -> ValidationReport:
    """A new pending report, added to the session (not committed)."""
    report = ValidationReport(
        id=str(uuid.uuid4()),
        package_id=package_id,
        resource_id=resource_id,
        kind=kind,
        status="pending",
        policy_version=policy_version,
        fingerprint=fp,
        created=_now(),
    )
    model.Session.add(report)
    return report


def finish(
    report: ValidationReport,
    findings: Findings,
    stats: Mapping[str, Any] | None = None,
    status: str = "done",
) -> ValidationReport:
    """Write the findings, counts and stats on the report and mark it finished."""
    rules = findings.as_list()
    counts = summary(rules)
    report.rules = rules
    report.error_count = counts["error"]
    report.warning_count = counts["warning"]
    report.passed = counts["error"] == 0
    report.status = status
    report.stats = dict(stats or {})
    report.finished = _now()
    report.policy_version = findings.policy.version
    return report


def record(
    package_id: str, kind: str, findings: Findings, stats: Mapping[str, Any] | None = None
) -> ValidationReport:
    """A finished dataset-level report (metadata, dcat) in one step."""
    report = create_pending(package_id, None, kind, findings.policy.version, None)
    report.started = _now()
    return finish(report, findings, stats)


def hold(package_id: str, reason: str) -> None:
    """Keep the dataset private until its checks pass (once; the first reason stays)."""
    if model.Session.get(PublicationHold, package_id) is None:
        model.Session.add(PublicationHold(package_id=package_id, reason=reason, created=_now()))


def held(package_id: str) -> PublicationHold | None:
    """The dataset's publication hold, or None."""
    return model.Session.get(PublicationHold, package_id)


def release(package_id: str) -> None:
    """Lift the dataset's publication hold, if any."""
    model.Session.query(PublicationHold).filter(PublicationHold.package_id == package_id).delete()


def purge(package_id: str) -> int:
    """Every report, hold and pending check of a purged dataset (it is gone for good)."""
    removed = 0
    for table in (ValidationReport.__table__, PublicationHold.__table__, DatasetChecks.__table__):
        result = model.Session.execute(sa.delete(table).where(table.c.package_id == package_id))
        removed += int(result.rowcount or 0)
    return removed


def as_dict(report: ValidationReport) -> dict[str, Any]:
    """The report as the API returns it."""
    def iso(value: dt.datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "id": report.id,
        "package_id": report.package_id,
        "resource_id": report.resource_id,
        "kind": report.kind,
        "status": report.status,
        "policy_version": report.policy_version,
        "passed": report.passed,
        "error_count": report.error_count,
        "warning_count": report.warning_count,
        "rules": report.rules,
        "stats": report.stats,
        "created": iso(report.created),
        "started": iso(report.started),
        "finished": iso(report.finished),
        "accepted": report.accepted_at is not None,
        "accepted_by": report.accepted_by,
        "accepted_at": iso(report.accepted_at),
        "acceptance_note": report.acceptance_note,
    }


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
