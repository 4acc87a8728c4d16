"""Deferred checks: the pending row written with the save, and what a dataset still waits for.

``package_create`` / ``package_update`` write the row in the dataset's own transaction and
queue one job (``jobs.territorio_dataset_checks``); the job records the metadata report, queues
the content and DCAT-AP checks, scores the dataset and marks the row done. A dataset is
"pendiente" while that row is pending or one of its content / DCAT-AP reports is still queued
or running.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model
from sqlalchemy.dialects.postgresql import insert

from ..model.checks import STATUSES, DatasetChecks
from ..model.validation import ValidationReport
from . import store as policy_store

PENDING = "pendiente"
DONE = "completo"
HOLD_REASON = "checks"
# DATASET_CHECKED context flag: sent from the deferred checks' job, whose listeners do their
# own follow-up work (the link check) there rather than queue one more job
INLINE = "territorio_checks_inline"
# names of the datasets the policy validator keeps private until their checks pass, read back
# by after_dataset_create/_update: navl validates on a copy of the action's context, so the
# decision travels in the session's own ``info`` (one per request or job)
_HOLDING = "territorio_hold_until_checked"
_REQUESTED = "territorio_checks_requested"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def decide_hold(name: str, hold: bool) -> None:
    """The validator's decision for the dataset named ``name`` (the latest validation wins)."""
    names: set[str] = model.Session.info.setdefault(_HOLDING, set())
    if hold:
        names.add(name)
    else:
        names.discard(name)


def take_hold(name: str) -> bool:
    """Whether the validator decided to hold the dataset just saved (and forget it)."""
    names: set[str] = model.Session.info.get(_HOLDING) or set()
    if name in names:
        names.discard(name)
        return True
    return False


def requested(package_id: str) -> dt.datetime:
    """Mark the dataset's checks pending, in the session (committed with the dataset)."""
    model.Session.info.setdefault(_REQUESTED, set()).add(package_id)
    now = _now()
    table = DatasetChecks.__table__
    statement = insert(table).values(package_id=package_id, status="pending", requested=now, finished=None)
    model.Session.execute(
        statement.on_conflict_do_update(
            index_elements=[table.c.package_id],
            set_={"status": "pending", "requested": now, "finished": None},
        )
    )
    return now


def take_requested(package_id: str) -> bool:
    """Whether this save marked the dataset's checks pending (an update that changed nothing
    did not: it needs no job)."""
    ids: set[str] = model.Session.info.get(_REQUESTED) or set()
    if package_id in ids:
        ids.discard(package_id)
        return True
    return False


def started(package_id: str) -> dt.datetime | None:
    """When the checks a job is about to run were asked for (None: nothing pending)."""
    row = model.Session.get(DatasetChecks, package_id)
    return row.requested if row is not None and row.status == "pending" else None


def finished(package_id: str, asked: dt.datetime | None) -> None:
    """Mark the checks done, unless a newer save asked for them again meanwhile."""
    table = DatasetChecks.__table__
    condition = table.c.package_id == package_id
    if asked is not None:
        condition = sa.and_(condition, table.c.requested == asked)
    model.Session.execute(sa.update(table).where(condition).values(status="done", finished=_now()))


def counts() -> dict[str, int]:
    """How many datasets' checks are in each state (``pending``, ``done``), deleted ones aside."""
    table = DatasetChecks.__table__
    rows = model.Session.execute(
        sa.select(table.c.status, sa.func.count())
        .join(model.package_table, model.package_table.c.id == table.c.package_id)
        .where(model.package_table.c.state != "deleted")
        .group_by(table.c.status)
    )
    found = {status: 0 for status in STATUSES}
    found.update({str(status): int(count) for status, count in rows})
    return found


def stuck(older_than: dt.timedelta) -> list[tuple[str, str, dt.datetime]]:
    """Datasets (id, name, asked at) whose checks were asked for more than ``older_than`` ago
    and are still pending, oldest first; deleted datasets aside."""
    table = DatasetChecks.__table__
    package = model.package_table
    rows = model.Session.execute(
        sa.select(table.c.package_id, package.c.name, table.c.requested)
        .join(package, package.c.id == table.c.package_id)
        .where(
            table.c.status == "pending",
            table.c.requested < _now() - older_than,
            package.c.state != "deleted",
        )
        .order_by(table.c.requested, package.c.name)
    )
    return [(str(i), str(name), asked) for i, name, asked in rows]


def forget(package_id: str) -> None:
    """Drop the dataset's row (purged datasets)."""
    model.Session.execute(sa.delete(DatasetChecks.__table__).where(DatasetChecks.package_id == package_id))


def _reports_running(package_id: str) -> list[str]:
    rows = model.Session.execute(
        sa.select(ValidationReport.kind)
        .where(
            ValidationReport.package_id == package_id,
            ValidationReport.status.in_(("pending", "running")),
        )
        .distinct()
    ).scalars()
    return sorted(rows)


def waiting(package_id: str) -> list[str]:
    """What the dataset still waits for: ``guardado`` (the after-save job), ``content``, ``dcat``."""
    row = model.Session.get(DatasetChecks, package_id)
    kinds = ["guardado"] if row is not None and row.status == "pending" else []
    return kinds + _reports_running(package_id)


def _publication(private: bool, held: bool) -> str:
    if held:
        return "retenida"
    return "privada" if private else "publica"


def message(held: bool) -> str:
    """The notice in the request's language (Spanish first, English in the .po)."""
    text = tk._(
        "Las validaciones de este conjunto están en curso: la política de datos y la "
        "puntuación de calidad se actualizarán en unos momentos."
    )
    if held:
        text += " " + tk._(
            "Se mantiene privado y se publicará automáticamente si sus archivos cumplen la "
            "política de datos."
        )
    return text


def summary(package_id: str, private: bool | None = None, just_saved: bool = False) -> dict[str, Any]:
    """``territorio_checks`` as the API answers it: status, publication, what is waiting.

    ``just_saved``: the caller has just queued the after-save job (no need to ask for it).
    """
    # a held dataset is private: a public one needs no look-up
    held = private is not False and policy_store.held(package_id) is not None
    if private is None:
        package = model.Package.get(package_id)
        private = bool(package is not None and package.private)
    kinds = ["guardado"] if just_saved else waiting(package_id)
    status = PENDING if kinds else DONE
    out: dict[str, Any] = {
        "status": status,
        "publicacion": _publication(private, held),
        "pendientes": kinds,
    }
    if status == PENDING:
        out["mensaje"] = message(held)
    return out
