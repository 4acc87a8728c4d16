"""The citizen channel's rows as the API's dicts."""
from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from ckan import model

from ..model.citizen import CitizenRequest, Report, RequestComment
from . import store


def _iso(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _user_name(user_id: str | None) -> str | None:
    user = model.User.get(user_id) if user_id else None
    return user.name if user is not None else None


def _organization(org_id: str | None) -> model.Group | None:
    group = model.Group.get(org_id) if org_id else None
    return group if group is not None and group.is_organization else None


def request_dict(
    row: CitizenRequest,
    *,
    viewer_id: str | None,
    votes: int | None = None,
    voted: bool | None = None,
    linked: Sequence[model.Package] | None = None,
    with_comments: bool = True,
    see_held: bool = False,
) -> dict[str, Any]:
    """The request as ``territorio_request_show`` answers (no comments in lists).

    ``votes``, ``voted`` and ``linked`` are read here when not given (a list gives them for a
    whole page at once).
    """
    org = _organization(row.organization_id)
    result: dict[str, Any] = {
        "id": row.id,
        "title": row.title,
        "description": row.description,
        "status": row.status,
        "status_reason": row.status_reason,
        "dimension": list(row.dimension or []),
        "subdimension": list(row.subdimension or []),
        "region": list(row.region or []),
        "comuna": list(row.comuna or []),
        "organization": org.name if org is not None else None,
        "organization_title": (org.title or org.name) if org is not None else None,
        "creator": _user_name(row.creator_user_id),
        "created": _iso(row.created),
        "modified": _iso(row.modified),
        "closed": _iso(row.closed),
        "answered": _iso(row.answered),
        "votes": store.votes(row.id) if votes is None else votes,
        "voted": store.has_voted(row.id, viewer_id) if voted is None else voted,
        "datasets": [
            {"name": p.name, "title": p.title or p.name}
            for p in (store.datasets(row.id) if linked is None else linked)
        ],
        "held": bool(row.held),
    }
    if with_comments:
        result["comments"] = [
            comment_dict(c) for c in store.comments(row.id, see_held=see_held, viewer_id=viewer_id)
        ]
    return result


def comment_dict(row: RequestComment) -> dict[str, Any]:
    """A comment as the API shows it."""
    return {
        "id": row.id,
        "author": _user_name(row.user_id),
        "text": row.text,
        "created": _iso(row.created),
        "held": bool(row.held),
    }


def report_dict(row: Report, package: model.Package | None = None, *, show_held_text: bool = True) -> dict[str, Any]:
    """A report as the API shows it (a held text left out unless ``show_held_text``)."""
    package = package if package is not None else model.Package.get(row.package_id)
    org = _organization(package.owner_org if package is not None else None)
    return {
        "id": row.id,
        "package_id": row.package_id,
        "package_name": package.name if package is not None else None,
        "package_title": (package.title or package.name) if package is not None else None,
        "organization": org.name if org is not None else None,
        "resource_id": row.resource_id,
        "kind": row.kind,
        "text": row.text if (show_held_text or not row.held) else None,
        "author": _user_name(row.user_id),
        "status": row.status,
        "answer": row.answer,
        "created": _iso(row.created),
        "closed": _iso(row.closed),
        "held": bool(row.held),
        "urgent": bool(row.urgent),
    }
