"""Reads and writes of the citizen channel's tables (the session is committed by the caller)."""
from __future__ import annotations

import datetime
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from ckan import model

from ..model.citizen import CitizenRequest, Report, RequestComment, RequestDataset, RequestVote
from . import status

SORTS = ("votes", "created", "modified")


def now() -> datetime.datetime:
    """The current time, with its time zone."""
    return datetime.datetime.now(datetime.UTC)


# --- rate limits ---------------------------------------------------------------------------


def writings_since(since: datetime.datetime, *, user_id: str | None = None,
                   address_hash: str | None = None) -> int:
    """Requests, comments and reports written since ``since`` by the user or from the address."""
    total = 0
    for table in (CitizenRequest, RequestComment, Report):
        author = table.creator_user_id if table is CitizenRequest else table.user_id  # type: ignore[attr-defined]
        query = model.Session.query(sa.func.count()).select_from(table).filter(table.created >= since)
        if user_id is not None:
            query = query.filter(author == user_id)
        elif address_hash is not None:
            query = query.filter(table.address_hash == address_hash)
        else:
            return 0
        total += int(query.scalar() or 0)
    return total


# --- requests ------------------------------------------------------------------------------


def get_request(request_id: str) -> CitizenRequest | None:
    """The request, or None."""
    return model.Session.get(CitizenRequest, request_id) if request_id else None


def mark_answered(request: CitizenRequest, when: datetime.datetime) -> None:
    """Record the request's first answer (its status left ``abierta``); later changes keep it."""
    if request.answered is None and request.status != status.OPEN:
        request.answered = when


def votes(request_id: str) -> int:
    """How many users support the request."""
    return int(model.Session.query(sa.func.count()).select_from(RequestVote)
               .filter(RequestVote.request_id == request_id).scalar() or 0)


def has_voted(request_id: str, user_id: str | None) -> bool:
    """Whether the user supports the request."""
    if not user_id:
        return False
    return model.Session.get(RequestVote, (request_id, user_id)) is not None


def set_vote(request_id: str, user_id: str, vote: bool) -> None:
    """Add (idempotent) or withdraw the user's vote."""
    row = model.Session.get(RequestVote, (request_id, user_id))
    if vote and row is None:
        model.Session.add(RequestVote(request_id=request_id, user_id=user_id, created=now()))
    elif not vote and row is not None:
        model.Session.delete(row)
    model.Session.flush()


def datasets(request_id: str) -> list[model.Package]:
    """The active datasets linked to the request, by title."""
    return (
        model.Session.query(model.Package)
        .join(RequestDataset, RequestDataset.package_id == model.Package.id)
        .filter(RequestDataset.request_id == request_id, model.Package.state == "active")
        .order_by(model.Package.title)
        .all()
    )


def voted_among(request_ids: Collection[str], user_id: str | None) -> set[str]:
    """Which of the requests the user supports (one query for a page of requests)."""
    if not user_id or not request_ids:
        return set()
    rows = model.Session.query(RequestVote.request_id).filter(
        RequestVote.request_id.in_(list(request_ids)), RequestVote.user_id == user_id
    )
    return {row[0] for row in rows}


def datasets_of(request_ids: Collection[str]) -> dict[str, list[model.Package]]:
    """Each request's active linked datasets, by title (one query for a page of requests)."""
    found: dict[str, list[model.Package]] = {request_id: [] for request_id in request_ids}
    if not found:
        return found
    rows = (
        model.Session.query(RequestDataset.request_id, model.Package)
        .join(model.Package, RequestDataset.package_id == model.Package.id)
        .filter(RequestDataset.request_id.in_(list(found)), model.Package.state == "active")
        .order_by(model.Package.title)
    )
    for request_id, package in rows:
        found[request_id].append(package)
    return found


def set_datasets(request_id: str, package_ids: Sequence[str]) -> None:
    """Replace the request's linked datasets."""
    model.Session.query(RequestDataset).filter(RequestDataset.request_id == request_id).delete()
    for package_id in dict.fromkeys(package_ids):
        model.Session.add(RequestDataset(request_id=request_id, package_id=package_id))
    model.Session.flush()


def comments(request_id: str, *, see_held: bool, viewer_id: str | None) -> list[RequestComment]:
    """The request's comments, oldest first; held ones only for reviewers and their authors."""
    query = model.Session.query(RequestComment).filter(RequestComment.request_id == request_id)
    if not see_held:
        query = query.filter(sa.or_(RequestComment.held.is_(False),
                                    RequestComment.user_id == (viewer_id or "")))
    return query.order_by(RequestComment.created, RequestComment.id).all()


@dataclass(frozen=True)
class RequestFilter:
    """The filters of the public list of requests."""

    q: str | None = None
    status: str | None = None
    organization_id: str | None = None
    dimension: str | None = None
    region: str | None = None
    sort: str = "created"
    limit: int = 20
    offset: int = 0


def list_requests(
    wanted: RequestFilter, *, see_held: bool, viewer_id: str | None
) -> tuple[int, list[tuple[CitizenRequest, int]]]:
    """The count and one page of requests with their votes, as the filter asks."""
    vote_count = (
        sa.select(sa.func.count()).where(RequestVote.request_id == CitizenRequest.id)
        .correlate(CitizenRequest).scalar_subquery()
    )
    query = model.Session.query(CitizenRequest, vote_count.label("votes"))
    if not see_held:
        query = query.filter(sa.or_(CitizenRequest.held.is_(False),
                                    CitizenRequest.creator_user_id == (viewer_id or "")))
    if wanted.q:
        pattern = "%" + wanted.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.filter(sa.or_(CitizenRequest.title.ilike(pattern),
                                    CitizenRequest.description.ilike(pattern)))
    if wanted.status:
        query = query.filter(CitizenRequest.status == wanted.status)
    if wanted.organization_id:
        query = query.filter(CitizenRequest.organization_id == wanted.organization_id)
    if wanted.dimension:
        query = query.filter(CitizenRequest.dimension.contains([wanted.dimension]))
    if wanted.region:
        query = query.filter(CitizenRequest.region.contains([wanted.region]))
    count = query.count()
    order: Any = {
        "votes": vote_count.desc(),
        "modified": CitizenRequest.modified.desc(),
    }.get(wanted.sort, CitizenRequest.created.desc())
    rows = query.order_by(order, CitizenRequest.created.desc(), CitizenRequest.id) \
        .limit(wanted.limit).offset(wanted.offset).all()
    return count, [(row[0], int(row[1])) for row in rows]


def open_requests_of(org_ids: Collection[str], *, unaddressed: bool = False) -> list[CitizenRequest]:
    """Open (abierta, en-curso) requests addressed to the organizations (and the unaddressed
    ones when asked), newest first."""
    scope = [CitizenRequest.organization_id.in_(list(org_ids))] if org_ids else []
    if unaddressed:
        scope.append(CitizenRequest.organization_id.is_(None))
    if not scope:
        return []
    return (
        model.Session.query(CitizenRequest)
        .filter(sa.or_(*scope), CitizenRequest.status.in_(status.ACTIVE))
        .order_by(CitizenRequest.created.desc())
        .all()
    )


# --- reports -------------------------------------------------------------------------------


def get_report(report_id: str) -> Report | None:
    """The report, or None."""
    return model.Session.get(Report, report_id) if report_id else None


@dataclass(frozen=True)
class ReportFilter:
    """The filters of the reports list (``org_ids`` None: every organization)."""

    org_ids: Collection[str] | None = None
    filed_by: str | None = None
    organization_id: str | None = None
    package_id: str | None = None
    status: str | None = None
    urgent: bool | None = None
    limit: int = 100
    offset: int = 0


def list_reports(wanted: ReportFilter) -> tuple[int, list[tuple[Report, model.Package]]]:
    """The count and one page of reports (newest first) with their datasets."""
    query = model.Session.query(Report, model.Package).join(model.Package, model.Package.id == Report.package_id)
    if wanted.org_ids is not None:
        scope = [model.Package.owner_org.in_(list(wanted.org_ids))] if wanted.org_ids else []
        if wanted.filed_by:
            scope.append(Report.user_id == wanted.filed_by)
        query = query.filter(sa.or_(*scope) if scope else sa.false())
    if wanted.organization_id:
        query = query.filter(model.Package.owner_org == wanted.organization_id)
    if wanted.package_id:
        query = query.filter(Report.package_id == wanted.package_id)
    if wanted.status:
        query = query.filter(Report.status == wanted.status)
    if wanted.urgent is not None:
        query = query.filter(Report.urgent.is_(wanted.urgent))
    count = query.count()
    rows = query.order_by(Report.urgent.desc(), Report.created.desc(), Report.id) \
        .limit(wanted.limit).offset(wanted.offset).all()
    return count, [(row[0], row[1]) for row in rows]
