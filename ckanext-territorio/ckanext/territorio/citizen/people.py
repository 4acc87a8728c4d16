"""Who answers the citizen channel: the organizations' editors and admins, and the sysadmins."""
from __future__ import annotations

from typing import Any

from ckan import model

PUBLISHER_CAPACITIES = ("editor", "admin")


def _publisher_membership() -> list[Any]:
    """The conditions of an active editor or admin membership of a user."""
    return [
        model.Member.table_name == "user",
        model.Member.state == "active",
        model.Member.capacity.in_(PUBLISHER_CAPACITIES),
    ]


def publisher_org_ids(user_id: str | None) -> list[str]:
    """Organizations where the user is an active editor or admin."""
    if not user_id:
        return []
    rows = (
        model.Session.query(model.Member.group_id)
        .join(model.Group, model.Group.id == model.Member.group_id)
        .filter(
            *_publisher_membership(),
            model.Member.table_id == user_id,
            model.Group.is_organization.is_(True),
            model.Group.state == "active",
        )
        .all()
    )
    return sorted({row[0] for row in rows})


def publishers_of(org_id: str | None) -> list[model.User]:
    """Active editors and admins of the organization."""
    if not org_id:
        return []
    return (
        model.Session.query(model.User)
        .join(model.Member, model.Member.table_id == model.User.id)
        .filter(
            *_publisher_membership(),
            model.Member.group_id == org_id,
            model.User.state == "active",
        )
        .order_by(model.User.name)
        .all()
    )


def sysadmins() -> list[model.User]:
    """Active sysadmins, by name."""
    return (
        model.Session.query(model.User)
        .filter(model.User.sysadmin.is_(True), model.User.state == "active")
        .order_by(model.User.name)
        .all()
    )
